"""Knee cave from the front: a camera turned off the midline or swapped leg labels do not
make a steady knee look like it caves, and a real cave is found on either knee."""

from __future__ import annotations

import numpy as np
import pytest

from tests.analysis.helpers import run
from thrustcoach.pose.synthetic import Camera
from thrustcoach.vocab import Exercise, FaultCode, Side

KC = FaultCode.KNEE_CAVE
# 15 deg off the midline to either side (the knee's lengthwise travel leaks into the
# image's left-right axis), and square on.
CAMERAS = [
    Camera(yaw_deg=75.0, elevation_deg=3.0, side=1),
    Camera(yaw_deg=75.0, elevation_deg=12.0, side=-1, mirror=True),
    Camera(yaw_deg=90.0, elevation_deg=8.0),
]
EXERCISES = [
    Exercise.SINGLE_LEG_HIP_THRUST,
    Exercise.SINGLE_LEG_GLUTE_BRIDGE,
    Exercise.HIP_THRUST,
]


@pytest.mark.parametrize("camera", CAMERAS, ids=["off_left", "off_right", "square"])
@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.value)
def test_steady_knee_is_not_a_cave_from_an_off_midline_camera(
    camera: Camera, exercise: Exercise
) -> None:
    _, res = run(
        exercise=exercise,
        sides=(Side.LEFT,),
        reps_per_side=4,
        camera=camera,
        seed=21,
        swap_rate_per_min=6.0,
        noise_px=1.5,
    )
    assert res.view == "front"
    assert len(res.reps) == 4
    ratios = [r.knee_cave_ratio for r in res.reps]
    assert all(v is not None and abs(v) < 0.09 for v in ratios), ratios
    assert KC not in res.summary.faults


@pytest.mark.parametrize("camera", CAMERAS, ids=["off_left", "off_right", "square"])
@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.value)
def test_a_caving_knee_is_found_from_an_off_midline_camera(
    camera: Camera, exercise: Exercise
) -> None:
    # 7 cm, the smallest cave the accuracy benchmark injects (a quarter of the hip width).
    _, res = run(
        exercise=exercise,
        sides=(Side.RIGHT,),
        reps_per_side=4,
        camera=camera,
        seed=22,
        faults={KC: 0.07},
        swap_rate_per_min=6.0,
        noise_px=1.5,
    )
    assert res.summary.faults.get(KC) == 4
    finding = next(f for f in res.reps[0].faults if f.code is KC)
    assert finding.value > finding.threshold + 0.05


def test_knee_offset_with_the_other_hip_never_seen_is_unknown_without_a_warning() -> None:
    """Which way is inward comes from the other hip; over a rep where it was never seen the
    offset is unknown (NaN), without numpy's "All-NaN slice" warning on the CLI's stderr."""
    import warnings

    from thrustcoach.analysis.legs import point_index
    from thrustcoach.analysis.signals import knee_medial_ratio

    xy = np.random.default_rng(0).normal(300.0, 50.0, size=(40, 12, 2))
    xy[:, point_index("right", "hip")] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        knee, _ = knee_medial_ratio(xy, "left", hip_width_px=40.0)
    assert np.isnan(knee).all()
