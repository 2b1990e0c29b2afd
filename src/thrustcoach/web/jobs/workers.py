"""The server's job workers: one object per app that starts the runner when it is needed.

``JobWorkers.ensure_started()`` runs at server start (so the pool is warm before the first
upload) and on every upload (tests build apps without a server). The pool is local warm
processes, or Ray actors when ``settings.ray_address`` is set: nothing else changes.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from thrustcoach.config import Settings
from thrustcoach.log.db import get_engine
from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.web.jobs.dispatcher import Dispatcher
from thrustcoach.web.jobs.pool import LocalPool, Pool
from thrustcoach.web.jobs.store import JobStore
from thrustcoach.web.jobs.worker import JobOutcome

__all__ = ["JobWorkers", "default_slots"]

logger = logging.getLogger(__name__)


def default_slots() -> int:
    """Jobs side by side: one per CPU core this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class JobWorkers:
    def __init__(self, settings: Settings, store: JobStore) -> None:
        self.settings = settings
        self.store = store
        self.dispatcher: Dispatcher | None = None
        self._lock = threading.Lock()
        self._observers: list[Any] = []

    def _make_pool(self) -> Pool:
        s = self.settings
        warm = self.store.pose_spec if self.store.pose_spec is not None else EstimatorSpec()
        warm_spec = warm if s.pose_warm_start else None
        if s.ray_address:
            from thrustcoach.web.jobs.ray_pool import RayPool

            return RayPool(s.ray_address, slots=s.job_workers, warm_spec=warm_spec)
        return LocalPool(s.job_workers or default_slots(), warm_spec=warm_spec)

    def ensure_started(self) -> Dispatcher:
        with self._lock:
            if self.dispatcher is None or not self.dispatcher.alive:  # none yet, or it died
                s = self.settings
                self.dispatcher = Dispatcher(
                    engine=get_engine(s.resolved_database_url),
                    jobs_root=self.store.root,
                    make_pool=self._make_pool,
                    pose_spec=lambda: self.store.pose_spec,
                    job_timeout_s=s.job_timeout_s,
                    max_duration_s=s.max_video_s,
                    on_outcome=self._observe,
                )
                self.dispatcher.start()
            return self.dispatcher

    def on_outcome(self, callback: Any) -> None:
        self._observers.append(callback)

    def _observe(self, outcome: JobOutcome) -> None:
        for callback in self._observers:
            callback(outcome)

    def wake(self) -> None:
        self.ensure_started().wake()

    def stop(self, *, requeue: bool = True) -> None:
        with self._lock:
            if self.dispatcher is not None:
                self.dispatcher.stop(requeue=requeue)
                self.dispatcher = None
