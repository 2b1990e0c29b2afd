"""Pages: plans (create from the plan inputs, view by week, download .ics)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.errors import ThrustCoachError
from thrustcoach.log import repo
from thrustcoach.log.models import Athlete, StoredPlan
from thrustcoach.program import (
    Equipment,
    Experience,
    Plan,
    Weekday,
    change_training_days,
    load_templates,
    move_session,
    plan_to_ics,
    skip_session,
    week_of,
)
from thrustcoach.program.render import describe_set, format_load
from thrustcoach.web.access import get_visible, own_athlete, resolve_athlete
from thrustcoach.web.db import commit
from thrustcoach.web.deps import CsrfProtect, Db, PageUser
from thrustcoach.web.forms import parse_date
from thrustcoach.web.plans import (
    create_next_block,
    create_plan,
    next_block_preview,
    parse_weights,
    stored_plan,
)
from thrustcoach.web.templating import flash, render

__all__ = ["inputs_from_form", "router"]

router = APIRouter(include_in_schema=False)


def _next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(7 - today.weekday()) % 7)


def _form_choices() -> dict[str, Any]:
    templates = load_templates()
    return {
        "templates": [(t.id, t.name) for t in templates.values()],
        "experiences": list(Experience),
        "weekdays": list(Weekday),
    }


def _get(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def inputs_from_form(form: FormData) -> dict[str, Any]:
    """PlanInputs fields from the plan form (validation happens in PlanInputs.checked)."""
    inputs: dict[str, Any] = {
        "experience": _get(form, "experience"),
        "body_mass_kg": _get(form, "body_mass_kg").replace(",", ".") or None,
        "weak_side": _get(form, "weak_side") or None,
        "equipment": _get(form, "equipment") or Equipment.BODYWEIGHT.value,
        "start_date": _get(form, "start_date") or None,
        "training_days": [d for d in form.getlist("training_days") if isinstance(d, str)],
    }
    bilateral = _get(form, "bilateral_load_kg").replace(",", ".")
    if bilateral:
        inputs["bilateral"] = {"load_kg": bilateral, "reps": _get(form, "bilateral_reps") or 1}
    if inputs["equipment"] == Equipment.DUMBBELLS.value:
        inputs["dumbbells_kg"] = parse_weights(_get(form, "dumbbells_kg"))
    return inputs


@router.get("/plans")
def plans_page(request: Request, db: Db, user: PageUser, athlete: int | None = None) -> Response:
    who = resolve_athlete(db, user, athlete)
    plans = list(reversed(repo.list_plans(db, athlete_id=who.id)))
    return render(
        request,
        "plans.html",
        {"athlete": who, "plans": plans, "can_edit": who.id == user.athlete_id},
    )


def _remembered_inputs(db: Session, athlete: Athlete) -> dict[str, Any]:
    """The plan form's starting values: the profile, then the last plan's inputs."""
    values: dict[str, Any] = {
        "template": "unilateral_4wk",
        "experience": "beginner",
        "equipment": "bodyweight",
        "training_days": ["mon", "thu"],
    }
    last = repo.latest_plan(db, athlete_id=athlete.id)
    if last is not None:
        plan = stored_plan(last)
        inputs = plan.inputs
        values.update(
            template=plan.template_id,
            experience=inputs.experience.value,
            equipment=inputs.equipment.value,
            dumbbells_kg=", ".join(f"{kg.normalize():f}" for kg in inputs.dumbbells_kg),
            training_days=[d.value for d in inputs.training_days],
        )
    mass = repo.body_mass_on(db, athlete_id=athlete.id, on=dt.date.today())
    values.update(
        body_mass_kg=f"{mass.normalize():f}" if mass is not None else "",
        weak_side=athlete.weak_side or "",
        start_date=_next_monday(dt.date.today()).isoformat(),
        bilateral_load_kg=athlete.bilateral_ref_load_kg or "",
        bilateral_reps=athlete.bilateral_ref_reps or "",
    )
    return values


@router.get("/plans/new")
def new_plan_form(request: Request, db: Db, user: PageUser) -> Response:
    athlete = own_athlete(db, user)
    values = _remembered_inputs(db, athlete)
    return render(request, "plan_form.html", {**_form_choices(), "values": values, "error": None})


@router.post("/plans", dependencies=[CsrfProtect])
async def create_plan_page(request: Request, db: Db, user: PageUser) -> Response:
    athlete = own_athlete(db, user)
    form = await request.form()
    template = _get(form, "template") or "unilateral_4wk"
    try:
        row = create_plan(db, athlete, inputs=inputs_from_form(form), template=template, name=None)
        commit(db)
    except ThrustCoachError as exc:
        db.rollback()
        values: dict[str, Any] = {k: _get(form, k) for k in form}
        values["training_days"] = form.getlist("training_days")
        ctx = {**_form_choices(), "values": values, "error": str(exc)}
        return render(request, "plan_form.html", ctx, status_code=exc.http_status)
    flash(request, "Your plan is ready.", kind="success")
    return RedirectResponse(f"/plans/{row.id}", status_code=303)


@router.get("/plans/{plan_id}")
def plan_page(request: Request, db: Db, user: PageUser, plan_id: int, week: int = 1) -> Response:
    row = get_visible(db, user, StoredPlan, plan_id)
    plan = stored_plan(row)
    week = min(max(week, 1), len(plan.weeks))
    ctx = {
        "row": row,
        "plan": plan,
        "week": plan.weeks[week - 1],
        "describe_set": describe_set,
        "format_load": format_load,
        "weekdays": list(Weekday),
    }
    return render(request, "plan.html", ctx)


@router.get("/plans/{plan_id}/plan.ics")
def plan_ics(db: Db, user: PageUser, plan_id: int) -> Response:
    row = get_visible(db, user, StoredPlan, plan_id)
    return Response(
        plan_to_ics(stored_plan(row)),
        media_type="text/calendar",
        headers={"content-disposition": f'attachment; filename="thrustcoach-plan-{row.id}.ics"'},
    )


@router.post("/plans/{plan_id}/activate", dependencies=[CsrfProtect])
def activate_plan(request: Request, db: Db, user: PageUser, plan_id: int) -> Response:
    row = get_visible(db, user, StoredPlan, plan_id, write=True)
    for other in repo.list_plans(db, athlete_id=row.athlete_id):
        other.active = other.id == row.id
    commit(db)
    flash(request, "This plan is now the one Today follows.", kind="success")
    return RedirectResponse(f"/plans/{row.id}", status_code=303)


@router.get("/plans/{plan_id}/next")
def next_block_form(request: Request, db: Db, user: PageUser, plan_id: int) -> Response:
    """Ask first: the next block replaces the plan Today follows."""
    row = get_visible(db, user, StoredPlan, plan_id, write=True)
    preview = next_block_preview(db, row, today=dt.date.today())
    ctx = {"row": row, "plan": stored_plan(row), "preview": preview, "error": None}
    return render(request, "plan_next.html", ctx)


@router.post("/plans/{plan_id}/next", dependencies=[CsrfProtect])
def next_block_page(
    request: Request,
    db: Db,
    user: PageUser,
    plan_id: int,
    start_date: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    row = get_visible(db, user, StoredPlan, plan_id, write=True)
    try:
        start = parse_date(start_date, default=dt.date.today())
        new = create_next_block(db, row, start_date=start)
        commit(db)
    except ThrustCoachError as exc:
        db.rollback()
        preview = next_block_preview(db, row, today=dt.date.today())
        ctx = {"row": row, "plan": stored_plan(row), "preview": preview, "error": str(exc)}
        return render(request, "plan_next.html", ctx, status_code=exc.http_status)
    flash(request, "The next block is ready: its load follows how your form held.", kind="success")
    return RedirectResponse(f"/plans/{new.id}", status_code=303)


def _back_to(target: str, fallback: str) -> str:
    """Only same-site paths (never an open redirect)."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback


