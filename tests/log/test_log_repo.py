"""Data access on SQLite and PostgreSQL: what a user logs is what comes back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from thrustcoach.errors import ConflictError, NotFoundError, UsageError
from thrustcoach.log import SetEntry, TrainingSession, repo, session_scope

DAY = dt.date(2026, 3, 2)


def _athlete(db: Session) -> int:
    athlete = repo.create_athlete(db, name="Ana", weak_side="left", body_mass_kg="62,5")
    return athlete.id


def test_set_round_trip_keeps_decimal_kg_and_all_fields(db: Session) -> None:
    aid = _athlete(db)
    row = repo.add_set(
        db,
        athlete_id=aid,
        performed_on=DAY,
        variant="single_leg_hip_thrust_dumbbell",
        side="left",
        reps=9,
        target_reps=10,
        load_kg="12,5",
        pause_s=2,
        lowering_s="2,5",
        rpe="8.5",
        bench_contact=True,
        pelvis_level=False,
        full_range=True,
        pain=False,
        notes="hip dropped on rep 8",
    )
    db.commit()
    db.expire_all()
    back = repo.get_set(db, set_id=row.id, athlete_id=aid)
    assert back.load_kg == Decimal("12.50") and isinstance(back.load_kg, Decimal)
    assert (back.reps, back.target_reps, back.side, back.order_index) == (9, 10, "left", 1)
    assert back.lowering_s == 2.5 and back.rpe == Decimal("8.5")
    assert (back.bench_contact, back.pelvis_level, back.full_range, back.pain) == (
        True,
        False,
        True,
        False,
    )
    assert back.session.performed_on == DAY


def test_sets_of_one_day_share_a_session_in_order(db: Session) -> None:
    aid = _athlete(db)
    a = repo.add_set(
        db, athlete_id=aid, performed_on=DAY, variant="single_leg_hip_thrust", side="left", reps=10
    )
    b = repo.add_set(
        db,
        athlete_id=aid,
        performed_on=DAY,
        variant="single_leg_hip_thrust",
        side="right",
        reps=10,
        load_kg="25 lb",
    )
    assert a.session_id == b.session_id
    assert (a.order_index, b.order_index) == (1, 2)
    assert b.load_kg == Decimal("11.34")  # 25 lb x 0.45359237, to 0.01 kg
    assert [s.id for s in repo.list_sets(db, athlete_id=aid, side="right")] == [b.id]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reps", -1, "reps"),
        ("reps", 2.5, "whole number"),
        ("load_kg", "-5", "negative"),
        ("load_kg", "1,234.5", "cannot read the load"),
        ("load_kg", "12 stone", "cannot read the load"),
        ("rpe", 11, "RPE"),
        ("pause_s", -1, "pause_s"),
        ("side", "middle", "unknown side"),
        ("variant", "bench press", "unknown variant"),
    ],
)
def test_bad_values_are_rejected_and_nothing_is_written(
    engine: Engine, field: str, value: object, message: str
) -> None:
    with session_scope(engine) as s:
        aid = _athlete(s)
    fields: dict[str, object] = {"variant": "single_leg_hip_thrust", "side": "left", "reps": 10}
    fields[field] = value
    with pytest.raises(UsageError, match=message), session_scope(engine) as s:
        repo.add_set(s, athlete_id=aid, performed_on=DAY, **fields)  # type: ignore[arg-type]
    with session_scope(engine) as s:
        assert s.scalars(select(SetEntry)).all() == []
        assert repo.list_sessions(s, athlete_id=aid) == []  # no half-written session either


def test_unknown_ids_raise_not_found(db: Session) -> None:
    aid = _athlete(db)
    with pytest.raises(NotFoundError, match="no athlete with id 999"):
        repo.add_set(db, athlete_id=999, variant="hip_thrust", side="both", reps=5)
    with pytest.raises(NotFoundError, match="no set with id 42"):
        repo.get_set(db, set_id=42)
    with pytest.raises(NotFoundError, match="unknown athlete 'Bob'"):
        repo.find_athlete(db, ref="Bob")
    assert repo.find_athlete(db, ref=None).id == aid
    assert repo.find_athlete(db, ref=str(aid)).name == "Ana"


def test_another_athletes_set_is_not_found(db: Session) -> None:
    ana = _athlete(db)
    ben = repo.create_athlete(db, name="Ben").id
    row = repo.add_set(db, athlete_id=ana, variant="hip_thrust", side="both", reps=5)
    with pytest.raises(NotFoundError):
        repo.get_set(db, set_id=row.id, athlete_id=ben)
    with pytest.raises(NotFoundError):
        repo.update_set(db, set_id=row.id, athlete_id=ben, reps=1)
    with pytest.raises(NotFoundError):
        repo.delete_set(db, set_id=row.id, athlete_id=ben)


def test_duplicate_athlete_name_conflicts(db: Session) -> None:
    _athlete(db)
    with pytest.raises(ConflictError):
        repo.create_athlete(db, name="Ana")


def test_edit_and_delete(db: Session) -> None:
    aid = _athlete(db)
    row = repo.add_set(db, athlete_id=aid, variant="single_leg_hip_thrust", side="left", reps=8)
    repo.update_set(db, set_id=row.id, athlete_id=aid, reps=10, load_kg="5", pain=True)
    assert (row.reps, row.load_kg, row.pain) == (10, Decimal("5.00"), True)
    with pytest.raises(UsageError, match="cannot be emptied"):
        repo.update_set(db, set_id=row.id, reps=None)
    session_id = row.session_id
    repo.delete_set(db, set_id=row.id, athlete_id=aid)
    assert repo.list_sets(db, athlete_id=aid) == []
    repo.delete_session(db, session_id=session_id)
    assert repo.list_sessions(db, athlete_id=aid) == []


def test_deleting_an_athlete_cascades(engine: Engine) -> None:
    with session_scope(engine) as s:
        aid = _athlete(s)
        repo.add_set(s, athlete_id=aid, variant="hip_thrust", side="both", reps=5)
    with session_scope(engine) as s:
        repo.delete_athlete(s, athlete_id=aid)
    with session_scope(engine) as s:
        assert s.scalars(select(SetEntry)).all() == []


def test_body_mass_history_latest_on_or_before(db: Session) -> None:
    aid = repo.create_athlete(db, name="Cy").id
    repo.record_body_mass(db, athlete_id=aid, mass_kg="70", measured_on=dt.date(2026, 1, 1))
    repo.record_body_mass(db, athlete_id=aid, mass_kg="72.4", measured_on=dt.date(2026, 2, 1))
    assert repo.body_mass_on(db, athlete_id=aid, on=dt.date(2026, 1, 20)) == Decimal("70.00")
    assert repo.body_mass_on(db, athlete_id=aid, on=dt.date(2026, 3, 1)) == Decimal("72.40")
    # before the first measurement: the earliest one is the best guess
    assert repo.body_mass_on(db, athlete_id=aid, on=dt.date(2025, 1, 1)) == Decimal("70.00")
    with pytest.raises(UsageError, match="out of range"):
        repo.record_body_mass(db, athlete_id=aid, mass_kg="7")


def test_session_feel_and_plan_link_validation(db: Session) -> None:
    aid = _athlete(db)
    with pytest.raises(UsageError, match="feel"):
        repo.get_or_create_session(db, athlete_id=aid, performed_on=DAY, feel=9)
    with pytest.raises(NotFoundError, match="no plan"):
        repo.get_or_create_session(db, athlete_id=aid, performed_on=DAY, plan_id=5)


def test_page_of_returns_one_page_and_the_total(db: Session) -> None:
    aid = _athlete(db)
    for i in range(5):
        repo.add_set(
            db,
            athlete_id=aid,
            performed_on=DAY + dt.timedelta(days=i),
            variant="single_leg_hip_thrust",
            side="left",
            reps=10,
        )
    query = (
        select(TrainingSession)
        .where(TrainingSession.athlete_id == aid)
        .order_by(TrainingSession.performed_on.desc())
    )
    rows, total = repo.page_of(db, query=query, limit=2, offset=1)
    assert total == 5
    assert [r.performed_on for r in rows] == [
        DAY + dt.timedelta(days=3),
        DAY + dt.timedelta(days=2),
    ]
