"""Page: today's planned session, weak side first, with a set timer and one-tap logging."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.errors import NotFoundError
from thrustcoach.log import repo
from thrustcoach.log.models import SetEntry, StoredPlan, TrainingSession
from thrustcoach.program import Plan, PlannedSet, PlanSession, strong_side_targets
from thrustcoach.program.render import describe_set, format_load
from thrustcoach.vocab import Side
from thrustcoach.web.access import get_visible, own_athlete, resolve_athlete
from thrustcoach.web.db import commit
from thrustcoach.web.deps import CsrfProtect, Db, PageUser
from thrustcoach.web.plans import planned_session_for, stored_plan
from thrustcoach.web.templating import flash, render

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


@router.get("/today")
def today_page(request: Request, db: Db, user: PageUser, athlete: int | None = None) -> Response:
    who = resolve_athlete(db, user, athlete)
    row = repo.latest_plan(db, athlete_id=who.id)
    ctx: dict[str, Any] = {"athlete": who, "row": row, "can_edit": who.id == user.athlete_id}
    if row is not None:
        plan = stored_plan(row)
        today = dt.date.today()
        sess, is_today = planned_session_for(plan, on=today)
        ctx.update(plan=plan, sess=sess, is_today=is_today, today=today)
        if sess is not None:
            logged = _logged_sets(db, athlete_id=who.id, plan_id=row.id, sess=sess)
            ctx.update(
                logged=logged,
                targets=strong_side_targets(sess, reps_done=_reps_done(logged)),
                describe_set=describe_set,
                format_load=format_load,
                lift_s=LIFT_S,
            )
    return render(request, "today.html", ctx)


def _planned(plan: Plan, *, week: int, index: int, order: int) -> tuple[PlanSession, PlannedSet]:
    for sess in plan.sessions():
        if sess.week == week and sess.index == index:
            for planned in sess.sets:
                if planned.order == order:
                    return sess, planned
    raise NotFoundError(f"the plan has no set {order} in week {week}, session {index}")


@router.post("/today/log", dependencies=[CsrfProtect])
def log_planned_set(
    request: Request,
    db: Db,
    user: PageUser,
    plan_id: Annotated[int, Form()],
    week: Annotated[int, Form()],
    session_index: Annotated[int, Form()],
    order: Annotated[int, Form()],
    reps: Annotated[int | None, Form(ge=0, le=1000)] = None,
    load_kg: Annotated[str, Form(max_length=20)] = "",
    notes: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    athlete = own_athlete(db, user)
    row = get_visible(db, user, StoredPlan, plan_id, write=True)
    sess, planned = _planned(stored_plan(row), week=week, index=session_index, order=order)
    parent = repo.get_or_create_session(
        db,
        athlete_id=athlete.id,
        performed_on=dt.date.today(),
        plan_id=row.id,
        plan_week=sess.week,
        plan_session_index=sess.index,
    )
    values: dict[str, Any] = {
        "variant": planned.exercise.value,
        "side": planned.side.value,
        "reps": planned.reps if reps is None else reps,
        "target_reps": planned.reps,
        "load_kg": load_kg.strip() or planned.load_kg or Decimal(0),
        "target_load_kg": planned.load_kg,
        "pause_s": planned.pause_s,
        "lowering_s": planned.lowering_s,
        "notes": notes.strip() or None,
        "order_index": planned.order,
    }
    existing = next((s for s in parent.sets if s.order_index == planned.order), None)
    if existing is not None:
        repo.update_set(db, set_id=existing.id, athlete_id=athlete.id, **values)
    else:
        repo.add_set(db, athlete_id=athlete.id, session_id=parent.id, **values)
    commit(db)
    flash(
        request,
        f"Logged set {planned.order}: {values['reps']} reps, {planned.side.value}.",
        kind="success",
    )
    return RedirectResponse(f"/today#set-{planned.order}", status_code=303)
