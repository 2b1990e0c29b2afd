"""``thrustcoach serve``: run the web app with uvicorn."""

from __future__ import annotations

from typing import Any

import typer

from thrustcoach.config import load_settings

__all__ = ["register"]


def serve(
    host: str | None = typer.Option(
        None, "--host", help="Interface to listen on [default: 127.0.0.1; with --https: all]."
    ),
    port: int | None = typer.Option(None, "--port", help="TCP port [default: 8000]."),
    reload: bool = typer.Option(False, "--reload", help="Restart on code changes (development)."),
    https: bool = typer.Option(
        False,
        "--https",
        help="Serve over https with a self-signed certificate made on this computer, on every "
        "interface, so a phone on the same network can be the Live page's camera.",
    ),
) -> None:
    """Start the web app (plan, log, video check, live coaching, progress, guide)."""
    import uvicorn

    if https and host is None:
        host = "0.0.0.0"
    settings = load_settings(host=host, port=port)
    # Validate settings (data dir, secret key) now, so a bad setting is one clear line.
    from thrustcoach.web.app import create_app

    create_app(settings)
    tls: dict[str, Any] = {}
    scheme = "http"
    if https:
        tls = _certificate(settings.data_dir, port=settings.port)
        scheme = "https"
    shown = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    typer.echo(f"ThrustCoach is running on {scheme}://{shown}:{settings.port} (Ctrl+C stops it)")
    uvicorn.run(
        "thrustcoach.web.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        reload=reload,
        log_level=settings.log_level.lower(),
        **tls,
    )


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
