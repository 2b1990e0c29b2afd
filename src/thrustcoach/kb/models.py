"""Frozen, validated models of the exercise knowledge base.

The TOML files under ``kb/data/`` are loaded into these classes by :mod:`thrustcoach.kb.loader`.
Everything a test or another package relies on is a typed field (numbers with units in their
names, enums for ids); free text is only for people to read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thrustcoach.errors import NotFoundError
from thrustcoach.vocab import FaultCode, MuscleId, VariantId

__all__ = [
    "Cue",
    "Equipment",
    "EquipmentId",
    "Fact",
    "FaqEntry",
    "FreeLeg",
    "KnowledgeBase",
    "Level",
    "Mistake",
    "Muscle",
    "MuscleRole",
    "Relation",
    "Remedy",
    "SearchSettings",
    "Setup",
    "Step",
    "Synonym",
    "Tempo",
    "Tip",
    "UseCase",
    "UseCaseKind",
    "Variant",
    "Variation",
]

# Shares given for a variant's muscles must add up to 100 % within this rounding slack.
_SHARE_TOLERANCE_PCT = 0.5


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class FreeLeg(StrEnum):
    """Where the non-working leg is during the set."""

    BENT = "bent"  # knee pulled toward the chest: easier balance, the default
    EXTENDED = "extended"  # leg held out straight: the hip flexors must hold it up
    PLANTED = "planted"  # bilateral variants: both feet on the floor


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class EquipmentId(StrEnum):
    BENCH = "bench"
    DUMBBELL = "dumbbell"
    BARBELL = "barbell"
    PAD = "pad"
    MAT = "mat"


class UseCaseKind(StrEnum):
    ACTIVATION = "activation"  # warm-up / activation drill with a light load
    STRENGTH_ACCESSORY = "strength_accessory"  # heavier, after the main lift
    FINISHER = "finisher"  # last exercise of the session, high effort, little spinal load


class Relation(StrEnum):
    PROGRESSION = "progression"  # harder next step
    REGRESSION = "regression"  # easier step back
    ALTERNATIVE = "alternative"  # different emphasis, similar difficulty


class Remedy(StrEnum):
    """Corrective actions a mistake's fix is made of (structured, so tests and UIs can use them)."""

    REDUCE_LOAD = "reduce_load"
    MOVE_FOOT_CLOSER = "move_foot_closer"
    MOVE_FOOT_FARTHER = "move_foot_farther"
    BRACE_CORE = "brace_core"
    RIBS_DOWN = "ribs_down"
    SHORTEN_RANGE = "shorten_range"
    FULL_LOCKOUT = "full_lockout"
    COUNT_PAUSE = "count_pause"
    SLOW_LOWERING = "slow_lowering"
    RESET_AT_BOTTOM = "reset_at_bottom"
    FULL_RANGE = "full_range"
    HIPS_SQUARE = "hips_square"
    FREE_LEG_QUIET = "free_leg_quiet"
    KNEE_OVER_FOOT = "knee_over_foot"
    CENTER_LOAD = "center_load"
    BOTH_HANDS_ON_LOAD = "both_hands_on_load"
    BENCH_UNDER_SHOULDER_BLADES = "bench_under_shoulder_blades"
    TUCK_CHIN = "tuck_chin"
    DRIVE_HEEL_MIDFOOT = "drive_heel_midfoot"
    USE_EASIER_VARIANT = "use_easier_variant"


