"""build_plan applies each rule: loads, free leg, order, extra set, deload, dates, rest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from thrustcoach.errors import PlanError
from thrustcoach.program import (
    FreeLeg,
    Plan,
    PlanInputs,
    SessionKind,
    build_plan,
    epley_e1rm,
    epley_load_for_reps,
)
from thrustcoach.vocab import Side, VariantId


def _with(inputs: PlanInputs, **update: object) -> PlanInputs:
    return PlanInputs.checked(**{**inputs.model_dump(), **update})


def test_epley_formula() -> None:
    assert epley_e1rm(Decimal(100), 1) == Decimal(100)
    assert epley_e1rm(Decimal(90), 10) == Decimal(120)
    assert epley_load_for_reps(Decimal(120), 10) == Decimal(90)


def test_per_side_load_is_half_the_bilateral_system_load(intermediate_inputs: PlanInputs) -> None:
    # 70 kg lifter, bilateral 100 x 8: system = 100 + 35 (half of body mass) = 135 kg,
    # e1RM = 135 x (1 + 8/30) = 171 kg; per side 50 % = 85.5 kg; load for 12 + 2 reps in
    # reserve = 85.5 / (1 + 14/30) = 58.30 kg system -> 23.30 kg dumbbell -> 22.5 kg owned.
    plan = build_plan(intermediate_inputs)
    assert plan.working_load_kg == Decimal("22.5")
    week1 = plan.weeks[0].single_leg_sessions()[0]
    assert {s.load_kg for s in week1.sets} == {Decimal("22.5")}
    assert {s.exercise for s in week1.sets} == {VariantId.SINGLE_LEG_HIP_THRUST_DUMBBELL}
    # Bilateral day: 171 / (1 + 10/30) - 35 = 93.25 -> 92.5 kg (2.5 kg plates).
    assert plan.bilateral_load_kg == Decimal("92.5")


def test_load_rounds_down_to_a_dumbbell_owned(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(_with(intermediate_inputs, dumbbells_kg=[Decimal(8), Decimal(16)]))
    assert plan.working_load_kg == Decimal(16)
    assert {
        s.load_kg for sess in plan.sessions() for s in sess.sets if s.side is not Side.BOTH
    } <= {
        Decimal(8),
        Decimal(16),
    }


def test_light_bilateral_lifter_stays_at_bodyweight(intermediate_inputs: PlanInputs) -> None:
    # "Bodyweight is brutal at first": 40 kg x 8 bilateral leaves nothing to add per side.
    plan = build_plan(_with(intermediate_inputs, bilateral={"load_kg": 40, "reps": 8}))
    assert plan.working_load_kg is None
    first = plan.weeks[0].sessions[0]
    assert first.sets[0].exercise is VariantId.SINGLE_LEG_HIP_THRUST


def test_without_a_bilateral_lift_the_first_dumbbell_is_5_to_15_kg(
    intermediate_inputs: PlanInputs,
) -> None:
    owned = [Decimal(x) for x in (2, 4, 6, 8, 20)]
    plan = build_plan(_with(intermediate_inputs, bilateral=None, dumbbells_kg=owned))
    assert plan.working_load_kg == Decimal(6)
    plan = build_plan(_with(intermediate_inputs, bilateral=None, dumbbells_kg=[Decimal(20)]))
    assert plan.working_load_kg is None


def test_beginners_start_at_bodyweight_with_the_bent_leg(beginner_inputs: PlanInputs) -> None:
    plan = build_plan(
        _with(beginner_inputs, equipment="dumbbells", dumbbells_kg=[Decimal(5), Decimal(10)])
    )
    assert plan.working_load_kg is None
    assert plan.free_leg is FreeLeg.BENT
    reps = {s.reps for sess in plan.sessions() for s in sess.sets}
    assert reps <= set(range(8, 13))
    assert {s.exercise for sess in plan.sessions() for s in sess.sets} == {
        VariantId.SINGLE_LEG_HIP_THRUST
    }


def test_beginner_activation_reps_are_clamped_to_12(beginner_inputs: PlanInputs) -> None:
    plan = build_plan(beginner_inputs, template="activation")
    assert {s.reps for sess in plan.sessions() for s in sess.sets} == {12}


def test_advanced_lifters_use_the_extended_free_leg(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(
        _with(intermediate_inputs, experience="advanced", equipment="bodyweight", dumbbells_kg=[])
    )
    assert plan.free_leg is FreeLeg.EXTENDED
    sess = plan.weeks[0].sessions[0]
    assert sess.free_leg is FreeLeg.EXTENDED
    assert sess.sets[0].exercise is VariantId.SINGLE_LEG_HIP_THRUST_EXTENDED


def test_sets_alternate_weak_then_strong_with_rest_between_sides(
    intermediate_inputs: PlanInputs,
) -> None:
    sess = build_plan(intermediate_inputs).weeks[0].sessions[0]
    assert [s.side for s in sess.sets] == [Side.LEFT, Side.RIGHT] * 3
    assert [s.rest_s for s in sess.sets] == [45, 90, 45, 90, 45, 0]
    assert [s.order for s in sess.sets] == list(range(1, 7))


def test_the_extra_weak_set_lands_in_week_2_session_1(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(intermediate_inputs)
    extras = [(sess.week, sess.index, s) for sess in plan.sessions() for s in sess.sets if s.extra]
    assert len(extras) == 1
    week, index, extra = extras[0]
    assert (week, index) == (2, 1)
    assert extra.side is Side.LEFT and extra.reps == 12
    sess = plan.weeks[1].sessions[0]
    assert [s.side for s in sess.sets].count(Side.LEFT) == 4
    assert [s.side for s in sess.sets].count(Side.RIGHT) == 3


def test_block_tempo_follows_the_table(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(intermediate_inputs)
    got = []
    for week in plan.weeks:
        sess = week.single_leg_sessions()[0]
        s = sess.sets[0]
        got.append((len(sess.sets_for(Side.RIGHT)), s.reps, s.pause_s, s.lowering_s))
    assert got == [(3, 10, 1, 2), (3, 12, 2, 2), (4, 10, 2, 3), (3, 8, 1, 2)]


def test_deload_is_one_dumbbell_lighter(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(intermediate_inputs)
    assert plan.weeks[3].deload
    assert plan.weeks[3].top_single_leg_load_kg == Decimal(20)
    bilateral = next(s for s in plan.weeks[3].sessions if s.kind is SessionKind.BILATERAL)
    assert bilateral.sets[0].load_kg == Decimal("72.5")  # 80 % of 92.5 = 74 -> 72.5


def test_sessions_are_dated_on_training_days(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(intermediate_inputs)
    dates = [(s.date, s.kind) for s in plan.sessions()]
    assert dates[:3] == [
        (date(2026, 1, 5), SessionKind.SINGLE_LEG),
        (date(2026, 1, 7), SessionKind.BILATERAL),
        (date(2026, 1, 9), SessionKind.SINGLE_LEG),
    ]
    assert dates[-1][0] == date(2026, 1, 30)
    assert len(dates) == 12


def test_start_mid_week_keeps_7_day_windows(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(_with(intermediate_inputs, start_date=date(2026, 1, 8)))  # a Thursday
    assert [s.date.isoformat() for s in plan.weeks[0].sessions] == [
        "2026-01-09",
        "2026-01-12",
        "2026-01-14",
    ]


def test_two_days_give_two_single_leg_sessions_and_a_note(beginner_inputs: PlanInputs) -> None:
    plan = build_plan(beginner_inputs)
    assert all(s.kind is SessionKind.SINGLE_LEG for s in plan.sessions())
    assert any("bilateral" in n.lower() for n in plan.notes)


def test_one_training_day_is_refused(beginner_inputs: PlanInputs) -> None:
    with pytest.raises(PlanError, match="needs 2 single-leg sessions"):
        build_plan(_with(beginner_inputs, training_days=["mon"]))


def test_unknown_weak_side_alternates_and_has_no_extra_set(beginner_inputs: PlanInputs) -> None:
    plan = build_plan(_with(beginner_inputs, weak_side=None))
    firsts = [sess.sets[0].side for sess in plan.sessions()]
    assert firsts[:4] == [Side.LEFT, Side.RIGHT, Side.LEFT, Side.RIGHT]
    assert not any(s.extra for sess in plan.sessions() for s in sess.sets)


def test_plan_json_round_trip_and_numbers(intermediate_inputs: PlanInputs) -> None:
    plan = build_plan(intermediate_inputs)
    text = plan.to_json()
    assert Plan.from_json(text) == plan
    assert '"load_kg": 22.5' in text
    assert '"exercise": "single_leg_hip_thrust_dumbbell"' in text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body_mass_kg": -70}, "body mass"),
        ({"bilateral": {"load_kg": 2000, "reps": 1}}, "not plausible"),
        ({"bilateral": {"load_kg": -5, "reps": 5}}, "greater than 0"),
        ({"start_date": date(1900, 1, 1)}, "1900"),
        ({"weak_side": "middle"}, "weak_side"),
        ({"weak_side": "both"}, "left, right or unknown"),
        ({"training_days": []}, "training_days"),
        ({"dumbbells_kg": [Decimal(-3)]}, "dumbbell"),
        ({"equipment": "dumbbells", "dumbbells_kg": []}, "list of dumbbell"),
        ({"equipment": "kettlebell"}, "equipment"),
    ],
)
def test_bad_inputs_are_one_line_plan_errors(
    intermediate_inputs: PlanInputs, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(PlanError, match=message) as info:
        _with(intermediate_inputs, **fields)
    assert "\n" not in str(info.value)
