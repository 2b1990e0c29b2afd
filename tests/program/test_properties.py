"""Invariants every generated plan keeps, for any valid inputs, template and progression."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from thrustcoach.program import (
    Plan,
    PlanInputs,
    SessionKind,
    build_plan,
    load_templates,
    next_block,
)
from thrustcoach.vocab import Side

from .strategies import plan_inputs, session_results

TEMPLATES = sorted(load_templates())


def _single_leg(plan: Plan) -> list:  # type: ignore[type-arg]
    return [s for s in plan.sessions() if s.kind is SessionKind.SINGLE_LEG]


def check_invariants(plan: Plan) -> None:
    weak = plan.weak_side
    assert weak is not None
    extras = 0
    for sess in _single_leg(plan):
        # Weak side first, every session.
        assert sess.sets[0].side is weak
        # Strong side never more reps (per set, and in total) than the weak side.
        weak_sets, strong_sets = sess.sets_for(weak), sess.sets_for(weak.other)
        assert max(s.reps for s in strong_sets) <= min(s.reps for s in weak_sets)
        assert sum(s.reps for s in strong_sets) <= sum(s.reps for s in weak_sets)
        # Each strong set follows a weak set of at least as many reps (alternation).
        for prev, cur in zip(sess.sets, sess.sets[1:], strict=False):
            if cur.side is weak.other:
                assert prev.side is weak and cur.reps <= prev.reps
        extras += sum(1 for s in sess.sets if s.extra)
        assert all(s.extra is False or s.side is weak for s in sess.sets)
        assert sess.sets[-1].rest_s == 0
    # Exactly one extra weak-side set per block (a block is one month).
    assert extras == 1
    # Never a dumbbell the user does not own.
    owned = set(plan.inputs.dumbbells_kg)
    for sess in _single_leg(plan):
        for s in sess.sets:
            assert s.load_kg is None or s.load_kg in owned
    # The deload week is lighter than the week before: fewer reps, no heavier load.
    for before, week in zip(plan.weeks, plan.weeks[1:], strict=False):
        if week.deload:
            assert week.single_leg_reps_per_side < before.single_leg_reps_per_side
            assert week.top_single_leg_load_kg <= before.top_single_leg_load_kg
            if before.top_single_leg_load_kg > 0:
                assert week.top_single_leg_load_kg < before.top_single_leg_load_kg
            bil = [
                s.load_kg or Decimal(0)
                for x in week.sessions
                for s in x.sets
                if x.kind is SessionKind.BILATERAL
            ]
            bil_before = [
                s.load_kg or Decimal(0)
                for x in before.sessions
                for s in x.sets
                if x.kind is SessionKind.BILATERAL
            ]
            if bil and bil_before and max(bil_before) > 0:
                assert max(bil) < max(bil_before)
    # Dates strictly increase and fall on the user's training days.
    dates = [s.date for s in plan.sessions()]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    days = {d.day_number for d in plan.inputs.training_days}
    assert all(d.weekday() in days for d in dates)


@settings(max_examples=60, deadline=None)
@given(inputs=plan_inputs(), template=st.sampled_from(TEMPLATES))
def test_every_first_block_keeps_the_invariants(inputs: PlanInputs, template: str) -> None:
    plan = build_plan(inputs, template=template)
    check_invariants(plan)
    assert Plan.from_json(plan.to_json()) == plan


@settings(max_examples=60, deadline=None)
@given(inputs=plan_inputs(loaded=True), template=st.sampled_from(TEMPLATES))
def test_loaded_blocks_keep_the_invariants(inputs: PlanInputs, template: str) -> None:
    check_invariants(build_plan(inputs, template=template))


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    inputs=plan_inputs(loaded=True) | plan_inputs(),
    template=st.sampled_from(TEMPLATES),
)
def test_follow_up_blocks_keep_the_invariants(
    data: st.DataObject, inputs: PlanInputs, template: str
) -> None:
    plan = build_plan(inputs, template=template)
    for _ in range(3):
        slots = [(s.week, s.index) for s in _single_leg(plan)]
        results = data.draw(session_results(len(plan.weeks), slots))
        nxt = next_block(plan, results)
        check_invariants(nxt)
        assert nxt.block_number == plan.block_number + 1
        assert nxt.weeks[-1].deload == plan.weeks[-1].deload  # a deload stays a deload
        held = results and all(r.form.held for r in results)
        before, after = plan.working_load_kg or Decimal(0), nxt.working_load_kg or Decimal(0)
        if not held:
            assert after <= before  # load never goes up unless form held
        plan = nxt


@settings(max_examples=30, deadline=None)
@given(inputs=plan_inputs(weak_known=False))
def test_unknown_weak_side_alternates_the_first_leg(inputs: PlanInputs) -> None:
    plan = build_plan(inputs)
    firsts = [s.sets[0].side for s in _single_leg(plan)]
    if inputs.weak_side is None:
        assert firsts == [Side.LEFT, Side.RIGHT] * (len(firsts) // 2)
    else:
        assert set(firsts) == {inputs.weak_side}
