"""What the probe of issue 13 found in the log: imports checked like ``log add``, bounded
reads, formula cells in exports, huge numbers, and an import that lets other writers in."""

from __future__ import annotations

import csv
import datetime as dt
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from thrustcoach.errors import FileTooLargeError, InputFileError, NotFoundError, UsageError
from thrustcoach.log import commit_and_yield, repo, session_scope
from thrustcoach.log.io import export_csv, import_workouts
from thrustcoach.log.models import SetEntry

STRONG_HEADER = (
    "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
    "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration"
)
BIG = "1" + "0" * 5000


def _strong_row(
    *, reps: str = "10", weight: str = "10", rpe: str = "", date: str = "2024-03-04 07:30:00"
) -> str:
    return f"{date};Glutes;Single Leg Hip Thrust (Left);1;{weight};kg;{reps};{rpe};;;;;;1h"


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "strong.csv"
    path.write_text("\n".join([STRONG_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def athlete(engine: Engine) -> int:
    with session_scope(engine) as s:
        return repo.create_athlete(s, name="Ana", weak_side="left").id


def _count(engine: Engine) -> int:
    with session_scope(engine, read_only=True) as s:
        return s.scalar(select(func.count()).select_from(SetEntry)) or 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reps": "1000000000"}, "reps must be a whole number 0-1000"),
        ({"reps": BIG}, "reps must be a whole number 0-1000"),
        ({"weight": BIG}, "is above 500 kg"),
        ({"weight": "-5"}, "is negative"),
        ({"rpe": "99"}, "RPE must be 1-10"),
        ({"rpe": "nan"}, "RPE must be 1-10"),
        ({"date": "1900-01-01 07:00:00"}, "out of range"),
    ],
)
def test_import_checks_values_like_log_add_and_names_the_line(
    engine: Engine, athlete: int, tmp_path: Path, fields: dict[str, str], message: str
) -> None:
    path = _write(tmp_path, _strong_row(), _strong_row(**fields))
    with pytest.raises(UsageError, match=message) as err, session_scope(engine) as s:
        import_workouts(s, path=path, athlete_id=athlete)
    assert "line 3" in str(err.value) and "nothing was imported" in str(err.value)
    assert len(str(err.value)) < 300  # one readable line, not a 5,000-digit echo
    assert _count(engine) == 0
    # the same value through `log add` is refused too (one rule for both ways in)
    log_add = {
        "reps": {"reps": fields.get("reps", "10")},
        "weight": {"load_kg": fields.get("weight")},
        "rpe": {"rpe": fields.get("rpe")},
    }
    for key, extra in log_add.items():
        if key in fields:
            with pytest.raises(UsageError), session_scope(engine) as s:
                repo.add_set(
                    s,
                    athlete_id=athlete,
                    variant="single_leg_hip_thrust",
                    side="left",
                    **{"reps": 10, **extra},  # type: ignore[arg-type]
                )


def test_import_with_skip_invalid_keeps_good_rows_and_lists_the_bad_ones(
    engine: Engine, athlete: int, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        _strong_row(reps="8"),
        _strong_row(reps="1000000000"),
        _strong_row(rpe="99"),
        _strong_row(weight=BIG),
    )
    bad = r"line 3: .* \(and 2 more bad rows: lines 4, 5\)"
    with pytest.raises(UsageError, match=bad), session_scope(engine) as s:
        import_workouts(s, path=path, athlete_id=athlete)
    with session_scope(engine) as s:
        report = import_workouts(s, path=path, athlete_id=athlete, skip_invalid=True)
    assert report.imported == 1
    assert [p.line for p in report.invalid] == [3, 4, 5]
    assert any("RPE must be 1-10" in line for line in report.lines())


def test_import_keeps_a_valid_rpe(engine: Engine, athlete: int, tmp_path: Path) -> None:
    path = _write(tmp_path, _strong_row(rpe="8,5"))
    with session_scope(engine) as s:
        import_workouts(s, path=path, athlete_id=athlete)
    with session_scope(engine) as s:
        assert [x.rpe for x in repo.list_sets(s, athlete_id=athlete)] == [Decimal("8.5")]


def test_import_refuses_an_endless_file_without_reading_it_all(
    engine: Engine, athlete: int
) -> None:
    started = time.monotonic()
    too_large = pytest.raises(FileTooLargeError, match="larger than the 1 MB limit")
    with too_large, session_scope(engine) as s:
        import_workouts(s, path=Path("/dev/zero"), athlete_id=athlete, max_bytes=1024 * 1024)
    assert time.monotonic() - started < 30


def test_import_size_limit_comes_from_the_settings(
    engine: Engine, athlete: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, *[_strong_row()] * 30_000)  # ~2 MB
    monkeypatch.setenv("THRUSTCOACH_MAX_IMPORT_MB", "1")
    too_large = pytest.raises(FileTooLargeError, match="THRUSTCOACH_MAX_IMPORT_MB")
    with too_large, session_scope(engine) as s:
        import_workouts(s, path=path, athlete_id=athlete)


@pytest.mark.parametrize(
    "content",
    [b"Date;Reps\n1;2\x00\n", b'Date,"Reps\n' + b"x" * 200_000],
    ids=["nul-byte", "unterminated-200k-field"],
)
def test_import_of_a_broken_csv_is_one_line(
    engine: Engine, athlete: int, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError), session_scope(engine) as s:
        import_workouts(s, path=path, athlete_id=athlete)


def test_export_escapes_cells_a_spreadsheet_would_run(
    engine: Engine, athlete: int, tmp_path: Path
) -> None:
    with session_scope(engine) as s:
        for notes in ('=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "ok"):
            repo.add_set(
                s,
                athlete_id=athlete,
                variant="single_leg_hip_thrust",
                side="left",
                reps=5,
                notes=notes,
                performed_on=dt.date(2026, 1, 5),
            )
        export_csv(s, out_dir=tmp_path / "out")
    with (tmp_path / "out" / "sets.csv").open(encoding="utf-8") as fh:
        notes = [row["notes"] for row in csv.DictReader(fh)]
    assert notes == ['\'=HYPERLINK("http://x")', "'+1", "'-2+3", "'@SUM(A1)", "'\tx", "ok"]


@pytest.mark.parametrize("target", ["existing-file", "/proc/no/such/place"])
def test_export_into_a_file_or_an_impossible_path_is_a_usage_error(
    engine: Engine, athlete: int, tmp_path: Path, target: str
) -> None:
    out = tmp_path / "existing-file" if target == "existing-file" else Path(target)
    if target == "existing-file":
        out.write_text("x")
    refused = pytest.raises(UsageError, match="cannot write the export")
    with refused, session_scope(engine, read_only=True) as s:
        export_csv(s, out_dir=out)


@pytest.mark.parametrize(
    "value", [BIG, "1e999", "9" * 40], ids=["5001-digits", "1e999", "40-nines"]
)
def test_huge_numbers_are_usage_errors_not_crashes(
    engine: Engine, athlete: int, value: str
) -> None:
    for field in ("load_kg", "target_load_kg", "rpe", "reps", "pause_s", "target_reps"):
        with pytest.raises(UsageError), session_scope(engine) as s:
            repo.add_set(
                s,
                athlete_id=athlete,
                variant="single_leg_hip_thrust",
                side="left",
                **{"reps": 5, field: value},  # type: ignore[arg-type]
            )
    with pytest.raises(UsageError), session_scope(engine) as s:
        repo.record_body_mass(s, athlete_id=athlete, mass_kg=value)


def test_a_negative_body_mass_is_called_a_body_mass(engine: Engine, athlete: int) -> None:
    with pytest.raises(UsageError) as err, session_scope(engine) as s:
        repo.record_body_mass(s, athlete_id=athlete, mass_kg="-60")
    assert "body mass" in str(err.value) and "load" not in str(err.value)


@pytest.mark.parametrize("missing", ["variant", "side", "reps"])
def test_a_set_without_variant_side_or_reps_is_a_usage_error(
    engine: Engine, athlete: int, missing: str
) -> None:
    values: dict[str, object] = {"variant": "single_leg_hip_thrust", "side": "left", "reps": 5}
    values[missing] = None
    with pytest.raises(UsageError, match=f"{missing} is required"), session_scope(engine) as s:
        repo.add_set(s, athlete_id=athlete, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize("ident", [2**31, 2**63, 2**64, 10**30])
def test_ids_beyond_any_row_are_not_found(engine: Engine, athlete: int, ident: int) -> None:
    with session_scope(engine) as s:
        for lookup in (
            lambda: repo.get_set(s, set_id=ident),
            lambda: repo.get_session(s, session_id=ident),
            lambda: repo.get_plan(s, plan_id=ident),
            lambda: repo.get_athlete(s, athlete_id=ident),
            lambda: repo.update_set(s, set_id=ident, reps=3),
            lambda: repo.delete_set(s, set_id=ident),
        ):
            with pytest.raises(NotFoundError):
                lookup()
        with pytest.raises(UsageError, match="out of range"):
            repo.find_athlete(s, ref=str(ident))


def test_a_long_import_lets_another_writer_in_between_its_batches(
    db_url: str, tmp_path: Path
) -> None:
    """A 20,000-set import commits in batches: a `log add` from another connection gets in
    while the import is still running, instead of waiting for all of it."""
    from thrustcoach.log import get_engine

    engine = get_engine(db_url)
    with session_scope(engine) as s:
        athlete = repo.create_athlete(s, name="Ana").id
    start = dt.datetime(2020, 1, 1, 7, 0)
    rows = [
        _strong_row(date=f"{start + dt.timedelta(days=i // 20):%Y-%m-%d %H:%M:%S}", reps=str(i % 9))
        .replace(";1;", f";{i % 20 + 1};")
        .replace("(Left)", "(Left)" if i % 2 else "(Right)")
        for i in range(20_000)
    ]
    path = _write(tmp_path, *rows)
    done = threading.Event()
    errors: list[BaseException] = []

    def run_import() -> None:
        try:
            with session_scope(engine) as s:
                report = import_workouts(
                    s, path=path, athlete_id=athlete, checkpoint=lambda: commit_and_yield(s)
                )
            assert report.imported == 20_000
        except BaseException as exc:  # noqa: BLE001 - the main thread reports it
            errors.append(exc)
        finally:
            done.set()

    importer = threading.Thread(target=run_import)
    importer.start()
    deadline = time.monotonic() + 120
    while _count(engine) == 0 and not done.is_set() and time.monotonic() < deadline:
        time.sleep(0.01)  # wait for the first committed batch
    with session_scope(engine) as s:
        repo.add_set(
            s, athlete_id=athlete, variant="hip_thrust", side="both", reps=8, notes="concurrent"
        )
        imported_before_me = s.scalar(
            select(func.count()).select_from(SetEntry).where(SetEntry.import_key.is_not(None))
        )
    importer.join(timeout=300)
    assert not errors, errors
    assert imported_before_me is not None and 0 < imported_before_me < 20_000
    assert _count(engine) == 20_001
