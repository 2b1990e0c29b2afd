"""REST API: the signed-in user, athletes, training sessions and sets (``/api/v1``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import func, select
from starlette.responses import Response

from thrustcoach.log import repo
from thrustcoach.log.models import Athlete, SetEntry, TrainingSession
from thrustcoach.vocab import Side
from thrustcoach.web.access import get_visible, own_athlete, resolve_athlete, visible_athlete_ids
from thrustcoach.web.db import commit
from thrustcoach.web.deps import ApiUser, Db
from thrustcoach.web.schemas import (
    AthleteOut,
    Page,
    Paging,
    SessionOut,
    SessionPatch,
    SetIn,
    SetOut,
    SetPatch,
    UserOut,
    paging,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["log"])

PagingDep = Annotated[Paging, Depends(paging)]
AthleteParam = Annotated[
    int | None, Query(description="athlete id (coaches); default: your own log")
]


@router.get("/me", summary="The signed-in user", tags=["account"])
def me(user: ApiUser) -> UserOut:
    return UserOut.model_validate(user)


@router.get("/athletes", summary="Athletes you may see (yourself, and those who invited you)")
def list_athletes(db: Db, user: ApiUser, page: PagingDep) -> Page[AthleteOut]:
    ids = visible_athlete_ids(db, user)
    rows = db.scalars(
        select(Athlete)
        .where(Athlete.id.in_(ids))
        .order_by(Athlete.id)
        .offset(page.offset)
        .limit(page.limit)
    ).all()
    items = [AthleteOut.model_validate(r) for r in rows]
    return Page(items=items, total=len(ids), limit=page.limit, offset=page.offset)


@router.get("/athletes/{athlete_id}", summary="One athlete")
def get_athlete(db: Db, user: ApiUser, athlete_id: int) -> AthleteOut:
    return AthleteOut.model_validate(resolve_athlete(db, user, athlete_id))


@router.get("/sessions", summary="Training sessions, newest first")
def list_sessions(
    db: Db, user: ApiUser, page: PagingDep, athlete_id: AthleteParam = None
) -> Page[SessionOut]:
    who = resolve_athlete(db, user, athlete_id)
    query = (
        select(TrainingSession)
        .where(TrainingSession.athlete_id == who.id)
        .order_by(TrainingSession.performed_on.desc(), TrainingSession.id.desc())
    )
    rows, total = repo.page_of(db, query=query, limit=page.limit, offset=page.offset)
    items = [SessionOut.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/sessions/{session_id}", summary="One training session")
def get_session(db: Db, user: ApiUser, session_id: int) -> SessionOut:
    return SessionOut.model_validate(get_visible(db, user, TrainingSession, session_id))


@router.patch("/sessions/{session_id}", summary="Change a session's date, notes or feel")
def update_session(db: Db, user: ApiUser, session_id: int, body: SessionPatch) -> SessionOut:
    row = get_visible(db, user, TrainingSession, session_id, write=True)
    changes = body.model_dump(exclude_unset=True)
    row = repo.update_session(db, session_id=row.id, athlete_id=row.athlete_id, **changes)
    commit(db)
    return SessionOut.model_validate(row)


@router.delete("/sessions/{session_id}", status_code=204, summary="Delete a session and its sets")
def delete_session(db: Db, user: ApiUser, session_id: int) -> Response:
    row = get_visible(db, user, TrainingSession, session_id, write=True)
    repo.delete_session(db, session_id=row.id, athlete_id=row.athlete_id)
    commit(db)
    return Response(status_code=204)


@router.get("/sets", summary="Logged sets in training order")
def list_sets(
    db: Db,
    user: ApiUser,
    page: PagingDep,
    athlete_id: AthleteParam = None,
    side: Side | None = None,
) -> Page[SetOut]:
    who = resolve_athlete(db, user, athlete_id)
    where = [SetEntry.athlete_id == who.id]
    if side is not None:
        where.append(SetEntry.side == side.value)
    total = db.scalar(select(func.count()).select_from(SetEntry).where(*where)) or 0
    rows = repo.list_sets(db, athlete_id=who.id, side=side, limit=page.limit, offset=page.offset)
    items = [SetOut.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/sets", status_code=201, summary="Log a set (into the day's session)")
def create_set(db: Db, user: ApiUser, body: SetIn) -> SetOut:
    athlete = own_athlete(db, user)
    fields = body.model_dump(exclude={"variant", "side", "reps", "performed_on", "session_id"})
    row = repo.add_set(
        db,
        athlete_id=athlete.id,
        variant=body.variant.value,
        side=body.side.value,
        reps=body.reps,
        session_id=body.session_id,
        performed_on=body.performed_on,
        **{k: v for k, v in fields.items() if v is not None},
    )
    commit(db)
    return SetOut.model_validate(row)


@router.get("/sets/{set_id}", summary="One set")
def get_set(db: Db, user: ApiUser, set_id: int) -> SetOut:
    return SetOut.model_validate(get_visible(db, user, SetEntry, set_id))


@router.patch("/sets/{set_id}", summary="Change fields of a set")
def update_set(db: Db, user: ApiUser, set_id: int, body: SetPatch) -> SetOut:
    row = get_visible(db, user, SetEntry, set_id, write=True)
    changes = body.model_dump(exclude_unset=True)
    changes = {k: (v.value if hasattr(v, "value") else v) for k, v in changes.items()}
    row = repo.update_set(db, set_id=row.id, athlete_id=row.athlete_id, **changes)
    commit(db)
    return SetOut.model_validate(row)


@router.delete("/sets/{set_id}", status_code=204, summary="Delete a set")
def delete_set(db: Db, user: ApiUser, set_id: int) -> Response:
    row = get_visible(db, user, SetEntry, set_id, write=True)
    repo.delete_set(db, set_id=row.id, athlete_id=row.athlete_id)
    commit(db)
    return Response(status_code=204)
