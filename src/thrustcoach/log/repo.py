"""Data access for the log: keyword-only functions that take a SQLAlchemy ``Session``.

The caller owns the transaction (``with session_scope() as s: add_set(s, ...)``): these
functions flush but never commit, so a failure anywhere rolls the whole change back.
Errors: :class:`NotFoundError` (unknown athlete/session/set/plan), :class:`UsageError`
(invalid values), :class:`ConflictError` (duplicates); driver errors become
:class:`StorageError` in :func:`thrustcoach.log.db.session_scope`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from thrustcoach.errors import NotFoundError, UsageError
from thrustcoach.log.athletes import (
    body_mass_on,
    create_athlete,
    delete_athlete,
    find_athlete,
    get_athlete,
    list_athletes,
    record_body_mass,
    update_athlete,
)
from thrustcoach.log.models import (
    MAX_ROW_ID,
    Athlete,
    Base,
    SetEntry,
    StoredPlan,
    TrainingSession,
)
from thrustcoach.log.values import (
    check_training_day,
    parse_load_kg,
    parse_side,
    parse_variant,
)
from thrustcoach.text import shorten
from thrustcoach.vocab import Side

__all__ = [
    "MAX_NOTES_CHARS",
    "SET_FIELDS",
    "add_set",
    "body_mass_on",
    "check_set_values",
    "create_athlete",
    "delete_athlete",
    "delete_session",
    "delete_set",
    "find_athlete",
    "get_athlete",
    "get_or_create_session",
    "get_plan",
    "get_session",
    "get_set",
    "latest_plan",
    "list_athletes",
    "list_plans",
    "list_sessions",
    "list_sets",
    "page_of",
    "record_body_mass",
    "save_plan",
    "update_athlete",
    "update_plan",
    "update_session",
    "update_set",
]

M = TypeVar("M", bound=Base)

# Fields of a set that add_set/update_set accept besides the ids.
SET_FIELDS = (
    "variant",
    "side",
    "reps",
    "target_reps",
    "load_kg",
    "target_load_kg",
    "pause_s",
    "lowering_s",
    "rpe",
    "rir",
    "bench_contact",
    "pelvis_level",
    "full_range",
    "pain",
    "notes",
    "order_index",
)


def _get(session: Session, model: type[M], ident: int, what: str, athlete_id: int | None) -> M:
    row = session.get(model, ident) if 0 < ident <= MAX_ROW_ID else None
    owner = getattr(row, "athlete_id", None)
    if row is None or (athlete_id is not None and owner != athlete_id):
        raise NotFoundError(
            f"no {what} with id {ident}", hint="list them with 'thrustcoach log show'"
        )
    return row


# -- plans ----------------------------------------------------------------------------------


def save_plan(
    session: Session,
    *,
    athlete_id: int,
    plan_json: str,
    name: str | None = None,
    activate: bool = True,
) -> StoredPlan:
    """Store a plan (the JSON of ``thrustcoach.program.Plan``); validated when that exists."""
    get_athlete(session, athlete_id=athlete_id)
    from thrustcoach.log.planview import validate_plan_json

    doc = validate_plan_json(plan_json)
    if activate:
        for old in session.scalars(select(StoredPlan).where(StoredPlan.athlete_id == athlete_id)):
            old.active = False
    plan = StoredPlan(
        athlete_id=athlete_id,
        name=(name or doc.name or "plan").strip()[:200],
        start_date=doc.start_date,
        weeks=len(doc.weeks) or None,
        plan_json=plan_json,
        active=activate,
    )
    session.add(plan)
    session.flush()
    return plan


def update_plan(
    session: Session, *, plan_id: int, plan_json: str, athlete_id: int | None = None
) -> StoredPlan:
    """Replace a stored plan's JSON (its calendar changed: moved, skipped, new training days)."""
    from thrustcoach.log.planview import validate_plan_json

    plan = get_plan(session, plan_id=plan_id, athlete_id=athlete_id)
    doc = validate_plan_json(plan_json)
    plan.plan_json = plan_json
    plan.start_date = doc.start_date
    plan.weeks = len(doc.weeks) or None
    session.flush()
    return plan


def get_plan(session: Session, *, plan_id: int, athlete_id: int | None = None) -> StoredPlan:
    return _get(session, StoredPlan, plan_id, "plan", athlete_id)


def list_plans(session: Session, *, athlete_id: int) -> list[StoredPlan]:
    q = select(StoredPlan).where(StoredPlan.athlete_id == athlete_id).order_by(StoredPlan.id)
    return list(session.scalars(q))


def latest_plan(session: Session, *, athlete_id: int) -> StoredPlan | None:
    q = select(StoredPlan).where(StoredPlan.athlete_id == athlete_id)
    q = q.order_by(StoredPlan.active.desc(), StoredPlan.id.desc())
    return session.scalars(q).first()


