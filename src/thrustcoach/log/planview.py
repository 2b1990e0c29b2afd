"""What the log needs from a stored plan: its planned sessions and sets.

Plans are stored as the JSON of :class:`thrustcoach.program.Plan`. Storing validates the text
with ``Plan.model_validate_json`` (the plan package is the authority on the shape); reading
uses this lenient view (extra fields ignored) so that the log keeps working with plans stored
by older versions.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from thrustcoach.errors import UsageError
from thrustcoach.vocab import Side, VariantId

__all__ = [
    "PlanView",
    "PlannedSessionView",
    "PlannedSetView",
    "match_planned_set",
    "validate_plan_json",
]

_Lenient = ConfigDict(frozen=True, extra="ignore")


class PlannedSetView(BaseModel):
    model_config = _Lenient
    order: int = 0
    exercise: VariantId
    side: Side
    reps: int
    load_kg: Decimal | None = None
    pause_s: float | None = None
    lowering_s: float | None = None
    rest_s: float | None = None
    extra: bool = False


class PlannedSessionView(BaseModel):
    model_config = _Lenient
    week: int
    index: int
    date: dt.date
    title: str = ""
    sets: tuple[PlannedSetView, ...] = ()
    skipped: bool = False


class _WeekView(BaseModel):
    model_config = _Lenient
    number: int = 0
    sessions: tuple[PlannedSessionView, ...] = ()


class PlanView(BaseModel):
    model_config = _Lenient
    template_name: str | None = None
    weak_side: Side | None = None
    weeks: tuple[_WeekView, ...] = Field(default=())

    @property
    def name(self) -> str | None:
        return self.template_name

    @property
    def sessions(self) -> tuple[PlannedSessionView, ...]:
        return tuple(s for w in self.weeks for s in w.sessions)

    @property
    def start_date(self) -> dt.date | None:
        return min((s.date for s in self.sessions), default=None)

    def session_on(self, day: dt.date) -> PlannedSessionView | None:
        """The session planned on ``day`` (a skipped one is not planned any more)."""
        return next((s for s in self.sessions if s.date == day and not s.skipped), None)


def _validate_with_program(text: str) -> None:
    # Looked up at run time: the plan package may not export Plan (yet) in every checkout.
    plan_cls = getattr(importlib.import_module("thrustcoach.program"), "Plan", None)
    if plan_cls is None:
        return
    try:
        plan_cls.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "plan"
        raise UsageError(
            f"not a ThrustCoach plan: {where}: {first['msg']}",
            hint="store a file written by 'thrustcoach plan --format json'",
        ) from exc


def validate_plan_json(text: str) -> PlanView:
    """Check ``text`` is a plan (UsageError if not) and return the log's view of it."""
    try:
        json.loads(text)
    except ValueError as exc:
        raise UsageError(f"the plan is not JSON: {exc}") from exc
    except RecursionError:  # [[[[...]]]] nested deeper than any plan
        raise UsageError("the plan is not a plan: its JSON is nested too deeply") from None
    _validate_with_program(text)
    try:
        return PlanView.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "plan"
        raise UsageError(f"not a ThrustCoach plan: {where}: {first['msg']}") from exc


def match_planned_set(
    planned: PlannedSessionView, *, variant: str, side: str, nth: int
) -> PlannedSetView | None:
    """The ``nth`` (1-based) planned set of that variant and side in the session, if any."""
    same = [s for s in planned.sets if s.exercise.value == variant and s.side.value == side]
    return same[nth - 1] if 0 < nth <= len(same) else None
