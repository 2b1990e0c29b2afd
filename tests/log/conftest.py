"""Database fixtures for the log tests: every storage test runs on SQLite and, when
THRUSTCOACH_TEST_POSTGRES_URL is set (scripts/services.sh), on a fresh PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url
from sqlalchemy.orm import Session

from thrustcoach.log import dispose_engines, get_engine, make_sessionmaker

PG_ENV = "THRUSTCOACH_TEST_POSTGRES_URL"


def fresh_postgres_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (scripts/services.sh starts a server)")
    import psycopg

    url = make_url(base)
    name = f"tc_test_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        dispose_engines()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database (no tables yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'log.db'}"
        dispose_engines()
    else:
        yield from fresh_postgres_url()


@pytest.fixture
def engine(db_url: str) -> Engine:
    """The migrated engine of a fresh database."""
    return get_engine(db_url)


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session; the test commits when it wants to."""
    session = make_sessionmaker(engine)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'log.db'}"
    dispose_engines()
