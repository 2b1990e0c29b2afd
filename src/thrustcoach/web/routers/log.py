"""Pages: the training log (sessions by day, sets per side), add, edit and delete sets."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.errors import ThrustCoachError
from thrustcoach.log import repo
from thrustcoach.log.models import SetEntry, TrainingSession
from thrustcoach.vocab import Side, VariantId
from thrustcoach.web.access import get_visible, own_athlete, resolve_athlete
from thrustcoach.web.db import commit
from thrustcoach.web.deps import CsrfProtect, Db, PageUser
from thrustcoach.web.forms import FLAG_FIELDS, SET_FORM_FIELDS, parse_date, set_values_from_form
from thrustcoach.web.templating import flash, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

SESSIONS_PER_PAGE = 20


def _choices() -> dict[str, Any]:
    return {"variants": list(VariantId), "sides": list(Side)}


@router.get("/log")
def log_page(
    request: Request,
    db: Db,
    user: PageUser,
    athlete: int | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    who = resolve_athlete(db, user, athlete)
    sessions = list(reversed(repo.list_sessions(db, athlete_id=who.id)))
    total = len(sessions)
    start = (page - 1) * SESSIONS_PER_PAGE
    shown = sessions[start : start + SESSIONS_PER_PAGE]
    side_reps = {
        s.id: {side.value: sum(x.reps for x in s.sets if x.side == side.value) for side in Side}
        for s in shown
    }
    ctx = {
        "athlete": who,
        "sessions": shown,
        "side_reps": side_reps,
        "page": page,
        "has_next": start + SESSIONS_PER_PAGE < total,
        "can_edit": who.id == user.athlete_id,
        "today": dt.date.today().isoformat(),
    }
    return render(request, "log.html", ctx)


def _set_form(request: Request, **ctx: Any) -> Response:
    status = ctx.pop("status_code", 200)
    return render(request, "set_form.html", {**_choices(), **ctx}, status_code=status)


@router.get("/log/sets/new")
def new_set_form(request: Request, db: Db, user: PageUser, date: str | None = None) -> Response:
    athlete = own_athlete(db, user)
    values = {
        "performed_on": parse_date(date, default=dt.date.today()).isoformat(),
        "variant": VariantId.SINGLE_LEG_HIP_THRUST.value,
        "side": athlete.weak_side or "left",
    }
    return _set_form(request, values=values, action="/log/sets", title="Log a set", error=None)


@router.post("/log/sets", dependencies=[CsrfProtect])
async def create_set(request: Request, db: Db, user: PageUser) -> Response:
    athlete = own_athlete(db, user)
    form = await request.form()
    try:
        values = set_values_from_form(form)
        performed_on = parse_date(_str(form.get("performed_on")), default=dt.date.today())
        row = repo.add_set(db, athlete_id=athlete.id, performed_on=performed_on, **values)
        commit(db)
    except ThrustCoachError as exc:
        db.rollback()
        return _set_form(
            request,
            values=dict(form),
            action="/log/sets",
            title="Log a set",
            error=str(exc),
            status_code=exc.http_status,
        )
    flash(request, f"Logged {row.reps} reps on the {row.side} side.", kind="success")
    return RedirectResponse(f"/log#session-{row.session_id}", status_code=303)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _set_values(row: SetEntry) -> dict[str, Any]:
    values: dict[str, Any] = {key: getattr(row, key) for key in SET_FORM_FIELDS}
    for flag in FLAG_FIELDS:
        value = getattr(row, flag)
        values[flag] = "" if value is None else ("yes" if value else "no")
    values["performed_on"] = row.session.performed_on.isoformat()
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


@router.get("/log/sets/{set_id}/edit")
def edit_set_form(request: Request, db: Db, user: PageUser, set_id: int) -> Response:
    row = get_visible(db, user, SetEntry, set_id, write=True)
    return _set_form(
        request,
        values=_set_values(row),
        action=f"/log/sets/{set_id}",
        title="Edit set",
        error=None,
        set_id=set_id,
    )


@router.post("/log/sets/{set_id}", dependencies=[CsrfProtect])
async def update_set(request: Request, db: Db, user: PageUser, set_id: int) -> Response:
    row = get_visible(db, user, SetEntry, set_id, write=True)
    form = await request.form()
    try:
        values = set_values_from_form(form)
        repo.update_set(db, set_id=row.id, athlete_id=row.athlete_id, **values)
        commit(db)
    except ThrustCoachError as exc:
        db.rollback()
        return _set_form(
            request,
            values=dict(form),
            action=f"/log/sets/{set_id}",
            title="Edit set",
            error=str(exc),
            set_id=set_id,
            status_code=exc.http_status,
        )
    flash(request, "Set updated.", kind="success")
    return RedirectResponse(f"/log#session-{row.session_id}", status_code=303)


@router.post("/log/sets/{set_id}/delete", dependencies=[CsrfProtect])
def delete_set(request: Request, db: Db, user: PageUser, set_id: int) -> Response:
    row = get_visible(db, user, SetEntry, set_id, write=True)
    repo.delete_set(db, set_id=row.id, athlete_id=row.athlete_id)
    commit(db)
    flash(request, "Set deleted.", kind="success")
    return RedirectResponse("/log", status_code=303)


@router.post("/log/sessions/{session_id}/delete", dependencies=[CsrfProtect])
def delete_session(request: Request, db: Db, user: PageUser, session_id: int) -> Response:
    row = get_visible(db, user, TrainingSession, session_id, write=True)
    repo.delete_session(db, session_id=row.id, athlete_id=row.athlete_id)
    commit(db)
    flash(request, "Session deleted.", kind="success")
    return RedirectResponse("/log", status_code=303)


@router.post("/log/sessions/{session_id}", dependencies=[CsrfProtect])
def update_session(
    request: Request,
    db: Db,
    user: PageUser,
    session_id: int,
    notes: Annotated[str, Form(max_length=2000)] = "",
    feel: Annotated[str, Form(max_length=2)] = "",
) -> Response:
    row = get_visible(db, user, TrainingSession, session_id, write=True)
    feel_value = int(feel) if feel.isdigit() else None
    repo.update_session(
        db,
        session_id=row.id,
        athlete_id=row.athlete_id,
        notes=notes.strip() or None,
        feel=feel_value,
    )
    commit(db)
    flash(request, "Session notes saved.", kind="success")
    return RedirectResponse(f"/log#session-{row.id}", status_code=303)
