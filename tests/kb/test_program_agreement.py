"""Numbers the FAQ and the guide state agree with the plan engineer's rules (program/data).

The programming facts are owned by thrustcoach.program; the knowledge base repeats some of them
in FAQ answers and tempo. If one side changes, this test makes the other follow.
"""

from __future__ import annotations

from thrustcoach.kb import load_knowledge_base
from thrustcoach.program import load_rules
from thrustcoach.vocab import VariantId


def test_faq_numbers_match_program_rules() -> None:
    kb = load_knowledge_base()
    rules = load_rules()
    heavy = kb.faq_entry("how_heavy")
    load = heavy.fact("load_pct_of_bilateral_per_side")
    assert (load.min_value, load.max_value) == (
        rules.load.single_leg_fraction_min * 100,
        rules.load.single_leg_fraction_max * 100,
    )
    reps = heavy.fact("bodyweight_reps_per_side")
    assert (reps.min_value, reps.max_value) == (
        rules.bodyweight.reps_per_side_min,
        rules.bodyweight.reps_per_side_max,
    )
    dumbbell = heavy.fact("first_dumbbell_kg")
    assert (dumbbell.min_value, dumbbell.max_value) == (
        rules.dumbbells.first_load_min_kg,
        rules.dumbbells.first_load_max_kg,
    )
    weak = kb.faq_entry("weak_side")
    assert weak.fact("weak_side_first").value is rules.asymmetry.weak_side_first
    assert weak.fact("extra_weak_side_sets_per_month").value == (
        rules.asymmetry.extra_weak_side_sets_per_month
    )
    often = kb.faq_entry("how_often")
    assert often.fact("sessions_per_week").value == rules.frequency.single_leg_sessions_per_week
    assert often.fact("pair_with").value == rules.frequency.other_glute_day_variant
    assert often.fact("finish_one_side_before_switching").value is (
        rules.execution.finish_side_before_switching
    )


def test_tempo_matches_program_rules() -> None:
    tempo = load_knowledge_base().variant(VariantId.SINGLE_LEG_HIP_THRUST).tempo
    execution = load_rules().execution
    assert (tempo.pause_min_s, tempo.pause_max_s) == (
        execution.pause_top_min_s,
        execution.pause_top_max_s,
    )
    assert tempo.lowering_s == execution.lowering_s
