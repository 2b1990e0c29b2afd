"""Database access for requests: one log-package session (one transaction) per request."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.requests import Request

from thrustcoach.config import Settings
from thrustcoach.errors import ConflictError
from thrustcoach.log.db import get_engine, session_scope, storage_error

__all__ = ["SAFE_METHODS", "app_engine", "commit", "get_db"]


def app_engine(settings: Settings) -> Engine:
    """The (cached, migrated) engine of the configured database."""
    return get_engine(settings.resolved_database_url)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    """FastAPI dependency: a session whose transaction commits when the request succeeds.

    Pages and API reads (GET, HEAD) only read: their transaction does not take SQLite's write
    lock, so under load they never queue behind writers (or each other) for it.
    """
    settings: Settings = request.app.state.settings
    read_only = request.method in SAFE_METHODS
    with session_scope(app_engine(settings), read_only=read_only) as session:
        yield session


def commit(db: Session, *, conflict: str = "that already exists") -> None:
    """Commit now, so the client hears about a failed write (409/503) instead of a lost one."""
    try:
        db.commit()
    except IntegrityError as exc:
        db.rollback()
        raise ConflictError(conflict, hint="change the value and try again") from exc
    except (DBAPIError, SQLAlchemyError) as exc:
        db.rollback()
        raise storage_error(exc) from exc
