"""next_block: load goes up only when form held; otherwise repeat or step back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from thrustcoach.errors import PlanError
from thrustcoach.program import (
    FormFlags,
    FreeLeg,
    Plan,
    PlanInputs,
    ProgressionAction,
    SessionKind,
    SessionResult,
    build_plan,
    decide,
    next_block,
)
from thrustcoach.vocab import FaultCode, Side

BAD_PELVIS = FormFlags(pelvis_level=False)


def _all_sessions(plan: Plan, form: FormFlags = FormFlags()) -> list[SessionResult]:
    return [
        SessionResult(week=s.week, session=s.index, form=form)
        for s in plan.sessions()
        if s.kind is SessionKind.SINGLE_LEG
    ]


def test_form_held_adds_one_owned_dumbbell(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(intermediate_inputs)
    nxt = next_block(plan, _all_sessions(plan))
    assert decide(plan, _all_sessions(plan)).action is ProgressionAction.INCREASE
    assert (plan.working_load_kg, nxt.working_load_kg) == (Decimal("22.5"), Decimal("22.5"))
    # 22.5 kg is the heaviest dumbbell owned: the load holds and the plan says why.
    assert any("heavier dumbbell" in n for n in nxt.notes)


def test_increase_moves_to_the_next_owned_weight(intermediate_inputs: PlanInputs) -> None:
    inputs = PlanInputs.checked(
        **{**intermediate_inputs.model_dump(), "dumbbells_kg": [Decimal(x) for x in (10, 16, 24)]}
    )
    plan = build_plan(inputs)
    assert plan.working_load_kg == Decimal(16)
    nxt = next_block(plan, _all_sessions(plan))
    assert nxt.working_load_kg == Decimal(24)
    assert nxt.weeks[3].top_single_leg_load_kg == Decimal(16)  # the deload stays a deload
    assert nxt.inputs.start_date == date(2026, 2, 2)
    assert nxt.weeks[0].sessions[0].date == date(2026, 2, 2)
    assert nxt.block_number == 2


def test_lapse_in_the_last_working_week_steps_back(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(intermediate_inputs)
    results = _all_sessions(plan)
    results = [r if r.week != 3 else r.model_copy(update={"form": BAD_PELVIS}) for r in results]
    decision = decide(plan, results)
    assert decision.action is ProgressionAction.DECREASE
    assert next_block(plan, results).working_load_kg == Decimal(20)


def test_early_lapse_then_clean_repeats(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(intermediate_inputs)
    results = _all_sessions(plan)
    results[0] = results[0].model_copy(update={"form": FormFlags(bench_contact=False)})
    assert decide(plan, results).action is ProgressionAction.REPEAT
    assert next_block(plan, results).working_load_kg == plan.working_load_kg


def test_missed_reps_repeat(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(intermediate_inputs)
    results = _all_sessions(plan)
    results[0] = results[0].model_copy(update={"reps_done": {Side.LEFT: (10, 9, 8)}})
    assert decide(plan, results).action is ProgressionAction.REPEAT


def test_no_results_repeat(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(intermediate_inputs)
    assert decide(plan, []).action is ProgressionAction.REPEAT


def test_result_for_a_session_not_in_the_plan_is_refused(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(intermediate_inputs)
    with pytest.raises(PlanError, match="week 2 session 2"):
        next_block(plan, [SessionResult(week=2, session=2)])  # the bilateral day


def test_beginner_with_clean_block_moves_to_first_dumbbell(beginner_inputs: PlanInputs) -> None:
    inputs = PlanInputs.checked(
        **{
            **beginner_inputs.model_dump(),
            "equipment": "dumbbells",
            "dumbbells_kg": [Decimal(x) for x in (2, 6, 12)],
        }
    )
    plan = build_plan(inputs)
    assert plan.working_load_kg is None
    nxt = next_block(plan, _all_sessions(plan))
    assert nxt.working_load_kg == Decimal(6)  # lightest owned in 5-15 kg
    assert nxt.inputs.experience == "intermediate"


def test_bodyweight_only_progresses_to_the_extended_leg(beginner_inputs: PlanInputs) -> None:
    plan = build_plan(beginner_inputs)
    nxt = next_block(plan, _all_sessions(plan))
    assert nxt.working_load_kg is None
    assert nxt.free_leg is FreeLeg.EXTENDED
    back = next_block(nxt, _all_sessions(nxt, BAD_PELVIS))
    assert back.free_leg is FreeLeg.BENT


def test_weak_side_is_inferred_from_reps(beginner_inputs: PlanInputs) -> None:
    plan = build_plan(PlanInputs.checked(**{**beginner_inputs.model_dump(), "weak_side": None}))
    results = [
        r.model_copy(update={"reps_done": {Side.LEFT: (10, 10, 10), Side.RIGHT: (10, 9, 8)}})
        for r in _all_sessions(plan)
    ]
    nxt = next_block(plan, results)
    assert nxt.weak_side is Side.RIGHT
    assert all(s.sets[0].side is Side.RIGHT for s in nxt.sessions())


def test_form_flags_from_video_fault_codes() -> None:
    flags = FormFlags.from_fault_codes([FaultCode.PELVIC_ROTATION, FaultCode.SHORT_PAUSE])
    assert not flags.pelvis_level and flags.bench_contact and flags.full_range
    assert not FormFlags.from_fault_codes([FaultCode.PARTIAL_DEPTH]).full_range
    assert not FormFlags.from_fault_codes([FaultCode.NECK_ON_BENCH]).bench_contact
    assert not FormFlags.from_fault_codes([], drift=True).held
    assert FormFlags.from_fault_codes([FaultCode.BOUNCE]).held


def test_load_stops_at_60_percent_of_the_bilateral(intermediate_inputs: PlanInputs) -> None:
    # Ceiling for 70 kg / 100 x 8: 0.6 x 171 / (1 + 14/30) - 35 = 34.95 kg per side.
    inputs = PlanInputs.checked(
        **{**intermediate_inputs.model_dump(), "dumbbells_kg": [Decimal(x) for x in (22, 30, 40)]}
    )
    plan = build_plan(inputs)
    assert plan.working_load_kg == Decimal(22)
    second = next_block(plan, _all_sessions(plan))
    assert second.working_load_kg == Decimal(30)
    third = next_block(second, _all_sessions(second))
    assert third.working_load_kg == Decimal(30)
    assert any("retest" in n for n in third.notes)
