"""The FastAPI application: pages for people, ``/api/v1`` for programs, one router per resource.

Run it with ``thrustcoach serve``; tests build it with :func:`create_app` and their own
:class:`~thrustcoach.config.Settings`.
"""

from __future__ import annotations

import importlib.resources
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import swagger_ui
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from thrustcoach import __version__
from thrustcoach.config import Settings, load_settings
from thrustcoach.errors import DependencyMissingError
from thrustcoach.log import session_scope
from thrustcoach.log.db import get_engine
from thrustcoach.web import exports
from thrustcoach.web.compression import CompressMiddleware, precompressed_response
from thrustcoach.web.jobs import JobStore, JobWorkers
from thrustcoach.web.jobs.worker import JobOutcome
from thrustcoach.web.live import LiveHub
from thrustcoach.web.middleware import SecurityHeadersMiddleware
from thrustcoach.web.observe import (
    JOB_SECONDS,
    POSE_FPS,
    POSE_FRAMES,
    POSE_SECONDS,
    RequestContextMiddleware,
)
from thrustcoach.web.problems import install_problem_handlers
from thrustcoach.web.ratelimit import LoginThrottle
from thrustcoach.web.security import load_secret_key
from thrustcoach.web.timeouts import RequestTimeoutMiddleware

__all__ = ["create_app", "plotly_js_path", "stop_job_workers"]

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "thrustcoach_session"
SESSION_MAX_AGE_S = 14 * 24 * 3600


# plotly.js "basic" (scatter, bar, pie: all our charts use) from the npm registry, installed by
# scripts/setup.sh into js/node_modules: 1.0 MB instead of the full bundle's 4.6 MB.
BASIC_PLOTLY_JS = (
    Path(__file__).resolve().parents[3]
    / "js"
    / "node_modules"
    / "plotly.js-basic-dist-min"
    / "plotly-basic.min.js"
)


def plotly_js_path() -> Path:
    """The plotly.js bundle to serve (never a CDN): the basic bundle when setup.sh installed
    it, else the full one that the installed ``plotly`` Python package ships."""
    if BASIC_PLOTLY_JS.is_file():
        return BASIC_PLOTLY_JS
    path = Path(str(importlib.resources.files("plotly") / "package_data" / "plotly.min.js"))
    if not path.is_file():
        raise DependencyMissingError(
            f"plotly.js not found at {path}", hint="reinstall with bash scripts/setup.sh"
        )
    return path


def _include_routers(app: FastAPI) -> None:
    from thrustcoach.web.routers import ROUTERS

    for router in ROUTERS:
        app.include_router(router)


def _record_job(outcome: JobOutcome) -> None:
    JOB_SECONDS.labels(outcome.state).observe(outcome.elapsed_s)
    if outcome.frames:
        POSE_FRAMES.inc(outcome.frames)
        POSE_SECONDS.inc(outcome.pose_s)
        if outcome.elapsed_s > 0:
            POSE_FPS.set(outcome.frames / outcome.elapsed_s)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Server start: old file-based jobs become rows, the job workers start warming up.
    Server stop: running jobs go back to the queue for the next start."""
    settings: Settings = app.state.settings
    store: JobStore = app.state.jobs
    with session_scope(get_engine(settings.resolved_database_url)) as db:
        imported = store.import_legacy(db)
    if imported:
        logger.info("imported %d analyses from the old job folders", imported)
    app.state.job_workers.ensure_started()
    yield
    stop_job_workers(app)


def stop_job_workers(app: FastAPI, *, requeue: bool = True) -> None:
    """Stop the app's job runner and its worker processes (server stop; tests)."""
    workers: JobWorkers = app.state.job_workers
    workers.stop(requeue=requeue)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app. ``settings`` defaults to :func:`thrustcoach.config.load_settings`."""
    settings = settings or load_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="ThrustCoach",
        version=__version__,
        summary="Plans, per-leg log, video checks and the exercise guide for the hip thrust.",
        docs_url=None,  # /docs is served offline by routers/docs.py (no CDN assets)
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.jobs = JobStore(settings.data_dir / "jobs")
    app.state.job_workers = JobWorkers(settings, app.state.jobs)
    app.state.job_workers.on_outcome(_record_job)
    exports.sweep(settings.data_dir)  # deleted accounts' exports older than a day
    app.state.login_throttle = LoginThrottle()
    app.state.secret_key = load_secret_key(settings)
    # Live coaching sessions (one per user; finished sets under data_dir/live).
    app.state.live = LiveHub(settings.data_dir / "live")
    install_problem_handlers(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=app.state.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_S,
        same_site="lax",
        https_only=False,  # local app on http://127.0.0.1; put TLS in front to serve it wider
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(CompressMiddleware)
    app.add_middleware(
        RequestTimeoutMiddleware,
        idle_timeout_s=settings.body_idle_timeout_s,
        min_rate_bytes_s=settings.body_min_rate_kib_s * 1024,
    )
    if settings.trusted_proxies:
        # Client address and scheme from X-Forwarded-For/-Proto, but only when the TCP peer
        # is one of the configured proxies (uvicorn itself is run with proxy_headers off).
        app.add_middleware(
            ProxyHeadersMiddleware,  # type: ignore[arg-type]  # uvicorn's stricter ASGI types
            trusted_hosts=settings.trusted_proxies,
        )
    app.add_middleware(RequestContextMiddleware)  # outermost: times and tags everything
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/static-vendor/plotly.min.js", include_in_schema=False)
    def plotly_js(request: Request) -> Response:
        return precompressed_response(request, plotly_js_path(), media_type="text/javascript")

    # Swagger UI's assets from the swagger-ui-py wheel, for the interactive /docs/try page.
    app.mount(
        "/static-vendor/swagger",
        StaticFiles(directory=Path(swagger_ui.__file__).parent / "static"),
        name="swagger",
    )
    _include_routers(app)
    return app