class Cue(_Frozen):
    """A short thing to think about during a step; ``id`` is stable for tests and UIs."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=3)


class Step(_Frozen):
    number: int = Field(ge=1)
    phase: Literal["setup", "brace", "drive", "pause", "lower"]
    title: str
    instruction: str
    cues: tuple[Cue, ...] = ()


class Tempo(_Frozen):
    """Timing of one rep: hold at the top, then a controlled way down."""

    pause_min_s: float = Field(ge=0)
    pause_max_s: float = Field(ge=0)
    lowering_s: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Tempo:
        if self.pause_max_s < self.pause_min_s:
            raise ValueError("pause_max_s must be >= pause_min_s")
        return self


class Equipment(_Frozen):
    id: EquipmentId
    name: str
    required: bool = True
    note: str = ""


class Setup(_Frozen):
    """Where things go before the first rep. Structured fields first, then the readable points."""

    equipment: tuple[Equipment, ...]
    # What carries the upper body: the bench edge or the floor (bridges).
    back_support: Literal["bench", "floor"]
    # Where the bench edge sits on the body, and where it must never sit.
    bench_contact: Literal["upper_back_lower_shoulder_blades"] | None = None
    bench_contact_never: Literal["neck"] | None = None
    foot_distance: Literal["hip_width"] = "hip_width"
    # Shin angle at lockout: near vertical puts the work on the glute (see foot_too_far/close).
    shin_at_top: Literal["near_vertical"] = "near_vertical"
    drive_through: tuple[Literal["heel", "midfoot"], ...] = ("heel", "midfoot")
    free_leg: FreeLeg
    load_position: Literal["hip_crease", "across_hips"] | None = None
    hands_on_load: int | None = Field(default=None, ge=1, le=2)
    points: tuple[str, ...] = Field(min_length=1)

    def needs(self, equipment: EquipmentId) -> bool:
        return any(e.id is equipment and e.required for e in self.equipment)


class MuscleRole(_Frozen):
    muscle: MuscleId
    role: str
    function: Literal["primary", "stabiliser", "synergist", "free_leg_holder"]
    side: Literal["working", "free", "both", "trunk"]
    share_pct: float | None = Field(default=None, ge=0, le=100)
    # Faults this muscle protects against when it does its job.
    prevents: tuple[FaultCode, ...] = ()


class Variation(_Frozen):
    variant: VariantId
    relation: Relation
    reason: str


class UseCase(_Frozen):
    kind: UseCaseKind
    load: Literal["bodyweight", "light", "moderate", "heavy"]
    description: str


class Variant(_Frozen):
    id: VariantId
    name: str
    aliases: tuple[str, ...] = ()
    summary: str
    unilateral: bool
    level: Level
    # Relative difficulty, 1 (easiest) .. 5; only the order between variants means something.
    difficulty: int = Field(ge=1, le=5)
    # True when one leg works alone, so left-right differences cannot hide.
    reveals_asymmetry: bool
    load: Literal["bodyweight", "dumbbell", "barbell"]
    audiences: tuple[str, ...] = ()
    carry_over: tuple[str, ...] = ()
    tempo: Tempo
    setup: Setup
    steps: tuple[Step, ...] = Field(min_length=1)
    muscles: tuple[MuscleRole, ...] = Field(min_length=1)
    tips: tuple[str, ...] = ()
    variations: tuple[Variation, ...] = ()
    use_cases: tuple[UseCase, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Variant:
        numbers = [s.number for s in self.steps]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"steps must be numbered 1..{len(numbers)} in order, got {numbers}")
        shares = [m.share_pct for m in self.muscles if m.share_pct is not None]
        if shares and abs(sum(shares) - 100.0) > _SHARE_TOLERANCE_PCT:
            raise ValueError(f"muscle shares must add up to 100 %, got {sum(shares):g} %")
        if any(v.variant is self.id for v in self.variations):
            raise ValueError("a variant cannot list itself as a variation")
        return self

    def muscle(self, muscle: MuscleId | str) -> MuscleRole:
        for role in self.muscles:
            if role.muscle == muscle:
                return role
        raise NotFoundError(f"{self.id} lists no muscle {muscle!r}")

    def step(self, phase: str) -> Step:
        for step in self.steps:
            if step.phase == phase:
                return step
        raise NotFoundError(f"{self.id} has no {phase!r} step")

    def cue_ids(self) -> set[str]:
        return {c.id for s in self.steps for c in s.cues}


class Muscle(_Frozen):
    id: MuscleId
    name: str
    aliases: tuple[str, ...] = ()
    description: str


class Mistake(_Frozen):
    code: FaultCode
    title: str
    symptom: str
    cause: str
    fix: str
    cue: str
    # How much it matters when several faults show up: 3 injury risk, 2 work leaves the
    # glute, 1 tempo (see mistakes.toml).
    priority: int = Field(ge=1, le=3)
    remedies: tuple[Remedy, ...] = Field(min_length=1)
    # Muscles that take over or fail when this happens.
    muscles: tuple[MuscleId, ...] = ()
    # Variants the mistake applies to; empty = all.
    variants: tuple[VariantId, ...] = ()
    # How users describe it (search data for the troubleshooter, not shown).
    phrasings: tuple[str, ...] = ()


class Fact(_Frozen):
    """A number an FAQ answer states, kept structured (``value`` or a ``min_value..max_value``)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    unit: str = ""
    value: float | bool | str | None = None
    min_value: float | None = None
    max_value: float | None = None


