"""Pages: plans (create from the plan inputs, view by week, download .ics)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.errors import ThrustCoachError
from thrustcoach.log import repo
from thrustcoach.log.models import StoredPlan
from thrustcoach.program import Equipment, Experience, Weekday, load_templates, plan_to_ics
from thrustcoach.program.render import describe_set, format_load
from thrustcoach.web.access import get_visible, own_athlete, resolve_athlete
from thrustcoach.web.db import commit
from thrustcoach.web.deps import CsrfProtect, Db, PageUser
from thrustcoach.web.plans import create_next_block, create_plan, parse_weights, stored_plan
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


@router.get("/plans/new")
def new_plan_form(request: Request, db: Db, user: PageUser) -> Response:
    athlete = own_athlete(db, user)
    values = {
        "template": "unilateral_4wk",
        "experience": "beginner",
        "weak_side": athlete.weak_side or "",
        "equipment": "bodyweight",
        "start_date": _next_monday(dt.date.today()).isoformat(),
        "training_days": ["mon", "thu"],
        "bilateral_load_kg": athlete.bilateral_ref_load_kg or "",
        "bilateral_reps": athlete.bilateral_ref_reps or "",
    }
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


@router.post("/plans/{plan_id}/next", dependencies=[CsrfProtect])
def next_block_page(request: Request, db: Db, user: PageUser, plan_id: int) -> Response:
    row = get_visible(db, user, StoredPlan, plan_id, write=True)
    new = create_next_block(db, row)
    commit(db)
    flash(request, "The next block is ready: its load follows how your form held.", kind="success")
    return RedirectResponse(f"/plans/{new.id}", status_code=303)
