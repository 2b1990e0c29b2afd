"""Estimators kept built between videos in a long-lived process (a server, a job worker).

Building a MediaPipe graph and running its first frame costs ~0.3-1 s; a process that checks
video after video keeps its estimators and hands them out again, reset, for the next video's
chunks. Thread-safe: jobs on several threads never share an estimator. Specs that replay
recorded arrays (the fake estimator in tests) are never kept.
"""

from __future__ import annotations

import json
import threading

from thrustcoach.pose.estimators import EstimatorSpec, PoseEstimator

__all__ = ["WarmEstimators", "warm_estimators"]


def _key(spec: EstimatorSpec) -> str | None:
    if all(isinstance(v, str | int | float | bool | None) for v in spec.params.values()):
        return json.dumps([spec.kind, spec.params], sort_keys=True)
    return None


class WarmEstimators:
    """A pool of idle, built estimators per spec."""

    def __init__(self, *, max_idle: int = 4) -> None:
        self._idle: dict[str, list[PoseEstimator]] = {}
        self._lock = threading.Lock()
        self._max_idle = max_idle

    def borrow(self, spec: EstimatorSpec) -> PoseEstimator:
        """An idle estimator of this spec (reset), or a new one."""
        key = _key(spec)
        if key is not None:
            with self._lock:
                idle = self._idle.get(key)
                estimator = idle.pop() if idle else None
            if estimator is not None:
                estimator.reset()
                return estimator
        return spec.create()

    def give_back(self, spec: EstimatorSpec, estimator: PoseEstimator) -> None:
        """Keep ``estimator`` for the next video (or close it when the pool is full)."""
        key = _key(spec)
        if key is not None:
            with self._lock:
                idle = self._idle.setdefault(key, [])
                if len(idle) < self._max_idle:
                    idle.append(estimator)
                    return
        estimator.close()

    def close(self) -> None:
        with self._lock:
            pools, self._idle = list(self._idle.values()), {}
        for idle in pools:
            for estimator in idle:
                estimator.close()


_POOL = WarmEstimators()


def warm_estimators() -> WarmEstimators:
    """This process's pool."""
    return _POOL
