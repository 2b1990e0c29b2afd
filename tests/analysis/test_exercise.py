"""Exercise recognition, including the negatives that must count nothing."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import FRONT, OBLIQUE, SIDE, run
from thrustcoach.analysis import AnalysisOptions
from thrustcoach.pose.synthetic import Camera
from thrustcoach.vocab import Exercise

EXERCISES = [e for e in Exercise if e is not Exercise.NOT_RECOGNIZED]


@pytest.mark.parametrize("camera", [SIDE, OBLIQUE, FRONT])
@pytest.mark.parametrize("exercise", EXERCISES)
def test_recognises_bench_floor_single_and_bilateral(exercise: Exercise, camera: Camera) -> None:
    _, res = run(exercise=exercise, camera=camera, reps_per_side=3, seed=21)
    assert res.exercise is exercise


@pytest.mark.parametrize("motion", ["squat", "walk"])
def test_squat_and_walking_are_not_recognized_and_count_nothing(motion: str) -> None:
    _, res = run(motion=motion, reps_per_side=4, seed=22)
    assert res.exercise is Exercise.NOT_RECOGNIZED
    assert res.reps == ()
    assert sum(res.summary.rep_count.values()) == 0
    assert any("not a hip thrust" in w for w in res.warnings)


def test_forcing_the_exercise_warns_when_it_disagrees() -> None:
    _, res = run(
        AnalysisOptions(exercise=Exercise.HIP_THRUST), exercise=Exercise.GLUTE_BRIDGE, seed=23
    )
    assert res.exercise is Exercise.HIP_THRUST
    assert any("looks like glute_bridge" in w for w in res.warnings)
