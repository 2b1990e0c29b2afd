"""Thin adapter between the web forms/API and ``thrustcoach.program`` + the log's stored plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from thrustcoach.errors import PlanError
from thrustcoach.log import repo
from thrustcoach.log.models import Athlete, StoredPlan
from thrustcoach.log.results import session_results
from thrustcoach.program import (
    Decision,
    Plan,
    PlanInputs,
    PlanSession,
    SessionKind,
    SessionResult,
    build_plan,
    decide,
    next_block,
)

__all__ = [
    "NextBlockPreview",
    "create_next_block",
    "create_plan",
    "next_block_preview",
    "parse_weights",
    "planned_session_for",
    "stored_plan",
]


def parse_weights(text: str) -> list[Decimal]:
    """'5, 7.5, 10' (commas, spaces or semicolons; decimal comma ok) -> [5, 7.5, 10]."""
    out: list[Decimal] = []
    for part in text.replace(";", " ").replace(", ", " ").split():
        try:
            out.append(Decimal(part.strip(",").replace(",", ".")))
        except InvalidOperation:
            raise PlanError(
                f"cannot read the dumbbell weight {part!r}", hint="list them like 5, 7.5, 10"
            ) from None
    return out


def create_plan(
    db: Session, athlete: Athlete, *, inputs: dict[str, Any], template: str, name: str | None
) -> StoredPlan:
    """Build a plan from ``inputs`` (PlanInputs fields) and store it as the active plan."""
    checked = PlanInputs.checked(**inputs)
    plan = build_plan(checked, template=template)
    if checked.weak_side is not None:
        athlete.weak_side = checked.weak_side.value
    if checked.bilateral is not None:
        athlete.bilateral_ref_load_kg = checked.bilateral.load_kg
        athlete.bilateral_ref_reps = checked.bilateral.reps
    repo.record_body_mass(
        db, athlete_id=athlete.id, mass_kg=checked.body_mass_kg, measured_on=dt.date.today()
    )
    return repo.save_plan(
        db, athlete_id=athlete.id, plan_json=plan.to_json(), name=name or plan.template_name
    )


def stored_plan(row: StoredPlan) -> Plan:
    return Plan.from_json(row.plan_json)


def planned_session_for(plan: Plan, *, on: dt.date) -> tuple[PlanSession | None, bool]:
    """The session planned for ``on``, else the next one; ``(session, is_today)``."""
    upcoming = sorted(
        (s for s in plan.sessions() if s.date >= on and not s.skipped), key=lambda s: s.date
    )
    if not upcoming:
        return None, False
    return upcoming[0], upcoming[0].date == on


@dataclass(frozen=True)
class NextBlockPreview:
    """What "next block" would do, shown before anything is replaced."""

    decision: Decision
    sessions_logged: int
    sessions_planned: int
    sessions_left: int  # planned single-leg sessions dated today or later
    default_start: dt.date


def _results(db: Session, previous: StoredPlan) -> tuple[Plan, list[SessionResult]]:
    """The plan and the logged results of its single-leg sessions (bilateral days do not gate)."""
    plan = stored_plan(previous)
    single = {(s.week, s.index) for s in plan.sessions() if s.kind is SessionKind.SINGLE_LEG}
    documents = session_results(db, athlete_id=previous.athlete_id, plan_id=previous.id)
    results: list[SessionResult] = TypeAdapter(list[SessionResult]).validate_python(documents)
    return plan, [r for r in results if (r.week, r.session) in single]


def next_block_preview(db: Session, previous: StoredPlan, *, today: dt.date) -> NextBlockPreview:
    plan, results = _results(db, previous)
    single = [s for s in plan.sessions() if s.kind is SessionKind.SINGLE_LEG]
    return NextBlockPreview(
        decision=decide(plan, results),
        sessions_logged=len(results),
        sessions_planned=len(single),
        sessions_left=sum(1 for s in single if s.date >= today),
        default_start=today,
    )


def create_next_block(db: Session, previous: StoredPlan, *, start_date: dt.date) -> StoredPlan:
    """The follow-up block from the logged results of ``previous`` (the program decides)."""
    plan, results = _results(db, previous)
    nxt = next_block(plan, results, start_date=start_date)
    name = f"{nxt.template_name} (block {nxt.block_number})"
    return repo.save_plan(db, athlete_id=previous.athlete_id, plan_json=nxt.to_json(), name=name)
