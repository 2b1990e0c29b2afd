"""What a plan is built from: :class:`PlanInputs`, validated against ``rules.toml`` limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)

from thrustcoach.errors import PlanError
from thrustcoach.program.rules import Experience, load_rules
from thrustcoach.vocab import Side

__all__ = [
    "BilateralLift",
    "Equipment",
    "Kg",
    "PlanInputs",
    "Weekday",
    "epley_e1rm",
    "epley_load_for_reps",
]

# Weights are Decimal in Python (exact 2.5 kg steps) and plain JSON numbers on the wire.
Kg = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class Equipment(StrEnum):
    BODYWEIGHT = "bodyweight"  # bodyweight only
    DUMBBELLS = "dumbbells"  # dumbbells: list the weights owned in dumbbells_kg


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def day_number(self) -> int:
        """0 = Monday, as ``date.weekday()``."""
        return list(Weekday).index(self)


def epley_e1rm(load_kg: Decimal, reps: int) -> Decimal:
    """Epley estimated one-rep max: ``load x (1 + reps / 30)``; a single is its own 1RM."""
    if reps <= 1:
        return load_kg
    return load_kg * (30 + reps) / 30


def epley_load_for_reps(e1rm_kg: Decimal, reps: int) -> Decimal:
    """Inverse Epley: the load that ``reps`` reps to failure allow for a given e1RM."""
    if reps <= 1:
        return e1rm_kg
    return e1rm_kg * 30 / (30 + reps)


class BilateralLift(BaseModel):
    """The bilateral hip thrust: a recent set (``load_kg`` x ``reps``) or a 1RM (``reps`` = 1).

    ``load_kg`` is the external load (bar and plates), not counting body mass.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    load_kg: Kg = Field(gt=0)
    reps: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _plausible(self) -> BilateralLift:
        rules = load_rules()
        if self.load_kg > rules.limits.bilateral_max_kg:
            raise ValueError(
                f"a bilateral hip thrust of {self.load_kg} kg is not plausible "
                f"(max {rules.limits.bilateral_max_kg} kg); enter the load in kg"
            )
        if self.reps > rules.load.model.max_reps_for_e1rm:
            raise ValueError(
                f"a set of {self.reps} reps is too long to estimate strength from; "
                f"enter a heavier set of at most {rules.load.model.max_reps_for_e1rm} reps"
            )
        return self

    @property
    def e1rm_kg(self) -> Decimal:
        """Estimated 1RM of the external load (Epley)."""
        return epley_e1rm(self.load_kg, self.reps)


class PlanInputs(BaseModel):
    """Everything ``build_plan`` needs. Build it with :meth:`checked` to get a PlanError."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    experience: Experience
    body_mass_kg: Kg
    bilateral: BilateralLift | None = None
    weak_side: Side | None = None  # None = not known yet
    equipment: Equipment = Equipment.BODYWEIGHT
    dumbbells_kg: tuple[Kg, ...] = ()
    start_date: date
    training_days: tuple[Weekday, ...] = Field(min_length=1)

    @field_validator("weak_side")
    @classmethod
    def _one_leg(cls, value: Side | None) -> Side | None:
        if value is Side.BOTH:
            raise ValueError("weak side must be left, right or unknown")
        return value

    @field_validator("dumbbells_kg")
    @classmethod
    def _sorted_unique(cls, value: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
        limit = load_rules().limits.dumbbell_max_kg
        for kg in value:
            if not 0 < kg <= limit:
                raise ValueError(
                    f"dumbbell of {kg} kg: weights must be above 0 and at most {limit}"
                )
        return tuple(sorted(set(value)))

    @field_validator("training_days")
    @classmethod
    def _days_sorted(cls, value: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
        return tuple(sorted(set(value), key=lambda d: d.day_number))

    @model_validator(mode="after")
    def _in_range(self) -> PlanInputs:
        lim = load_rules().limits
        if not lim.body_mass_min_kg <= self.body_mass_kg <= lim.body_mass_max_kg:
            raise ValueError(
                f"body mass {self.body_mass_kg} kg is outside "
                f"{lim.body_mass_min_kg}-{lim.body_mass_max_kg} kg"
            )
        if not lim.earliest_start_year <= self.start_date.year <= lim.latest_start_year:
            raise ValueError(
                f"start date {self.start_date} is outside the years "
                f"{lim.earliest_start_year}-{lim.latest_start_year}"
            )
        if self.equipment is Equipment.DUMBBELLS and not self.dumbbells_kg:
            raise ValueError("equipment 'dumbbells' needs the list of dumbbell weights you own")
        if self.equipment is Equipment.BODYWEIGHT and self.dumbbells_kg:
            raise ValueError("dumbbell weights were given but equipment is 'bodyweight'")
        return self

    @classmethod
    def checked(cls, **fields: Any) -> PlanInputs:
        """Validate ``fields``; any problem becomes a one-line :class:`PlanError`."""
        try:
            return cls.model_validate(fields)
        except ValidationError as exc:
            raise PlanError(_one_line(exc)) from exc


def _one_line(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "plan inputs"
    msg = str(first["msg"]).removeprefix("Value error, ")
    return f"invalid {where}: {msg}" if where != "plan inputs" else f"invalid plan inputs: {msg}"
