"""Which leg is which, and which foot is planted.

Pose tools swap the left and right labels of the legs now and then, and in a side view the
far leg is noisy and often low in confidence. Two stages, both fed a chunk at a time:

* :class:`SwapCorrector` undoes short label swaps on the recorded frames: when every leg
  point jumps at once onto where the other leg just was, the labels swapped (a body does
  not teleport); a swap that seems to last longer than ``max_swap_s`` is trusted as real.
  A swap that began or ended while the legs overlapped can be read the wrong way round;
  during a swap the labels as given are checked against where each still foot has been
  (``home_s``), and the swap ends when they put a foot back on its planted spot.
* :class:`StanceTracker` finds, per foot, the stretches of time in which its ankle, heel
  and toe stay still. The working leg of a rep is the foot that stays planted through it
  (both: a bilateral rep). A free leg, bent, extended or hovering near the floor at the
  bottom, moves with the pelvis every rep, so it is never taken for the working leg
  whatever its height in the image.
"""

from __future__ import annotations

import math
import warnings
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.online import finite_median

__all__ = [
    "FOOT",
    "JOINTS",
    "LEG",
    "SIDES",
    "StanceTracker",
    "SwapCorrector",
    "point_index",
]

Arr = NDArray[np.float64]
SIDES = ("left", "right")
JOINTS = ("shoulder", "hip", "knee", "ankle", "heel", "foot_index")
LEG = ("hip", "knee", "ankle", "heel", "foot_index")
FOOT = ("ankle", "heel", "foot_index")


def point_index(side: str, joint: str) -> int:
    """Index of a point in the engine's ``(K=12, 2)`` layout (left joints, then right)."""
    return SIDES.index(side) * len(JOINTS) + JOINTS.index(joint)


_L_SHIN = (point_index("left", "knee"), point_index("left", "ankle"))
_R_SHIN = (point_index("right", "knee"), point_index("right", "ankle"))


def _ffill(rows: Arr, first: Arr) -> Arr:
    """Forward-fill NaNs along axis 0, starting from ``first`` (the value before row 0)."""
    stacked = np.concatenate([first[None], rows], axis=0)
    flat = stacked.reshape(stacked.shape[0], -1)
    ok = np.isfinite(flat)
    idx = np.where(ok, np.arange(flat.shape[0])[:, None], 0)
    np.maximum.accumulate(idx, axis=0, out=idx)
    filled = flat[idx, np.arange(flat.shape[1])]
    return np.asarray(filled.reshape(stacked.shape), dtype=np.float64)


class _SwapGroup:
    """Label-swap state of one group of leg points (both sides)."""

    def __init__(self, joints: tuple[str, ...]) -> None:
        self.left = [point_index("left", j) for j in joints]
        self.right = [point_index("right", j) for j in joints]
        self.has_feet = "ankle" in joints
        self.swapped = False
        self.since = 0.0
        # Where each side's foot points have been (median over the history) when the swap
        # began; None where the group holds no foot points or there was no history.
        self.homes: Arr | None = None


