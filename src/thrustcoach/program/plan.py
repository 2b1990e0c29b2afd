"""The typed plan: weeks -> sessions (dated) -> sets in the order they are done.

``Plan`` is frozen and round-trips through JSON (``plan.to_json()`` / ``Plan.from_json(text)``);
the log stores that JSON and compares logged sets against ``PlannedSet``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from thrustcoach.errors import InputFileError
from thrustcoach.program.inputs import Kg, PlanInputs
from thrustcoach.program.rules import FreeLeg
from thrustcoach.vocab import Side, VariantId

__all__ = ["PLAN_SCHEMA_VERSION", "Plan", "PlanSession", "PlanWeek", "PlannedSet", "SessionKind"]

PLAN_SCHEMA_VERSION = 1

_Frozen = ConfigDict(frozen=True, extra="forbid")


class SessionKind(StrEnum):
    SINGLE_LEG = "single_leg"  # the unilateral sessions of the block
    BILATERAL = "bilateral"  # the other glute day: bilateral hip thrust


class PlannedSet(BaseModel):
    """One set on one side. Reps are per leg; ``rest_s`` is the rest AFTER this set."""

    model_config = _Frozen

    order: int = Field(ge=1, description="1-based position in the session")
    exercise: VariantId
    side: Side
    reps: int = Field(ge=1)
    load_kg: Kg | None = Field(default=None, description="external load; None = bodyweight")
    pause_s: int = Field(ge=0)
    lowering_s: int = Field(ge=1)
    rest_s: int = Field(ge=0)
    extra: bool = Field(default=False, description="the once-a-block extra weak-side set")


class PlanSession(BaseModel):
    model_config = _Frozen

    week: int = Field(ge=1)
    index: int = Field(ge=1, description="1-based session number within the week")
    date: date
    kind: SessionKind
    title: str
    free_leg: FreeLeg | None = None  # None on the bilateral day
    sets: tuple[PlannedSet, ...] = Field(min_length=1)
    notes: tuple[str, ...] = ()
    # Changes the lifter made after the plan was built (program.reschedule).
    skipped: bool = Field(default=False, description="skipped by the lifter: not planned now")
    # (datetime.date: the field ``date`` above shadows the name inside the class)
    moved_from: _dt.date | None = Field(default=None, description="the date it was planned for")

    def sets_for(self, side: Side) -> tuple[PlannedSet, ...]:
        return tuple(s for s in self.sets if s.side is side)


class PlanWeek(BaseModel):
    model_config = _Frozen

    number: int = Field(ge=1)
    deload: bool = False
    sessions: tuple[PlanSession, ...]

    def single_leg_sessions(self) -> tuple[PlanSession, ...]:
        return tuple(s for s in self.sessions if s.kind is SessionKind.SINGLE_LEG)

    @property
    def single_leg_reps_per_side(self) -> int:
        """Total prescribed single-leg reps of one leg (the strong side; extra sets excluded)."""
        return (
            sum(s.reps for sess in self.single_leg_sessions() for s in sess.sets if not s.extra)
            // 2
        )

    @property
    def top_single_leg_load_kg(self) -> Decimal:
        """Heaviest single-leg external load of the week (0 for bodyweight)."""
        loads = [s.load_kg or Decimal(0) for sess in self.single_leg_sessions() for s in sess.sets]
        return max(loads, default=Decimal(0))


class Plan(BaseModel):
    """A generated block. ``inputs`` and the block state let :func:`next_block` continue it."""

    model_config = _Frozen

    schema_version: int = PLAN_SCHEMA_VERSION
    template_id: str
    template_name: str
    block_number: int = Field(default=1, ge=1)
    inputs: PlanInputs
    weak_side: Side | None = Field(description="None = unknown: starting side alternates")
    free_leg: FreeLeg
    working_load_kg: Kg | None = Field(description="single-leg working load; None = bodyweight")
    bilateral_load_kg: Kg | None = None
    load_basis: str = Field(description="how the working load was chosen, in words")
    weeks: tuple[PlanWeek, ...] = Field(min_length=1)
    notes: tuple[str, ...] = ()

    def sessions(self) -> Iterator[PlanSession]:
        for week in self.weeks:
            yield from week.sessions

    @property
    def end_date(self) -> date:
        return max(s.date for s in self.sessions())

    def to_json(self, *, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> Plan:
        """Parse a plan written by :meth:`to_json` (InputFileError if it is not one)."""
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "plan"
            raise InputFileError(
                f"not a ThrustCoach plan: {where}: {first['msg']}",
                hint="pass a file written by 'thrustcoach plan --format json'",
            ) from exc
