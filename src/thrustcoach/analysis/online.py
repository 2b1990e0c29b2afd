"""Chunk-invariant building blocks of the analysis engine.

Every stage here keeps a little state and gives the same output whether its input arrives
one frame at a time (live coaching) or all at once (a recorded set): that is what lets one
engine serve both feeds. Work per input row is constant; memory is bounded.

* :class:`Resampler`: per-landmark linear interpolation of uneven frames onto a uniform
  time grid. A landmark missing for longer than ``max_gap_s`` stays missing (NaN) on the
  grid instead of being bridged by a guess.
* :class:`CenteredSmoother`: a zero-phase Gaussian low-pass (a centred FIR, so no lag in
  the smoothed values; the output trails the input by the kernel's half width). Missing
  rows are left out of the weighted mean (normalised convolution).
* :class:`Reservoir`: a bounded, decimated history of per-row features whose medians give
  the recording's typical body proportions and camera view.
"""

from __future__ import annotations

import math
import warnings
from collections import deque

import numpy as np
from numpy.typing import NDArray

__all__ = ["CenteredSmoother", "Reservoir", "Resampler", "gaussian_kernel"]

Arr = NDArray[np.float64]
_SAME_TIME_S = 1e-9  # the tolerance the grid uses when it decides which rows are settled


def gaussian_kernel(sigma_rows: float) -> Arr:
    """A normalised Gaussian kernel truncated at three standard deviations."""
    half = max(int(math.ceil(3.0 * sigma_rows)), 1)
    x = np.arange(-half, half + 1, dtype=np.float64)
    k = np.exp(-0.5 * (x / max(sigma_rows, 1e-9)) ** 2)
    return np.asarray(k / k.sum(), dtype=np.float64)


class Resampler:
    """Uneven frames in, rows on a uniform grid out (time origin: the first frame).

    A grid row is emitted once every channel is settled at its time: a later sample of the
    channel exists (interpolate, unless the samples around the row are more than
    ``max_gap_s`` apart), or the channel has been missing for longer than ``max_gap_s`` (it
    will not be bridged, so the row holds NaN for it).
    """

    def __init__(self, *, n_channels: int, rate_hz: float, max_gap_s: float) -> None:
        self.n_channels = n_channels
        self.dt = 1.0 / rate_hz
        self.max_gap_s = max_gap_s
        self.t0: float | None = None
        self.next_k = 0
        self.latest_t = -math.inf
        # Recent valid samples per channel: (time, value) kept until no grid row needs them.
        self._times: list[deque[float]] = [deque() for _ in range(n_channels)]
        self._values: list[deque[float]] = [deque() for _ in range(n_channels)]
        self._frame_times: deque[float] = deque()  # every frame, for the gap length

    def grid_time(self, k: int | Arr) -> Arr:
        assert self.t0 is not None
        return np.asarray(self.t0 + np.asarray(k, dtype=np.float64) * self.dt)

    def push(self, time_s: Arr, values: Arr) -> tuple[Arr, Arr, Arr]:
        """Add frames ``(n,)`` x ``(n, C)`` (NaN = missing); return the settled grid rows
        ``(times, values (m, C), gap_s)`` where ``gap_s`` is the distance between the
        recorded frames around each row."""
        for t, row in zip(time_s.tolist(), values, strict=True):
            if t <= self.latest_t:
                continue  # out of order or repeated: the series is strictly increasing
            if self.t0 is None:
                self.t0 = t
            self.latest_t = t
            self._frame_times.append(t)
            for c in np.flatnonzero(np.isfinite(row)).tolist():
                self._times[c].append(t)
                self._values[c].append(float(row[c]))
        return self._emit(final=False)

    def flush(self) -> tuple[Arr, Arr, Arr]:
        """Settle every row up to the last frame (end of the recording)."""
        return self._emit(final=True)

    def _settled_until(self, final: bool) -> float:
        if final:
            return self.latest_t
        until = self.latest_t
        for times in self._times:
            if times and self.latest_t - times[-1] <= self.max_gap_s:
                until = min(until, times[-1])
        return until

    def _emit(self, *, final: bool) -> tuple[Arr, Arr, Arr]:
        empty = (np.empty(0), np.empty((0, self.n_channels)), np.empty(0))
        if self.t0 is None:
            return empty
        until = self._settled_until(final)
        last_k = int(math.floor((until - self.t0) / self.dt + 1e-9))
        if last_k < self.next_k:
            return empty
        ks = np.arange(self.next_k, last_k + 1)
        grid = self.grid_time(ks)
        out = np.full((ks.size, self.n_channels), np.nan)
        for c in range(self.n_channels):
            out[:, c] = self._interp_channel(c, grid)
        gap = self._gaps(grid)
        self.next_k = last_k + 1
        self._trim(float(self.grid_time(self.next_k)))
        return grid, out, gap

    def _interp_channel(self, c: int, grid: Arr) -> Arr:
        times = np.fromiter(self._times[c], dtype=np.float64, count=len(self._times[c]))
        if times.size == 0:
            return np.full(grid.shape, np.nan)
        vals = np.fromiter(self._values[c], dtype=np.float64, count=len(self._values[c]))
        hi = np.searchsorted(times, grid, side="left")  # first sample at or after the row
        lo = np.clip(hi - 1, 0, times.size - 1)
        hi_c = np.clip(hi, 0, times.size - 1)
        # A row on a frame's own time counts as that frame even when the grid's arithmetic
        # (t0 + k * dt) lands a rounding error past it: the newest frame of a one-frame
        # push (live) must give the same row as when later frames are already there.
        exact = (np.abs(times[hi_c] - grid) <= _SAME_TIME_S) | (
            np.abs(times[lo] - grid) <= _SAME_TIME_S
        )
        bracketed = (hi > 0) & (hi < times.size) & (times[hi_c] - times[lo] <= self.max_gap_s)
        res = np.interp(grid, times, vals)
        return np.where(exact | bracketed, res, np.nan)

    def _gaps(self, grid: Arr) -> Arr:
        ft = np.fromiter(self._frame_times, dtype=np.float64, count=len(self._frame_times))
        pos = np.clip(np.searchsorted(ft, grid, side="left"), 1, max(ft.size - 1, 1))
        if ft.size < 2:
            return np.zeros(grid.shape)
        gap = ft[pos] - ft[pos - 1]
        return np.where(np.isin(grid, ft), 0.0, gap)

    def _trim(self, next_grid_t: float) -> None:
        # Keep one sample before the next row (to interpolate from) and anything newer.
        for times, vals in zip(self._times, self._values, strict=True):
            while len(times) > 1 and times[1] <= next_grid_t:
                times.popleft()
                vals.popleft()
        while len(self._frame_times) > 2 and self._frame_times[1] <= next_grid_t:
            self._frame_times.popleft()


