"""Who may see and change which athlete's data.

* An athlete user sees and changes only their own athlete row and everything under it.
* A coach sees (read-only) the athletes who invited them and whose invitation they accepted.

Lookups of somebody else's rows answer 404 (they do not reveal that the id exists); a coach
trying to change a linked athlete's data gets 403.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from thrustcoach.errors import NotFoundError, PermissionDeniedError
from thrustcoach.log.models import (
    Athlete,
    CoachLink,
    Role,
    SetEntry,
    StoredPlan,
    TrainingSession,
    User,
    VideoAnalysis,
    valid_id,
)

__all__ = [
    "get_visible",
    "own_athlete",
    "resolve_athlete",
    "visible_athlete_ids",
]


# Every athlete-owned model carries athlete_id (the log's design), so one check covers all.
T = TypeVar("T", SetEntry, TrainingSession, StoredPlan, VideoAnalysis)


def visible_athlete_ids(db: Session, user: User) -> list[int]:
    """The athlete ids ``user`` may read: their own first, then accepted coaching links."""
    ids: list[int] = [user.athlete_id] if user.athlete_id is not None else []
    if user.role == Role.COACH:
        rows = db.scalars(
            select(CoachLink.athlete_id).where(
                CoachLink.coach_user_id == user.id, CoachLink.accepted.is_(True)
            )
        )
        ids.extend(a for a in rows if a not in ids)
    return ids


def own_athlete(db: Session, user: User) -> Athlete:
    """The athlete row the user trains as (403 for a coach account without one)."""
    if user.athlete_id is None:
        raise PermissionDeniedError(
            "this account has no training log of its own",
            hint="coaches can view the athletes who invited them",
        )
    athlete = db.get(Athlete, user.athlete_id)
    if athlete is None:
        raise NotFoundError("your athlete profile is missing", hint="contact the administrator")
    return athlete


def resolve_athlete(db: Session, user: User, athlete_id: int | None) -> Athlete:
    """The athlete a page or API call is about: ``athlete_id`` if visible, else the user's own."""
    visible = visible_athlete_ids(db, user)
    if athlete_id is None:
        if not visible:
            raise NotFoundError(
                "no athlete to show yet",
                hint="ask an athlete to invite you, then accept on your account page",
            )
        athlete_id = visible[0]
    if athlete_id not in visible:
        raise NotFoundError(f"athlete {athlete_id} not found")
    athlete = db.get(Athlete, athlete_id) if valid_id(athlete_id) else None
    if athlete is None:
        raise NotFoundError(f"athlete {athlete_id} not found")
    return athlete


def get_visible(db: Session, user: User, model: type[T], obj_id: int, *, write: bool = False) -> T:
    """Row ``obj_id`` of ``model`` if the user may see it (404 otherwise); ``write`` needs owner."""
    obj = db.get(model, obj_id) if valid_id(obj_id) else None
    label = getattr(model, "__tablename__", "item").rstrip("s").replace("_", " ")
    if obj is None or obj.athlete_id not in visible_athlete_ids(db, user):
        raise NotFoundError(f"{label} {obj_id} not found")
    if write and obj.athlete_id != user.athlete_id:
        raise PermissionDeniedError(
            f"{label} {obj_id} belongs to an athlete you coach: only they can change it"
        )
    return obj
