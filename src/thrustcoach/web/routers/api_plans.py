"""REST API: plans (create from the plan inputs, list, read as JSON, download as .ics)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from starlette.responses import Response

from thrustcoach.log import repo
from thrustcoach.log.models import StoredPlan
from thrustcoach.program import DEFAULT_TEMPLATE_ID, PlanInputs, plan_to_ics
from thrustcoach.web.access import get_visible, own_athlete, resolve_athlete
from thrustcoach.web.db import commit
from thrustcoach.web.deps import ApiUser, Db
from thrustcoach.web.plans import create_plan, stored_plan
from thrustcoach.web.schemas import Page, Paging, paging

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["plans"])


class PlanIn(BaseModel):
    """A plan request: the plan inputs, the block template, and an optional name."""

    model_config = ConfigDict(extra="forbid")

    inputs: PlanInputs
    template: str = Field(
        default=DEFAULT_TEMPLATE_ID, description="unilateral_4wk, activation, finisher"
    )
    name: str | None = Field(default=None, max_length=200)


class PlanOut(BaseModel):
    id: int
    athlete_id: int
    name: str
    start_date: dt.date | None
    weeks: int | None
    active: bool
    plan: dict[str, Any] | None = None


def _out(row: StoredPlan, *, full: bool) -> PlanOut:
    plan = stored_plan(row).model_dump(mode="json") if full else None
    return PlanOut(
        id=row.id,
        athlete_id=row.athlete_id,
        name=row.name,
        start_date=row.start_date,
        weeks=row.weeks,
        active=row.active,
        plan=plan,
    )


@router.get("/plans", summary="Stored plans, newest first")
def list_plans(
    db: Db,
    user: ApiUser,
    page: Annotated[Paging, Depends(paging)],
    athlete_id: Annotated[int | None, Query(description="athlete id (coaches)")] = None,
) -> Page[PlanOut]:
    who = resolve_athlete(db, user, athlete_id)
    query = select(StoredPlan).where(StoredPlan.athlete_id == who.id).order_by(StoredPlan.id.desc())
    rows, total = repo.page_of(db, query=query, limit=page.limit, offset=page.offset)
    return Page(
        items=[_out(r, full=False) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.post(
    "/plans", status_code=201, summary="Build a plan from the inputs and store it as active"
)
def create(db: Db, user: ApiUser, body: PlanIn) -> PlanOut:
    athlete = own_athlete(db, user)
    inputs = body.inputs.model_dump()
    row = create_plan(db, athlete, inputs=inputs, template=body.template, name=body.name)
    commit(db)
    return _out(row, full=True)


@router.get("/plans/{plan_id}", summary="One plan with its weeks, sessions and sets")
def get_plan(db: Db, user: ApiUser, plan_id: int) -> PlanOut:
    return _out(get_visible(db, user, StoredPlan, plan_id), full=True)


@router.get("/plans/{plan_id}/plan.ics", summary="The plan as an iCalendar file")
def get_ics(db: Db, user: ApiUser, plan_id: int) -> Response:
    row = get_visible(db, user, StoredPlan, plan_id)
    return Response(plan_to_ics(stored_plan(row)), media_type="text/calendar")
