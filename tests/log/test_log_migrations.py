"""Migrations run on databases that already hold data, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from thrustcoach.log import get_engine, make_engine, repo, session_scope, upgrade_database
from thrustcoach.log.db import MIGRATIONS_DIR


def _revisions() -> list[str]:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return [r.revision for r in reversed(list(ScriptDirectory.from_config(cfg).walk_revisions()))]


def test_first_use_creates_the_schema_at_head(db_url: str) -> None:
    engine = get_engine(db_url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert {"athletes", "sets", "training_sessions", "video_analyses", "users"} <= tables
    assert version == _revisions()[-1]


def test_upgrade_from_first_revision_keeps_existing_sets(db_url: str) -> None:
    revisions = _revisions()
    assert revisions[0] == "0001" and len(revisions) >= 2
    old = make_engine(db_url)
    upgrade_database(old, revision=revisions[0])
    with old.begin() as conn:  # data written by the old schema, in plain SQL
        conn.execute(
            text(
                "INSERT INTO athletes (name, weak_side, created_at) "
                "VALUES ('Ana', 'left', '2026-01-01 10:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO training_sessions (athlete_id, performed_on, source, created_at)"
                " SELECT id, '2026-01-05', 'manual', '2026-01-05 10:00:00' FROM athletes"
            )
        )
        conn.execute(
            text(
                "INSERT INTO sets (athlete_id, session_id, variant, side, order_index, reps,"
                " load_kg, created_at) SELECT athlete_id, id, 'single_leg_hip_thrust', 'left', 1,"
                " 10, 12.5, '2026-01-05 10:00:00' FROM training_sessions"
            )
        )
        aid = conn.execute(text("SELECT id FROM athletes")).scalar_one()
    old.dispose()

    engine = get_engine(db_url)  # first use upgrades to head
    with session_scope(engine) as s:
        sets = repo.list_sets(s, athlete_id=aid)
        assert [(x.reps, x.load_kg, x.session.performed_on) for x in sets] == [
            (10, Decimal("12.50"), dt.date(2026, 1, 5))
        ]
        # the new revision's tables work alongside the old data
        s.execute(
            text(
                "INSERT INTO users (email, password_hash, role, athlete_id, created_at) "
                "VALUES ('ana@example.org', 'x', 'athlete', :a, '2026-01-06 10:00:00')"
            ),
            {"a": aid},
        )
        repo.add_set(s, athlete_id=aid, variant="single_leg_hip_thrust", side="right", reps=10)
    with session_scope(engine) as s:
        assert len(repo.list_sets(s, athlete_id=aid)) == 2


def test_every_revision_step_keeps_data_and_downgrade_works(db_url: str) -> None:
    engine = make_engine(db_url)
    for n, revision in enumerate(_revisions(), start=1):
        upgrade_database(engine, revision=revision)
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO athletes (name, created_at) VALUES (:n, '2026-01-01')"),
                {"n": f"athlete {n}"},
            )
            count = conn.execute(text("SELECT count(*) FROM athletes")).scalar_one()
        assert count == n
    from alembic import command

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    with engine.connect() as conn:
        assert "users" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT count(*) FROM athletes")).scalar_one() == len(_revisions())
    engine.dispose()


def test_upgrading_twice_is_a_no_op(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade_database(engine)
    upgrade_database(engine)
    engine.dispose()


def test_models_and_migrations_agree(db_url: str) -> None:
    """A model change without a migration fails here (autogenerate finds no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from thrustcoach.log import Base

    engine = get_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