class SwapCorrector:
    """Undo short left/right label swaps on recorded frames ``(n, 12, 2)``.

    The hips and the lower legs are judged apart: pose tools swap a knee and foot without
    the hip (or the hips alone), and a swapped reading of the whole leg would then move the
    hips that were right.
    """

    GROUPS: tuple[tuple[str, ...], ...] = (("hip",), ("knee", "ankle", "heel", "foot_index"))

    def __init__(
        self,
        *,
        max_swap_s: float,
        ratio: float,
        min_jump_shins: float,
        home_s: float = 0.0,
        still_shins: float = 0.15,
    ) -> None:
        self.max_swap_s = max_swap_s
        self.ratio = ratio
        self.min_jump_shins = min_jump_shins
        self.home_s = home_s
        self.still_shins = still_shins
        self._hist_shin = np.empty(0)
        self._last = np.full((len(SIDES) * len(JOINTS), 2), np.nan)
        self._groups = [_SwapGroup(g) for g in self.GROUPS]
        # The corrected foot points of the last ``home_s`` seconds: (time, (m, 2 sides, 3, 2)).
        self._feet = [point_index(side, j) for side in SIDES for j in FOOT]
        self._hist_t = np.empty(0)
        self._hist = np.empty((0, len(SIDES), len(FOOT), 2))

    def push(self, time_s: Arr, xy: Arr) -> tuple[Arr, NDArray[np.bool_]]:
        n = xy.shape[0]
        if n == 0:
            return xy, np.zeros(0, dtype=bool)
        filled = _ffill(xy, self._last)
        prev = filled[:-1]
        self._last = filled[-1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # frames with nothing seen
            shin = np.nanmean(
                np.stack(
                    [
                        np.linalg.norm(prev[:, i] - prev[:, j], axis=-1)
                        for i, j in (_L_SHIN, _R_SHIN)
                    ]
                ),
                axis=0,
            )
        out = xy.copy()
        any_swap = np.zeros(n, dtype=bool)
        for group in self._groups:
            swapped = self._group(group, time_s, xy, prev, shin)
            rows = np.flatnonzero(swapped)
            if rows.size:
                left, right = np.asarray(group.left), np.asarray(group.right)
                out[np.ix_(rows, left)] = xy[np.ix_(rows, right)]
                out[np.ix_(rows, right)] = xy[np.ix_(rows, left)]
            any_swap |= swapped
        if self.home_s > 0:
            keep = self._hist_t > time_s[-1] - self.home_s
            self._hist_t = np.concatenate([self._hist_t[keep], time_s])
            feet = out[:, self._feet].reshape(n, len(SIDES), len(FOOT), 2)
            self._hist = np.concatenate([self._hist[keep], feet])
            self._hist_shin = np.concatenate([self._hist_shin[keep], shin])
        return out, any_swap

    def _homes(
        self, time_s: Arr, cur: Arr, swapped: NDArray[np.bool_], i: int, shin: Arr
    ) -> Arr | None:
        """Each side's foot points, median over the ``home_s`` seconds before row ``i`` of
        this chunk (rows before it corrected by ``swapped``): ``(2 sides, 3, 2)``. The
        shin length that judges their spread is read over the same seconds, however the
        frames were fed (all at once, or a few at a time live)."""
        since = time_s[i] - self.home_s
        i0 = int(np.searchsorted(time_s[:i], since, side="right"))  # this chunk's rows after
        feet = cur[i0:i, self._feet].reshape(i - i0, len(SIDES), len(FOOT), 2).copy()
        feet[swapped[i0:i]] = feet[swapped[i0:i]][:, ::-1]
        recent = self._hist_t > since
        pts = np.concatenate([self._hist[recent], feet])
        if pts.shape[0] == 0:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a point never seen
            homes = finite_median(pts, axis=0)
            # Only a foot that stayed put all that time has a home (not one that was lifted
            # or set down meanwhile, as at a side switch): the others are left unknown.
            spread = np.nanpercentile(np.linalg.norm(pts - homes, axis=-1), 90, axis=(0, 2))
            size = float(finite_median(np.concatenate([self._hist_shin[recent], shin[i0:i]])))
        homes[~(spread <= self.still_shins * size)] = np.nan
        return homes

    def _labels_back(self, homes: Arr, feet: Arr, shin: Arr) -> NDArray[np.bool_]:
        """Rows ``feet`` ``(m, 2, 3, 2)`` (as labelled) whose labels fit where the feet have
        been far better than the swapped reading does. A planted foot stays at its home, so
        the reading that puts a foot there is right; the free foot's home says little, so
        each reading is scored by its best-placed foot."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            as_is = np.nanmean(np.linalg.norm(feet - homes, axis=-1), axis=-1)
            crossed = np.nanmean(np.linalg.norm(feet[:, ::-1] - homes, axis=-1), axis=-1)
            raw, swap = np.nanmin(as_is, axis=1), np.nanmin(crossed, axis=1)  # NaN: no home
        return self._far_better(raw, swap, shin)

    def _far_better(self, fit: Arr, other: Arr, shin: Arr) -> NDArray[np.bool_]:
        """Rows where one reading's distance ``fit`` beats the other's decisively: under
        ``ratio`` of it and shorter by ``min_jump_shins`` shin lengths (NaN: never)."""
        with np.errstate(invalid="ignore"):
            return np.asarray(
                np.isfinite(fit)
                & np.isfinite(other)
                & (fit < self.ratio * other)
                & (other - fit > self.min_jump_shins * np.nan_to_num(shin, nan=np.inf)),
                dtype=bool,
            )

    def _group(
        self, g: _SwapGroup, time_s: Arr, cur: Arr, prev: Arr, shin: Arr
    ) -> NDArray[np.bool_]:
        n = cur.shape[0]
        a, b = cur[:, g.left], cur[:, g.right]
        pa, pb = prev[:, g.left], prev[:, g.right]
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            same = np.nanmean(np.linalg.norm(a - pa, axis=-1) + np.linalg.norm(b - pb, axis=-1), 1)
            cross = np.nanmean(
                np.linalg.norm(a - pb, axis=-1) + np.linalg.norm(b - pa, axis=-1), axis=1
            )
        toggles = np.flatnonzero(self._far_better(cross, same, shin))
        swapped = np.zeros(n, dtype=bool)
        state, since, i0 = g.swapped, g.since, 0
        for i in [*toggles.tolist(), n]:
            # Frames i0..i-1 keep the current state, unless it has lasted too long or the
            # labels as given put a foot back where it has been planted.
            if state:
                expire = since + self.max_swap_s
                cut = i0 + int(np.searchsorted(time_s[i0:i], expire, side="right"))
                if g.homes is not None and cut > i0:
                    feet = cur[i0:cut, self._feet].reshape(cut - i0, len(SIDES), len(FOOT), 2)
                    back = np.flatnonzero(self._labels_back(g.homes, feet, shin[i0:cut]))
                    if back.size:
                        cut = i0 + int(back[0])
                swapped[i0:cut] = True
                if cut < i:
                    state = False
            if i < n:
                state = not state
                since = float(time_s[i])
                i0 = i
                if state and g.has_feet and self.home_s > 0:
                    g.homes = self._homes(time_s, cur, swapped, i, shin)
        g.swapped, g.since = state, since
        return swapped


@dataclass
class _Foot:
    anchor: list[list[float]]  # mean position of ankle, heel, toe in the current still stretch
    count: list[int]  # rows averaged into each anchor point
    since: float  # start of the current still stretch (NaN: moving)
    out_since: float  # start of the current excursion (NaN: none)


class StanceTracker:
    """Still stretches of each foot on grid rows (smoothed, swap-corrected points).

    A foot is still while every visible point of it (ankle, heel, toe) stays within
    ``radius_shins`` of where it settled; an excursion shorter than ``excursion_s`` (noise,
    an uncorrected label swap) does not end the stretch. Closed stretches are kept for
    ``history_s`` so a finished rep can ask which foot stayed put through it.
    """

    def __init__(self, *, radius_shins: float, excursion_s: float, history_s: float) -> None:
        self.radius_shins = radius_shins
        self.excursion_s = excursion_s
        self.history_s = history_s
        self._feet = [
            _Foot([[math.nan, math.nan] for _ in FOOT], [0] * len(FOOT), math.nan, math.nan)
            for _ in SIDES
        ]
        self._closed: list[deque[tuple[float, float]]] = [deque() for _ in SIDES]

    def push(self, time_s: Arr, xy: Arr, *, shin_px: Arr) -> Arr:
        """Feed rows (with the shin length to measure them by, per row); returns
        ``(m, 2)``: per row and foot, since when it has been still (NaN while it moves)."""
        out = np.full((time_s.shape[0], 2), np.nan)
        radii = (self.radius_shins * np.asarray(shin_px, dtype=np.float64)).tolist()
        times = time_s.tolist()
        for s, side in enumerate(SIDES):
            feet = xy[:, [point_index(side, j) for j in FOOT]]  # (m, 3, 2)
            seen = np.isfinite(feet).all(axis=2)
            # Plain floats row by row: this loop runs for every row of a recording, and
            # numpy's per-call cost on three points is most of its time. One list per
            # coordinate (ankle x, y, heel x, y, toe x, y) and per point's "seen".
            columns = [feet[:, k, c].tolist() for k in range(len(FOOT)) for c in (0, 1)]
            out[:, s] = self._walk(
                self._feet[s],
                self._closed[s],
                times,
                radii,
                columns + [seen[:, k].tolist() for k in range(len(FOOT))],
            )
            horizon = float(time_s[-1]) - self.history_s if time_s.size else -math.inf
            closed = self._closed[s]
            while closed and closed[0][1] < horizon:
                closed.popleft()
        return out

    def _walk(
        self,
        foot: _Foot,
        closed: deque[tuple[float, float]],
        times: list[float],
        radii: list[float],
        columns: list[list[Any]],
    ) -> list[float]:
        """One foot through rows: ``columns`` are the ankle's, heel's and toe's x and y,
        then whether each was seen, per row; returns each row's ``since``. The state lives
        in plain locals (each point's spot and count) while it runs: it runs for every
        row."""
        excursion = self.excursion_s
        (x0, y0), (x1, y1), (x2, y2) = foot.anchor
        n0, n1, n2 = foot.count
        since, out_since = foot.since, foot.out_since
        col: list[float] = []
        for t, radius, ax, ay, hx, hy, tx, ty, s0, s1, s2 in zip(
            times, radii, *columns, strict=True
        ):
            if not (s0 or s1 or s2):
                col.append(since)
                continue
            if not math.isnan(since):
                # Settled: is a seen point that has a spot out of its radius?
                r2 = radius * radius
                far = (
                    (s0 and n0 > 0 and (ax - x0) ** 2 + (ay - y0) ** 2 > r2)
                    or (s1 and n1 > 0 and (hx - x1) ** 2 + (hy - y1) ** 2 > r2)
                    or (s2 and n2 > 0 and (tx - x2) ** 2 + (ty - y2) ** 2 > r2)
                )
                if not far:
                    out_since = math.nan
                    # Running means: they settle on the true spot.
                    if s0:
                        n0 += 1
                        x0, y0 = (ax, ay) if n0 == 1 else (x0 + (ax - x0) / n0, y0 + (ay - y0) / n0)
                    if s1:
                        n1 += 1
                        x1, y1 = (hx, hy) if n1 == 1 else (x1 + (hx - x1) / n1, y1 + (hy - y1) / n1)
                    if s2:
                        n2 += 1
                        x2, y2 = (tx, ty) if n2 == 1 else (x2 + (tx - x2) / n2, y2 + (ty - y2) / n2)
                    col.append(since)
                    continue
                if math.isnan(out_since):
                    out_since = t
                    col.append(since)
                    continue
                if t - out_since <= excursion:
                    col.append(since)
                    continue
                closed.append((since, out_since))
            # Settle here: a new still stretch starts at this row.
            nan = math.nan
            x0, y0, n0 = (ax, ay, 1) if s0 else (nan, nan, 0)
            x1, y1, n1 = (hx, hy, 1) if s1 else (nan, nan, 0)
            x2, y2, n2 = (tx, ty, 1) if s2 else (nan, nan, 0)
            since, out_since = t, nan
            col.append(since)
        foot.anchor = [[x0, y0], [x1, y1], [x2, y2]]
        foot.count = [n0, n1, n2]
        foot.since, foot.out_since = since, out_since
        return col

    def planted_since(self, side: int, t0: float, t1: float, *, slack_s: float) -> float | None:
        """When the still stretch that covers ``t0``..``t1`` (give or take ``slack_s``)
        began, or None if this foot moved in between."""
        foot = self._feet[side]
        spans = list(self._closed[side])
        if not math.isnan(foot.since):
            # An excursion not yet confirmed may still be noise: the stretch goes on.
            confirmed = not math.isnan(foot.out_since) and t1 - foot.out_since > self.excursion_s
            spans.append((foot.since, foot.out_since if confirmed else math.inf))
        for a, b in spans:
            if a <= t0 + slack_s and b >= t1 - slack_s:
                return a
        return None
