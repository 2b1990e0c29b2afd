"""Gap filling, uniform resampling and low-pass filters for landmark tracks.

Filters take ``(T, ...)`` arrays sampled uniformly at ``rate_hz`` and return arrays of the
same shape; :data:`FILTERS` maps the ``[filtering] type`` of ``analysis.toml`` to one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.signal import butter, savgol_filter, sosfiltfilt

from thrustcoach.analysis.config import FilteringConfig

__all__ = [
    "FILTERS",
    "butterworth",
    "fill_gaps",
    "no_filter",
    "resample_uniform",
    "savgol",
    "smooth",
]

Arr = NDArray[np.float64]
FilterFn = Callable[[Arr, float, FilteringConfig], Arr]


def fill_gaps(values: Arr) -> Arr:
    """Linear interpolation over NaNs along axis 0 (edges take the nearest value)."""
    flat = values.reshape(values.shape[0], -1)
    out = flat.copy()
    idx = np.arange(flat.shape[0])
    for col in range(flat.shape[1]):  # columns (landmark coordinates), not frames
        ok = np.isfinite(flat[:, col])
        if ok.any() and not ok.all():
            out[:, col] = np.interp(idx, idx[ok], flat[ok, col])
    return out.reshape(values.shape)


def resample_uniform(time_s: Arr, values: Arr, *, rate_hz: float) -> tuple[Arr, Arr, Arr]:
    """Values on a uniform grid: ``(grid_s, resampled, gap_s)``.

    ``gap_s`` is, for each grid point, the length of the data gap it falls in (0 inside data),
    so callers can refuse to trust long bridged stretches.
    """
    grid = np.arange(time_s[0], time_s[-1] + 0.5 / rate_hz, 1.0 / rate_hz)
    flat = values.reshape(values.shape[0], -1)
    out = np.empty((grid.shape[0], flat.shape[1]))
    for col in range(flat.shape[1]):
        ok = np.isfinite(flat[:, col])
        out[:, col] = np.interp(grid, time_s[ok], flat[ok, col]) if ok.sum() >= 2 else np.nan
    pos = np.clip(np.searchsorted(time_s, grid), 1, time_s.shape[0] - 1)
    gap = time_s[pos] - time_s[pos - 1]
    return grid, out.reshape((grid.shape[0], *values.shape[1:])), gap


def butterworth(values: Arr, rate_hz: float, cfg: FilteringConfig) -> Arr:
    """Zero-phase Butterworth low-pass (``sosfiltfilt``): no lag, so phase times stay put."""
    b = cfg.butterworth
    cutoff = min(b.cutoff_hz, 0.45 * rate_hz)
    sos = butter(b.order, cutoff, btype="low", fs=rate_hz, output="sos")
    padlen = min(values.shape[0] - 1, 3 * (2 * len(sos) + 1) * 4)
    if values.shape[0] < 8:
        return values.copy()
    return np.asarray(sosfiltfilt(sos, values, axis=0, padlen=padlen), dtype=np.float64)


def savgol(values: Arr, rate_hz: float, cfg: FilteringConfig) -> Arr:
    """Savitzky-Golay smoothing: keeps peak heights better than a Butterworth."""
    window = int(cfg.savgol.window_s * rate_hz) | 1
    if values.shape[0] <= window or window <= cfg.savgol.polyorder:
        return values.copy()
    return np.asarray(savgol_filter(values, window, cfg.savgol.polyorder, axis=0), dtype=np.float64)


def no_filter(values: Arr, rate_hz: float, cfg: FilteringConfig) -> Arr:
    del rate_hz, cfg
    return values.copy()


FILTERS: dict[str, FilterFn] = {"butterworth": butterworth, "savgol": savgol, "none": no_filter}


def smooth(values: Arr, *, rate_hz: float, cfg: FilteringConfig) -> Arr:
    """Fill gaps, then apply the configured filter; NaN columns stay NaN."""
    filled = fill_gaps(values)
    bad = ~np.isfinite(filled)
    out = FILTERS[cfg.type](np.where(bad, 0.0, filled), rate_hz, cfg)
    return np.where(bad, np.nan, out)
