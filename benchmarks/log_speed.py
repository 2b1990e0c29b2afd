"""Speed of the training log: import, re-import (dedup), analytics and the report.

    .venv/bin/python benchmarks/log_speed.py [--rows 5000] [--url sqlite:///PATH]

Generates a Strong export with ``--rows`` single-leg sets (5 per side per session), imports it
into a fresh database (a temporary SQLite file unless ``--url`` names another, e.g. the
PostgreSQL test server), imports it again, then times the per-side analytics and the full
report (4 PNG charts + HTML). Prints the figures; no pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from thrustcoach.log import get_engine, repo, session_scope
from thrustcoach.log.analyses import set_records
from thrustcoach.log.analytics import side_summaries
from thrustcoach.log.io import import_workouts
from thrustcoach.log.report import build_report
from thrustcoach.log.symmetry import weekly_symmetry
from thrustcoach.vocab import Side

HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE"
)


def write_export(path: Path, rows: int) -> None:
    start = dt.datetime(2022, 1, 3, 7, 0)
    lines = [HEADER]
    session = 0
    while len(lines) - 1 < rows:
        day = start + dt.timedelta(days=3 * session)
        for side, load in (("Left", 10 + session % 8), ("Right", 12 + session % 8)):
            for k in range(1, 6):
                lines.append(
                    f'{day:%Y-%m-%d %H:%M:%S},"Glutes",50m,'
                    f'"Single Leg Hip Thrust ({side})",{k},{load},10,0,0,"","",8'
                )
        session += 1
    path.write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")


def timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"{label:<34} {time.perf_counter() - t0:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "strong.csv"
        write_export(export, args.rows)
        engine = timed("open + migrate", get_engine, args.url or f"sqlite:///{tmp}/log.db")
        with session_scope(engine) as s:
            aid = repo.create_athlete(
                s, name=f"bench {time.time_ns()}", weak_side="left", body_mass_kg=65
            ).id

        def do_import() -> int:
            with session_scope(engine) as s:
                return import_workouts(s, path=export, athlete_id=aid).imported

        n = timed(f"import {args.rows} rows", do_import)
        again = timed("import again (all duplicates)", do_import)
        print(f"  imported {n} sets, second time {again}")
        with session_scope(engine, read_only=True) as s:
            records = timed("load set records", set_records, s, athlete_id=aid)
            timed("per-side summaries", side_summaries, records)
            timed("weekly symmetry", weekly_symmetry, records, weak_side=Side.LEFT)
            timed(
                "report (520 weeks, 4 PNG + HTML)",
                build_report,
                s,
                athlete_id=aid,
                out_dir=Path(tmp) / "report",
                weeks=520,
                today=dt.date(2026, 1, 1),
            )


if __name__ == "__main__":
    main()
