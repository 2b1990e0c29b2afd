"""Each fault is found when injected (with the knowledge base's cue) and not when absent."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import FRONT, OBLIQUE, SIDE, run
from thrustcoach.analysis import AnalysisOptions
from thrustcoach.pose.synthetic import Camera
from thrustcoach.pose.synthetic_scenarios import FAULT_MAGNITUDES
from thrustcoach.vocab import Exercise, FaultCode

VIEW_FOR: dict[FaultCode, Camera] = {FaultCode.PELVIC_ROTATION: OBLIQUE, FaultCode.KNEE_CAVE: FRONT}
CODES = [c for c in FaultCode if c in FAULT_MAGNITUDES]


def _magnitude(code: FaultCode) -> float:
    lo, hi = FAULT_MAGNITUDES[code]
    return (lo + hi) / 2


@pytest.mark.parametrize("code", CODES)
def test_injected_fault_is_found_with_value_threshold_and_cue(code: FaultCode) -> None:
    camera = VIEW_FOR.get(code, SIDE)
    synth, res = run(
        faults={code: _magnitude(code)}, reps_per_side=5, camera=camera, seed=11, noise_px=1.0
    )
    faulted = [t.index for t in synth.truth.reps if code in t.faults]
    assert faulted
    hits = [r for r in res.reps if any(f.code is code for f in r.faults)]
    assert len(hits) >= len(faulted) - 1
    finding = next(f for f in hits[0].faults if f.code is code)
    assert finding.cue  # the knowledge base's coaching cue
    assert finding.value != finding.threshold


@pytest.mark.parametrize("camera", [SIDE, OBLIQUE, FRONT])
@pytest.mark.parametrize("exercise", [Exercise.SINGLE_LEG_HIP_THRUST, Exercise.GLUTE_BRIDGE])
def test_clean_sets_have_no_faults(camera: Camera, exercise: Exercise) -> None:
    _, res = run(exercise=exercise, reps_per_side=5, camera=camera, seed=12, noise_px=1.0)
    assert len(res.reps) == 5
    assert [f.code for r in res.reps for f in r.faults] == []


def test_prescribed_tempo_can_be_changed_per_call() -> None:
    _, default = run(pause_s=1.2, reps_per_side=3, seed=13)
    _, strict = run(
        AnalysisOptions(pause_s=3.0, lowering_s=4.0), pause_s=1.2, reps_per_side=3, seed=13
    )
    assert FaultCode.SHORT_PAUSE not in default.summary.faults
    assert strict.summary.faults[FaultCode.SHORT_PAUSE] == 3
    assert strict.summary.faults[FaultCode.RUSHED_LOWERING] == 3
    assert strict.prescribed_pause_s == 3.0


def test_views_that_cannot_show_a_fault_say_so() -> None:
    _, side = run(reps_per_side=3, camera=SIDE, seed=14)
    _, front = run(reps_per_side=3, camera=FRONT, seed=14)
    assert any("pelvic rotation" in w for w in side.warnings)
    assert any("front view" in w for w in front.warnings)
    assert all(
        r.peak_hip_angle_deg is None and r.pelvic_rotation_deg is not None for r in front.reps
    )
