"""Reps found online: lockouts of the detection signal, with hysteresis.

The detector reads one row at a time of the detection signal (the working hip angle, or
from the front the hip's rise above the shoulders in degree-like units) already smoothed
for speed, and keeps a handful of numbers, never the history:

* a **lockout** is a high point that rose at least ``min_range`` above the bottom before it
  and has since dropped ``min_range`` below itself (noise, tremor in the pause and small
  shuffles never do both); the first lockout of a recording may have no bottom before it
  (the set was filmed from the top);
* a rep is **complete** once its lowering has settled: the falling speed has stayed under
  ``speed_fraction`` of the lowering's peak speed for ``settle_rows`` rows, or the next lift
  has begun (no rest at the bottom). ``max_settle_rows`` after the speed fell under
  ``settle_fraction`` of its peak the rep is complete whatever the noise does. A lowering
  that settles before the hips came down ``min_drop_share`` of the rep's rise was a sag of
  the hold: the lockout goes on, and its lowering is the one that follows.

Phase events (lift, pause, lowering, rest) are reported as they happen for live coaching;
the precise phase instants of a rep come from :mod:`thrustcoach.analysis.phases`.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from thrustcoach.analysis.config import OcclusionConfig, RepsConfig

__all__ = ["Candidate", "DetectorEvent", "RepDetector"]

Arr = NDArray[np.float64]
_STILL_ROWS = 120  # the recent rows of holds and rests the speed's noise is read from
Phase = Literal["lift", "pause", "lowering", "rest"]


@dataclass
class Candidate:
    """A lockout whose lowering is under way (rows are absolute row numbers)."""

    peak_row: int
    peak_value: float
    bottom_row: int | None  # None: the recording began above the bottom (started high)
    bottom_value: float
    low_row: int
    low_value: float
    lowering_speed: float = 0.0  # fastest fall so far (positive)
    slow_rows: int = 0
    settling_rows: int = 0
    split: bool = False  # its lowering ended at low_row, where the next lift began


@dataclass(frozen=True)
class DetectorEvent:
    kind: Literal["phase", "complete", "edge"]
    row: int
    phase: Phase | None = None
    candidate: Candidate | None = None


class RepDetector:
    def __init__(
        self,
        *,
        min_range: float,
        rate_hz: float,
        speed_fraction: float,
        settle_rows: int,
        settle_fraction: float,
        max_settle_rows: int,
        lift_speed_floor: float,
        split_dip: float,
        complete_fraction: float,
        min_drop_share: float = 0.0,
        settle_noise_ratio: float = 0.0,
        noisy_settle_rows: int = 0,
        near_bottom_share: float = 0.0,
        hidden_min_range: float | None = None,
    ) -> None:
        self.min_range = min_range
        self.hidden_min_range = hidden_min_range if hidden_min_range is not None else min_range
        self.rate_hz = rate_hz
        self.speed_fraction = speed_fraction
        self.settle_rows = settle_rows
        self.settle_fraction = settle_fraction
        self.max_settle_rows = max_settle_rows
        self.lift_speed_floor = lift_speed_floor
        self.split_dip = split_dip
        self.complete_fraction = complete_fraction
        self.min_drop_share = min_drop_share
        self.settle_noise_ratio = settle_noise_ratio
        self.noisy_settle_rows = max(noisy_settle_rows, settle_rows)
        self.near_bottom_share = near_bottom_share
        self._still_speeds: deque[float] = deque(maxlen=_STILL_ROWS)
        self.reset()

    @classmethod
    def from_config(
        cls, reps: RepsConfig, occlusion: OcclusionConfig, *, rate_hz: float
    ) -> RepDetector:
        """The detector ``analysis.toml`` describes, on rows at ``rate_hz``."""

        def rows(seconds: float) -> int:
            return max(round(seconds * rate_hz), 1)

        return cls(
            min_range=reps.min_range_deg,
            rate_hz=rate_hz,
            speed_fraction=reps.speed_fraction,
            settle_rows=rows(reps.settle_s),
            settle_fraction=reps.settle_fraction,
            max_settle_rows=rows(reps.max_settle_s),
            lift_speed_floor=reps.lift_speed_floor,
            split_dip=reps.split_dip_deg,
            complete_fraction=reps.complete_fraction,
            min_drop_share=reps.min_drop_share,
            settle_noise_ratio=reps.settle_noise_ratio,
            noisy_settle_rows=rows(reps.noisy_settle_s),
            near_bottom_share=reps.settled_near_bottom_share,
            hidden_min_range=occlusion.hidden_min_range_deg,
        )

    def reset(self) -> None:
        """Start a new segment (first rows, or after the lifter was out of view)."""
        self.seg_start: int | None = None
        self.lo_row = self.hi_row = -1
        self.lo_val = math.inf
        self.hi_val = -math.inf
        self.cand: Candidate | None = None
        self.dip_row, self.dip_val = -1, math.inf  # lowest point since the high point
        self.shelf: Candidate | None = None  # a held lockout, a sag, then another lift?
        self.sag_low: float | None = None  # the hold's last sag: lower than this to lower
        self._fall_noise = 0.0  # speed noise of the holds and rests before this lowering
        # Until the first rep: the highest point since the segment began, and the lowest
        # point before it (a recording that starts at the top has no bottom before it).
        self.seg_hi_row, self.seg_hi_val = -1, -math.inf
        self.seg_min = math.inf
        self.seg_min_before_hi = math.inf
        self.reps_in_segment = 0
        self._prev: tuple[int, float] | None = None
        self._prev2: tuple[int, float] | None = None
        self._hidden = False
        self.phase: Phase = "rest"
        self._lift_speed = 0.0  # peak speed of the current lift

    def push(
        self, rows: NDArray[np.int64], values: Arr, hidden: NDArray[np.bool_] | None = None
    ) -> list[DetectorEvent]:
        """Feed rows of the smoothed rep signal; ``hidden`` marks rows where the landmarks
        behind the signal were mostly not seen (a plate over the hips): there a dip at the
        top is not trusted to split a held lockout in two."""
        events: list[DetectorEvent] = []
        flags = hidden.tolist() if hidden is not None else [False] * len(rows)
        for r, x, h in zip(rows.tolist(), values.tolist(), flags, strict=True):
            if not math.isfinite(x):
                continue
            self._hidden = bool(h)
            if self.seg_start is None:
                self.seg_start = r
            speed = self._speed(r, x)
            if self.phase in ("pause", "rest") and self.cand is None:
                self._still_speeds.append(abs(speed))
            self._step(r, x, speed, events)
        return events

    @property
    def _range(self) -> float:
        """The rise and drop a rep needs: more where the signal's landmarks are hidden."""
        return self.hidden_min_range if self._hidden else self.min_range

    def _speed(self, r: int, x: float) -> float:
        prev2 = self._prev2
        self._prev2, self._prev = self._prev, (r, x)
        if prev2 is None or r == prev2[0]:
            return 0.0
        return (x - prev2[1]) * self.rate_hz / (r - prev2[0])

    def _phase(self, r: int, phase: Phase, events: list[DetectorEvent]) -> None:
        if phase != self.phase:
            self.phase = phase
            events.append(DetectorEvent("phase", r, phase=phase))

    def _step(self, r: int, x: float, speed: float, events: list[DetectorEvent]) -> None:
        cand = self.cand
        if cand is not None:
            self._lowering(r, x, speed, cand, events)
            return
        if self.reps_in_segment == 0:
            self.seg_min = min(self.seg_min, x)
            if x > self.seg_hi_val:
                self.seg_hi_row, self.seg_hi_val = r, x
                self.seg_min_before_hi = self.seg_min
        if x < self.lo_val:
            self.lo_row, self.lo_val = r, x
            self.hi_row, self.hi_val = r, x
            self.dip_row, self.dip_val = r, x
            self.shelf = None
        if x > self.hi_val:
            sagged = not self._hidden and self.hi_val - self.dip_val >= self.split_dip
            if sagged and self.shelf is None and self.hi_val - self.lo_val >= self._range:
                self.shelf = Candidate(
                    peak_row=self.hi_row,
                    peak_value=self.hi_val,
                    bottom_row=self.lo_row,
                    bottom_value=self.lo_val,
                    low_row=self.dip_row,
                    low_value=self.dip_val,
                    split=True,
                )
            self.hi_row, self.hi_val = r, x
            self.dip_row, self.dip_val = r, x
        elif x < self.dip_val:
            self.dip_row, self.dip_val = r, x
        shelf = self.shelf
        if (
            shelf is not None
            and x - shelf.low_value >= self._range
            and x - shelf.peak_value >= self._range
        ):
            # The first lockout's lowering stopped almost at once and a new lift began
            # from there, clearly higher (the first was short): that was a rep of its own.
            # Back up to about the same height, it was a sag of one long hold.
            events.append(DetectorEvent("complete", r, candidate=shelf))
            self.reps_in_segment += 1
            self.lo_row, self.lo_val = shelf.low_row, shelf.low_value
            self.shelf = None
        floor = max(self.lift_speed_floor, self.speed_fraction * self._lift_speed)
        if speed > floor:
            self._lift_speed = max(self._lift_speed, speed)
            self._phase(r, "lift", events)
        elif self.phase == "lift" and speed < self.speed_fraction * self._lift_speed:
            self._phase(r, "pause", events)
        started_high = (
            self.reps_in_segment == 0
            and self.seg_hi_val - x >= self._range
            and self.seg_hi_val - self.seg_min_before_hi < self._range
        )
        if started_high:
            # The recording began at (or near) a lockout and the hips are coming down.
            self._start_lowering(r, x, speed, self.seg_hi_row, self.seg_hi_val, None, events)
            return
        if self.hi_val - x < self._range:
            if self.hi_val - x < 0.5 * self._range:  # back up at the top
                self.sag_low = None
            return
        if self.sag_low is not None and x > self.sag_low - 0.5 * self._range:
            return  # still the sag of the hold
        if self.hi_val - self.lo_val >= self._range:
            self._start_lowering(r, x, speed, self.hi_row, self.hi_val, self.lo_row, events)
        else:  # a small bump, then a drop: nothing to count; look again from here
            self.lo_row = self.hi_row = self.dip_row = r
            self.lo_val = self.hi_val = self.dip_val = x
            self.shelf = None

    def _start_lowering(
        self,
        r: int,
        x: float,
        speed: float,
        peak_row: int,
        peak_value: float,
        bottom_row: int | None,
        events: list[DetectorEvent],
    ) -> None:
        self.shelf = None
        self.sag_low = None
        # Read once: the still rows are not added to while a lowering is under way.
        enough = len(self._still_speeds) >= _STILL_ROWS // 4
        speeds = np.fromiter(self._still_speeds, float)
        self._fall_noise = 1.4826 * float(np.median(speeds)) if enough else 0.0
        self.cand = Candidate(
            peak_row=peak_row,
            peak_value=peak_value,
            bottom_row=bottom_row,
            bottom_value=self.lo_val,
            low_row=r,
            low_value=x,
            lowering_speed=max(-speed, 0.0),
        )
        self._phase(r, "lowering", events)

    def _lowering(
        self, r: int, x: float, speed: float, cand: Candidate, events: list[DetectorEvent]
    ) -> None:
        if x < cand.low_value:
            cand.low_row, cand.low_value = r, x
        cand.lowering_speed = max(cand.lowering_speed, -speed)
        rebound = x - cand.low_value >= 0.5 * self._range
        if -speed < self.complete_fraction * cand.lowering_speed:
            cand.slow_rows += 1
        else:
            cand.slow_rows = 0
        if -speed < self.settle_fraction * cand.lowering_speed:
            cand.settling_rows += 1
        done = (
            rebound
            or cand.slow_rows >= self._settle_rows(cand)
            or cand.settling_rows >= self.max_settle_rows
        )
        if not done:
            return
        if self._only_a_sag(cand):
            self._resume_hold(r, cand, events)
            return
        events.append(DetectorEvent("complete", r, candidate=cand))
        self._phase(r, "rest", events)
        self.cand = None
        self.reps_in_segment += 1
        self.lo_row, self.lo_val = cand.low_row, cand.low_value
        self.hi_row, self.hi_val = (r, x) if rebound else (cand.low_row, cand.low_value)
        self.dip_row, self.dip_val = self.hi_row, self.hi_val
        self.shelf = None
        self._lift_speed = 0.0
        if rebound and speed > 0:
            self._phase(r, "lift", events)

    def _settle_rows(self, cand: Candidate) -> int:
        """Rows the fall must stay slow to be over: ``settle_rows`` on a steady signal; on a
        jittery one (the speed's noise while the hips are still, over the threshold's share
        ``1 / settle_noise_ratio``) proportionally more, up to ``noisy_settle_rows``: jitter
        dips a slow lowering's speed under the threshold for a row or two mid-way. Not for a
        fall back near the bottom the rep rose from (within ``near_bottom_share`` of its
        rise), nor for a creep slower than a lift."""
        if self.settle_noise_ratio <= 0 or self._fall_noise <= 0:
            return self.settle_rows
        if cand.lowering_speed < self.lift_speed_floor:  # a creep, not a lowering to wait out
            return self.settle_rows
        if cand.bottom_row is not None and cand.low_value - cand.bottom_value <= (
            self.near_bottom_share * (cand.peak_value - cand.bottom_value)
        ):  # back down where the rep started: over (a live count waits no longer)
            return self.settle_rows
        thr = self.complete_fraction * max(cand.lowering_speed, 1e-9)
        scale = self.settle_noise_ratio * self._fall_noise / thr
        if scale <= 1.0:
            return self.settle_rows
        return min(math.ceil(self.settle_rows * scale), self.noisy_settle_rows)

    def _only_a_sag(self, cand: Candidate) -> bool:
        if cand.bottom_row is None:  # started high: the rise is not known
            return False
        rise = cand.peak_value - cand.bottom_value
        return cand.peak_value - cand.low_value < self.min_drop_share * rise

    def _resume_hold(self, r: int, cand: Candidate, events: list[DetectorEvent]) -> None:
        """Back to the held lockout the sag interrupted: same peak, same bottom before it,
        the sag's low point as the dip since the peak."""
        assert cand.bottom_row is not None
        self.cand = None
        self.lo_row, self.lo_val = cand.bottom_row, cand.bottom_value
        self.hi_row, self.hi_val = cand.peak_row, cand.peak_value
        self.dip_row, self.dip_val = cand.low_row, cand.low_value
        self.shelf = None
        self.sag_low = cand.low_value
        self._phase(r, "pause", events)

    def finish(self, last_row: int) -> list[DetectorEvent]:
        """End of the recording (or of a segment): a lowering under way completes as cut;
        a lockout that rose but had no time to drop is offered as an edge candidate."""
        events: list[DetectorEvent] = []
        if self.cand is not None:
            events.append(DetectorEvent("complete", last_row, candidate=self.cand))
        elif self.seg_start is not None and self.hi_val - self.lo_val >= self._range:
            cand = Candidate(
                peak_row=self.hi_row,
                peak_value=self.hi_val,
                bottom_row=self.lo_row,
                bottom_value=self.lo_val,
                low_row=last_row,
                low_value=self._prev[1] if self._prev else self.hi_val,
            )
            events.append(DetectorEvent("edge", last_row, candidate=cand))
        self.reset()
        return events