class CenteredSmoother:
    """Zero-phase Gaussian smoothing of rows ``(C,)`` with NaN-aware normalised weights.

    Output row ``i`` is emitted once input row ``i + half`` has arrived (or at
    :meth:`flush`); rows near the start and end of the recording use the part of the
    kernel that lies inside it. A row keeps NaN where the rows it draws on inside the
    recording are mostly missing (less than ``min_weight`` of their kernel weight seen):
    a long occlusion gets no invented values.
    """

    def __init__(self, *, n_channels: int, sigma_rows: float, min_weight: float = 0.35) -> None:
        self.kernel = gaussian_kernel(sigma_rows)
        self.half = (self.kernel.size - 1) // 2
        self.n_channels = n_channels
        self.min_weight = min_weight
        self._buf = np.full((0, n_channels), np.nan)  # rows not yet emitted + left context
        self._inside = np.zeros(0, dtype=bool)  # False: padding beyond the recording
        self._left = 0  # rows of left context at the front of _buf
        self._started = False

    def push(self, rows: Arr) -> Arr:
        if rows.shape[0] == 0:
            return np.empty((0, self.n_channels))
        if not self._started:
            # Left of the first row there is nothing: padding, not missing data.
            self._buf = np.full((self.half, self.n_channels), np.nan)
            self._inside = np.zeros(self.half, dtype=bool)
            self._left = self.half
            self._started = True
        self._buf = np.concatenate([self._buf, rows], axis=0)
        self._inside = np.concatenate([self._inside, np.ones(rows.shape[0], dtype=bool)])
        ready = self._buf.shape[0] - self._left - self.half
        return self._emit(max(ready, 0))

    def flush(self) -> Arr:
        if not self._started:
            return np.empty((0, self.n_channels))
        pending = self._buf.shape[0] - self._left
        self._buf = np.concatenate([self._buf, np.full((self.half, self.n_channels), np.nan)])
        self._inside = np.concatenate([self._inside, np.zeros(self.half, dtype=bool)])
        out = self._emit(pending)
        self._started = False
        return out

    def _emit(self, count: int) -> Arr:
        if count <= 0:
            return np.empty((0, self.n_channels))
        k = self.kernel.size
        first = self._left - self.half
        span = self._buf[: self._left + count + self.half]
        win = np.lib.stride_tricks.sliding_window_view(span, k, axis=0)[first : first + count]
        inside = np.lib.stride_tricks.sliding_window_view(
            self._inside[: self._left + count + self.half], k
        )[first : first + count]  # (count, K)
        ok = np.isfinite(win)  # (count, C, K)
        seen = (np.where(ok, self.kernel, 0.0)).sum(axis=-1)
        reach = (inside * self.kernel).sum(axis=-1)[:, None]
        acc = (np.where(ok, win, 0.0) * self.kernel).sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = acc / seen
        out = np.where(seen >= self.min_weight * reach, out, np.nan)
        # Keep the last `half` rows as left context for what comes next.
        consumed = self._left + count
        keep_from = max(consumed - self.half, 0)
        self._buf = self._buf[keep_from:]
        self._inside = self._inside[keep_from:]
        self._left = consumed - keep_from
        return np.asarray(out, dtype=np.float64)


class Reservoir:
    """A bounded, decimated history of feature rows: every ``every``-th row is kept, up to
    ``capacity`` rows (the oldest dropped), so medians describe the whole recording."""

    def __init__(self, *, n_features: int, every: int, capacity: int) -> None:
        self.every = max(every, 1)
        self.capacity = capacity
        self._rows: deque[Arr] = deque(maxlen=capacity)
        self._count = 0
        self.n_features = n_features

    def push(self, rows: Arr) -> None:
        for row in rows:
            if self._count % self.every == 0:
                self._rows.append(np.asarray(row, dtype=np.float64))
            self._count += 1

    def __len__(self) -> int:
        return len(self._rows)

    def array(self) -> Arr:
        if not self._rows:
            return np.full((0, self.n_features), np.nan)
        return np.stack(list(self._rows))

    def median(self) -> Arr:
        arr = self.array()
        if arr.shape[0] == 0:
            return np.full(self.n_features, np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
            return np.asarray(np.nanmedian(arr, axis=0), dtype=np.float64)
