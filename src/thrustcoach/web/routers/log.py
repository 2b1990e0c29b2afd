"""Pages: the training log (sessions by day, sets per side), add, edit and delete sets."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.errors import ThrustCoachError, UsageError
from thrustcoach.log import repo
from thrustcoach.log.analyses import set_records
from thrustcoach.log.analytics import body_mass_share
from thrustcoach.log.models import SetEntry, TrainingSession
from thrustcoach.log.session_summary import summarise_session
from thrustcoach.log.symmetry import infer_weak_side
from thrustcoach.vocab import Side, VariantId
from thrustcoach.web.access import get_visible, own_athlete, resolve_athlete
from thrustcoach.web.calendar import month_grid
from thrustcoach.web.db import commit
from thrustcoach.web.deps import CsrfProtect, Db, PageUser
from thrustcoach.web.exports import export_zip
from thrustcoach.web.forms import FLAG_FIELDS, SET_FORM_FIELDS, parse_date, set_values_from_form
from thrustcoach.web.templating import flash, render, units_of
from thrustcoach.web.units import Units

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
    ctx = {**_choices(), "today": dt.date.today().isoformat(), **ctx}
    return render(request, "set_form.html", ctx, status_code=status)


@router.get("/log/export.zip")
def export_log(db: Db, user: PageUser) -> Response:
    """The whole log as CSV files in a zip (the same tables as ``thrustcoach log export``)."""
    athlete = own_athlete(db, user)
    data = export_zip(db, athlete_id=athlete.id)
    name = f"thrustcoach-log-{dt.date.today().isoformat()}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


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
        values = _in_kg(request, set_values_from_form(form))
        performed_on = parse_date(_str(form.get("performed_on")), default=dt.date.today())
        if performed_on > dt.date.today():
            raise UsageError(
                f"{performed_on.isoformat()} is in the future",
                hint="log a set on the day you did it",
            )
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


def _in_kg(request: Request, values: dict[str, Any]) -> dict[str, Any]:
    """Loads typed without a unit are in the user's unit ("25" means 25 lb for lb users)."""
    units = units_of(request)
    for key in ("load_kg", "target_load_kg"):
        values[key] = units.typed(values.get(key))
    return values


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _set_values(row: SetEntry, units: Units) -> dict[str, Any]:
    values: dict[str, Any] = {key: getattr(row, key) for key in SET_FORM_FIELDS}
    for key in ("load_kg", "target_load_kg"):
        values[key] = units.number(values[key]) if values[key] else None
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
        values=_set_values(row, units_of(request)),
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
        values = _in_kg(request, set_values_from_form(form))
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
    feel_value = int(feel) if feel.isascii() and feel.isdigit() else None
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


# -- the end-of-session summary and the history calendar -----------------------------------


@router.get("/log/sessions/{session_id}/summary")
def session_summary_page(request: Request, db: Db, user: PageUser, session_id: int) -> Response:
    row = get_visible(db, user, TrainingSession, session_id)
    records = set_records(db, athlete_id=row.athlete_id)
    ids = {s.id for s in row.sets}
    mine = [r for r in records if r.set_id in ids]
    history = [r for r in records if r.set_id not in ids and r.performed_on <= row.performed_on]
    athlete = repo.get_athlete(db, athlete_id=row.athlete_id)
    declared = Side(athlete.weak_side) if athlete.weak_side else None
    weak = infer_weak_side(records, declared=declared)
    rpes = [float(s.rpe) for s in row.sets if s.rpe is not None]
    summary = summarise_session(mine, history=history, weak_side=weak, rpes=rpes)
    ctx = {
        "s": row,
        "summary": summary,
        "share_pct": int(body_mass_share() * 100),
        "can_edit": row.athlete_id == user.athlete_id,
    }
    return render(request, "session_summary.html", ctx)


@router.get("/log/calendar")
def calendar_page(
    request: Request,
    db: Db,
    user: PageUser,
    athlete: int | None = None,
    month: Annotated[str | None, Query(max_length=7, pattern=r"^\d{4}-\d{2}$")] = None,
) -> Response:
    who = resolve_athlete(db, user, athlete)
    today = dt.date.today()
    try:
        first = dt.date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
    except ValueError:
        raise UsageError(f"{month!r} is not a month", hint="use YYYY-MM") from None
    grid = month_grid(db, athlete_id=who.id, first=first, today=today)
    ctx = {"athlete": who, "grid": grid, "first": first, "today": today}
    return render(request, "calendar.html", ctx)
