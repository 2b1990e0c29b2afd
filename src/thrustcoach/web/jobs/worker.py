"""What runs inside a job worker (a local pool process or a Ray actor): one job at a time,
with a warm pose estimator.

A :class:`WarmWorker` builds the default pose estimator once (the MediaPipe graph costs about
a second to build, the process that holds it a few more to start) and reuses it for every
video it is given, resetting its tracker between clips. It never raises: a job ends in a
:class:`JobOutcome`, ``done`` or ``failed`` with a one-line message and a hint.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from thrustcoach.errors import ThrustCoachError
from thrustcoach.pose.estimators import EstimatorSpec, PoseEstimator, PoseResult

__all__ = ["JobOutcome", "JobTask", "WarmWorker"]

logger = logging.getLogger(__name__)

ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class JobTask:
    """One job as a worker gets it (picklable: it crosses process and machine borders)."""

    job_id: str
    input_path: str
    out_dir: str
    kind: str  # video | landmarks
    display_name: str
    options: dict[str, Any]
    spec: EstimatorSpec | None = None  # None: the default estimator (MediaPipe)
    max_duration_s: float | None = None


@dataclass
class JobOutcome:
    job_id: str
    state: str  # done | failed
    error: str | None = None
    hint: str | None = None
    warnings: list[str] = field(default_factory=list)
    frames: int = 0  # frames through the pose model
    pose_s: float = 0.0  # seconds spent in the pose model
    elapsed_s: float = 0.0


class _CountingEstimator:
    """Counts the frames and seconds a job spends in the pose model (for /metrics); leaves
    the warm estimator open when the pose stage closes it."""

    def __init__(self, inner: PoseEstimator, *, keep_open: bool) -> None:
        self.inner = inner
        self.name = inner.name
        self.keep_open = keep_open
        self.frames = 0
        self.seconds = 0.0

    def process(self, image_bgr: NDArray[np.uint8], *, time_s: float) -> PoseResult | None:
        started = time.perf_counter()
        try:
            return self.inner.process(image_bgr, time_s=time_s)
        finally:
            self.frames += 1
            self.seconds += time.perf_counter() - started

    def reset(self) -> None:
        self.inner.reset()

    def close(self) -> None:
        if not self.keep_open:
            self.inner.close()


def _cache_key(spec: EstimatorSpec) -> str | None:
    """Specs made of plain values are cached (MediaPipe); a replayed recording is not."""
    if all(isinstance(v, str | int | float | bool | None) for v in spec.params.values()):
        return json.dumps([spec.kind, spec.params], sort_keys=True)
    return None


def _check_duration(task: JobTask) -> None:
    if task.kind != "video" or task.max_duration_s is None:
        return
    from thrustcoach.pose.video import probe_video

    info = probe_video(task.input_path)
    if info.duration_s > task.max_duration_s:
        raise ThrustCoachError(
            f"the clip lasts {info.duration_s:.0f} s; a check takes at most "
            f"{task.max_duration_s:.0f} s of video",
            hint="trim the clip to the set and upload it again",
        )


class WarmWorker:
    """Runs jobs one after the other with estimators built once."""

    def __init__(self) -> None:
        self._estimators: dict[str, PoseEstimator] = {}

    def warm(self, spec: EstimatorSpec) -> None:
        """Build the estimator now (at worker start), so the first job does not wait for it."""
        try:
            self._estimator(spec)
        except ThrustCoachError as exc:  # e.g. MediaPipe missing: jobs will say so
            logger.warning("pose estimator not warmed: %s", exc)

    def _estimator(self, spec: EstimatorSpec) -> tuple[PoseEstimator, bool]:
        key = _cache_key(spec)
        if key is None:
            return spec.create(), False
        if key not in self._estimators:
            self._estimators[key] = spec.create()
        return self._estimators[key], True

    def run(self, task: JobTask, progress: ProgressFn) -> JobOutcome:
        from thrustcoach.web.pipeline import run_analysis

        started = time.perf_counter()
        counting: _CountingEstimator | None = None
        outcome = JobOutcome(job_id=task.job_id, state="failed")
        try:
            _check_duration(task)
            if task.kind == "video":
                inner, cached = self._estimator(task.spec or EstimatorSpec())
                counting = _CountingEstimator(inner, keep_open=cached)
            progress(0.02, "starting")
            run_analysis(
                Path(task.input_path),
                kind=task.kind,
                out_dir=Path(task.out_dir),
                display_name=task.display_name,
                options=task.options,
                progress=progress,
                pose_spec=task.spec,
                estimator=counting,
            )
            outcome.state = "done"
            outcome.warnings = _warnings(Path(task.out_dir) / "result.json")
        except ThrustCoachError as exc:
            outcome.error, outcome.hint = exc.message, exc.hint
        except Exception as exc:  # a job must end in a state the page can show
            logger.exception("analysis job %s failed", task.job_id)
            outcome.error = f"internal error ({type(exc).__name__})"
            outcome.hint = "try again; if it keeps failing, report it"
        finally:
            if counting is not None:
                outcome.frames, outcome.pose_s = counting.frames, round(counting.seconds, 3)
                counting.close()
        outcome.elapsed_s = round(time.perf_counter() - started, 3)
        return outcome

    def close(self) -> None:
        for estimator in self._estimators.values():
            estimator.close()
        self._estimators.clear()


def _warnings(result_path: Path) -> list[str]:
    try:
        doc = json.loads(result_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(w) for w in doc.get("warnings", [])][:50]
