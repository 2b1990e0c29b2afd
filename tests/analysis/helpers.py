"""Shared helpers for the analysis tests: generate a synthetic set and analyse it."""

from __future__ import annotations

from typing import Any

import numpy as np

from thrustcoach.analysis import AnalysisOptions, AnalysisResult, analyze
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.pose.synthetic import Camera, SyntheticResult, SyntheticSet, generate

SIDE = Camera(yaw_deg=8.0)
OBLIQUE = Camera(yaw_deg=42.0)
FRONT = Camera(yaw_deg=82.0, elevation_deg=10.0, distance_m=3.5)


def run(
    options: AnalysisOptions | None = None, **cfg: Any
) -> tuple[SyntheticResult, AnalysisResult]:
    synth = generate(SyntheticSet(**cfg))
    return synth, analyze(synth.series, options=options)


def out_of_view(series: LandmarkSeries, *spans: tuple[float, float]) -> LandmarkSeries:
    """``series`` with nobody seen (every point NaN) strictly inside each ``(start, end)``
    time span (seconds)."""
    xyz = series.xyz.copy()
    for start, end in spans:
        xyz[(series.time_s > start) & (series.time_s < end)] = np.nan
    return LandmarkSeries(
        series.time_s, series.frame, series.names, xyz, series.visibility, dict(series.meta)
    )
