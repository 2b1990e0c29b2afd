"""A live session: one lifter in front of one camera, a set at a time.

Frames go through the project's pose estimator (:class:`~thrustcoach.pose.estimators.
PoseEstimator`) and the analysis engine (the same one ``analyze`` runs, fed a frame at a
time); the coach turns the engine's events into cues. The landmarks of every frame with a
person are kept, so a finished set has the same analysis ``thrustcoach analyze`` would give
for them and can be stored with the set.

A session outlives its sets (the estimator is built once: MediaPipe takes a second to
start) and its connections (a phone that loses the network for a moment comes back to the
same counts): :class:`SessionClock` keeps the set's time running across a reconnection.
Not thread-safe: one thread at a time (the web app gives each session its own).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis import (
    AnalysisOptions,
    AnalysisResult,
    Engine,
    EngineEvent,
    InputInfo,
    final_result,
)
from thrustcoach.live.coach import Coach, Cue
from thrustcoach.live.record import LandmarkRecorder
from thrustcoach.pose.estimators import PoseEstimator, PoseResult
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS, REQUIRED_LANDMARKS
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.vocab import Side

__all__ = ["FrameUpdate", "LiveSession", "SessionClock", "SetOutcome", "SetPlan"]

# Nobody found for this long: tell the lifter to step into the picture.
NOBODY_HINT_S = 1.0
# A landmark below this visibility counts as not seen for the framing hint.
SEEN_VISIBILITY = 0.5
_REQUIRED_IDX = [MEDIAPIPE_LANDMARKS.index(n) for n in REQUIRED_LANDMARKS]


@dataclass(frozen=True)
class SetPlan:
    """What the set should be (from today's plan, or what the lifter typed)."""

    pause_s: float | None = None
    lowering_s: float | None = None
    target_reps: dict[Side, int] = field(default_factory=dict)

    def options(self) -> AnalysisOptions:
        return AnalysisOptions(
            pause_s=self.pause_s, lowering_s=self.lowering_s, source_kind="video"
        )


@dataclass(frozen=True)
class FrameUpdate:
    """What one frame changed: landmarks to draw, events, cues and the state to show."""

    time_s: float
    person: bool
    landmarks: list[list[float]] | None  # (33, 3): x and y as fractions of the image, visibility
    events: list[EngineEvent]
    cues: list[Cue]
    counts: dict[str, int]
    phase: str
    hint: str | None  # what to fix in the picture (nobody in view, feet out of frame)

    def as_dict(self) -> dict[str, Any]:
        return {
            "t": round(self.time_s, 3),
            "person": self.person,
            "landmarks": self.landmarks,
            "events": [e.model_dump(mode="json", exclude_none=True) for e in self.events],
            "cues": [c.as_dict() for c in self.cues],
            "counts": self.counts,
            "phase": self.phase,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class SetOutcome:
    """A finished set: the engine's final result (equal to ``analyze`` on ``series``)."""

    result: AnalysisResult
    series: LandmarkSeries | None  # None when nobody was ever seen
    events: list[EngineEvent]
    frames: int
    dropped: int


class SessionClock:
    """Client capture times -> the session's clock, continuous across reconnections.

    The first frame of a connection anchors the client's clock (a reloaded page restarts
    it) to the session's: the session resumes where it stopped plus the wall time the
    connection was down, so the engine sees a gap, not time running backwards.
    """

    def __init__(self) -> None:
        self._offset: float | None = None
        self.last_s: float | None = None
        self._last_wall: float | None = None

    def reanchor(self) -> None:
        self._offset = None

    def to_session(self, client_s: float, *, wall_s: float) -> float | None:
        """The session time of a frame; None for a frame not newer than the last one."""
        if not math.isfinite(client_s):
            return None
        if self._offset is None:
            if self.last_s is None or self._last_wall is None:
                self._offset = -client_s
            else:
                self._offset = self.last_s + max(wall_s - self._last_wall, 1e-3) - client_s
        t = client_s + self._offset
        if self.last_s is not None and t <= self.last_s:
            return None
        self.last_s, self._last_wall = t, wall_s
        return t


class _Set:
    """The engine, coach and recorder of the set in progress."""

    def __init__(self, plan: SetPlan, *, max_frames: int) -> None:
        self.plan = plan
        self.engine = Engine(MEDIAPIPE_LANDMARKS, options=plan.options())
        self.coach = Coach(pause_s=plan.pause_s, target_reps=dict(plan.target_reps))
        self.recorder = LandmarkRecorder(max_frames=max_frames)
        self.frames = 0
        self.dropped = 0
        self.counts = {s.value: 0 for s in Side}  # reps per leg so far (from the events)


class LiveSession:
    """Pose + engine + coach for one lifter. Call :meth:`process` for every frame."""

    def __init__(
        self, estimator: PoseEstimator, *, plan: SetPlan | None = None, max_set_s: float = 1800
    ) -> None:
        self.estimator = estimator
        self.clock = SessionClock()
        self.max_frames = int(max_set_s * 60)
        self.plan = plan or SetPlan()
        self._set: _Set | None = _Set(self.plan, max_frames=self.max_frames)
        self._nobody_since: float | None = None
        self.frames_total = 0
        self.last_outcome: SetOutcome | None = None

    # --- state -----------------------------------------------------------------------
    @property
    def counting(self) -> bool:
        return self._set is not None

    @property
    def counts(self) -> dict[str, int]:
        if self._set is None:  # between sets: the finished set's final counts
            done = self.last_outcome.result.summary.rep_count if self.last_outcome else {}
            return {s.value: done.get(s, 0) for s in Side}
        return dict(self._set.counts)

    @property
    def phase(self) -> str:
        return self._set.engine.phase if self._set is not None else "rest"

    def note_dropped(self, n: int = 1) -> None:
        """Frames the transport dropped (the estimator was busy): shown, and kept in the set."""
        if self._set is not None:
            self._set.dropped += n

    # --- frames ----------------------------------------------------------------------
    def process(self, image_bgr: NDArray[np.uint8], *, time_s: float) -> FrameUpdate:
        """Estimate the pose in one upright BGR frame taken at ``time_s`` (session clock)."""
        height, width = image_bgr.shape[:2]
        pose = self.estimate(image_bgr, time_s=time_s)
        return self.feed(time_s, pose, width=width, height=height)

    def estimate(self, image_bgr: NDArray[np.uint8], *, time_s: float) -> PoseResult | None:
        """The pose model alone (a server runs it on frame n+1 while :meth:`feed` takes n;
        frames must still reach :meth:`feed` in order)."""
        return self.estimator.process(image_bgr, time_s=time_s)

    def feed(
        self, time_s: float, pose: PoseResult | None, *, width: int, height: int
    ) -> FrameUpdate:
        """One frame's pose (None: nobody found) into the set in progress."""
        self.frames_total += 1
        events: list[EngineEvent] = []
        cues: list[Cue] = []
        current = self._set
        if current is not None:
            current.frames += 1
            if pose is not None:
                current.recorder.add(time_s, pose.xyz, pose.visibility, width=width, height=height)
                events = current.engine.feed_frame(time_s, pose.xyz, pose.visibility)
            else:
                events = current.engine.feed_frame(time_s, None, None)
            if events:
                current.counts = dict(events[-1].counts)
            cues = current.coach.on_events(events) + current.coach.tick(time_s)
        return FrameUpdate(
            time_s=time_s,
            person=pose is not None,
            landmarks=_normalised(pose, width=width, height=height),
            events=events,
            cues=cues,
            counts=self.counts,
            phase=self.phase,
            hint=self._hint(time_s, pose),
        )

    def _hint(self, time_s: float, pose: PoseResult | None) -> str | None:
        if pose is None:
            if self._nobody_since is None:
                self._nobody_since = time_s
            if time_s - self._nobody_since >= NOBODY_HINT_S:
                return "Nobody in view: step into the picture, side-on to the camera."
            return None
        self._nobody_since = None
        vis = np.nan_to_num(np.asarray(pose.visibility)[_REQUIRED_IDX])
        unseen = [REQUIRED_LANDMARKS[i] for i in np.flatnonzero(vis < SEEN_VISIBILITY)]
        if not unseen:
            return None
        parts = sorted({n.split("_", 1)[1] for n in unseen})
        return (
            f"I cannot see your {', '.join(p + 's' for p in parts)}: move the camera back so "
            "your whole body is in the picture."
        )

    # --- sets ------------------------------------------------------------------------
    def finish_set(self) -> SetOutcome:
        """End the set in progress (idempotent: a second call returns the same outcome)."""
        current = self._set
        if current is None:
            if self.last_outcome is None:
                raise RuntimeError("no set was started")
            return self.last_outcome
        events = current.engine.finish()
        engine = current.engine
        first = engine.first_time_s if engine.first_time_s is not None else 0.0
        last = engine.last_time_s if engine.last_time_s is not None else first
        series = current.recorder.series()
        info = InputInfo(
            path="live",
            kind="video",
            frames=engine.frames,
            duration_s=round(last - first, 3),
            fps=round(series.fps, 3) if series is not None else 0.0,
        )
        self.last_outcome = SetOutcome(
            result=final_result(engine, info),
            series=series,
            events=events,
            frames=current.frames,
            dropped=current.dropped,
        )
        self._set = None
        return self.last_outcome

    def new_set(self, plan: SetPlan | None = None) -> None:
        """Start counting a new set (the previous one, if any, is dropped unfinished)."""
        if plan is not None:
            self.plan = plan
        self._set = _Set(self.plan, max_frames=self.max_frames)
        self.last_outcome = None

    def close(self) -> None:
        self.estimator.close()


def _normalised(pose: PoseResult | None, *, width: int, height: int) -> list[list[float]] | None:
    if pose is None:
        return None
    xyz = np.asarray(pose.xyz, dtype=np.float64)
    out = np.stack(
        [xyz[:, 0] / max(width, 1), xyz[:, 1] / max(height, 1), np.asarray(pose.visibility)],
        axis=1,
    )
    out = np.where(np.isfinite(out), np.round(out, 4), -1.0)
    return [[float(v) for v in row] for row in out]
