"""The HTML report and the default database location."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from thrustcoach.log import dispose_engines, get_engine, repo, session_scope
from thrustcoach.log.report import build_report

MON = dt.date(2026, 3, 2)


def test_report_escapes_text_and_flags_low_symmetry(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        aid = repo.create_athlete(s, name="<script>alert(1)</script>", weak_side="left").id
        for week in range(3):
            day = MON + dt.timedelta(weeks=week)
            # weak side 8 reps vs 10: reps LSI 80 % three weeks in a row -> flagged
            repo.add_set(
                s,
                athlete_id=aid,
                performed_on=day,
                variant="single_leg_hip_thrust",
                side="left",
                reps=8,
                load_kg=10,
            )
            repo.add_set(
                s,
                athlete_id=aid,
                performed_on=day,
                variant="single_leg_hip_thrust",
                side="right",
                reps=10,
                load_kg=10,
            )
        report = build_report(
            s, athlete_id=aid, out_dir=tmp_path, weeks=4, today=MON + dt.timedelta(weeks=2, days=1)
        )
    html = report.html.read_text()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    reps_flag = next(f for f in report.flags if f.metric == "reps")
    assert reps_flag.flagged and reps_flag.weeks_below == 3 and reps_flag.latest_pct == 80.0
    assert "below 90.0 % for 3 weeks in a row" in html
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "form.png",
        "side_progress.png",
        "symmetry.png",
        "weekly_volume.png",
    ]


def test_empty_log_still_makes_a_report(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        aid = repo.create_athlete(s, name="New").id
        report = build_report(s, athlete_id=aid, out_dir=tmp_path / "r")
    assert report.sets == 0 and "log both sides" in report.html.read_text()


def test_default_database_is_sqlite_in_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = Path(os.environ["THRUSTCOACH_DATA_DIR"]) / "nested"  # does not exist yet
    monkeypatch.setenv("THRUSTCOACH_DATA_DIR", str(data_dir))
    try:
        engine = get_engine()
        assert engine.url.get_backend_name() == "sqlite"
        assert Path(str(engine.url.database)) == data_dir / "thrustcoach.db"
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert (data_dir / "thrustcoach.db").is_file()
    finally:
        dispose_engines()
