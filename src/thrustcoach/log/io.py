"""CSV export of the whole log, and import of Strong and Hevy exports.

Export writes one CSV per table (athletes, body_mass, plans, sessions, sets, analyses,
rep_metrics) into a folder; account tables (users, tokens) are never exported.

Import maps exercise names to our variants (exercise_names.toml) and reads the side from the
exercise name or its notes ("(Left)", "L", "left leg"). It never drops a row silently: unknown
exercises, warm-ups, single-leg sets without a side and bad values are all counted in the
:class:`ImportReport`. Every value is checked as ``log add`` checks it (reps 0-1000, loads up to
500 kg, RPE 1-10, dates from 1990): rows with bad values (a load of "12 stone", a billion reps,
RPE 99) stop the whole import before anything is written, unless ``skip_invalid`` is set.
Importing the same file again adds nothing: every set carries a key made from its content, so
an import interrupted between two of its batches (see :func:`import_workouts`) is completed by
running it again.

Export writes text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) with a leading ``'`` (OWASP's advice against CSV
injection); numbers and dates are written as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from thrustcoach.errors import UsageError
from thrustcoach.files import configured_limit, read_text_limited
from thrustcoach.log.importers import RawRow, RowProblem, read_rows
from thrustcoach.log.models import (
    Athlete,
    Base,
    BodyMass,
    RepMetric,
    SetEntry,
    StoredPlan,
    TrainingSession,
    VideoAnalysis,
)
from thrustcoach.log.repo import get_athlete
from thrustcoach.log.values import detect_side, match_variant
from thrustcoach.text import shorten
from thrustcoach.vocab import Side, VariantId

__all__ = ["ImportReport", "export_csv", "import_workouts"]

EXPORT_TABLES: tuple[tuple[str, type[Base]], ...] = (
    ("athletes", Athlete),
    ("body_mass", BodyMass),
    ("plans", StoredPlan),
    ("sessions", TrainingSession),
    ("sets", SetEntry),
    ("analyses", VideoAnalysis),
    ("rep_metrics", RepMetric),
)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # a spreadsheet shows it as text instead of running it
    return str(value)


def export_csv(session: Session, *, out_dir: Path, athlete_id: int | None = None) -> list[Path]:
    """Write every log table as CSV into ``out_dir`` (only ``athlete_id``'s rows if given)."""
    if athlete_id is not None:
        get_athlete(session, athlete_id=athlete_id)
    try:
        return _write_tables(session, out_dir=out_dir, athlete_id=athlete_id)
    except OSError as exc:
        raise UsageError(
            f"cannot write the export to {out_dir}: {exc.strerror or exc}",
            hint="--out must be a folder you can write to (not an existing file)",
        ) from None


def _write_tables(session: Session, *, out_dir: Path, athlete_id: int | None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in EXPORT_TABLES:
        columns = [c.name for c in model.__table__.columns]
        owner = "id" if model is Athlete else "athlete_id"
        q = select(model)
        if athlete_id is not None:
            q = q.where(getattr(model, owner) == athlete_id)
        path = out_dir / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in session.scalars(q.order_by(model.__table__.c.id)):
                writer.writerow([_cell(getattr(row, c)) for c in columns])
        written.append(path)
    return written


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    sessions_created: int = 0
    warmups_skipped: int = 0
    unknown_exercises: Counter[str] = field(default_factory=Counter)
    missing_side: list[RowProblem] = field(default_factory=list)
    invalid: list[RowProblem] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A human summary, one fact per line (the CLI prints it)."""
        out = [
            f"{self.source}: {self.rows} rows, {self.imported} sets imported, "
            f"{self.duplicates} already there, {self.sessions_created} new sessions"
        ]
        if self.warmups_skipped:
            out.append(f"skipped {self.warmups_skipped} warm-up sets / rest timers")
        for name, n in sorted(self.unknown_exercises.items()):
            out.append(f"not imported: unknown exercise {name!r} ({n} sets)")
        out += [f"not imported: line {p.line}: {p.message}" for p in self.missing_side]
        out += [f"not imported: {p.message}" for p in self.invalid]
        return out


def _read_text(path: Path, max_bytes: int | None) -> str:
    return read_text_limited(
        path,
        max_bytes=configured_limit("max_import_mb") if max_bytes is None else max_bytes,
        what="a Strong or Hevy CSV export",
        setting="max_import_mb",
    )


def _key(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:40]


def _bad_rows_error(name: str, invalid: list[RowProblem]) -> UsageError:
    """One line naming the first bad row and the line numbers of the next few."""
    first, rest = invalid[0], invalid[1:]
    more = ""
    if rest:
        lines = ", ".join(str(p.line) for p in rest[:5])
        more = f" (and {len(rest)} more bad rows: line{'s' if len(rest) > 1 else ''} {lines}"
        more += ", ...)" if len(rest) > 5 else ")"
    return UsageError(
        f"{name}: {first.message}{more}",
        hint="nothing was imported; fix the file or pass --skip-invalid",
    )


def import_workouts(
    session: Session,
    *,
    path: Path,
    athlete_id: int,
    weight_unit: str = "kg",
    skip_invalid: bool = False,
    max_bytes: int | None = None,
    checkpoint: Callable[[], None] | None = None,
    checkpoint_rows: int = 1000,
) -> ImportReport:
    """Import a Strong or Hevy CSV export for one athlete (see the module docstring).

    Every row is read and checked (like ``log add``) before the database is touched.
    ``checkpoint`` (e.g. :func:`thrustcoach.log.commit_and_yield`) is called between batches
    of ``checkpoint_rows`` new sets, so a long import lets other writers in between them; an
    import cut short that way keeps its batches, and running it again adds only the rest.
    ``max_bytes`` defaults to the ``max_import_mb`` setting.
    """
    if weight_unit not in ("kg", "lb"):
        raise UsageError(f"unknown weight unit {shorten(weight_unit)}", hint="use kg or lb")
    fmt, rows = read_rows(_read_text(path, max_bytes), weight_unit=weight_unit)
    report = ImportReport(source=f"{path.name} ({fmt})", rows=len(rows))
    report.invalid = [r for r in rows if isinstance(r, RowProblem)]
    if report.invalid and not skip_invalid:
        raise _bad_rows_error(path.name, report.invalid)
    get_athlete(session, athlete_id=athlete_id)
    planned = _plan_sets(session, rows=rows, fmt=fmt, athlete_id=athlete_id, report=report)
    writer = _BatchWriter(session, fmt=fmt, athlete_id=athlete_id, report=report)
    for start in range(0, len(planned), checkpoint_rows):
        if start and checkpoint is not None:
            checkpoint()
        writer.write(planned[start : start + checkpoint_rows])
    return report


@dataclass(frozen=True)
class _PlannedSet:
    row: RawRow
    variant: VariantId
    side: Side
    key: str  # the set's import key
    session_key: str  # the import key of its training session


def _plan_sets(
    session: Session,
    *,
    rows: list[RawRow | RowProblem],
    fmt: str,
    athlete_id: int,
    report: ImportReport,
) -> list[_PlannedSet]:
    """The rows that become new sets (ours, with a side, not imported before), in file order."""
    known = set(
        session.scalars(
            select(SetEntry.import_key).where(
                SetEntry.athlete_id == athlete_id, SetEntry.import_key.is_not(None)
            )
        )
    )
    variants: dict[str, tuple[VariantId, Side | None] | None] = {}
    planned = []
    for row in rows:
        if not isinstance(row, RawRow):
            continue
        mapped = _mapped(row, report, variants)
        if mapped is None:
            continue
        started = row.started_at.isoformat()
        key = _key(fmt, started, row.exercise, row.set_order, row.kind, row.load_kg, row.reps)
        if key in known:
            report.duplicates += 1
            continue
        known.add(key)
        session_key = _key(fmt, started, row.workout)
        planned.append(_PlannedSet(row, mapped[0], mapped[1], key, session_key))
    return planned


class _BatchWriter:
    """Writes planned sets a batch at a time: their new sessions (one flush), then the sets
    in one multi-row INSERT. Remembers sessions and the next set order across batches."""

    def __init__(self, session: Session, *, fmt: str, athlete_id: int, report: ImportReport):
        self.session, self.fmt, self.athlete_id, self.report = session, fmt, athlete_id, report
        self.session_ids: dict[str, int] = {}
        self.next_order: dict[int, int] = {}

    def _session_ids(self, batch: list[_PlannedSet]) -> None:
        wanted = {p.session_key for p in batch} - self.session_ids.keys()
        if not wanted:
            return
        found = self.session.execute(
            select(TrainingSession.import_key, TrainingSession.id).where(
                TrainingSession.athlete_id == self.athlete_id,
                TrainingSession.import_key.in_(wanted),
            )
        ).all()
        for import_key, session_id in found:
            self.session_ids[str(import_key)] = session_id
            last = self.session.scalar(
                select(func.max(SetEntry.order_index)).where(SetEntry.session_id == session_id)
            )
            self.next_order[session_id] = (last or 0) + 1
        new: dict[str, TrainingSession] = {}
        for p in batch:
            if p.session_key in self.session_ids or p.session_key in new:
                continue
            row = p.row
            notes = f"{row.workout}: {row.workout_notes}" if row.workout_notes else row.workout
            new[p.session_key] = TrainingSession(
                athlete_id=self.athlete_id,
                performed_on=row.started_at.date(),
                notes=notes or None,
                source=self.fmt,
                import_key=p.session_key,
            )
        self.session.add_all(new.values())
        self.session.flush()
        for key, parent in new.items():
            self.session_ids[key] = parent.id
            self.next_order[parent.id] = 1
        self.report.sessions_created += len(new)

    def write(self, batch: list[_PlannedSet]) -> None:
        self._session_ids(batch)
        values = []
        for p in batch:
            session_id = self.session_ids[p.session_key]
            order = self.next_order[session_id]
            self.next_order[session_id] = order + 1
            values.append(
                {
                    "athlete_id": self.athlete_id,
                    "session_id": session_id,
                    "variant": p.variant.value,
                    "side": p.side.value,
                    "order_index": order,
                    "reps": p.row.reps,
                    "load_kg": p.row.load_kg,
                    "rpe": p.row.rpe,
                    "notes": p.row.notes or None,
                    "import_key": p.key,
                }
            )
        if values:
            self.session.execute(insert(SetEntry), values)
        self.report.imported += len(values)


def _mapped(
    row: RawRow, report: ImportReport, cache: dict[str, tuple[VariantId, Side | None] | None]
) -> tuple[VariantId, Side] | None:
    """Our variant and side for a row, or None (counted in the report as why not)."""
    if row.kind in ("warmup", "rest"):
        report.warmups_skipped += 1
        return None
    if row.exercise not in cache:
        cache[row.exercise] = match_variant(row.exercise)
    found = cache[row.exercise]
    if found is None:
        report.unknown_exercises[row.exercise] += 1
        return None
    variant, named = found
    if variant in (VariantId.HIP_THRUST, VariantId.GLUTE_BRIDGE):
        return variant, Side.BOTH
    side = named or detect_side(row.notes)
    if side is None:
        report.missing_side.append(
            RowProblem(
                row.line,
                f"{shorten(row.exercise)} is single-leg but names no side "
                "(add '(Left)'/'(Right)' to the exercise name or notes)",
            )
        )
        return None
    return variant, side
