"""Shared helpers for the analysis tests: generate a synthetic set and analyse it."""

from __future__ import annotations

from typing import Any

from thrustcoach.analysis import AnalysisOptions, AnalysisResult, analyze
from thrustcoach.pose.synthetic import Camera, SyntheticResult, SyntheticSet, generate

SIDE = Camera(yaw_deg=8.0)
OBLIQUE = Camera(yaw_deg=42.0)
FRONT = Camera(yaw_deg=82.0, elevation_deg=10.0, distance_m=3.5)


def run(
    options: AnalysisOptions | None = None, **cfg: Any
) -> tuple[SyntheticResult, AnalysisResult]:
    synth = generate(SyntheticSet(**cfg))
    return synth, analyze(synth.series, options=options)