class FaqEntry(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    question: str
    answer: str
    tags: tuple[str, ...] = Field(min_length=1)
    related_mistakes: tuple[FaultCode, ...] = ()
    related_variants: tuple[VariantId, ...] = ()
    facts: tuple[Fact, ...] = ()
    phrasings: tuple[str, ...] = ()

    def fact(self, name: str) -> Fact:
        for fact in self.facts:
            if fact.name == name:
                return fact
        raise NotFoundError(f"FAQ {self.id!r} states no fact {name!r}")


class Tip(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str
    topic: str
    related_mistakes: tuple[FaultCode, ...] = ()
    muscles: tuple[MuscleId, ...] = ()


class Synonym(_Frozen):
    """Lay words the troubleshooter maps onto the knowledge base's words before ranking."""

    canonical: str
    phrases: tuple[str, ...] = Field(min_length=1)


class SearchSettings(_Frozen):
    bm25_weight: float = Field(ge=0, le=1)
    fuzzy_weight: float = Field(ge=0, le=1)
    bm25_saturation: float = Field(gt=0)
    min_score: float = Field(ge=0, le=1)
    relative_cutoff: float = Field(ge=0, le=1)
    typo_min_ratio: float = Field(ge=0, le=100)
    max_query_chars: int = Field(ge=10)
    # Shown whenever a question mentions pain (the safety line).
    pain_advice: str = Field(min_length=20)
    suggested_topics: tuple[str, ...] = Field(min_length=1)


def _require_unique(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{kind} {item!r} is defined twice")
        seen.add(item)


def _require_all(kind: str, expected: set[str], present: set[str]) -> None:
    missing = sorted(expected - present)
    if missing:
        raise ValueError(f"no {kind} entry for {', '.join(missing)}")


class KnowledgeBase(_Frozen):
    default_variant: VariantId
    variants: tuple[Variant, ...]
    muscles: tuple[Muscle, ...]
    mistakes: tuple[Mistake, ...]
    faq: tuple[FaqEntry, ...]
    tips: tuple[Tip, ...]
    synonyms: tuple[Synonym, ...]
    search: SearchSettings

    @model_validator(mode="after")
    def _cross_references(self) -> KnowledgeBase:
        _require_unique("variant", [v.id for v in self.variants])
        _require_unique("mistake", [m.code for m in self.mistakes])
        _require_unique("FAQ entry", [f.id for f in self.faq])
        _require_unique("tip", [t.id for t in self.tips])
        _require_unique("muscle", [m.id for m in self.muscles])
        _require_all("variant", set(VariantId), {v.id for v in self.variants})
        _require_all("mistake", set(FaultCode), {m.code for m in self.mistakes})
        _require_all("muscle", set(MuscleId), {m.id for m in self.muscles})
        if self.default_variant not in {v.id for v in self.variants}:
            raise ValueError(f"default_variant {self.default_variant!r} is not a variant")
        tip_ids = {t.id for t in self.tips}
        for variant in self.variants:
            unknown = sorted(set(variant.tips) - tip_ids)
            if unknown:
                raise ValueError(f"variant {variant.id} refers to unknown tips {unknown}")
        return self

    def variant(self, variant_id: VariantId | str) -> Variant:
        for variant in self.variants:
            if variant.id == variant_id:
                return variant
        raise NotFoundError(
            f"unknown variant {variant_id!r}",
            hint=f"choose one of {', '.join(v.id for v in self.variants)}",
        )

    def mistake(self, code: FaultCode | str) -> Mistake:
        for mistake in self.mistakes:
            if mistake.code == code:
                return mistake
        raise NotFoundError(
            f"unknown mistake code {code!r}", hint=f"choose one of {', '.join(FaultCode)}"
        )

    def faq_entry(self, entry_id: str) -> FaqEntry:
        for entry in self.faq:
            if entry.id == entry_id:
                return entry
        raise NotFoundError(f"unknown FAQ entry {entry_id!r}")

    def tip(self, tip_id: str) -> Tip:
        for tip in self.tips:
            if tip.id == tip_id:
                return tip
        raise NotFoundError(f"unknown tip {tip_id!r}")

    def muscle(self, muscle_id: MuscleId | str) -> Muscle:
        for muscle in self.muscles:
            if muscle.id == muscle_id:
                return muscle
        raise NotFoundError(f"unknown muscle {muscle_id!r}")

    def mistakes_for(self, variant_id: VariantId | str) -> tuple[Mistake, ...]:
        """The mistakes that can happen in a variant (those with no variant list apply to all)."""
        return tuple(m for m in self.mistakes if not m.variants or variant_id in m.variants)

    def tips_for(self, variant_id: VariantId | str) -> tuple[Tip, ...]:
        return tuple(self.tip(t) for t in self.variant(variant_id).tips)
