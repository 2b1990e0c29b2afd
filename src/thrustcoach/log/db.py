"""Engines, sessions and migrations of the log database.

The database is chosen by URL (``thrustcoach.config.load_settings().resolved_database_url``):
by default an SQLite file in the user data directory; PostgreSQL through psycopg 3
(``postgresql+psycopg://user:pw@host/db``). The schema is brought to Alembic ``head`` the first
time an engine is used, so an old database file is upgraded in place.

SQLite is tuned for a log that must never lose a set:

* WAL journal: readers never block the writer, and a crash mid-write leaves the last
  committed state (the WAL is replayed or discarded atomically);
* ``foreign_keys=ON``: no orphan sets;
* ``busy_timeout``: a second writer waits for the lock instead of failing at once;
* every transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock up front, so two
  read-then-write transactions cannot deadlock on a lock upgrade (which SQLite would report as
  "database is locked" without waiting).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from thrustcoach.config import load_settings
from thrustcoach.errors import ConflictError, StorageError, ThrustCoachError, UsageError

__all__ = [
    "commit_and_yield",
    "dispose_engines",
    "get_engine",
    "make_engine",
    "make_sessionmaker",
    "session_scope",
    "storage_error",
    "upgrade_database",
]

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
# SQLite's busy handler retries a waiting writer every 100 ms at most (its longest back-off),
# so a long writer that pauses this long between batches lets the waiting one in.
SQLITE_YIELD_S = 0.12
READ_ONLY_OPTION = "thrustcoach_read_only"
_MIGRATION_LOCK_ID = 7_146_201  # any constant; shared by all ThrustCoach processes
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def storage_error(exc: BaseException, *, url: str = "") -> ThrustCoachError:
    """Translate a driver error into a one-line :class:`StorageError` (or ``ConflictError``)."""
    if isinstance(exc, IntegrityError):
        detail = str(exc.orig).splitlines()[0] if exc.orig else "constraint violated"
        return ConflictError(f"the change conflicts with stored data: {detail}")
    text = str(getattr(exc, "orig", None) or exc).lower()
    where = f" ({_safe_url(url)})" if url else ""
    if "locked" in text or "busy" in text:
        return StorageError(
            f"the database is locked by another program{where}",
            hint="close the other ThrustCoach process or try again in a moment",
        )
    if "readonly" in text or "read-only" in text:
        return StorageError(
            f"the database is read-only{where}", hint="check the file's and folder's permissions"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StorageError(
            f"the database file is corrupt{where}",
            hint="restore a backup or point THRUSTCOACH_DATABASE_URL at a new file",
        )
    if "unable to open" in text:
        return StorageError(
            f"cannot open the database file{where}",
            hint="check that its folder exists and is writable",
        )
    if "connect" in text or "connection" in text or "server" in text:
        return StorageError(
            f"cannot reach the database server{where}",
            hint="start PostgreSQL or fix THRUSTCOACH_DATABASE_URL",
        )
    first = text.splitlines()[0] if text else type(exc).__name__
    return StorageError(f"database error{where}: {first}", hint="see --debug for details")


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid url>"


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: commits survive crashes
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """A new engine for ``url`` (SQLite tuned as described above); no migrations run."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UsageError(
            f"invalid database URL {url!r}", hint="use sqlite:///PATH or postgresql+psycopg://..."
        ) from exc
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not parsed.query.get("uri"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"connect_timeout": 5}
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise UsageError(f"cannot use database URL {_safe_url(url)}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        _tune_sqlite(engine)
    return engine


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade_database(engine: Engine, *, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest). Safe to call repeatedly."""
    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two processes starting at once on a new database: one migrates, one waits.
                # (SQLite gets the same from BEGIN IMMEDIATE.)
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except (DBAPIError, SQLAlchemyError) as exc:
        raise storage_error(exc, url=str(engine.url)) from exc


def _needs_upgrade(engine: Engine) -> bool:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return True
        return MigrationContext.configure(conn).get_current_revision() != head


def get_engine(url: str | None = None, *, migrate: bool = True) -> Engine:
    """The shared engine for ``url`` (default: the configured database), migrated to head."""
    url = url or load_settings().resolved_database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            try:
                if migrate and _needs_upgrade(engine):
                    logger.info("upgrading database schema at %s", _safe_url(url))
                    upgrade_database(engine)
            except (DBAPIError, SQLAlchemyError) as exc:
                engine.dispose()
                raise storage_error(exc, url=url) from exc
            except ThrustCoachError:
                engine.dispose()
                raise
            _engines[url] = engine
    return engine


def dispose_engines() -> None:
    """Close every cached engine (tests; before deleting a database file)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def commit_and_yield(session: Session) -> None:
    """Commit, then (SQLite) pause so another writer waiting for the lock gets it.

    For long writes done in batches (an import of thousands of sets): SQLite has one write
    lock and no queue; a writer that re-takes the lock at once after each commit would starve
    the others until their ``busy_timeout`` runs out.
    """
    session.commit()
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        time.sleep(SQLITE_YIELD_S)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None, *, read_only: bool = False) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error (nothing half-written).

    ``read_only=True`` (for pages and reports that only read) skips SQLite's up-front write
    lock, so readers never wait for a writer and a read-only database file can still be read.
    Driver errors become :class:`StorageError` with a one-line message.
    """
    engine = engine or get_engine()
    bind = engine.execution_options(**{READ_ONLY_OPTION: True}) if read_only else engine
    session = make_sessionmaker(bind)()
    try:
        yield session
        session.commit()
    except (DBAPIError, SQLAlchemyError) as exc:
        session.rollback()
        raise storage_error(exc, url=str(engine.url)) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
