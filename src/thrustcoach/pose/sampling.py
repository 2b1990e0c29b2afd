"""Fewer frames, same answer: which decoded frames the pose model sees.

MediaPipe costs about 22 ms a frame a core, and a hip thrust rep lasts 3-7 s: the hip angle
the analysis reads (through a 2-4 Hz low-pass filter) moves far slower than 30 frames/s can
show. A steady ``base_fps`` (18 by default) carries the movement. What a sparse sample blurs
are the phase edges: the analysis times each phase from where the hip's angular speed passes
10 % of the phase's peak, i.e. the moments the hip starts moving, stops, or turns around.
With ``edges``, the sampler watches the hip angle at the base rate and goes back for every
frame in between wherever that happens.

The frames in between are held in a short buffer (``lookahead`` base intervals plus one), so
nothing is decoded twice; a back-filled interval is decided once the base frame
``lookahead`` intervals after it is seen. Memory: a few decoded frames.

MediaPipe's tracking mode crops each frame around the landmarks of the previous call; it has
no motion model (landmark smoothing is off) and the solution API feeds its graph its own
simulated clock, so what keeps tracking valid is that consecutive calls show the body in
nearly the same place. A back-filled frame follows a call at most ``lookahead + 1`` base
intervals away (0.2 s at the defaults), no further than consecutive frames of a 5 frames/s
stream: the crop still holds the body. Estimators are used frame by frame, so a passed-in
(warm) estimator works the same; call :meth:`~PoseEstimator.reset` between videos.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from thrustcoach.errors import UsageError
from thrustcoach.pose.estimators import PoseEstimator, PoseResult
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.series import FloatArray
from thrustcoach.pose.video import VideoFrame

__all__ = ["FrameSampler", "SampledFrame", "SamplingPolicy", "hip_angle_signed_deg"]

_IDX = {n: i for i, n in enumerate(MEDIAPIPE_LANDMARKS)}
_MIN_VIS = 0.3  # below this a landmark is noise, not a position (the analysis uses the same)


@dataclass(frozen=True)
class SamplingPolicy:
    """How many frames the pose model sees.

    A steady ``base_fps``; with ``edges``, also every frame where the hip angle's speed
    between two base frames says the hip starts or stops moving or turns round. Each
    interval is *still*, *moving*, or in between (a *shoulder*: speeding up out of a rest or
    slowing into one); every frame is filled in over shoulders, next to a jump from still to
    moving (a fast start), where the hip turns round, and over a brief stop between two
    movements.

    Measured (benchmarks/frame_sampling.py): replaying recorded landmarks, edge frames keep
    the tempo closest to the every-frame answer; with MediaPipe tracking real video, a
    steady rate keeps its landmarks closer to the every-frame run than base frames plus
    back-filled edges (which reach the tracker out of time order), for fewer frames; 18
    frames/s is the lowest steady rate that keeps every phase's tempo error within 0.02 s of
    the every-frame answer on the project's own noisy generated sets. Hence the default: a
    steady 18 frames/s, edges off.

    Attributes:
        base_fps: the steady rate; ``None`` runs the model on every decoded frame.
        edges: add the frames around the phase edges.
        still_deg_s: below this the hip counts as still. Pose jitter (~0.5 deg on the
            midline angle) reads as ~7 deg/s between frames 0.1 s apart.
        moving_deg_s: above this the hip counts as clearly moving. Lifts peak at 80-200
            deg/s, slow lowerings at 30-60 deg/s.
        lookahead: base intervals seen on each side of an interval before it is decided: a
            stop shorter than about this many intervals between two movements is filled.
    """

    base_fps: float | None = 18.0
    edges: bool = False
    still_deg_s: float = 12.0
    moving_deg_s: float = 30.0
    lookahead: int = 2

    def __post_init__(self) -> None:
        if self.base_fps is not None and not (math.isfinite(self.base_fps) and self.base_fps > 0):
            raise UsageError(f"the sampling rate must be positive, got {self.base_fps}")
        if self.lookahead < 1:
            raise UsageError(f"lookahead must be at least 1, got {self.lookahead}")
        if not 0 <= self.still_deg_s <= self.moving_deg_s:
            raise UsageError("still_deg_s must be between 0 and moving_deg_s")

    @classmethod
    def every_frame(cls) -> SamplingPolicy:
        return cls(base_fps=None)

    @classmethod
    def steady(cls, base_fps: float) -> SamplingPolicy:
        """A fixed rate, no frames added."""
        return cls(base_fps=base_fps, edges=False)

    def label(self) -> str:
        if self.base_fps is None:
            return "every frame"
        if not self.edges:
            return f"steady {self.base_fps:g} fps"
        return (
            f"{self.base_fps:g} fps + edges (still < {self.still_deg_s:g}, moving > "
            f"{self.moving_deg_s:g} deg/s, lookahead {self.lookahead})"
        )


@dataclass
class SampledFrame:
    """A decoded frame after sampling.

    ``result`` is the model's answer when it ran on this frame (``inferred``); ``landmarks``
    is what to draw on it: the result, or for a frame the model skipped the landmarks
    interpolated between its inferred neighbours (None when nobody is near in time).
    """

    frame: VideoFrame
    eligible: bool = True  # within the decode rate cap: may be given to the model
    inferred: bool = False
    result: PoseResult | None = None
    landmarks: PoseResult | None = None


@dataclass
class _Base:
    pos: int  # position in the buffer's running count of frames
    time_s: float
    angle_deg: float | None  # None: nobody found, or the hip chain not visible


def hip_angle_signed_deg(result: PoseResult | None, *, near_deg: float | None) -> float | None:
    """Shoulder-hip-knee angle of the body's midline, signed, unwrapped next to ``near_deg``.

    Midpoints of the left and right points make it immune to the left/right label swaps pose
    models make in side views, and it moves with either working leg. Signed (so it runs on
    past 180 deg at a lockout instead of folding back) and unwrapped against the previous
    value so a speed can be read from two samples.
    """
    if result is None:
        return None
    pts = []
    for joint in ("shoulder", "hip", "knee"):
        both = [_IDX[f"{side}_{joint}"] for side in ("left", "right")]
        seen = [
            i
            for i in both
            if result.visibility[i] >= _MIN_VIS and np.isfinite(result.xyz[i, :2]).all()
        ]
        if not seen:
            return None
        pts.append(np.mean(result.xyz[seen, :2], axis=0))
    s, h, k = pts
    u, w = s - h, k - h
    angle = math.degrees(math.atan2(float(u[0] * w[1] - u[1] * w[0]), float(np.dot(u, w))))
    if near_deg is not None:
        angle += 360.0 * round((near_deg - angle) / 360.0)
    return angle


@dataclass
class FrameSampler:
    """Feed decoded frames in time order; get them back with the model's results.

    ``push`` returns the frames whose sampling is settled, in time order; ``finish`` the rest.
    Frame selection uses time slots (``floor(t * base_fps)``), so a video cut into chunks
    keeps the base frames one pass would keep.
    """

    estimator: PoseEstimator
    policy: SamplingPolicy = field(default_factory=SamplingPolicy)
    frames_inferred: int = 0
    _pending: deque[SampledFrame] = field(default_factory=deque)
    _first_pos: int = 0  # running position of _pending[0]
    _count: int = 0
    _bases: list[_Base] = field(default_factory=list)
    _decided: int = 0  # intervals (between base j and j+1) decided so far
    _last_slot: int | None = None
    _previous: SampledFrame | None = None  # the last inferred frame handed back

    def push(self, frame: VideoFrame, *, eligible: bool = True) -> list[SampledFrame]:
        """Add the next decoded frame; ``eligible=False`` frames (beyond the decode rate cap)
        are never given to the model, only handed back in order with landmarks to draw."""
        item = SampledFrame(frame, eligible=eligible)
        self._pending.append(item)
        self._count += 1
        if not eligible:
            return []
        if self.policy.base_fps is None:
            self._infer(item)
            return self._release_until(self._count - 1)
        slot = math.floor(frame.time_s * self.policy.base_fps + 1e-6)
        if slot == self._last_slot:
            return []
        self._last_slot = slot
        self._infer(item)
        near = next((b.angle_deg for b in reversed(self._bases) if b.angle_deg is not None), None)
        angle = hip_angle_signed_deg(item.result, near_deg=near)
        self._bases.append(_Base(self._count - 1, frame.time_s, angle))
        out: list[SampledFrame] = []
        ahead = self.policy.lookahead if self.policy.edges else 0
        while self._decided + ahead + 1 < len(self._bases):
            out += self._decide(self._decided)
        return out

    def finish(self) -> list[SampledFrame]:
        out: list[SampledFrame] = []
        while self._decided + 1 < len(self._bases):
            out += self._decide(self._decided)
        return out + self._release_all()

    def run(self, frames: Iterator[VideoFrame]) -> Iterator[SampledFrame]:
        """All frames, sampled, in time order (a convenience over push/finish)."""
        for frame in frames:
            yield from self.push(frame)
        yield from self.finish()

    # --- internals ------------------------------------------------------------------------
    def _infer(self, item: SampledFrame) -> None:
        item.result = self.estimator.process(item.frame.image, time_s=item.frame.time_s)
        item.inferred = True
        self.frames_inferred += 1

    def _speed(self, j: int) -> float | None:
        """Signed hip angle speed (deg/s) over interval j, None when unknown."""
        if j < 0 or j + 1 >= len(self._bases):
            return None
        a, b = self._bases[j], self._bases[j + 1]
        if a.angle_deg is None or b.angle_deg is None or b.time_s <= a.time_s:
            return None
        return (b.angle_deg - a.angle_deg) / (b.time_s - a.time_s)

    def _state(self, j: int) -> int | None:
        """-1 still, 0 shoulder, +1 moving over interval j (None: unknown)."""
        v = self._speed(j)
        if v is None:
            return None
        if abs(v) < self.policy.still_deg_s:
            return -1
        return 1 if abs(v) > self.policy.moving_deg_s else 0

    def _wants_fill(self, j: int) -> bool:
        if not self.policy.edges:
            return False
        a, b = self._bases[j], self._bases[j + 1]
        if (a.angle_deg is None) != (b.angle_deg is None):
            return True  # the body appears or disappears in between: find where
        if a.angle_deg is None:
            return False
        state = self._state(j)
        if state == 0:
            return True  # speeding up out of a rest or slowing into one
        near = [self._state(i) for i in (j - 1, j, j + 1)]
        known = [s for s in near if s is not None]
        if -1 in known and 1 in known:
            return True  # a sharp start or stop next to this interval
        if None in near and any(s != -1 for s in known):
            return True  # the edge of the recording (or of a chunk) while moving
        signs = {
            v > 0
            for i in (j - 1, j, j + 1)
            if (v := self._speed(i)) is not None and near[i - j + 1] != -1
        }
        if len(signs) > 1:
            return True  # turns round
        if state == -1:  # a brief stop between two movements holds two phase edges
            reach = self.policy.lookahead
            before = any(self._state(i) in (0, 1) for i in range(j - reach, j))
            after = any(self._state(i) in (0, 1) for i in range(j + 1, j + reach + 1))
            return before and after
        return False

    def _decide(self, j: int) -> list[SampledFrame]:
        if self._wants_fill(j):
            lo, hi = self._bases[j].pos, self._bases[j + 1].pos
            for pos in range(lo + 1, hi):
                item = self._pending[pos - self._first_pos]
                if item.eligible:
                    self._infer(item)
        self._decided = j + 1
        return self._release_until(self._bases[j + 1].pos)

    def _release_until(self, pos: int) -> list[SampledFrame]:
        """Hand back every frame before running position ``pos``; the frame at ``pos`` (an
        inferred one, or none at the end) is the next neighbour to interpolate towards."""
        out = []
        while self._pending and self._first_pos < pos:
            out.append(self._pending.popleft())
            self._first_pos += 1
        following = next((f for f in self._pending if f.inferred), None)
        self._attach_landmarks(out, following)
        return out

    def _release_all(self) -> list[SampledFrame]:
        out = list(self._pending)
        self._first_pos += len(out)
        self._pending.clear()
        self._attach_landmarks(out, None)
        return out

    def _attach_landmarks(self, frames: list[SampledFrame], following: SampledFrame | None) -> None:
        nexts: list[SampledFrame | None] = [None] * len(frames)
        nxt = following
        for i in range(len(frames) - 1, -1, -1):  # each frame's next inferred neighbour
            if frames[i].inferred:
                nxt = frames[i]
            nexts[i] = nxt
        for item, after in zip(frames, nexts, strict=True):
            if item.inferred:
                item.landmarks = item.result
                self._previous = item
            else:
                item.landmarks = _between(self._previous, after, item.frame.time_s)


_MAX_DRAW_GAP_S = 0.5  # interpolate a skeleton across at most this much time
_MAX_HOLD_S = 0.1  # beyond the last (or before the first) result, hold it this long


def _between(
    before: SampledFrame | None, after: SampledFrame | None, t: float
) -> PoseResult | None:
    """Landmarks to draw at time ``t`` from the inferred frames around it."""
    b = before.result if before is not None else None
    a = after.result if after is not None else None
    if b is not None and a is not None and before is not None and after is not None:
        t0, t1 = before.frame.time_s, after.frame.time_s
        if t1 - t0 <= _MAX_DRAW_GAP_S:
            return interpolate_landmarks(b, a, t0=t0, t1=t1, t=t)
    for side, res in ((before, b), (after, a)):
        if side is not None and res is not None and abs(side.frame.time_s - t) <= _MAX_HOLD_S:
            return res
    return None


def interpolate_landmarks(
    before: PoseResult, after: PoseResult, *, t0: float, t1: float, t: float
) -> PoseResult:
    """Landmarks between two model results, linearly in time (for drawing only)."""
    w = 0.0 if t1 <= t0 else min(max((t - t0) / (t1 - t0), 0.0), 1.0)
    xyz: FloatArray = (1.0 - w) * before.xyz + w * after.xyz
    vis: FloatArray = np.minimum(before.visibility, after.visibility)
    return PoseResult(xyz=xyz, visibility=vis)
