"""Athletes and their body-mass history (data access, re-exported by ``thrustcoach.log.repo``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from thrustcoach.errors import ConflictError, NotFoundError, UsageError
from thrustcoach.log.models import MAX_ROW_ID, Athlete, BodyMass
from thrustcoach.log.values import check_training_day, parse_load_kg, parse_side
from thrustcoach.text import shorten
from thrustcoach.vocab import Side

__all__ = [
    "body_mass_on",
    "create_athlete",
    "delete_athlete",
    "find_athlete",
    "get_athlete",
    "list_athletes",
    "record_body_mass",
    "update_athlete",
]


def create_athlete(
    session: Session,
    *,
    name: str,
    weak_side: Side | str | None = None,
    bilateral_ref_load_kg: Decimal | str | float | None = None,
    bilateral_ref_reps: int | None = None,
    body_mass_kg: Decimal | str | float | None = None,
    measured_on: dt.date | None = None,
) -> Athlete:
    name = name.strip()
    if not name or len(name) > 120:
        raise UsageError("an athlete needs a name of 1-120 characters")
    if session.scalar(select(Athlete.id).where(Athlete.name == name)) is not None:
        raise ConflictError(f"an athlete called {name!r} already exists")
    athlete = Athlete(name=name)
    session.add(athlete)
    _apply_athlete(athlete, weak_side, bilateral_ref_load_kg, bilateral_ref_reps)
    session.flush()
    if body_mass_kg is not None:
        record_body_mass(
            session, athlete_id=athlete.id, mass_kg=body_mass_kg, measured_on=measured_on
        )
    return athlete


def _apply_athlete(
    athlete: Athlete,
    weak_side: Side | str | None,
    ref_load: Decimal | str | float | None,
    ref_reps: int | None,
) -> None:
    if weak_side is not None:
        side = parse_side(str(weak_side))
        if side is Side.BOTH:
            raise UsageError("the weak side is left or right", hint="leave it unset if unknown")
        athlete.weak_side = side.value
    if ref_load is not None:
        athlete.bilateral_ref_load_kg = parse_load_kg(ref_load, what="bilateral load")
    if ref_reps is not None:
        if not 1 <= ref_reps <= 50:
            raise UsageError(f"bilateral reference reps {ref_reps} out of range 1-50")
        athlete.bilateral_ref_reps = ref_reps


def update_athlete(
    session: Session,
    *,
    athlete_id: int,
    name: str | None = None,
    weak_side: Side | str | None = None,
    bilateral_ref_load_kg: Decimal | str | float | None = None,
    bilateral_ref_reps: int | None = None,
) -> Athlete:
    athlete = get_athlete(session, athlete_id=athlete_id)
    if name is not None and name.strip() != athlete.name:
        if session.scalar(select(Athlete.id).where(Athlete.name == name.strip())) is not None:
            raise ConflictError(f"an athlete called {name.strip()!r} already exists")
        athlete.name = name.strip()
    _apply_athlete(athlete, weak_side, bilateral_ref_load_kg, bilateral_ref_reps)
    session.flush()
    return athlete


def get_athlete(session: Session, *, athlete_id: int) -> Athlete:
    athlete = session.get(Athlete, athlete_id) if 0 < athlete_id <= MAX_ROW_ID else None
    if athlete is None:
        raise NotFoundError(
            f"no athlete with id {athlete_id}", hint="list them with 'thrustcoach log show'"
        )
    return athlete


def find_athlete(session: Session, *, ref: str | int | None = None) -> Athlete:
    """An athlete by id or exact name; with no ``ref``, the only athlete there is."""
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        athletes = list_athletes(session)
        if len(athletes) == 1:
            return athletes[0]
        if not athletes:
            raise NotFoundError(
                "no athlete yet", hint="create one with 'thrustcoach log athlete NAME'"
            )
        raise UsageError("there are several athletes", hint="choose one with --athlete NAME")
    text = str(ref).strip()
    athlete = session.scalar(select(Athlete).where(Athlete.name == text))
    if athlete is None and text.isascii() and text.isdigit():
        if len(text) > 10 or int(text) > MAX_ROW_ID:
            raise UsageError(
                f"athlete id {shorten(text)} is out of range", hint="check the name or use the id"
            )
        athlete = session.get(Athlete, int(text))
    if athlete is None:
        raise NotFoundError(f"unknown athlete {shorten(text)}", hint="check the name or use the id")
    return athlete


def list_athletes(session: Session) -> list[Athlete]:
    return list(session.scalars(select(Athlete).order_by(Athlete.id)))


def delete_athlete(session: Session, *, athlete_id: int) -> None:
    session.delete(get_athlete(session, athlete_id=athlete_id))
    session.flush()


def record_body_mass(
    session: Session,
    *,
    athlete_id: int,
    mass_kg: Decimal | str | float,
    measured_on: dt.date | None = None,
) -> BodyMass:
    """Store (or replace) the body mass of one day."""
    get_athlete(session, athlete_id=athlete_id)
    kg = parse_load_kg(mass_kg, what="body mass")
    if not Decimal(20) <= kg <= Decimal(350):
        raise UsageError(f"body mass {kg} kg is out of range 20-350 kg")
    day = check_training_day(measured_on or dt.date.today(), what="the body mass date")
    row = session.scalar(
        select(BodyMass).where(BodyMass.athlete_id == athlete_id, BodyMass.measured_on == day)
    )
    if row is None:
        row = BodyMass(athlete_id=athlete_id, measured_on=day, mass_kg=kg)
        session.add(row)
    else:
        row.mass_kg = kg
    session.flush()
    return row


def body_mass_on(session: Session, *, athlete_id: int, on: dt.date) -> Decimal | None:
    """The latest body mass measured on or before ``on`` (else the earliest one, else None)."""
    q = select(BodyMass.mass_kg).where(BodyMass.athlete_id == athlete_id)
    before = session.scalar(
        q.where(BodyMass.measured_on <= on).order_by(BodyMass.measured_on.desc())
    )
    if before is not None:
        return before
    return session.scalar(q.order_by(BodyMass.measured_on))
