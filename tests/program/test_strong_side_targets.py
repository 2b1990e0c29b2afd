"""strong_side_targets: the strong side never does more reps than the weak side just did."""

from __future__ import annotations

from thrustcoach.program import PlanInputs, PlanSession, build_plan, strong_side_targets
from thrustcoach.vocab import Side


def _session(inputs: PlanInputs, *, week: int, index: int) -> PlanSession:
    plan = build_plan(inputs)
    return next(s for s in plan.sessions() if (s.week, s.index) == (week, index))


def test_nothing_logged_keeps_the_planned_reps(intermediate_inputs: PlanInputs) -> None:
    sess = _session(intermediate_inputs, week=1, index=1)
    assert strong_side_targets(sess, reps_done={}) == {s.order: s.reps for s in sess.sets}


def test_strong_side_capped_at_the_weak_sides_reps(intermediate_inputs: PlanInputs) -> None:
    sess = _session(intermediate_inputs, week=1, index=1)  # left (weak), right, left, ...
    assert [s.side for s in sess.sets[:2]] == [Side.LEFT, Side.RIGHT]
    targets = strong_side_targets(sess, reps_done={1: (Side.LEFT, 7)})
    assert targets[2] == 7
    assert targets[1] == targets[3] == sess.sets[0].reps


def test_more_reps_than_planned_never_raise_the_target(intermediate_inputs: PlanInputs) -> None:
    sess = _session(intermediate_inputs, week=1, index=1)
    targets = strong_side_targets(sess, reps_done={1: (Side.LEFT, 30)})
    assert targets[2] == sess.sets[1].reps


def test_a_set_logged_on_the_other_side_sets_no_cap(intermediate_inputs: PlanInputs) -> None:
    sess = _session(intermediate_inputs, week=1, index=1)
    targets = strong_side_targets(sess, reps_done={1: (Side.RIGHT, 3)})
    assert targets[2] == sess.sets[1].reps


def test_the_extra_weak_side_set_is_never_capped(intermediate_inputs: PlanInputs) -> None:
    sess = _session(intermediate_inputs, week=2, index=1)
    extra = next(s for s in sess.sets if s.extra)
    before = next(s for s in sess.sets if s.order == extra.order - 1)
    assert before.side != extra.side
    targets = strong_side_targets(sess, reps_done={before.order: (before.side, 2)})
    assert targets[extra.order] == extra.reps


def test_the_weak_side_is_never_capped_by_its_own_or_the_strong_sides_reps(
    intermediate_inputs: PlanInputs,
) -> None:
    # left 9 (one short), right matched to 9, then left goes for the planned reps again
    sess = _session(intermediate_inputs, week=1, index=1)  # L R L R L R
    planned = sess.sets[0].reps
    targets = strong_side_targets(sess, reps_done={1: (Side.LEFT, 9), 2: (Side.RIGHT, 9)})
    assert [targets[o] for o in (1, 2, 3, 5)] == [planned, 9, planned, planned]
    # round 2: the right set follows its own round's left set, not round 1's
    assert targets[4] == planned
    later = strong_side_targets(sess, reps_done={1: (Side.LEFT, 9), 3: (Side.LEFT, 6)})
    assert (later[2], later[4], later[6]) == (9, 6, planned)