def page_of(
    session: Session, *, query: Select[tuple[M]], limit: int, offset: int
) -> tuple[list[M], int]:
    """One page of ``query``'s rows (``limit`` from ``offset``) and how many rows it matches."""
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    total = session.scalar(counted) or 0
    return list(session.scalars(query.offset(offset).limit(limit))), total


# -- sessions -------------------------------------------------------------------------------


def _check_feel(feel: int | None) -> None:
    if feel is not None and not 1 <= feel <= 5:
        raise UsageError(
            f"feel {feel} is out of range", hint="rate the session 1 (awful) to 5 (great)"
        )


def get_or_create_session(
    session: Session,
    *,
    athlete_id: int,
    performed_on: dt.date,
    plan_id: int | None = None,
    plan_week: int | None = None,
    plan_session_index: int | None = None,
    notes: str | None = None,
    feel: int | None = None,
) -> TrainingSession:
    """The athlete's (first) session on that day, created if there is none."""
    get_athlete(session, athlete_id=athlete_id)
    _check_feel(feel)
    check_training_day(performed_on, what="the session date")
    q = select(TrainingSession).where(
        TrainingSession.athlete_id == athlete_id, TrainingSession.performed_on == performed_on
    )
    found = session.scalars(q.order_by(TrainingSession.id)).first()
    if found is not None and found.plan_id is not None:
        return found
    if plan_id is not None:
        get_plan(session, plan_id=plan_id, athlete_id=athlete_id)
    else:  # link the session to the active plan's session of that day, if any
        plan_id, plan_week, plan_session_index = _planned_slot(session, athlete_id, performed_on)
    if found is None:
        found = TrainingSession(
            athlete_id=athlete_id, performed_on=performed_on, notes=notes, feel=feel
        )
        session.add(found)
    if plan_id is not None:
        found.plan_id, found.plan_week = plan_id, plan_week
        found.plan_session_index = plan_session_index
    session.flush()
    return found


def _planned_slot(
    session: Session, athlete_id: int, day: dt.date
) -> tuple[int | None, int | None, int | None]:
    """The active plan's session on ``day`` (plan id, week, index), if there is one."""
    from thrustcoach.log.planview import PlanView

    plan = latest_plan(session, athlete_id=athlete_id)
    if plan is None:
        return None, None, None
    planned = PlanView.model_validate_json(plan.plan_json).session_on(day)
    if planned is None:
        return None, None, None
    return plan.id, planned.week, planned.index


def get_session(
    session: Session, *, session_id: int, athlete_id: int | None = None
) -> TrainingSession:
    return _get(session, TrainingSession, session_id, "session", athlete_id)


