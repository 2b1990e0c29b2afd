"""The programming facts of the seeds as frozen, typed data (``data/rules.toml``).

Every section carries ``source``: ``seed_000`` / ``seed_001`` (the two source documents) or
``assumption`` (a documented ThrustCoach choice). Code reads numbers from here, never literals.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from thrustcoach.errors import DataError
from thrustcoach.vocab import VariantId

__all__ = [
    "Experience",
    "FreeLeg",
    "Rules",
    "load_rules",
    "parse_rules",
    "read_data_toml",
    "validation_message",
]

_SOURCES = ("seed_000", "seed_001", "assumption")


class Experience(StrEnum):
    """How far along the lifter is with single-leg hip thrusts.

    beginner: cannot yet do 12 clean bodyweight reps per side (or is new to the lift);
    intermediate: bodyweight is easy (12 clean reps per side); advanced: years of loaded work.
    """

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class FreeLeg(StrEnum):
    BENT = "bent"  # knee toward chest: easier balance
    EXTENDED = "extended"  # leg out straight: extra hip-flexor work, harder


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        if not value.startswith(_SOURCES):
            raise ValueError(f"source must start with one of {_SOURCES}")
        return value


class Frequency(_Fact):
    single_leg_sessions_per_week: int = Field(ge=1, le=7)
    other_glute_day_variant: VariantId


class Purpose(_Fact):
    variant: VariantId
    goals: tuple[str, ...]
    balanced_program_includes_both: bool = False


class LoadModel(_Fact):
    moved_body_mass_fraction: Decimal = Field(ge=0, le=1)
    e1rm_formula: Literal["epley"]
    reps_in_reserve: int = Field(ge=0, le=5)
    max_reps_for_e1rm: int = Field(ge=1, le=30)
    start_fraction: Decimal = Field(gt=0, le=1)


class LoadRule(_Fact):
    single_leg_fraction_min: Decimal = Field(gt=0, le=1)
    single_leg_fraction_max: Decimal = Field(gt=0, le=1)
    model: LoadModel

    @model_validator(mode="after")
    def _ordered(self) -> LoadRule:
        lo, hi = self.single_leg_fraction_min, self.single_leg_fraction_max
        if not lo <= self.model.start_fraction <= hi:
            raise ValueError("start_fraction must lie inside the single-leg fraction range")
        return self


class BodyweightRule(_Fact):
    reps_per_side_min: int = Field(ge=1)
    reps_per_side_max: int = Field(ge=1)
    beginners_start_with_bodyweight: bool


class DumbbellRule(_Fact):
    first_load_min_kg: Decimal = Field(gt=0)
    first_load_max_kg: Decimal = Field(gt=0)
    easy_when_reps_per_side: int = Field(ge=1)
    dumbbells_per_set: int = Field(ge=1, le=2)


class AsymmetryRule(_Fact):
    weak_side_first: bool
    match_strong_reps_to_weak: bool
    extra_weak_side_sets_per_month: int = Field(ge=0)
    weeks_per_month: int = Field(ge=1)
    asymmetry_is_normal: bool


class SlowLowering(_Fact):
    lowering_s: int = Field(ge=1)


class ExecutionRule(_Fact):
    finish_side_before_switching: bool
    pause_top_min_s: int = Field(ge=0)
    pause_top_max_s: int = Field(ge=0)
    lowering_s: int = Field(ge=1)
    slow_lowering: SlowLowering

    @model_validator(mode="after")
    def _slower(self) -> ExecutionRule:
        if self.slow_lowering.lowering_s <= self.lowering_s:
            raise ValueError("slow lowering must be slower than the default lowering")
        return self


class FreeLegRule(_Fact):
    beginner: FreeLeg
    intermediate: FreeLeg
    advanced: FreeLeg
    bent_variant: VariantId
    extended_variant: VariantId
    loaded_variant: VariantId

    def for_experience(self, experience: Experience) -> FreeLeg:
        return FreeLeg(getattr(self, experience.value))


class ProgressionSteps(_Fact):
    increase_step: int = Field(ge=1)
    decrease_step: int = Field(ge=1)
    lapse_share_for_decrease: Decimal = Field(gt=0, le=1)
    reduce_load_when_rotation_uncontrolled: bool


class ProgressionRule(_Fact):
    form_checks: tuple[Literal["bench_contact", "pelvis_level", "full_range", "no_drift"], ...]
    steps: ProgressionSteps


class DeloadRule(_Fact):
    dumbbell_steps_down: int = Field(ge=1)
    bilateral_load_factor: Decimal = Field(gt=0, lt=1)


class UseRule(_Fact):
    load: Literal["light", "working"]
    template: str


class BarbellRule(_Fact):
    increment_kg: Decimal = Field(gt=0)


class Limits(_Fact):
    body_mass_min_kg: Decimal = Field(gt=0)
    body_mass_max_kg: Decimal = Field(gt=0)
    bilateral_max_kg: Decimal = Field(gt=0)
    dumbbell_max_kg: Decimal = Field(gt=0)
    earliest_start_year: int
    latest_start_year: int


class Rules(BaseModel):
    """All programming rules (``data/rules.toml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    frequency: Frequency
    purpose: dict[Literal["bilateral", "single_leg"], Purpose]
    load: LoadRule
    bodyweight: BodyweightRule
    dumbbells: DumbbellRule
    asymmetry: AsymmetryRule
    execution: ExecutionRule
    free_leg: FreeLegRule
    progression: ProgressionRule
    deload: DeloadRule
    use: dict[Literal["activation", "strength_accessory", "finisher"], UseRule]
    barbell: BarbellRule
    limits: Limits


def read_data_toml(name: str) -> dict[str, Any]:
    """Read ``thrustcoach/program/data/<name>`` (DataError if missing or not TOML)."""
    try:
        text = resources.files("thrustcoach.program").joinpath("data", name).read_text("utf-8")
        return tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"program data file {name} is unreadable: {exc}") from exc


def validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']} ({exc.error_count()} problem(s))"


def parse_rules(raw: dict[str, Any]) -> Rules:
    try:
        return Rules.model_validate(raw)
    except ValidationError as exc:
        raise DataError(
            f"program rules are invalid: {validation_message(exc)}",
            hint="fix src/thrustcoach/program/data/rules.toml",
        ) from exc


@cache
def load_rules() -> Rules:
    """The shipped programming rules (cached)."""
    return parse_rules(read_data_toml("rules.toml"))