def _reschedule(
    request: Request, db: Session, row: StoredPlan, change: Callable[[Plan], Plan], done: str
) -> None:
    """Apply a calendar change to the stored plan; the message (or the error) is flashed."""
    try:
        plan = change(stored_plan(row))
        repo.update_plan(db, plan_id=row.id, athlete_id=row.athlete_id, plan_json=plan.to_json())
        commit(db)
    except ThrustCoachError as exc:
        db.rollback()
        flash(request, f"{exc}" + (f" ({exc.hint})" if exc.hint else ""), kind="error")
        return
    flash(request, done, kind="success")


@router.post("/plans/{plan_id}/sessions/{week}/{index}/move", dependencies=[CsrfProtect])
def move_session_page(
    request: Request,
    db: Db,
    user: PageUser,
    plan_id: int,
    week: int,
    index: int,
    date: Annotated[str, Form(max_length=20)],
    next: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    row = get_visible(db, user, StoredPlan, plan_id, write=True)
    try:
        day = parse_date(date)
    except ThrustCoachError as exc:
        flash(request, str(exc), kind="error")
    else:
        _reschedule(
            request,
            db,
            row,
            lambda p: move_session(p, week=week, index=index, to=day),
            f"Week {week}, session {index} moved to {day.strftime('%A %d %B')}.",
        )
    back = f"/today?week={week}&session={index}"
    return RedirectResponse(_back_to(next, back), status_code=303)


@router.post("/plans/{plan_id}/sessions/{week}/{index}/skip", dependencies=[CsrfProtect])
def skip_session_page(
    request: Request,
    db: Db,
    user: PageUser,
    plan_id: int,
    week: int,
    index: int,
    skipped: Annotated[str, Form(max_length=3)] = "yes",
    next: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    row = get_visible(db, user, StoredPlan, plan_id, write=True)
    skip = skipped != "no"
    _reschedule(
        request,
        db,
        row,
        lambda p: skip_session(p, week=week, index=index, skipped=skip),
        f"Week {week}, session {index} "
        + ("skipped: Today moves on to the next one." if skip else "is planned again."),
    )
    return RedirectResponse(_back_to(next, f"/plans/{row.id}?week={week}"), status_code=303)


@router.post("/plans/{plan_id}/days", dependencies=[CsrfProtect])
async def change_days_page(request: Request, db: Db, user: PageUser, plan_id: int) -> Response:
    row = get_visible(db, user, StoredPlan, plan_id, write=True)
    form = await request.form()
    days = [d for d in form.getlist("training_days") if isinstance(d, str)]
    plan = stored_plan(row)
    first = min(week_of(plan, dt.date.today()) + 1, len(plan.weeks))
    try:
        weekdays = [Weekday(d) for d in days]
    except ValueError:
        flash(request, "unknown training day", kind="error")
    else:
        ordered = sorted(weekdays, key=lambda d: d.day_number)
        names = ", ".join(d.value.capitalize() for d in ordered)
        _reschedule(
            request,
            db,
            row,
            lambda p: change_training_days(p, days=weekdays, from_week=first),
            f"Training days from week {first} on: {names}.",
        )
    return RedirectResponse(f"/plans/{row.id}?week={first}", status_code=303)
