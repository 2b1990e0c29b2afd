"""Progress: the page (plotly charts) and its data at ``/api/v1/athletes/{id}/progress``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.web.access import resolve_athlete
from thrustcoach.web.deps import ApiUser, Db, PageUser
from thrustcoach.web.progress import progress_data
from thrustcoach.web.templating import render

__all__ = ["api_router", "router"]

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["progress"])


@router.get("/progress")
def progress_page(request: Request, db: Db, user: PageUser, athlete: int | None = None) -> Response:
    who = resolve_athlete(db, user, athlete)
    data = progress_data(db, who)
    return render(request, "progress.html", {"athlete": who, "data": data})


@api_router.get(
    "/athletes/{athlete_id}/progress",
    summary="Per-side weekly load, e1RM and volume, symmetry index (90 % line), form trends",
)
def progress_api(db: Db, user: ApiUser, athlete_id: int) -> dict[str, Any]:
    return progress_data(db, resolve_athlete(db, user, athlete_id))
