"""For the people who run the server: ``/healthz`` and ``/metrics`` (Prometheus text format).

``/healthz`` answers 200 when the database answers and a job runner is alive (or no job is
waiting for one), else 503, with the details as JSON either way. ``/metrics`` needs no
sign-in, like most exporters: put it behind the proxy's access rules when the server is
reachable from outside.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.config import Settings
from thrustcoach.errors import ThrustCoachError
from thrustcoach.log import jobqueue, session_scope
from thrustcoach.log.db import get_engine
from thrustcoach.web.jobs import JobWorkers
from thrustcoach.web.jobs.dispatcher import STALE_AFTER_S
from thrustcoach.web.observe import multiprocess_dir

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# A runner beats every 5 s: three missed beats and /healthz calls the workers down.
RUNNER_SEEN_S = 15.0


def _engine(request: Request) -> Any:
    settings: Settings = request.app.state.settings
    return get_engine(settings.resolved_database_url)


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    report: dict[str, Any] = {"status": "ok"}
    started = time.perf_counter()
    try:
        with session_scope(_engine(request), read_only=True) as db:
            db.execute(text("SELECT 1"))
            report["database"] = {
                "ok": True,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            counts = jobqueue.job_counts(db)
            seen = jobqueue.utcnow() - dt.timedelta(seconds=RUNNER_SEEN_S)
            runners = jobqueue.live_runners(db, seen_after=seen)
    except ThrustCoachError as exc:
        report["status"] = "down"
        report["database"] = {"ok": False, "error": exc.message}
        return JSONResponse(report, status_code=503)
    workers: JobWorkers = request.app.state.job_workers
    workers.ensure_started()  # a server that lost its runner gets one back
    slots = sum(r.slots for r in runners)
    report["jobs"] = {
        "queued": counts.by_state["queued"],
        "running": counts.by_state["running"],
        "oldest_queued_s": None
        if counts.oldest_queued_s is None
        else round(counts.oldest_queued_s, 1),
    }
    report["workers"] = {
        "ok": bool(runners) or counts.by_state["queued"] == 0,
        "runners": [
            {"id": r.id, "backend": r.backend, "slots": r.slots, "busy": r.busy} for r in runners
        ],
        "slots": slots,
        "busy": sum(r.busy for r in runners),
    }
    stuck = (
        counts.oldest_queued_s is not None
        and counts.oldest_queued_s > STALE_AFTER_S
        and not runners
    )
    if not report["workers"]["ok"] or stuck:
        report["status"] = "degraded"
        return JSONResponse(report, status_code=503)
    return JSONResponse(report)


class _JobCollector(Collector):
    """Jobs by state and live worker slots, read from the database at scrape time (so every
    server process reports the same numbers)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        try:
            with session_scope(self.engine, read_only=True) as db:
                counts = jobqueue.job_counts(db)
                seen = jobqueue.utcnow() - dt.timedelta(seconds=RUNNER_SEEN_S)
                runners = jobqueue.live_runners(db, seen_after=seen)
        except ThrustCoachError:
            up = GaugeMetricFamily("thrustcoach_database_up", "1 when the database answers.")
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily("thrustcoach_database_up", "1 when the database answers.")
        up.add_metric([], 1)
        yield up
        jobs = GaugeMetricFamily("thrustcoach_jobs", "Video-check jobs by state.", labels=["state"])
        for state, n in counts.by_state.items():
            jobs.add_metric([state], n)
        yield jobs
        age = GaugeMetricFamily(
            "thrustcoach_jobs_oldest_queued_seconds", "Age of the oldest queued job (0: none)."
        )
        age.add_metric([], counts.oldest_queued_s or 0.0)
        yield age
        slots = GaugeMetricFamily(
            "thrustcoach_job_worker_slots", "Job worker slots of live runners.", labels=["state"]
        )
        slots.add_metric(["total"], sum(r.slots for r in runners))
        slots.add_metric(["busy"], sum(r.busy for r in runners))
        yield slots


@router.get("/metrics")
def metrics(request: Request) -> Response:
    registry = CollectorRegistry()
    if multiprocess_dir():
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # all processes
        sources: list[Any] = [registry]
    else:
        sources = [REGISTRY, registry]
    registry.register(_JobCollector(_engine(request)))
    body = b"".join(generate_latest(r) for r in sources)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
