"""Helpers shared by ``thrustcoach log`` and ``thrustcoach report``: database, dates, athletes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from thrustcoach.errors import UsageError
from thrustcoach.log import get_engine, session_scope
from thrustcoach.log.models import Athlete
from thrustcoach.log.repo import find_athlete
from thrustcoach.log.values import check_training_day
from thrustcoach.text import shorten

__all__ = ["athlete_option_help", "db_session", "parse_date", "resolve_athlete"]

athlete_option_help = "Athlete name or id (default: the only athlete)."


@contextmanager
def db_session(*, read_only: bool = False) -> Iterator[Session]:
    """One transaction on the configured database (migrated on first use)."""
    with session_scope(get_engine(), read_only=read_only) as session:
        yield session


def parse_date(text: str | None, *, flag: str = "--date") -> dt.date:
    """``today``, ``yesterday`` or an ISO date (YYYY-MM-DD); None means today."""
    if text is None or text.strip().lower() == "today":
        return dt.date.today()
    if text.strip().lower() == "yesterday":
        return dt.date.today() - dt.timedelta(days=1)
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{flag} {shorten(text)} is not a date", hint="use YYYY-MM-DD") from None
    return check_training_day(day, what=flag)


def resolve_athlete(session: Session, ref: str | None) -> Athlete:
    return find_athlete(session, ref=ref)
