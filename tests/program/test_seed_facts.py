"""Every programming fact of the seeds, asserted against the loaded models (not free text).

seed_000 = the unilateral hip thrust article, seed_001 = the weighted one-leg hip thrust article.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from thrustcoach.program import Experience, FreeLeg, Rules, get_template, load_rules
from thrustcoach.program.templates import BlockTemplate
from thrustcoach.vocab import VariantId


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


@pytest.fixture(scope="module")
def block() -> BlockTemplate:
    return get_template("unilateral_4wk")


def test_single_leg_hip_thrusts_twice_a_week(rules: Rules, block: BlockTemplate) -> None:
    assert rules.frequency.single_leg_sessions_per_week == 2
    assert block.sessions_per_week == 2


def test_other_glute_day_is_a_bilateral_hip_thrust_day(rules: Rules, block: BlockTemplate) -> None:
    assert rules.frequency.other_glute_day_variant is VariantId.HIP_THRUST
    assert block.pair_with_bilateral
    assert block.bilateral is not None
    assert block.bilateral.variant is VariantId.HIP_THRUST


def test_bilateral_is_for_absolute_strength_and_heavier_loading(rules: Rules) -> None:
    bilateral = rules.purpose["bilateral"]
    assert bilateral.variant is VariantId.HIP_THRUST
    assert {"absolute_strength", "heavier_loading"} <= set(bilateral.goals)


def test_single_leg_is_for_glute_medius_asymmetry_and_carry_over(rules: Rules) -> None:
    single = rules.purpose["single_leg"]
    assert single.variant is VariantId.SINGLE_LEG_HIP_THRUST
    assert {"glute_medius", "asymmetry", "athletic_carryover"} <= set(single.goals)
    assert single.balanced_program_includes_both


def test_single_leg_is_50_to_60_percent_of_bilateral_per_side(rules: Rules) -> None:
    assert rules.load.single_leg_fraction_min == Decimal("0.5")
    assert rules.load.single_leg_fraction_max == Decimal("0.6")


def test_bodyweight_beginners_do_8_to_12_reps_per_side(rules: Rules) -> None:
    assert (rules.bodyweight.reps_per_side_min, rules.bodyweight.reps_per_side_max) == (8, 12)
    assert rules.bodyweight.beginners_start_with_bodyweight


def test_light_dumbbells_of_5_to_15_kg_once_bodyweight_is_easy(rules: Rules) -> None:
    assert rules.dumbbells.first_load_min_kg == Decimal(5)
    assert rules.dumbbells.first_load_max_kg == Decimal(15)
    assert rules.dumbbells.easy_when_reps_per_side == rules.bodyweight.reps_per_side_max


def test_weak_side_first_and_strong_side_matches_its_reps(rules: Rules) -> None:
    assert rules.asymmetry.weak_side_first
    assert rules.asymmetry.match_strong_reps_to_weak
    assert rules.asymmetry.asymmetry_is_normal


def test_one_extra_weak_side_set_once_a_month(rules: Rules, block: BlockTemplate) -> None:
    assert rules.asymmetry.extra_weak_side_sets_per_month == 1
    assert rules.asymmetry.weeks_per_month == len(block.weeks) == 4


def test_finish_all_reps_on_one_side_before_switching(rules: Rules) -> None:
    assert rules.execution.finish_side_before_switching


def test_pause_1_to_3_s_at_the_top_and_2_s_lowering(rules: Rules) -> None:
    assert (rules.execution.pause_top_min_s, rules.execution.pause_top_max_s) == (1, 3)
    assert rules.execution.lowering_s == 2


def test_bent_free_leg_for_beginners_extended_for_advanced(rules: Rules) -> None:
    fl = rules.free_leg
    assert fl.for_experience(Experience.BEGINNER) is FreeLeg.BENT
    assert fl.for_experience(Experience.INTERMEDIATE) is FreeLeg.BENT  # "and most lifters"
    assert fl.for_experience(Experience.ADVANCED) is FreeLeg.EXTENDED
    assert fl.bent_variant is VariantId.SINGLE_LEG_HIP_THRUST
    assert fl.extended_variant is VariantId.SINGLE_LEG_HIP_THRUST_EXTENDED
    assert fl.loaded_variant is VariantId.SINGLE_LEG_HIP_THRUST_DUMBBELL


def test_add_load_only_when_bench_pelvis_and_range_stay_consistent(rules: Rules) -> None:
    checks = set(rules.progression.form_checks)
    assert checks == {"bench_contact", "pelvis_level", "full_range", "no_drift"}
    assert rules.progression.source == "seed_001"


def test_reduce_load_when_rotation_cannot_be_controlled(rules: Rules) -> None:
    assert rules.progression.steps.reduce_load_when_rotation_uncontrolled


def test_light_load_activation_heavier_strength_accessory_and_finisher(rules: Rules) -> None:
    assert rules.use["activation"].load == "light"
    assert rules.use["strength_accessory"].load == "working"
    assert rules.use["finisher"].load == "light"
    for use in rules.use.values():
        assert get_template(use.template).purpose in rules.use


def test_one_dumbbell_held_on_the_working_hip(rules: Rules) -> None:
    assert rules.dumbbells.dumbbells_per_set == 1


@pytest.mark.parametrize(
    ("week", "sets", "reps", "pause_s", "slow", "deload"),
    [
        (1, 3, 10, 1, False, False),
        (2, 3, 12, 2, False, False),
        (3, 4, 10, 2, True, False),
        (4, 3, 8, 1, False, True),
    ],
)
def test_the_4_week_block_table(
    block: BlockTemplate, week: int, sets: int, reps: int, pause_s: int, slow: bool, deload: bool
) -> None:
    wk = block.weeks[week - 1]
    assert (wk.week, wk.sets, wk.reps_per_leg, wk.pause_s) == (week, sets, reps, pause_s)
    assert (wk.slow_lowering, wk.deload) == (slow, deload)


def test_lowering_takes_2_s_unless_the_week_is_slower(rules: Rules, block: BlockTemplate) -> None:
    for wk in block.weeks:
        expected = rules.execution.slow_lowering.lowering_s if wk.slow_lowering else 2
        assert wk.lowering_s == expected
    assert rules.execution.slow_lowering.lowering_s > rules.execution.lowering_s


def test_block_pauses_stay_inside_1_to_3_s(rules: Rules, block: BlockTemplate) -> None:
    lo, hi = rules.execution.pause_top_min_s, rules.execution.pause_top_max_s
    assert all(lo <= wk.pause_s <= hi for wk in block.weeks)


def test_block_reps_per_leg_stay_inside_the_bodyweight_range(
    rules: Rules, block: BlockTemplate
) -> None:
    lo, hi = rules.bodyweight.reps_per_side_min, rules.bodyweight.reps_per_side_max
    assert all(lo <= wk.reps_per_leg <= hi for wk in block.weeks)
