"""``thrustcoach serve``: run the web app with uvicorn."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import typer

from thrustcoach.config import load_settings
from thrustcoach.errors import UsageError

__all__ = ["register"]


def _metrics_dir() -> str:
    """A fresh folder where every server process writes its metrics (Prometheus multiprocess
    mode), so /metrics answered by any process counts the requests of all."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        shutil.rmtree(path, ignore_errors=True)
        Path(path).mkdir(parents=True, exist_ok=True)
        return path
    return tempfile.mkdtemp(prefix="thrustcoach-metrics-")


def serve(
    host: str | None = typer.Option(
        None, "--host", help="Interface to listen on (default 127.0.0.1; with --https: all)."
    ),
    port: int | None = typer.Option(None, "--port", help="TCP port (default 8000)."),
    workers: int = typer.Option(
        1,
        "--workers",
        help="Server processes answering requests (they share one queue of video checks, "
        "run by one pool of warm pose workers).",
    ),
    log_format: str | None = typer.Option(
        None, "--log-format", help="Server logs as 'text' lines or 'json' lines (default text)."
    ),
    reload: bool = typer.Option(False, "--reload", help="Restart on code changes (development)."),
    https: bool = typer.Option(
        False,
        "--https",
        help="Serve over https with a self-signed certificate made on this computer, on every "
        "interface, so a phone on the same network can be the Live page's camera.",
    ),
) -> None:
    """Start the web app (plan, log, video check, live coaching, progress, guide).

    Video checks run on warm local worker processes (THRUSTCOACH_JOB_WORKERS, default one per
    core) or on a Ray cluster when THRUSTCOACH_RAY_ADDRESS is set. /healthz and /metrics are
    for monitoring.
    """
    import uvicorn

    if workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    if workers > 1 and reload:
        raise UsageError("--reload runs one process: drop --workers or --reload")
    if https and host is None:
        host = "0.0.0.0"
    settings = load_settings(host=host, port=port, log_format=log_format)
    # Validate settings (data dir, secret key) now, so a bad setting is one clear line.
    from thrustcoach.web.app import create_app
    from thrustcoach.web.observe import logging_config

    create_app(settings)
    if workers > 1:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir()
    tls: dict[str, Any] = {}
    scheme = "http"
    if https:
        tls = _certificate(settings.data_dir, port=settings.port)
        scheme = "https"
    shown = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    typer.echo(
        f"ThrustCoach is running on {scheme}://{shown}:{settings.port} "
        f"({workers} server process{'es' if workers > 1 else ''}; Ctrl+C stops it)"
    )
    from thrustcoach.web.timeouts import GuardedH11Protocol

    options: dict[str, Any] = {
        "factory": True,
        "host": settings.host,
        "port": settings.port,
        "reload": reload,
        "workers": workers,
        "log_config": logging_config(level=settings.log_level, fmt=settings.log_format),
        "log_level": settings.log_level.lower(),
        "access_log": False,  # thrustcoach.access logs each request, with its id and route
        "timeout_graceful_shutdown": 10,
        # Slow clients: a deadline for headers (GuardedH11Protocol) and bodies (the app's
        # RequestTimeoutMiddleware). Proxy headers are the app's business, and only from
        # settings.trusted_proxies: uvicorn's own default trusts X-Forwarded-For from 127.0.0.1.
        "http": GuardedH11Protocol,
        "proxy_headers": False,
        **tls,
    }
    if workers > 1:
        _serve_many(options)
    else:
        uvicorn.run(APP, **options)


APP = "thrustcoach.web.app:create_app"
# uvicorn's supervisor kills a worker that does not answer its ping within 5 s, and a worker
# answers only once Python has started and imported uvicorn: on a busy 2-core machine that
# took longer, and the workers were killed in a loop. A patient supervisor waits longer.
_PING_TIMEOUT_S = 60.0


def _serve_many(options: dict[str, Any]) -> None:
    """uvicorn.run's ``workers > 1`` branch, with a patient supervisor."""
    from uvicorn import Config, Server
    from uvicorn.supervisors.multiprocess import Multiprocess, Process

    class PatientMultiprocess(Multiprocess):
        def keep_subprocess_alive(self) -> None:
            if self.should_exit.is_set():
                return
            for idx, process in enumerate(self.processes):
                if process.is_alive(timeout=_PING_TIMEOUT_S):
                    continue
                process.kill()
                process.join()
                if self.should_exit.is_set():
                    return
                logging.getLogger("uvicorn.error").warning("server process %s died", process.pid)
                process = Process(self.config, self.target, self.sockets)
                process.start()
                self.processes[idx] = process

    config = Config(APP, **options)  # (this also configures logging)
    server = Server(config=config)
    sock = config.bind_socket()
    with contextlib.suppress(KeyboardInterrupt):
        PatientMultiprocess(config, target=server.run, sockets=[sock]).run()


def _certificate(data_dir: Any, *, port: int) -> dict[str, Any]:
    from thrustcoach.web.lan import lan_addresses
    from thrustcoach.web.tls import ensure_certificate

    addresses = lan_addresses()
    cert = ensure_certificate(data_dir, addresses=addresses)
    typer.echo(
        f"https: {'made a new' if cert.created else 'reusing the'} self-signed certificate "
        f"{cert.cert_path} (SHA-256 {cert.fingerprint_sha256})"
    )
    for address in addresses:
        typer.echo(f"phone on this network: open https://{address}:{port}/live")
    typer.echo(
        "Browsers warn once about a certificate no authority signed: check the fingerprint, "
        "then choose Advanced -> Proceed (Chrome) or Show details -> visit (Safari)."
    )
    return {"ssl_certfile": str(cert.cert_path), "ssl_keyfile": str(cert.key_path)}


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
