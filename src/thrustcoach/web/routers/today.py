"""Page: a planned session (today's by default, any other on request), weak side first, with
a set timer, one-tap logging, what each side did last time and its records, the rest timer
after each logged set, and moving or skipping the session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.errors import NotFoundError
from thrustcoach.log import repo
from thrustcoach.log.analyses import set_records
from thrustcoach.log.analytics import SetRecord
from thrustcoach.log.models import SetEntry, StoredPlan, TrainingSession
from thrustcoach.log.records import SideRecords, last_time, side_records
from thrustcoach.program import Plan, PlannedSet, PlanSession, find_session, strong_side_targets
from thrustcoach.vocab import Side
from thrustcoach.web.access import get_visible, own_athlete, resolve_athlete
from thrustcoach.web.db import commit
from thrustcoach.web.deps import CsrfProtect, Db, PageUser
from thrustcoach.web.plans import planned_session_for, stored_plan
from thrustcoach.web.templating import flash, render, units_of
from thrustcoach.web.units import Units

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# The lift (concentric) is not prescribed by the block: a controlled ~1 s drive up.
LIFT_S = 1


def _logged_sets(
    db: Session, *, athlete_id: int, plan_id: int, sess: PlanSession
) -> dict[int, SetEntry]:
    rows = db.scalars(
        select(SetEntry)
        .join(TrainingSession, SetEntry.session_id == TrainingSession.id)
        .where(
            SetEntry.athlete_id == athlete_id,
            TrainingSession.plan_id == plan_id,
            TrainingSession.plan_week == sess.week,
            TrainingSession.plan_session_index == sess.index,
        )
    ).all()
    return {r.order_index: r for r in rows}


def _reps_done(logged: dict[int, SetEntry]) -> dict[int, tuple[Side, int]]:
    return {order: (Side(row.side), row.reps) for order, row in logged.items()}


def logging_date(sess: PlanSession, *, today: dt.date) -> dt.date:
    """Sets of a past session are logged on its day (catching up); others on today."""
    return min(sess.date, today)


@dataclass(frozen=True)
class SideHistory:
    """What a side did last time, and its records, in words for the set cards."""

    last: str | None
    records: str | None


def _side_history(
    records: list[SetRecord], *, side: Side, before: dt.date, units: Units
) -> SideHistory:
    sets = last_time(records, side=side, before=before)
    last = None
    if sets:
        reps = ", ".join(str(r.reps) for r in sets)
        loads = sorted({units.load(r.load_kg) for r in sets})
        day = sets[0].performed_on.strftime("%a %d %b")
        last = f"{reps} reps @ {' / '.join(loads)} on {day}"
    recs: SideRecords | None = side_records([r for r in records if r.performed_on < before]).get(
        side
    )
    text = None
    if recs is not None and recs.best:
        parts = []
        if (e1rm := recs.value("e1rm")) is not None:
            parts.append(f"e1RM {units.load(e1rm)}")
        if (heaviest := recs.value("load")) is not None:
            parts.append(f"heaviest {units.load(heaviest)}")
        if (most := recs.value("reps")) is not None:
            parts.append(f"most reps {most}")
        text = " · ".join(parts)
    return SideHistory(last, text)


def _neighbours(plan: Plan, sess: PlanSession) -> tuple[PlanSession | None, PlanSession | None]:
    ordered = sorted(plan.sessions(), key=lambda s: (s.date, s.week, s.index))
    i = next(k for k, s in enumerate(ordered) if (s.week, s.index) == (sess.week, sess.index))
    return (ordered[i - 1] if i else None), (ordered[i + 1] if i + 1 < len(ordered) else None)


def _rest_after(sess: PlanSession, order: int | None) -> dict[str, Any] | None:
    """The rest timer to start after set ``order`` was logged (None after the last set)."""
    if order is None:
        return None
    sets = list(sess.sets)
    k = next((i for i, s in enumerate(sets) if s.order == order), None)
    if k is None or k + 1 >= len(sets) or sets[k].rest_s <= 0:
        return None
    nxt = sets[k + 1]
    return {"s": sets[k].rest_s, "label": f"Rest, then set {nxt.order} ({nxt.side.value} leg)"}


@router.get("/today")
def today_page(
    request: Request,
    db: Db,
    user: PageUser,
    athlete: int | None = None,
    week: Annotated[int | None, Query(ge=1, le=100)] = None,
    session: Annotated[int | None, Query(ge=1, le=20)] = None,
    rested: Annotated[int | None, Query(ge=1, le=100)] = None,
) -> Response:
    who = resolve_athlete(db, user, athlete)
    row = repo.latest_plan(db, athlete_id=who.id)
    today = dt.date.today()
    ctx: dict[str, Any] = {
        "athlete": who,
        "row": row,
        "can_edit": who.id == user.athlete_id,
        "today": today,
    }
    if row is None:
        return render(request, "today.html", ctx)
    plan = stored_plan(row)
    if week is not None and session is not None:
        sess: PlanSession | None = find_session(plan, week=week, index=session)
        is_today = sess is not None and sess.date == today
    else:
        sess, is_today = planned_session_for(plan, on=today)
    ctx.update(plan=plan, sess=sess, is_today=is_today, chosen=week is not None)
    if sess is None:
        return render(request, "today.html", ctx)
    logged = _logged_sets(db, athlete_id=who.id, plan_id=row.id, sess=sess)
    units = units_of(request)
    day = logging_date(sess, today=today)
    records = set_records(db, athlete_id=who.id)
    history = {
        side: _side_history(records, side=side, before=day, units=units)
        for side in dict.fromkeys(s.side for s in sess.sets)
    }
    parent = next(iter(logged.values())).session_id if logged else None
    ctx.update(
        logged=logged,
        targets=strong_side_targets(sess, reps_done=_reps_done(logged)),
        history=history,
        lift_s=LIFT_S,
        logging_date=day,
        neighbours=_neighbours(plan, sess),
        rest=_rest_after(sess, rested) if rested in logged else None,
        summary_session_id=parent,
        all_done=len(logged) >= len(sess.sets),
    )
    return render(request, "today.html", ctx)


def _planned(plan: Plan, *, week: int, index: int, order: int) -> tuple[PlanSession, PlannedSet]:
    sess = find_session(plan, week=week, index=index)
    for planned in sess.sets:
        if planned.order == order:
            return sess, planned
    raise NotFoundError(f"the plan has no set {order} in week {week}, session {index}")


def _back(sess: PlanSession, *, order: int | None = None, anchor: int | None = None) -> str:
    """Back to the session's page (``rested``: start the rest timer after that set)."""
    url = f"/today?week={sess.week}&session={sess.index}"
    if order is not None:
        url += f"&rested={order}"
    if anchor is None:
        return url
    last = max(s.order for s in sess.sets)
    return url + (f"#set-{anchor}" if anchor <= last else "#session-done")


