"""Pose estimators behind one small interface, with a fake for tests.

A :class:`PoseEstimator` turns one upright BGR frame into the 33 MediaPipe landmarks in image
pixels (``y`` down) with visibility, or ``None`` when it sees nobody. Estimators are created
inside worker processes from a picklable :class:`EstimatorSpec`, so a new backend (a
MediaPipe ``.task`` file, an RTMPose ONNX model given by path) is one class plus one registry
entry. Nothing is downloaded: MediaPipe 0.10.21 ships its pose models inside the wheel.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from thrustcoach.errors import DependencyMissingError, UsageError
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.series import FloatArray, LandmarkSeries

__all__ = [
    "ESTIMATORS",
    "EstimatorSpec",
    "FakePoseEstimator",
    "MediaPipePoseEstimator",
    "PoseEstimator",
    "PoseResult",
    "import_mediapipe_pose",
]

logger = logging.getLogger(__name__)

N_LANDMARKS = len(MEDIAPIPE_LANDMARKS)


@dataclass(frozen=True)
class PoseResult:
    """One person in one frame: (33, 3) pixels (z scaled like x) and (33,) visibility."""

    xyz: FloatArray
    visibility: FloatArray


@runtime_checkable
class PoseEstimator(Protocol):
    """What the video pipeline needs from a pose backend."""

    name: str

    def process(self, image_bgr: NDArray[np.uint8], *, time_s: float) -> PoseResult | None:
        """Landmarks of the person in this frame, or ``None`` when nobody is found."""
        ...

    def reset(self) -> None:
        """Forget tracking state (called at chunk borders and after a jump in time)."""
        ...

    def close(self) -> None: ...


@contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Hide the C++ log lines (TFLite, glog) MediaPipe prints while it starts its graph.

    They go straight to file descriptor 2, past Python's logging, and would tear the progress
    bar; environment switches such as GLOG_minloglevel do not reach them.
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # pytest capture or no real stderr
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


# MediaPipe crops the person and resizes the crop to 256 px: it costs the same on 1080p as
# on 720p input (measured: 28 ms a frame either way), while shrinking 1080p to 720p first cost
# 12 ms (INTER_AREA at 2/3). Only larger frames (4K) are halved first.
MAX_INPUT_SIDE_PX = 1920
_WARMUP_CALLS = 3  # MediaPipe's start-up messages arrive with the first frames
_API_STEP_US = 33333  # solution_base.SolutionBase.process() adds this to its clock per call


_import_lock = threading.Lock()


def import_mediapipe_pose(*, skip_pyplot: bool = False) -> Any:
    """Import MediaPipe's pose solution (once per process; thread-safe) and return the module.

    ``skip_pyplot``: MediaPipe's package imports its drawing helpers, which import
    ``matplotlib.pyplot`` at the top, about half a second of start-up the pose never uses.
    With this flag a placeholder stands in for pyplot during the import and is removed right
    after, so a later ``import matplotlib.pyplot`` loads the real one. Only for a process
    where no other thread imports pyplot meanwhile (the CLI's start-up thread).
    """
    with _import_lock:
        loaded = sys.modules.get("mediapipe.python.solutions.pose")
        if loaded is not None:
            return loaded
        stub = None
        if skip_pyplot and "matplotlib.pyplot" not in sys.modules:
            stub = types.ModuleType("matplotlib.pyplot", "placeholder while MediaPipe imports")
            sys.modules["matplotlib.pyplot"] = stub
        try:
            from mediapipe.python.solutions import pose as mp_pose
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise DependencyMissingError(
                f"MediaPipe is not installed or broken ({exc})",
                hint="install the 'pose' extra: pip install 'thrustcoach[pose]'",
            ) from None
        finally:
            if stub is not None and sys.modules.get("matplotlib.pyplot") is stub:
                del sys.modules["matplotlib.pyplot"]
                parent = sys.modules.get("matplotlib")
                if parent is not None and getattr(parent, "pyplot", None) is stub:
                    delattr(parent, "pyplot")
        return mp_pose


class MediaPipePoseEstimator:
    """MediaPipe Pose (0.10.21 solution API): full model, tracking mode (video)."""

    name = "mediapipe"

    def __init__(self, *, model_complexity: int = 1, min_detection_confidence: float = 0.5) -> None:
        mp_pose = import_mediapipe_pose()
        self._mp_pose = mp_pose
        self._kwargs: dict[str, Any] = {
            "model_complexity": model_complexity,
            "static_image_mode": False,
            "smooth_landmarks": False,  # the analysis filters; the pose stage records raw output
            "min_detection_confidence": min_detection_confidence,
            "min_tracking_confidence": 0.5,
        }
        self._calls = 0
        self._last_us = -1
        with _native_stderr_silenced():
            self._pose = mp_pose.Pose(**self._kwargs)

    def process(self, image_bgr: NDArray[np.uint8], *, time_s: float) -> PoseResult | None:
        import cv2

        small = image_bgr
        long_side = max(image_bgr.shape[:2])
        if long_side > MAX_INPUT_SIDE_PX:  # 4K: same landmarks, a fraction of the pixel work
            # A whole-number factor (3840 -> 1920) takes OpenCV's fast averaging path.
            f = 1.0 / math.ceil(long_side / MAX_INPUT_SIDE_PX)
            small = np.asarray(
                cv2.resize(image_bgr, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), np.uint8
            )
        rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        self._stamp(time_s)
        if self._calls < _WARMUP_CALLS:
            with _native_stderr_silenced():
                result = self._pose.process(rgb)
        else:
            result = self._pose.process(rgb)
        self._calls += 1
        if result.pose_landmarks is None:
            return None
        h, w = image_bgr.shape[:2]
        arr = np.array(
            [(lm.x, lm.y, lm.z, lm.visibility) for lm in result.pose_landmarks.landmark],
            dtype=np.float64,
        )
        # MediaPipe gives x, y as fractions of the image and z on roughly the scale of x.
        xyz = arr[:, :3] * np.array([w, h, w], dtype=np.float64)
        return PoseResult(xyz=xyz, visibility=np.clip(arr[:, 3], 0.0, 1.0))

    def _stamp(self, time_s: float) -> None:
        """Give the graph the frame's real time instead of the solution API's 30 fps clock.

        The API stamps each call 33.3 ms after the last; the tracker smooths the landmarks it
        crops the next frame around over that clock, so frames sampled 0.1 s apart, or a
        24 fps video, would be smoothed as if they were 33 ms apart. Stamps must increase:
        a frame fed out of time order (a back-filled one) gets the next microsecond.
        """
        if not hasattr(self._pose, "_simulated_timestamp"):  # pragma: no cover - API change
            return
        us = max(round(time_s * 1e6), self._last_us + 1)
        self._pose._simulated_timestamp = us - _API_STEP_US  # process() adds the step back
        self._last_us = us

    def reset(self) -> None:
        self._pose.close()
        self._calls = 0
        self._last_us = -1
        with _native_stderr_silenced():
            self._pose = self._mp_pose.Pose(**self._kwargs)

    def close(self) -> None:
        self._pose.close()


class FakePoseEstimator:
    """Replays recorded landmarks: the frame whose time is nearest (within ``tolerance_s``).

    Feed it a :class:`LandmarkSeries` (e.g. from :mod:`thrustcoach.pose.synthetic`) whose
    landmarks are in the video's pixel space. Frames with no recorded landmarks (or all-NaN
    ones) come back as "nobody found". ``calls`` and ``resets`` let tests see how it was used.
    """

    name = "fake"

    def __init__(
        self,
        *,
        time_s: FloatArray,
        names: tuple[str, ...],
        xyz: FloatArray,
        visibility: FloatArray,
        tolerance_s: float = 0.004,
    ) -> None:
        self._time_s = np.asarray(time_s, dtype=np.float64)
        self._cols = np.array([MEDIAPIPE_LANDMARKS.index(n) for n in names], dtype=np.int64)
        self._xyz = np.asarray(xyz, dtype=np.float64)
        self._vis = np.asarray(visibility, dtype=np.float64)
        self._tolerance_s = tolerance_s
        self.calls = 0
        self.resets = 0

    @classmethod
    def from_series(
        cls, series: LandmarkSeries, *, tolerance_s: float = 0.004
    ) -> FakePoseEstimator:
        return cls(
            time_s=series.time_s,
            names=series.names,
            xyz=series.xyz,
            visibility=series.visibility,
            tolerance_s=tolerance_s,
        )

    def process(self, image_bgr: NDArray[np.uint8], *, time_s: float) -> PoseResult | None:
        self.calls += 1
        if self._time_s.size == 0:
            return None
        i = int(np.clip(np.searchsorted(self._time_s, time_s), 1, self._time_s.size - 1))
        if abs(self._time_s[i - 1] - time_s) <= abs(self._time_s[i] - time_s):
            i -= 1
        if abs(self._time_s[i] - time_s) > self._tolerance_s:
            return None
        xyz = np.full((N_LANDMARKS, 3), np.nan)
        vis = np.zeros(N_LANDMARKS)
        xyz[self._cols] = self._xyz[i]
        vis[self._cols] = self._vis[i]
        if np.isnan(xyz[:, :2]).all():
            return None
        return PoseResult(xyz=xyz, visibility=vis)

    def reset(self) -> None:
        self.resets += 1

    def close(self) -> None:
        return None


def _make_mediapipe(**params: Any) -> PoseEstimator:
    return MediaPipePoseEstimator(**params)


def _make_fake(**params: Any) -> PoseEstimator:
    return FakePoseEstimator(**params)


ESTIMATORS: dict[str, Callable[..., PoseEstimator]] = {
    "mediapipe": _make_mediapipe,
    "fake": _make_fake,
}
"""Backend registry: name -> factory taking the spec's keyword parameters."""


@dataclass(frozen=True)
class EstimatorSpec:
    """A picklable recipe for an estimator, so each worker process builds its own."""

    kind: str = "mediapipe"
    params: dict[str, Any] = field(default_factory=dict)

    def create(self) -> PoseEstimator:
        try:
            factory = ESTIMATORS[self.kind]
        except KeyError:
            raise UsageError(
                f"unknown pose estimator {self.kind!r}", hint=f"use one of {', '.join(ESTIMATORS)}"
            ) from None
        return factory(**self.params)

    @classmethod
    def fake(cls, series: LandmarkSeries, *, tolerance_s: float = 0.004) -> EstimatorSpec:
        """A spec for :class:`FakePoseEstimator` replaying ``series``."""
        return cls(
            kind="fake",
            params={
                "time_s": np.asarray(series.time_s),
                "names": series.names,
                "xyz": np.asarray(series.xyz),
                "visibility": np.asarray(series.visibility),
                "tolerance_s": tolerance_s,
            },
        )
