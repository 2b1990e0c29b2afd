"""The landmark tracks the analysis needs, on a uniform time grid, unfiltered.

Missing or low-confidence points become gaps; gaps are bridged by interpolation and their
length is kept so later stages can warn about stretches that were guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.config import FilteringConfig
from thrustcoach.analysis.filters import fill_gaps, resample_uniform
from thrustcoach.errors import AnalysisError, NoPersonError
from thrustcoach.pose.landmarks import REQUIRED_LANDMARKS
from thrustcoach.pose.series import LandmarkSeries

__all__ = ["JOINTS", "Tracks", "prepare_tracks"]

Arr = NDArray[np.float64]
JOINTS = ("shoulder", "hip", "knee", "ankle")
MIN_FRAMES = 10


@dataclass(frozen=True)
class Tracks:
    """Uniformly sampled ``left_*``/``right_*`` joint tracks (T, 2) in pixels."""

    time_s: Arr
    rate_hz: float
    points: dict[str, Arr]
    gap_s: Arr  # length of the data gap each grid point falls in (0 inside data)
    raw_time_s: Arr  # the recorded frames that hold a person (gaps filled per landmark)
    raw: dict[str, Arr]

    def __getitem__(self, name: str) -> Arr:
        return self.points[name]

    @property
    def n(self) -> int:
        return int(self.time_s.shape[0])

    def to_grid(self, values: Arr) -> Arr:
        """Resample per-frame values (T_raw, ...) onto the uniform grid."""
        grid = resample_uniform(self.raw_time_s, values, rate_hz=self.rate_hz)[1]
        return grid[: self.n]


def _check(series: LandmarkSeries) -> None:
    missing = [n for n in REQUIRED_LANDMARKS if not series.has(n)]
    if missing:
        raise AnalysisError(
            f"the landmarks lack {', '.join(missing)}",
            hint="export shoulders, hips, knees and ankles of both sides",
        )
    if series.n_frames < MIN_FRAMES:
        raise NoPersonError(
            f"only {series.n_frames} frames hold a person; "
            f"the analysis needs at least {MIN_FRAMES}",
            hint="record the whole set with the body in view",
        )


def prepare_tracks(series: LandmarkSeries, *, cfg: FilteringConfig) -> Tracks:
    """Resample the required joints onto a uniform grid at the nominal frame rate."""
    _check(series)
    names = [f"{s}_{j}" for j in JOINTS for s in ("left", "right")]
    idx = [series.index(n) for n in names]
    xy = series.xyz[:, idx, :2].copy()
    low = series.visibility[:, idx] < cfg.min_visibility
    xy[low] = np.nan
    usable = np.isfinite(xy).all(axis=2).mean(axis=1) >= 0.5
    if usable.sum() < MIN_FRAMES:
        raise NoPersonError(
            "too few frames show the shoulders, hips, knees and ankles clearly",
            hint="film from the side with the whole body in view and good light",
        )
    never = [names[i] for i in range(len(names)) if not np.isfinite(xy[usable, i]).any()]
    if never:
        raise NoPersonError(
            f"{', '.join(never)} never visible clearly", hint="keep the whole body in view"
        )
    # Fill single-landmark holes from neighbours before resampling whole frames.
    t = series.time_s[usable]
    rate = float(np.clip(series.fps, cfg.min_rate_hz, cfg.max_rate_hz))
    filled = fill_gaps(xy[usable])
    grid, res, gap = resample_uniform(t, filled, rate_hz=rate)
    points = {n: res[:, i, :] for i, n in enumerate(names)}
    raw = {n: filled[:, i, :] for i, n in enumerate(names)}
    return Tracks(time_s=grid, rate_hz=rate, points=points, gap_s=gap, raw_time_s=t, raw=raw)
