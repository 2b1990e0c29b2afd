"""Slows password guessing: failed logins per e-mail and per client address, in memory."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from thrustcoach.errors import ThrustCoachError

__all__ = ["LoginThrottle", "TooManyAttemptsError"]


class TooManyAttemptsError(ThrustCoachError):
    http_status = 429
    title = "Too many attempts"


class LoginThrottle:
    """At most ``max_failures`` failed logins per key within ``window_s`` seconds."""

    def __init__(self, *, max_failures: int = 10, window_s: float = 900.0) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and now - times[0] > self.window_s:
            times.popleft()
        return times

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    wait_min = max(1, round((self.window_s - (now - times[0])) / 60))
                    raise TooManyAttemptsError(
                        "too many failed logins",
                        hint=f"wait about {wait_min} minutes and try again",
                    )

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
