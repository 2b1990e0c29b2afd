"""``thrustcoach serve``: run the web app with uvicorn."""

from __future__ import annotations

import typer

from thrustcoach.config import load_settings

__all__ = ["register"]


def serve(
    host: str | None = typer.Option(
        None, "--host", help="Interface to listen on [default: 127.0.0.1]."
    ),
    port: int | None = typer.Option(None, "--port", help="TCP port [default: 8000]."),
    reload: bool = typer.Option(False, "--reload", help="Restart on code changes (development)."),
) -> None:
    """Start the web app (plan, log, video check, progress, guide) in your browser."""
    import uvicorn

    settings = load_settings(host=host, port=port)
    # Validate settings (data dir, secret key) now, so a bad setting is one clear line.
    from thrustcoach.web.app import create_app

    create_app(settings)
    typer.echo(
        f"ThrustCoach is running on http://{settings.host}:{settings.port} (Ctrl+C stops it)"
    )
    from thrustcoach.web.timeouts import GuardedH11Protocol

    uvicorn.run(
        "thrustcoach.web.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        reload=reload,
        log_level=settings.log_level.lower(),
        # Slow clients: a deadline for headers (GuardedH11Protocol) and bodies (the app's
        # RequestTimeoutMiddleware). Proxy headers are the app's business, and only from
        # settings.trusted_proxies: uvicorn's own default trusts X-Forwarded-For from 127.0.0.1.
        http=GuardedH11Protocol,
        proxy_headers=False,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
