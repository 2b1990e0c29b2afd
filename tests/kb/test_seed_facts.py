"""Every exercise fact of the source documents (../shared/seeds) as data, checked on the models.

Each entry is (fact as the sources state it, check against the loaded knowledge base). The
programming facts (4-week block, loads, reps, weak side first ...) are owned by
thrustcoach.program and checked in tests/program/test_seed_facts.py; where the FAQ repeats one
of them as a structured fact it is checked here too.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from thrustcoach.kb import (
    EquipmentId,
    FreeLeg,
    KnowledgeBase,
    Level,
    Relation,
    Remedy,
    UseCaseKind,
    load_knowledge_base,
)
from thrustcoach.vocab import FaultCode, MuscleId, VariantId

SLHT = VariantId.SINGLE_LEG_HIP_THRUST
EXT = VariantId.SINGLE_LEG_HIP_THRUST_EXTENDED
DB = VariantId.SINGLE_LEG_HIP_THRUST_DUMBBELL
SINGLE_LEG_FAMILY = (SLHT, EXT, DB)


def _share(kb: KnowledgeBase, muscle: MuscleId) -> float | None:
    return kb.variant(SLHT).muscle(muscle).share_pct


def _faq_range(kb: KnowledgeBase, entry: str, fact: str) -> tuple[float | None, float | None]:
    f = kb.faq_entry(entry).fact(fact)
    return f.min_value, f.max_value


FACTS: list[tuple[str, Callable[[KnowledgeBase], bool]]] = [
    # --- muscles worked ---
    ("gluteus maximus ~55 %", lambda kb: _share(kb, MuscleId.GLUTEUS_MAXIMUS) == 55),
    ("glute medius ~15 %", lambda kb: _share(kb, MuscleId.GLUTEUS_MEDIUS) == 15),
    ("hamstrings ~15 %", lambda kb: _share(kb, MuscleId.HAMSTRINGS) == 15),
    ("quadriceps ~10 %", lambda kb: _share(kb, MuscleId.QUADRICEPS) == 10),
    ("core / lower back ~5 %", lambda kb: _share(kb, MuscleId.CORE_LOWER_BACK) == 5),
    (
        "shares are the same for every single-leg hip thrust variant",
        lambda kb: all(
            kb.variant(v).muscle(m.muscle).share_pct == m.share_pct
            for v in SINGLE_LEG_FAMILY
            for m in kb.variant(SLHT).muscles
        ),
    ),
    (
        "gluteus maximus is the primary mover (hip extension) of the working leg",
        lambda kb: (
            kb.variant(SLHT).muscle(MuscleId.GLUTEUS_MAXIMUS).function == "primary"
            and kb.variant(SLHT).muscle(MuscleId.GLUTEUS_MAXIMUS).side == "working"
        ),
    ),
    (
        "glute medius stabilises the hip against inward collapse (knee valgus)",
        lambda kb: (
            kb.variant(SLHT).muscle(MuscleId.GLUTEUS_MEDIUS).function == "stabiliser"
            and FaultCode.KNEE_CAVE in kb.variant(SLHT).muscle(MuscleId.GLUTEUS_MEDIUS).prevents
        ),
    ),
    (
        "knee cave is blamed on a weak glute medius",
        lambda kb: kb.mistake(FaultCode.KNEE_CAVE).muscles == (MuscleId.GLUTEUS_MEDIUS,),
    ),
    (
        "core and lower back stabilise against rotation",
        lambda kb: FaultCode.PELVIC_ROTATION
        in kb.variant(SLHT).muscle(MuscleId.CORE_LOWER_BACK).prevents,
    ),
    # --- the two free-leg positions ---
    (
        "bent free leg: easier, for beginners",
        lambda kb: (
            kb.variant(SLHT).setup.free_leg is FreeLeg.BENT
            and kb.variant(SLHT).level is Level.BEGINNER
            and kb.variant(SLHT).difficulty < kb.variant(EXT).difficulty
        ),
    ),
    (
        "extended free leg: harder, for advanced lifters",
        lambda kb: (
            kb.variant(EXT).setup.free_leg is FreeLeg.EXTENDED
            and kb.variant(EXT).level is Level.ADVANCED
        ),
    ),
    (
        "extended: the lifted leg's hip flexors hold it up",
        lambda kb: (
            kb.variant(EXT).muscle(MuscleId.HIP_FLEXORS).side == "free"
            and MuscleId.HIP_FLEXORS not in {m.muscle for m in kb.variant(SLHT).muscles}
        ),
    ),
    ("the default variant is the bent-leg one", lambda kb: kb.default_variant is SLHT),
    # --- setup ---
    (
        "bench edge across the upper back / lower shoulder blades, never the neck",
        lambda kb: all(
            kb.variant(v).setup.bench_contact == "upper_back_lower_shoulder_blades"
            and kb.variant(v).setup.bench_contact_never == "neck"
            for v in (*SINGLE_LEG_FAMILY, VariantId.HIP_THRUST)
        ),
    ),
    (
        "planted foot about hip-width from the bench",
        lambda kb: kb.variant(SLHT).setup.foot_distance == "hip_width",
    ),
    (
        "shin near vertical at the top",
        lambda kb: all(v.setup.shin_at_top == "near_vertical" for v in kb.variants),
    ),
    (
        "drive through heel and midfoot, not the toes",
        lambda kb: kb.variant(SLHT).setup.drive_through == ("heel", "midfoot"),
    ),
    (
        "dumbbell in the crease of the working hip",
        lambda kb: kb.variant(DB).setup.load_position == "hip_crease",
    ),
    ("both hands on the dumbbell", lambda kb: kb.variant(DB).setup.hands_on_load == 2),
    (
        "the dumbbell variant needs a bench and a dumbbell",
        lambda kb: kb.variant(DB).setup.needs(EquipmentId.BENCH)
        and kb.variant(DB).setup.needs(EquipmentId.DUMBBELL)
        and kb.variant(DB).load == "dumbbell",
    ),
    (
        "bridges are done from the floor, hip thrusts from a bench",
        lambda kb: kb.variant(VariantId.GLUTE_BRIDGE).setup.back_support == "floor"
        and kb.variant(VariantId.SINGLE_LEG_GLUTE_BRIDGE).setup.back_support == "floor"
        and kb.variant(SLHT).setup.back_support == "bench",
    ),
    # --- the movement ---
    (
        "5 steps: set up, brace, drive, pause, lower",
        lambda kb: [s.phase for s in kb.variant(SLHT).steps]
        == ["setup", "brace", "drive", "pause", "lower"],
    ),
    (
        "1-3 s pause at the top",
        lambda kb: (kb.variant(SLHT).tempo.pause_min_s, kb.variant(SLHT).tempo.pause_max_s)
        == (1, 3),
    ),
    ("lower in 2 s", lambda kb: kb.variant(SLHT).tempo.lowering_s == 2),
    (
        "brace the core and tuck the chin before moving",
        lambda kb: {"brace_core", "chin_tucked"}
        <= {c.id for c in kb.variant(SLHT).step("brace").cues},
    ),
    (
        "lockout: straight line from the planted knee to the shoulders",
        lambda kb: "straight_line_knee_to_shoulders"
        in {c.id for c in kb.variant(SLHT).step("drive").cues},
    ),
    (
        "squeeze at the top as if pinching a coin",
        lambda kb: "coin_squeeze" in {c.id for c in kb.variant(SLHT).step("pause").cues},
    ),
    (
        "hips stay level (no drop or rotation) at the top",
        lambda kb: "hips_level" in {c.id for c in kb.variant(SLHT).step("pause").cues},
    ),
    (
        "free leg stays in position throughout",
        lambda kb: "free_leg_still" in {c.id for c in kb.variant(SLHT).step("lower").cues},
    ),
    # --- who it is for, what it reveals ---
    (
        "single-leg work exposes left-right differences that the bilateral hides",
        lambda kb: kb.variant(SLHT).reveals_asymmetry
        and not kb.variant(VariantId.HIP_THRUST).reveals_asymmetry,
    ),
    (
        "carry-over to sprinting, jumping and changing direction for runners/sprinters",
        lambda kb: {"sprinting", "jumping", "changing_direction"}
        <= set(kb.variant(SLHT).carry_over)
        and {"runners", "sprinters"} <= set(kb.variant(SLHT).audiences),
    ),
    (
        "the single-leg hip thrust sits between bodyweight bridges and the heavy hip thrust",
        lambda kb: any(
            v.variant is VariantId.SINGLE_LEG_GLUTE_BRIDGE and v.relation is Relation.REGRESSION
            for v in kb.variant(SLHT).variations
        )
        and any(
            v.variant is SLHT and v.relation is Relation.PROGRESSION
            for v in kb.variant(VariantId.SINGLE_LEG_GLUTE_BRIDGE).variations
        ),
    ),
    (
        "use as activation (light), strength accessory or finisher",
        lambda kb: {u.kind for u in kb.variant(SLHT).use_cases} == set(UseCaseKind)
        and next(u.load for u in kb.variant(SLHT).use_cases if u.kind is UseCaseKind.ACTIVATION)
        in {"bodyweight", "light"},
    ),
    # --- mistakes and their fixes ---
    (
        "foot too far: hamstrings take over (and cramp); fix by moving the foot closer",
        lambda kb: kb.mistake(FaultCode.FOOT_TOO_FAR).muscles == (MuscleId.HAMSTRINGS,)
        and Remedy.MOVE_FOOT_CLOSER in kb.mistake(FaultCode.FOOT_TOO_FAR).remedies
        and Remedy.SHORTEN_RANGE in kb.mistake(FaultCode.FOOT_TOO_FAR).remedies,
    ),
    (
        "foot too close: knee and quads take over",
        lambda kb: kb.mistake(FaultCode.FOOT_TOO_CLOSE).muscles == (MuscleId.QUADRICEPS,)
        and Remedy.MOVE_FOOT_FARTHER in kb.mistake(FaultCode.FOOT_TOO_CLOSE).remedies,
    ),
    (
        "ribs flaring: the lower back finishes the rep; shorten the range",
        lambda kb: kb.mistake(FaultCode.OVEREXTENSION).muscles == (MuscleId.CORE_LOWER_BACK,)
        and {Remedy.RIBS_DOWN, Remedy.SHORTEN_RANGE}
        <= set(kb.mistake(FaultCode.OVEREXTENSION).remedies),
    ),
    (
        "hip rotation: brace, keep hips square, reduce the load",
        lambda kb: {Remedy.BRACE_CORE, Remedy.HIPS_SQUARE, Remedy.REDUCE_LOAD}
        <= set(kb.mistake(FaultCode.PELVIC_ROTATION).remedies),
    ),
    (
        "dumbbell slides: too heavy or not held: centre it, both hands, lighter",
        lambda kb: {Remedy.CENTER_LOAD, Remedy.BOTH_HANDS_ON_LOAD, Remedy.REDUCE_LOAD}
        <= set(kb.mistake(FaultCode.LOAD_UNSTABLE).remedies),
    ),
    (
        "neck on bench: move the bench under the shoulder blades",
        lambda kb: Remedy.BENCH_UNDER_SHOULDER_BLADES
        in kb.mistake(FaultCode.NECK_ON_BENCH).remedies,
    ),
    (
        "free leg must not help the drive",
        lambda kb: Remedy.FREE_LEG_QUIET in kb.mistake(FaultCode.FREE_LEG_DRIVE).remedies,
    ),
    (
        "no bouncing: controlled lowering",
        lambda kb: Remedy.RESET_AT_BOTTOM in kb.mistake(FaultCode.BOUNCE).remedies,
    ),
    (
        "lower until the glute stretches (full range)",
        lambda kb: Remedy.FULL_RANGE in kb.mistake(FaultCode.PARTIAL_DEPTH).remedies,
    ),
    # --- FAQ (answers as structured facts) ---
    (
        "FAQ: the most common mistake is the lower back finishing the rep",
        lambda kb: kb.faq_entry("most_common_mistake").related_mistakes
        == (FaultCode.OVEREXTENSION,),
    ),
    (
        "FAQ: hamstrings instead of glutes = foot too far or incomplete lockout",
        lambda kb: set(kb.faq_entry("hamstrings_not_glutes").related_mistakes)
        == {FaultCode.FOOT_TOO_FAR, FaultCode.INCOMPLETE_LOCKOUT},
    ),
    (
        "FAQ: hips rotating is an anti-rotation (core) problem",
        lambda kb: kb.faq_entry("hips_rotate").related_mistakes == (FaultCode.PELVIC_ROTATION,),
    ),
    (
        "FAQ: bent for beginners, extended for advanced",
        lambda kb: kb.faq_entry("bent_or_extended").fact("bent_for").value == "beginner"
        and kb.faq_entry("bent_or_extended").fact("extended_for").value == "advanced",
    ),
    (
        "FAQ: single-leg at 50-60 % of the bilateral load per side",
        lambda kb: _faq_range(kb, "how_heavy", "load_pct_of_bilateral_per_side") == (50, 60),
    ),
    (
        "FAQ: 8-12 bodyweight reps per side",
        lambda kb: _faq_range(kb, "how_heavy", "bodyweight_reps_per_side") == (8, 12),
    ),
    (
        "FAQ: first dumbbells 5-15 kg",
        lambda kb: _faq_range(kb, "how_heavy", "first_dumbbell_kg") == (5, 15),
    ),
    (
        "FAQ: weak side first, match reps to it, one extra set a month",
        lambda kb: kb.faq_entry("weak_side").fact("weak_side_first").value is True
        and kb.faq_entry("weak_side").fact("match_reps_to").value == "weak_side"
        and kb.faq_entry("weak_side").fact("extra_weak_side_sets_per_month").value == 1,
    ),
    (
        "FAQ: bilateral for absolute strength, single-leg for asymmetry and carry-over",
        lambda kb: kb.faq_entry("single_vs_bilateral").fact("bilateral_purpose").value
        == "absolute_strength",
    ),
    (
        "FAQ: the FAQ's muscle shares equal the variant's",
        lambda kb: all(
            kb.faq_entry("main_muscle").fact(f"{m.muscle}_share").value == m.share_pct
            for m in kb.variant(SLHT).muscles
            if m.share_pct is not None
        ),
    ),
    (
        "FAQ: tempo answer equals the variant's tempo",
        lambda kb: _faq_range(kb, "tempo", "pause_at_top_s")
        == (kb.variant(SLHT).tempo.pause_min_s, kb.variant(SLHT).tempo.pause_max_s)
        and kb.faq_entry("tempo").fact("lowering_s").value == kb.variant(SLHT).tempo.lowering_s,
    ),
    (
        "FAQ: twice a week, paired with bilateral hip thrusts, one side finished first",
        lambda kb: kb.faq_entry("how_often").fact("sessions_per_week").value == 2
        and kb.faq_entry("how_often").fact("pair_with").value == "hip_thrust"
        and kb.faq_entry("how_often").fact("finish_one_side_before_switching").value is True,
    ),
    (
        "FAQ: a warm-up with light load, a strength accessory with heavier load",
        lambda kb: kb.faq_entry("warm_up").fact("activation_load").value == "light",
    ),
]


def test_at_least_thirty_facts() -> None:
    assert len(FACTS) >= 30


@pytest.mark.parametrize(("fact", "check"), FACTS, ids=[f for f, _ in FACTS])
def test_seed_fact(fact: str, check: Callable[[KnowledgeBase], bool]) -> None:
    assert check(load_knowledge_base()), fact


def test_every_fault_code_has_a_complete_mistake() -> None:
    kb = load_knowledge_base()
    for code in FaultCode:
        m = kb.mistake(code)
        assert m.code is code
        for field in ("title", "symptom", "cause", "fix", "cue"):
            assert len(getattr(m, field)) >= 10, (code, field)
