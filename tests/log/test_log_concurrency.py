"""Two writers at once lose nothing; a crash mid-write leaves the database consistent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from thrustcoach.errors import StorageError
from thrustcoach.log import SetEntry, TrainingSession, get_engine, repo, session_scope

WRITER = """
import sys, datetime as dt
from thrustcoach.log import get_engine, session_scope, repo
url, athlete_id, side, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
engine = get_engine(url)
for i in range(n):
    with session_scope(engine) as s:
        repo.add_set(s, athlete_id=athlete_id, performed_on=dt.date(2026, 3, 2),
                     variant="single_leg_hip_thrust", side=side, reps=10, load_kg=i % 7)
"""

CRASHER = """
import os, sys, datetime as dt
from thrustcoach.log import get_engine, make_sessionmaker, repo
url, athlete_id = sys.argv[1], int(sys.argv[2])
s = make_sessionmaker(get_engine(url))()
for i in range(50):
    repo.add_set(s, athlete_id=athlete_id, performed_on=dt.date(2026, 3, 9),
                 variant="single_leg_hip_thrust", side="left", reps=10)
s.flush()
print("flushed", flush=True)
import time; time.sleep(60)  # killed here, mid-transaction
"""


def _new_athlete(engine: Engine) -> int:
    with session_scope(engine) as s:
        return repo.create_athlete(s, name="Ana", weak_side="left").id


def test_two_threads_writing_at_once_lose_nothing(engine: Engine) -> None:
    aid = _new_athlete(engine)
    errors: list[BaseException] = []

    def write(side: str) -> None:
        try:
            for _ in range(25):
                with session_scope(engine) as s:
                    repo.add_set(
                        s, athlete_id=aid, variant="single_leg_hip_thrust", side=side, reps=10
                    )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(side,)) for side in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(engine) as s:
        sets = repo.list_sets(s, athlete_id=aid)
        assert len(sets) == 50
        assert len(repo.list_sessions(s, athlete_id=aid)) == 1  # one session for the day
        assert sorted(x.order_index for x in sets) == list(range(1, 51))


@pytest.mark.slow
def test_two_processes_writing_the_sqlite_file_lose_nothing(sqlite_url: str) -> None:
    engine = get_engine(sqlite_url)
    aid = _new_athlete(engine)
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, sqlite_url, str(aid), side, "30"])
        for side in ("left", "right")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with session_scope(engine) as s:
        sets = repo.list_sets(s, athlete_id=aid)
        assert len(sets) == 60
        assert sum(x.side == "left" for x in sets) == 30
        assert sorted(x.order_index for x in sets) == list(range(1, 61))


def test_a_writer_killed_mid_transaction_leaves_a_consistent_database(db_url: str) -> None:
    engine = get_engine(db_url)
    aid = _new_athlete(engine)
    with session_scope(engine) as s:
        repo.add_set(s, athlete_id=aid, variant="single_leg_hip_thrust", side="left", reps=8)
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASHER, db_url, str(aid)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "flushed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with session_scope(engine) as s:
        # The committed set survives; none of the 50 uncommitted ones or their session do.
        assert [x.reps for x in s.scalars(select(SetEntry))] == [8]
        assert len(s.scalars(select(TrainingSession)).all()) == 1
        if engine.dialect.name == "sqlite":
            assert s.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        repo.add_set(s, athlete_id=aid, variant="single_leg_hip_thrust", side="right", reps=8)


def test_a_locked_database_gives_a_one_line_storage_error(sqlite_url: str) -> None:
    import sqlite3

    from thrustcoach.log import db as dbmod

    engine = get_engine(sqlite_url)
    aid = _new_athlete(engine)
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    old = dbmod.SQLITE_BUSY_TIMEOUT_MS
    try:
        dbmod.SQLITE_BUSY_TIMEOUT_MS = 200
        fresh = dbmod.make_engine(sqlite_url)
        start = time.monotonic()
        with pytest.raises(StorageError, match="locked") as info, session_scope(fresh) as s:
            repo.add_set(s, athlete_id=aid, variant="hip_thrust", side="both", reps=5)
        assert time.monotonic() - start < 10
        assert "\n" not in str(info.value)
        fresh.dispose()
    finally:
        dbmod.SQLITE_BUSY_TIMEOUT_MS = old
        holder.rollback()
        holder.close()


def test_corrupt_and_read_only_files_give_storage_errors(tmp_path: Path) -> None:
    from thrustcoach.log import dispose_engines

    bad = tmp_path / "corrupt.db"
    bad.write_bytes(b"this is not an sqlite database, it is a shopping list" * 100)
    with pytest.raises(StorageError, match="corrupt"):
        get_engine(f"sqlite:///{bad}")
    good = tmp_path / "ro" / "log.db"
    engine = get_engine(f"sqlite:///{good}")
    aid = _new_athlete(engine)
    dispose_engines()
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions; read-only is checked via a read-only URL")
    good.chmod(0o444)
    good.parent.chmod(0o555)
    try:
        with (
            pytest.raises(StorageError, match="read-only"),
            session_scope(get_engine(f"sqlite:///{good}")) as s,
        ):
            repo.add_set(s, athlete_id=aid, variant="hip_thrust", side="both", reps=5)
    finally:
        good.parent.chmod(0o755)
        good.chmod(0o644)


def test_read_only_sqlite_uri_gives_storage_error(sqlite_url: str) -> None:
    engine = get_engine(sqlite_url)
    aid = _new_athlete(engine)
    path = sqlite_url.removeprefix("sqlite:///")
    ro = get_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(StorageError, match="read-only"), session_scope(ro) as s:
        repo.add_set(s, athlete_id=aid, variant="hip_thrust", side="both", reps=5)
    with session_scope(ro, read_only=True) as s:  # reading still works
        assert [a.name for a in repo.list_athletes(s)] == ["Ana"]


def test_readers_do_not_wait_for_a_writer(sqlite_url: str) -> None:
    engine = get_engine(sqlite_url)
    aid = _new_athlete(engine)
    with session_scope(engine) as writer:
        repo.add_set(writer, athlete_id=aid, variant="hip_thrust", side="both", reps=5)
        start = time.monotonic()
        with session_scope(engine, read_only=True) as reader:  # WAL: the last committed state
            assert repo.list_sets(reader, athlete_id=aid) == []
        assert time.monotonic() - start < 2


def test_server_down_gives_storage_error() -> None:
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:9/none"
    with pytest.raises(StorageError, match="cannot reach the database server") as info:
        get_engine(url)
    assert "secret" not in str(info.value)


FIRST_USE = """
import sys
from thrustcoach.log import get_engine, session_scope, repo
with session_scope(get_engine(sys.argv[1])) as s:
    repo.list_athletes(s)
"""


@pytest.mark.slow
def test_two_processes_opening_a_new_database_at_once_both_work(db_url: str) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", FIRST_USE, db_url], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else b"") for p in procs]
    assert [code for code, _ in results] == [0, 0], results