def list_sessions(
    session: Session,
    *,
    athlete_id: int,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[TrainingSession]:
    q = select(TrainingSession).where(TrainingSession.athlete_id == athlete_id)
    if since is not None:
        q = q.where(TrainingSession.performed_on >= since)
    if until is not None:
        q = q.where(TrainingSession.performed_on <= until)
    return list(session.scalars(q.order_by(TrainingSession.performed_on, TrainingSession.id)))


def update_session(
    session: Session, *, session_id: int, athlete_id: int | None = None, **changes: Any
) -> TrainingSession:
    row = get_session(session, session_id=session_id, athlete_id=athlete_id)
    allowed = {"performed_on", "notes", "feel", "plan_id", "plan_week", "plan_session_index"}
    unknown = set(changes) - allowed
    if unknown:
        raise UsageError(f"cannot change {', '.join(sorted(unknown))} of a session")
    _check_feel(changes.get("feel"))
    if changes.get("performed_on") is not None:
        check_training_day(changes["performed_on"], what="the session date")
    for key, value in changes.items():
        setattr(row, key, value)
    session.flush()
    return row


def delete_session(session: Session, *, session_id: int, athlete_id: int | None = None) -> None:
    session.delete(get_session(session, session_id=session_id, athlete_id=athlete_id))
    session.flush()


# -- sets -----------------------------------------------------------------------------------


MAX_NOTES_CHARS = 2000
_REQUIRED_SET_FIELDS = ("variant", "side", "reps")


def check_set_values(values: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise set fields (raises UsageError with a one-line message).

    The one check every way into the log goes through: ``log add``/``edit``, the web form,
    the API and the Strong/Hevy import. ``None`` means "not recorded".
    """
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in SET_FIELDS:
            raise UsageError(f"unknown set field {shorten(key)}")
        if value is None:
            out[key] = None
        elif key == "variant":
            out[key] = parse_variant(str(value)).value
        elif key == "side":
            out[key] = parse_side(str(value)).value
        elif key in ("reps", "target_reps", "rir", "order_index"):
            out[key] = _non_negative_int(key, value)
        elif key in ("load_kg", "target_load_kg"):
            out[key] = parse_load_kg(value, what=key.removesuffix("_kg").replace("_", " "))
        elif key in ("pause_s", "lowering_s"):
            out[key] = _seconds(key, value)
        elif key == "rpe":
            out[key] = _rpe(value)
        elif key == "notes":
            out[key] = _notes(value)
        else:
            out[key] = value
    return out


def _non_negative_int(key: str, value: Any) -> int:
    problem = UsageError(f"{key} must be a whole number 0-1000, got {shorten(value)}")
    if isinstance(value, bool):
        raise problem
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        # Short texts only: int() of a 5,000-digit string is refused by Python itself.
        if len(text) > 12:
            raise problem
        try:
            as_float = float(text.replace(",", "."))
        except ValueError:
            raise problem from None
        if not as_float.is_integer():
            raise problem
        number = int(as_float)
    if not 0 <= number <= 1000:
        raise problem
    return number


def _seconds(key: str, value: Any) -> float:
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise UsageError(f"{key} must be seconds, got {shorten(value)}") from None
    if not 0 <= number <= 60:
        raise UsageError(f"{key} {shorten(value)} is out of range 0-60 s")
    return number


def _rpe(value: Any) -> Decimal:
    try:
        rpe = Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError:
        raise UsageError(f"RPE must be a number 1-10, got {shorten(value)}") from None
    if not rpe.is_finite() or not 1 <= rpe <= 10:
        raise UsageError(f"RPE must be 1-10, got {shorten(value)}")
    return rpe.quantize(Decimal("0.1"))


def _notes(value: Any) -> str:
    text = str(value)
    if len(text) > MAX_NOTES_CHARS:
        raise UsageError(f"notes are limited to {MAX_NOTES_CHARS} characters")
    return text


def add_set(
    session: Session,
    *,
    athlete_id: int,
    variant: str,
    side: str,
    reps: int,
    session_id: int | None = None,
    performed_on: dt.date | None = None,
    **fields: Any,
) -> SetEntry:
    """Log one set. Without ``session_id`` it goes into the day's session (created if needed).

    Other ``fields``: see :data:`SET_FIELDS` (``load_kg`` accepts "12,5" and "25 lb").
    """
    values = check_set_values({"variant": variant, "side": side, "reps": reps, **fields})
    for required in _REQUIRED_SET_FIELDS:
        if values[required] is None:
            raise UsageError(f"{required} is required", hint="choose or enter it and try again")
    # Lock the athlete row (PostgreSQL; SQLite already holds the write lock from BEGIN
    # IMMEDIATE) so two writers cannot both create the day's session or reuse an order index.
    if session.get(Athlete, athlete_id, with_for_update=True) is None:
        get_athlete(session, athlete_id=athlete_id)
    if session_id is not None:
        parent = get_session(session, session_id=session_id, athlete_id=athlete_id)
    else:
        parent = get_or_create_session(
            session, athlete_id=athlete_id, performed_on=performed_on or dt.date.today()
        )
    if values.get("order_index") is None:
        last = session.scalar(
            select(func.max(SetEntry.order_index)).where(SetEntry.session_id == parent.id)
        )
        values["order_index"] = (last or 0) + 1
    if values.get("load_kg") is None:
        values["load_kg"] = Decimal("0.00")
    row = SetEntry(athlete_id=athlete_id, session_id=parent.id, **values)
    session.add(row)
    session.flush()
    return row


def get_set(session: Session, *, set_id: int, athlete_id: int | None = None) -> SetEntry:
    return _get(session, SetEntry, set_id, "set", athlete_id)


def list_sets(
    session: Session,
    *,
    athlete_id: int,
    since: dt.date | None = None,
    until: dt.date | None = None,
    side: Side | str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SetEntry]:
    """Sets in training order (date, session, order within the session)."""
    q = (
        select(SetEntry)
        .join(TrainingSession, SetEntry.session_id == TrainingSession.id)
        .where(SetEntry.athlete_id == athlete_id)
    )
    if since is not None:
        q = q.where(TrainingSession.performed_on >= since)
    if until is not None:
        q = q.where(TrainingSession.performed_on <= until)
    if side is not None:
        q = q.where(SetEntry.side == parse_side(str(side)).value)
    q = q.order_by(TrainingSession.performed_on, TrainingSession.id, SetEntry.order_index)
    return list(session.scalars(q.offset(offset).limit(limit)))


def update_set(
    session: Session, *, set_id: int, athlete_id: int | None = None, **changes: Any
) -> SetEntry:
    row = get_set(session, set_id=set_id, athlete_id=athlete_id)
    values = check_set_values(changes)
    for required in ("variant", "side", "reps", "load_kg", "order_index"):
        if required in values and values[required] is None:
            raise UsageError(f"{required} cannot be emptied")
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    return row


def delete_set(session: Session, *, set_id: int, athlete_id: int | None = None) -> None:
    session.delete(get_set(session, set_id=set_id, athlete_id=athlete_id))
    session.flush()
