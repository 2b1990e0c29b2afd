"""Shared pieces of the live tests: a synthetic set in MediaPipe's 33 landmarks."""

from __future__ import annotations

import pytest

from tests.pose.videokit import full_33
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.pose.synthetic import Camera, SyntheticSet, generate
from thrustcoach.vocab import Side

CAMERA = Camera(width_px=320, height_px=240, focal_px=220)


def synthetic_set(
    sides: tuple[Side, ...] = (Side.RIGHT,), reps: int = 3, *, pause_s: float = 1.0, seed: int = 5
) -> LandmarkSeries:
    synth = generate(
        SyntheticSet(
            reps_per_side=reps, sides=sides, seed=seed, noise_px=0.0, camera=CAMERA, pause_s=pause_s
        )
    )
    return full_33(synth.series)


@pytest.fixture(scope="session")
def right_set() -> LandmarkSeries:
    """Three reps on the right leg, 1 s pause at the top, 2 s lowering (about 15 s)."""
    return synthetic_set()
