"""Import of real-layout Strong/Hevy exports and the CSV export of everything."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from thrustcoach.errors import InputFileError, UnsupportedFormatError, UsageError
from thrustcoach.log import repo, session_scope
from thrustcoach.log.analyses import attach_analysis
from thrustcoach.log.io import export_csv, import_workouts


@pytest.fixture
def athlete(engine: Engine) -> int:
    with session_scope(engine) as s:
        return repo.create_athlete(s, name="Ana", weak_side="left").id


def _import(engine: Engine, path: Path, athlete: int, **kw: object):  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        return import_workouts(s, path=path, athlete_id=athlete, **kw)  # type: ignore[arg-type]


def _sets(engine: Engine, athlete: int) -> list[tuple[str, str, str, int, Decimal]]:
    with session_scope(engine) as s:
        return [
            (x.session.performed_on.isoformat(), x.variant, x.side, x.reps, x.load_kg)
            for x in repo.list_sets(s, athlete_id=athlete)
        ]


def test_strong_import_maps_variants_and_sides_and_reports_the_rest(
    engine: Engine, athlete: int, test_data_dir: Path
) -> None:
    report = _import(engine, test_data_dir / "log" / "strong.csv", athlete)
    assert report.rows == 15
    assert report.imported == 10
    assert report.warmups_skipped == 2  # the "W" set and the rest timer
    assert report.unknown_exercises == {"Squat (Barbell)": 2}
    assert [p.line for p in report.missing_side] == [16]  # "Single Leg Hip Thrust", no side
    assert report.sessions_created == 2
    sets = _sets(engine, athlete)
    assert sets[:4] == [
        ("2024-03-04", "single_leg_hip_thrust", "left", 10, Decimal("10.00")),
        ("2024-03-04", "single_leg_hip_thrust", "left", 9, Decimal("10.00")),
        ("2024-03-04", "single_leg_hip_thrust", "left", 8, Decimal("10.00")),
        ("2024-03-04", "single_leg_hip_thrust", "right", 10, Decimal("10.00")),
    ]
    assert ("2024-03-07", "hip_thrust", "both", 8, Decimal("80.00")) in sets
    assert ("2024-03-07", "single_leg_glute_bridge", "left", 15, Decimal("0.00")) in sets
    assert ("2024-03-07", "single_leg_glute_bridge", "right", 15, Decimal("0.00")) in sets
    text = "\n".join(report.lines())
    assert "unknown exercise 'Squat (Barbell)' (2 sets)" in text
    assert "line 16" in text and "names no side" in text


def test_importing_the_same_file_twice_adds_nothing(
    engine: Engine, athlete: int, test_data_dir: Path
) -> None:
    first = _import(engine, test_data_dir / "log" / "hevy.csv", athlete)
    before = _sets(engine, athlete)
    again = _import(engine, test_data_dir / "log" / "hevy.csv", athlete)
    assert again.imported == 0 and again.duplicates == first.imported
    assert again.sessions_created == 0
    assert _sets(engine, athlete) == before


def test_hevy_import_reads_side_from_notes_and_suffix(
    engine: Engine, athlete: int, test_data_dir: Path
) -> None:
    report = _import(engine, test_data_dir / "log" / "hevy.csv", athlete)
    assert report.unknown_exercises == {"Romanian Deadlift (Barbell)": 1}
    assert report.warmups_skipped == 1
    assert len(report.missing_side) == 1
    sets = _sets(engine, athlete)
    assert sets[:4] == [
        ("2024-03-11", "single_leg_hip_thrust_dumbbell", "left", 10, Decimal("12.50")),
        ("2024-03-11", "single_leg_hip_thrust_dumbbell", "left", 9, Decimal("12.50")),
        ("2024-03-11", "single_leg_hip_thrust_dumbbell", "right", 10, Decimal("15.00")),
        ("2024-03-11", "single_leg_hip_thrust_dumbbell", "right", 10, Decimal("15.00")),
    ]
    assert report.imported == 6


def test_pounds_and_decimal_commas_are_converted(
    engine: Engine, athlete: int, test_data_dir: Path
) -> None:
    _import(engine, test_data_dir / "log" / "hevy_lbs.csv", athlete)
    _import(engine, test_data_dir / "log" / "strong_legacy.csv", athlete)
    loads = {(d, side, load) for d, _, side, _, load in _sets(engine, athlete)}
    # 25 lb = 11.34 kg, 35 lb = 15.88 kg; "12,5" kg = 12.5 kg
    assert ("2024-03-14", "left", Decimal("11.34")) in loads
    assert ("2024-03-14", "right", Decimal("15.88")) in loads
    assert ("2023-11-13", "left", Decimal("12.50")) in loads
    assert ("2023-11-13", "right", Decimal("11.34")) in loads


def test_new_strong_layout_in_pounds(engine: Engine, athlete: int, test_data_dir: Path) -> None:
    _import(engine, test_data_dir / "log" / "strong.csv", athlete, weight_unit="lb")
    assert ("2024-03-07", "hip_thrust", "both", 8, Decimal("36.29")) in _sets(engine, athlete)


def test_bad_values_stop_the_import_and_nothing_is_written(
    engine: Engine, athlete: int, test_data_dir: Path
) -> None:
    bad = test_data_dir / "log" / "strong_bad_load.csv"
    with pytest.raises(UsageError, match=r"line 3: cannot read the load '12 stone'.*1 more"):
        _import(engine, bad, athlete)
    assert _sets(engine, athlete) == []
    report = _import(engine, bad, athlete, skip_invalid=True)
    assert report.imported == 1 and [p.line for p in report.invalid] == [3, 4]


def test_not_an_export(engine: Engine, athlete: int, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(UnsupportedFormatError, match="neither a Strong nor a Hevy"):
        _import(engine, other, athlete)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)))
    with pytest.raises(InputFileError, match="not UTF-8"):
        _import(engine, binary, athlete)
    with pytest.raises(InputFileError, match="cannot read"):
        _import(engine, tmp_path / "missing.csv", athlete)


def test_export_writes_every_table(engine: Engine, athlete: int, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        repo.record_body_mass(
            s, athlete_id=athlete, mass_kg="61.5", measured_on=dt.date(2026, 1, 1)
        )
        row = repo.add_set(
            s,
            athlete_id=athlete,
            variant="single_leg_hip_thrust",
            side="left",
            reps=10,
            load_kg="12,5",
            performed_on=dt.date(2026, 1, 2),
        )
        doc = {
            "schema_version": 1,
            "sets": [
                {
                    "side": "left",
                    "reps": [
                        {"index": 1, "side": "left", "pause_s": 1.5, "peak_hip_angle_deg": 176.0}
                    ],
                }
            ],
        }
        attach_analysis(s, set_id=row.id, document=doc, source_name="clip.json")
        other = repo.create_athlete(s, name="Ben").id
        repo.add_set(s, athlete_id=other, variant="hip_thrust", side="both", reps=5)
    with session_scope(engine) as s:
        paths = export_csv(s, out_dir=tmp_path / "out", athlete_id=athlete)
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            "athletes.csv",
            "body_mass.csv",
            "plans.csv",
            "sessions.csv",
            "sets.csv",
            "analyses.csv",
            "rep_metrics.csv",
        ]
    )
    with (tmp_path / "out" / "sets.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["side"], r["reps"], r["load_kg"]) for r in rows] == [("left", "10", "12.50")]
    with (tmp_path / "out" / "rep_metrics.csv").open() as fh:
        assert [r["peak_hip_angle_deg"] for r in csv.DictReader(fh)] == ["176.0"]
    with (tmp_path / "out" / "athletes.csv").open() as fh:
        assert [r["name"] for r in csv.DictReader(fh)] == ["Ana"]  # only the chosen athlete
    assert "password" not in "".join(p.read_text() for p in paths)
