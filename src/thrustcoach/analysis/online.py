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
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["CenteredSmoother", "Resampler", "Reservoir", "finite_median", "gaussian_kernel"]

Arr = NDArray[np.float64]
_EPS = 1e-9  # seconds: frame and row times this close are the same instant


def finite_median(a: Arr, axis: int = 0) -> Arr:
    """The median along ``axis`` of each slice's finite values (NaN where it has none):
    ``np.nanmedian``'s numbers from one partition of the whole array, without the
    per-slice path numpy takes for small arrays (these run once per block, per rep and per
    label swap)."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        v = a[np.isfinite(a)]
        if v.size == 0:
            return np.asarray(np.nan)
        lo, hi = (v.size - 1) // 2, v.size // 2
        part = np.partition(v, (lo, hi))
        return np.asarray((part[lo] + part[hi]) / 2.0)
    a = np.moveaxis(a, axis, 0)
    rest = a.shape[1:]
    if a.shape[0] == 0 or a.size == 0:
        return np.full(rest, np.nan)
    a = a.reshape(a.shape[0], -1)
    finite = np.isfinite(a)
    if finite.all():  # the usual case: numpy's own median partitions at only the middle
        return np.asarray(np.median(a, axis=0), dtype=np.float64).reshape(rest)
    count = finite.sum(axis=0)
    low, high = np.maximum(count - 1, 0) // 2, np.minimum(count // 2, a.shape[0] - 1)
    # The missing values go last; one partition serves every slice's middle rows.
    ordered = np.partition(np.where(finite, a, np.inf), np.unique(np.concatenate([low, high])), 0)
    cols = np.arange(a.shape[1])
    middle = (ordered[low, cols] + ordered[high, cols]) / 2.0
    return np.asarray(np.where(count > 0, middle, np.nan), dtype=np.float64).reshape(rest)


def gaussian_kernel(sigma_rows: float, truncate: float = 3.0) -> Arr:
    """A normalised Gaussian kernel truncated at ``truncate`` standard deviations."""
    half = max(math.ceil(truncate * sigma_rows), 1)
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
        # Recent frames (time, values with NaN = missing), kept while a grid row may need
        # them: a row is only bridged between samples at most max_gap_s apart, so frames
        # older than that before the next row are of no use (bounded memory).
        self._t = np.empty(0)
        self._v = np.empty((0, n_channels))
        self._last_seen = np.full(n_channels, np.nan)  # each channel's latest valid sample

    def grid_time(self, k: int | NDArray[Any]) -> Arr:
        assert self.t0 is not None
        return np.asarray(self.t0 + np.asarray(k, dtype=np.float64) * self.dt)

    def push(self, time_s: Arr, values: Arr) -> tuple[Arr, Arr, Arr]:
        """Add frames ``(n,)`` x ``(n, C)`` (NaN = missing); return the settled grid rows
        ``(times, values (m, C), gap_s)`` where ``gap_s`` is the distance between the
        recorded frames around each row."""
        t = np.asarray(time_s, dtype=np.float64)
        if t.size == 0:
            return self._emit(final=False)
        # Out of order or repeated frames are dropped: the series is strictly increasing.
        before = np.fmax.accumulate(np.concatenate([[self.latest_t], t[:-1]]))
        keep = t > before  # later than every frame so far
        if keep.any():
            t, v = t[keep], np.asarray(values, dtype=np.float64)[keep]
            if self.t0 is None:
                self.t0 = float(t[0])
            self.latest_t = float(t[-1])
            self._t = np.concatenate([self._t, t])
            self._v = np.concatenate([self._v, v])
            seen = np.isfinite(v)
            last_row = np.where(seen.any(axis=0), seen.shape[0] - 1 - np.argmax(seen[::-1], 0), -1)
            got = last_row >= 0
            self._last_seen[got] = t[last_row[got]]
        return self._emit(final=False)

    def flush(self) -> tuple[Arr, Arr, Arr]:
        """Settle every row up to the last frame (end of the recording)."""
        return self._emit(final=True)

    def _settled_until(self, final: bool) -> float:
        if final or self.t0 is None:
            return self.latest_t
        # A channel not seen yet counts as last seen at the first frame.
        last = np.where(np.isfinite(self._last_seen), self._last_seen, self.t0)
        waiting = self.latest_t - last <= self.max_gap_s
        return float(min(self.latest_t, np.min(last[waiting], initial=math.inf)))

    def _emit(self, *, final: bool) -> tuple[Arr, Arr, Arr]:
        empty = (np.empty(0), np.empty((0, self.n_channels)), np.empty(0))
        if self.t0 is None:
            return empty
        until = self._settled_until(final)
        last_k = math.floor((until - self.t0) / self.dt + _EPS / self.dt)
        if last_k < self.next_k:
            return empty
        grid = self.grid_time(np.arange(self.next_k, last_k + 1))
        out = self._interp(grid)
        gap = self._gaps(grid)
        self.next_k = last_k + 1
        self._trim(float(self.grid_time(self.next_k)))
        return grid, out, gap

    def _interp(self, grid: Arr) -> Arr:
        """Each channel linearly interpolated at ``grid`` between its valid samples around
        the row (a sample on the row itself counts), NaN where they are more than
        ``max_gap_s`` apart or one side has none yet. Channels without a gap in the buffer
        (most, most of the time) share one pair of neighbouring frames per row."""
        t, v = self._t, self._v
        n, c = v.shape
        valid = np.isfinite(v)
        whole = valid.all(axis=0)
        j = np.searchsorted(t, grid - _EPS, side="left")  # first frame at/after the row
        out = np.empty((grid.size, c))
        if whole.any():
            hi, lo = j[:, None], (j - 1)[:, None]  # every frame is a valid sample
            out[:, whole] = self._blend(grid, t, v[:, whole], hi, lo, n)
        if not whole.all():
            sub, ok = v[:, ~whole], valid[:, ~whole]
            idx = np.arange(n)[:, None]
            # prev_valid[i]: last valid sample at index <= i; next_valid[i]: first at >= i.
            prev_valid = np.maximum.accumulate(np.where(ok, idx, -1), axis=0)
            next_valid = np.minimum.accumulate(np.where(ok, idx, n)[::-1], axis=0)[::-1]
            prev_valid = np.vstack([np.full((1, sub.shape[1]), -1), prev_valid])  # j+1: <= j
            next_valid = np.vstack([next_valid, np.full((1, sub.shape[1]), n)])
            # The last valid frame strictly before the row (index <= j - 1), the first at/after.
            out[:, ~whole] = self._blend(grid, t, sub, next_valid[j], prev_valid[j], n)
        return out

    def _blend(self, grid: Arr, t: Arr, v: Arr, hi: NDArray[Any], lo: NDArray[Any], n: int) -> Arr:
        """Rows of ``grid`` between frames ``lo`` and ``hi`` of ``v`` (per row, and per
        channel or shared): the frame itself if on the row, else the straight line."""
        has_hi = hi < n
        hi_c = np.minimum(hi, n - 1)
        lo_c = np.maximum(lo, 0)
        t_hi, t_lo = t[hi_c], t[lo_c]
        g = grid[:, None]
        exact = has_hi & (np.abs(t_hi - g) <= _EPS)
        bracketed = has_hi & (lo >= 0) & (t_hi - t_lo <= self.max_gap_s)
        if hi.shape[1] == 1:  # shared by every channel
            v_hi, v_lo = v[hi_c[:, 0]], v[lo_c[:, 0]]
        else:
            cols = np.arange(v.shape[1])[None, :]
            v_hi, v_lo = v[hi_c, cols], v[lo_c, cols]
        span = np.where(t_hi > t_lo, t_hi - t_lo, 1.0)
        w = np.clip((g - t_lo) / span, 0.0, 1.0)
        res = np.where(exact, v_hi, v_lo + w * (v_hi - v_lo))
        return np.asarray(np.where(exact | bracketed, res, np.nan), dtype=np.float64)

    def _gaps(self, grid: Arr) -> Arr:
        ft = self._t
        pos = np.clip(np.searchsorted(ft, grid, side="left"), 1, max(ft.size - 1, 1))
        if ft.size < 2:
            return np.zeros(grid.shape)
        gap = ft[pos] - ft[pos - 1]
        on_frame = np.abs(ft[np.clip(np.searchsorted(ft, grid - _EPS), 0, ft.size - 1)] - grid)
        return np.where(on_frame <= _EPS, 0.0, gap)

    def _trim(self, next_grid_t: float) -> None:
        # Keep the last frame before the oldest moment a future row may bridge from, and
        # everything newer (and at least two frames, for the gap lengths).
        cut = int(np.searchsorted(self._t, next_grid_t - self.max_gap_s - self.dt, "right")) - 1
        cut = min(max(cut, 0), max(self._t.size - 2, 0))
        if cut:
            self._t = self._t[cut:]
            self._v = self._v[cut:]


class CenteredSmoother:
    """Zero-phase Gaussian smoothing of rows ``(C,)`` with NaN-aware normalised weights.

    Output row ``i`` is emitted once input row ``i + half`` has arrived (or at
    :meth:`flush`); rows near the start and end of the recording use the part of the
    kernel that lies inside it. A row keeps NaN where the rows it draws on inside the
    recording are mostly missing (less than ``min_weight`` of their kernel weight seen):
    a long occlusion gets no invented values.
    """

    def __init__(
        self, *, n_channels: int, sigma_rows: float, min_weight: float = 0.35, truncate: float = 3.0
    ) -> None:
        self.kernel = gaussian_kernel(sigma_rows, truncate)
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
        end = self._left + count + self.half
        span = self._buf[:end]
        ok = np.isfinite(span)

        def weighted(v: Arr) -> Arr:  # kernel-weighted sums over each output row's window
            windows = np.lib.stride_tricks.sliding_window_view(v, k, axis=0)
            return np.asarray(windows[first : first + count] @ self.kernel, dtype=np.float64)

        acc = weighted(np.where(ok, span, 0.0))  # (count, C)
        seen = weighted(ok.astype(np.float64))
        reach = weighted(self._inside[:end].astype(np.float64))[:, None]
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
        self.capacity = max(capacity, 1)
        self.n_features = n_features
        # A ring of rows: ``_size`` of them, the oldest at ``_head``. Read once a block, so
        # it is kept as one array rather than rows to stack each time.
        self._ring = np.full((0, n_features), np.nan)
        self._head = 0
        self._size = 0
        self._count = 0

    def push(self, rows: Arr) -> None:
        rows = np.asarray(rows, dtype=np.float64)
        first = (-self._count) % self.every  # the first of these rows that is kept
        self._count += rows.shape[0]
        kept = rows[first :: self.every][-self.capacity :]
        if kept.shape[0] == 0:
            return
        if self._ring.shape[0] < self.capacity:  # grow (doubling) until the capacity
            need = min(self.capacity, max(self._size + kept.shape[0], 2 * self._ring.shape[0]))
            if need > self._ring.shape[0]:
                grown = np.full((need, self.n_features), np.nan)
                grown[: self._size] = self.array()
                self._ring, self._head = grown, 0
        cap = self._ring.shape[0]
        at = (self._head + self._size + np.arange(kept.shape[0])) % cap
        self._ring[at] = kept
        overflow = max(self._size + kept.shape[0] - cap, 0)
        self._head = (self._head + overflow) % cap
        self._size = min(self._size + kept.shape[0], cap)

    def __len__(self) -> int:
        return self._size

    def array(self) -> Arr:
        """The kept rows, oldest first (a read-only view while the ring has not wrapped)."""
        if self._head + self._size <= self._ring.shape[0]:
            view = self._ring[self._head : self._head + self._size]
            view.flags.writeable = False
            return view
        return np.concatenate(
            [
                self._ring[self._head :],
                self._ring[: (self._head + self._size) % self._ring.shape[0]],
            ]
        )
