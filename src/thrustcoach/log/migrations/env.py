"""Alembic environment: uses the connection handed over by thrustcoach.log.db when present,
otherwise the configured database URL (for developers running ``alembic`` by hand)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from thrustcoach.log.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode recreates the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from thrustcoach.config import load_settings
    from thrustcoach.log.db import make_engine

    engine = make_engine(load_settings().resolved_database_url)
    with engine.begin() as conn:
        _run(conn)


_main()
