"""Rep counting and phase timing on synthetic sets with known ground truth."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import OBLIQUE, run
from thrustcoach.vocab import Exercise, Side

MESSY = {"noise_px": 2.0, "dropout_rate": 0.04, "swap_rate_per_min": 6.0, "fps_jitter": 0.15}


@pytest.mark.parametrize("exercise", [e for e in Exercise if e is not Exercise.NOT_RECOGNIZED])
def test_counts_every_rep_of_each_exercise(exercise: Exercise) -> None:
    synth, res = run(exercise=exercise, reps_per_side=6, seed=1, **MESSY)
    assert res.exercise is exercise
    assert len(res.reps) == len(synth.truth.reps) == 6


@pytest.mark.parametrize(
    ("start", "end"),
    [("partway", "bottom"), ("top", "bottom"), ("bottom", "lowering"), ("top", "lowering")],
)
def test_partial_first_and_last_reps_still_count(start: str, end: str) -> None:
    synth, res = run(reps_per_side=5, start=start, end=end, seed=4, **MESSY)
    assert len(res.reps) == len(synth.truth.reps) == 5
    assert res.reps[0].partial == (start != "bottom")
    assert res.reps[-1].partial == (end != "bottom")


def test_a_set_filmed_from_inside_the_first_pause_puts_that_lockout_at_the_start() -> None:
    # A long pause, filmed from 0.6 s in: the lockout happened before the first frame, so
    # the first rep's top is the recording's start, not a noisy point inside the pause.
    synth, res = run(reps_per_side=4, start="top", pause_s=2.0, seed=6, **MESSY)
    assert synth.truth.reps[0].top_s < -0.5
    assert res.reps[0].top_s == 0.0
    assert res.reps[0].pause_s is None  # the pause was cut: its length is unknown


def test_rests_between_reps_do_not_add_or_merge_reps() -> None:
    synth, res = run(reps_per_side=4, bottom_s=6.0, seed=2, **MESSY)
    assert len(res.reps) == 4
    assert len(res.sets) == 1


def test_phase_times_match_the_truth_within_a_tenth_of_a_second() -> None:
    synth, res = run(
        reps_per_side=5, concentric_s=1.2, pause_s=1.5, eccentric_s=2.5, seed=3, noise_px=1.0
    )
    for truth, rep in zip(synth.truth.reps, res.reps, strict=True):
        assert rep.concentric_s == pytest.approx(truth.concentric_s, abs=0.15)
        assert rep.pause_s == pytest.approx(truth.pause_s, abs=0.15)
        assert rep.eccentric_s == pytest.approx(truth.eccentric_s, abs=0.15)
        assert rep.top_s == pytest.approx(truth.top_s, abs=0.15)


def test_oblique_view_counts_and_reports_its_view() -> None:
    synth, res = run(reps_per_side=5, camera=OBLIQUE, seed=5, **MESSY)
    assert res.view == "oblique"
    assert len(res.reps) == 5


def test_summary_counts_reps_per_side() -> None:
    _, res = run(sides=(Side.LEFT, Side.RIGHT), reps_per_side=4, seed=6)
    assert res.summary.rep_count[Side.LEFT] == 4
    assert res.summary.rep_count[Side.RIGHT] == 4
    assert res.summary.rep_count[Side.BOTH] == 0
    assert "rep_count" in res.summary.left_minus_right