@router.post("/today/log", dependencies=[CsrfProtect])
def log_planned_set(
    request: Request,
    db: Db,
    user: PageUser,
    plan_id: Annotated[int, Form()],
    week: Annotated[int, Form(ge=1, le=100)],
    session_index: Annotated[int, Form(ge=1, le=20)],
    order: Annotated[int, Form(ge=1, le=100)],
    reps: Annotated[int | None, Form(ge=0, le=1000)] = None,
    load: Annotated[str, Form(max_length=20)] = "",
    rpe: Annotated[str, Form(max_length=4)] = "",
    notes: Annotated[str, Form(max_length=2000)] = "",
    replace: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    athlete = own_athlete(db, user)
    row = get_visible(db, user, StoredPlan, plan_id, write=True)
    sess, planned = _planned(stored_plan(row), week=week, index=session_index, order=order)
    existing = _logged_sets(db, athlete_id=athlete.id, plan_id=row.id, sess=sess).get(order)
    if existing is not None and replace != "yes":
        flash(
            request,
            f"Set {order} is already logged ({existing.reps} reps): use “Change logged set” "
            "to replace it.",
            kind="error",
        )
        return RedirectResponse(_back(sess, anchor=order), status_code=303)
    parent = repo.get_or_create_session(
        db,
        athlete_id=athlete.id,
        performed_on=logging_date(sess, today=dt.date.today()),
        plan_id=row.id,
        plan_week=sess.week,
        plan_session_index=sess.index,
    )
    units = units_of(request)
    values: dict[str, Any] = {
        "variant": planned.exercise.value,
        "side": planned.side.value,
        "reps": planned.reps if reps is None else reps,
        "target_reps": planned.reps,
        "load_kg": units.typed(load) or planned.load_kg or Decimal(0),
        "target_load_kg": planned.load_kg,
        "pause_s": planned.pause_s,
        "lowering_s": planned.lowering_s,
        "rpe": rpe.strip() or None,
        "notes": notes.strip() or None,
        "order_index": planned.order,
    }
    if existing is not None:
        before = existing.reps
        repo.update_set(db, set_id=existing.id, athlete_id=athlete.id, **values)
        commit(db)
        flash(
            request,
            f"Set {order} changed from {before} to {values['reps']} reps.",
            kind="success",
        )
        return RedirectResponse(_back(sess, anchor=order), status_code=303)
    repo.add_set(db, athlete_id=athlete.id, session_id=parent.id, **values)
    commit(db)
    flash(
        request,
        f"Logged set {planned.order}: {values['reps']} reps, {planned.side.value}.",
        kind="success",
    )
    return RedirectResponse(_back(sess, order=order, anchor=order + 1), status_code=303)
