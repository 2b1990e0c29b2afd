"""Operating the server: request ids, structured access logs, Prometheus metrics.

* Every request gets an id: the client's ``X-Request-ID`` when it is a sane token (up to 64
  letters, digits, ``-``, ``_``, ``.``), else a new random one. It is echoed in the response
  header and carried by every log record written while the request runs
  (``%(request_id)s``), so one line of a user's report finds all the server's lines.
* One access-log record per request (logger ``thrustcoach.access``): method, route, status,
  duration. :func:`logging_config` formats all server logs as text or JSON lines.
* Metrics (``/metrics``, see :mod:`thrustcoach.web.routers.ops`): request latency histograms
  per route template (not per raw path: ids would explode the series), jobs by state, pose
  frames and seconds. With ``serve --workers N`` each process writes its samples to
  ``PROMETHEUS_MULTIPROC_DIR`` and a scrape of any process adds them up.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import time
import uuid
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "JOB_SECONDS",
    "POSE_FPS",
    "POSE_FRAMES",
    "POSE_SECONDS",
    "REQUEST_SECONDS",
    "JsonFormatter",
    "RequestContextMiddleware",
    "RequestIdFilter",
    "current_request_id",
    "logging_config",
]

access_log = logging.getLogger("thrustcoach.access")

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REQUEST_ID_HEADER = b"x-request-id"

# Page and API latencies sit between a few ms and a few hundred: fine buckets there.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_SECONDS = Histogram(
    "thrustcoach_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["method", "route", "status"],
    buckets=_LATENCY_BUCKETS,
)
JOB_SECONDS = Histogram(
    "thrustcoach_job_duration_seconds",
    "Time a video-check job ran on a worker, by outcome.",
    ["outcome"],
    buckets=(1, 2, 4, 6, 8, 12, 20, 30, 60, 120, 300, 600),
)
POSE_FRAMES = Counter(
    "thrustcoach_pose_frames_total", "Frames that went through the pose model in jobs."
)
POSE_SECONDS = Counter(
    "thrustcoach_pose_seconds_total", "Seconds the job workers spent in the pose model."
)
POSE_FPS = Gauge(
    "thrustcoach_pose_frames_per_second",
    "Pose model frames per second of the last video job (per worker).",
    multiprocess_mode="mostrecent",
)


def current_request_id() -> str:
    return _request_id.get()


def _route_label(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    raw = str(scope.get("path", ""))
    for prefix in ("/static-vendor", "/static"):
        if raw.startswith(prefix + "/"):
            return prefix
    return "unmatched"  # 404s: never the raw path (unbounded label values)


class RequestContextMiddleware:
    """Request id in, request id out; access log and latency histogram for every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(REQUEST_ID_HEADER, b"").decode("latin-1")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [
                    h for h in message.get("headers", []) if h[0].lower() != REQUEST_ID_HEADER
                ]
                headers.append((REQUEST_ID_HEADER, request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_label(scope)
            method = str(scope.get("method", ""))
            REQUEST_SECONDS.labels(method, route, f"{status // 100}xx").observe(elapsed)
            access_log.info(
                "%s %s %d %.1f ms",
                method,
                scope.get("path", ""),
                status,
                elapsed * 1000,
                extra={
                    "request_id": request_id,
                    "method": method,
                    "path": scope.get("path", ""),
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and extras."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "pid": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in doc and not key.startswith("_"):
                doc[key] = (
                    value if isinstance(value, str | int | float | bool | None) else str(value)
                )
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


def logging_config(*, level: str, fmt: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server (uvicorn's loggers included)."""
    text = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"} if fmt == "json" else {"format": text}
    )
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "default",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "loggers": {
            "thrustcoach": {"handlers": ["default"], "level": level, "propagate": False},
            "thrustcoach.access": {"level": "INFO"},  # one line per request, like uvicorn's
            # Our access log replaces uvicorn's (it has the route, duration and request id).
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
