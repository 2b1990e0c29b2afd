"""CSV export of the whole log, and import of Strong and Hevy exports.

Export writes one CSV per table (athletes, body_mass, plans, sessions, sets, analyses,
rep_metrics) into a folder; account tables (users, tokens) are never exported.

Import maps exercise names to our variants (exercise_names.toml) and reads the side from the
exercise name or its notes ("(Left)", "L", "left leg"). It never drops a row silently: unknown
exercises, warm-ups, single-leg sets without a side and bad values are all counted in the
:class:`ImportReport`. Rows with bad values (a load of "12 stone", negative reps) stop the whole
import unless ``skip_invalid`` is set, so a file is imported completely or not at all. Importing
the same file again adds nothing: every set carries a key made from its content.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from thrustcoach.errors import InputFileError, UsageError
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
MAX_IMPORT_BYTES = 50 * 1024 * 1024


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def export_csv(session: Session, *, out_dir: Path, athlete_id: int | None = None) -> list[Path]:
    """Write every log table as CSV into ``out_dir`` (only ``athlete_id``'s rows if given)."""
    if athlete_id is not None:
        get_athlete(session, athlete_id=athlete_id)
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


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise InputFileError(f"{path} is larger than 50 MB", hint="is it really a CSV export?")
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path} is not UTF-8 text", hint="export the CSV again") from exc
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from exc


def _key(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:40]


def import_workouts(
    session: Session,
    *,
    path: Path,
    athlete_id: int,
    weight_unit: str = "kg",
    skip_invalid: bool = False,
) -> ImportReport:
    """Import a Strong or Hevy CSV export for one athlete (see the module docstring)."""
    if weight_unit not in ("kg", "lb"):
        raise UsageError(f"unknown weight unit {weight_unit!r}", hint="use kg or lb")
    get_athlete(session, athlete_id=athlete_id)
    fmt, rows = read_rows(_read_text(path), weight_unit=weight_unit)
    report = ImportReport(source=f"{path.name} ({fmt})", rows=len(rows))
    report.invalid = [r for r in rows if isinstance(r, RowProblem)]
    if report.invalid and not skip_invalid:
        first = report.invalid[0]
        raise UsageError(
            f"{path.name}: {first.message}"
            + (
                f" (and {len(report.invalid) - 1} more bad rows)" if len(report.invalid) > 1 else ""
            ),
            hint="nothing was imported; fix the file or pass --skip-invalid",
        )
    state = _ImportState(
        fmt=fmt,
        athlete_id=athlete_id,
        report=report,
        known_keys=set(
            session.scalars(
                select(SetEntry.import_key).where(
                    SetEntry.athlete_id == athlete_id, SetEntry.import_key.is_not(None)
                )
            )
        ),
    )
    for row in rows:
        if isinstance(row, RawRow):
            _import_row(session, row, state)
    session.flush()
    return report


@dataclass
class _ImportState:
    """What one import remembers, so that each row costs no extra queries."""

    fmt: str
    athlete_id: int
    report: ImportReport
    known_keys: set[str | None]
    sessions: dict[str, TrainingSession] = field(default_factory=dict)
    next_order: dict[int, int] = field(default_factory=dict)


def _mapped(row: RawRow, report: ImportReport) -> tuple[VariantId, Side] | None:
    """Our variant and side for a row, or None (counted in the report as why not)."""
    if row.kind in ("warmup", "rest"):
        report.warmups_skipped += 1
        return None
    found = match_variant(row.exercise)
    if found is None:
        report.unknown_exercises[row.exercise] += 1
        return None
    variant, side = found
    if variant in (VariantId.HIP_THRUST, VariantId.GLUTE_BRIDGE):
        return variant, Side.BOTH
    side = side or detect_side(row.notes)
    if side is None:
        report.missing_side.append(
            RowProblem(
                row.line,
                f"{row.exercise!r} is single-leg but names no side "
                "(add '(Left)'/'(Right)' to the exercise name or notes)",
            )
        )
        return None
    return variant, side


def _import_row(session: Session, row: RawRow, state: _ImportState) -> None:
    mapped = _mapped(row, state.report)
    if mapped is None:
        return
    variant, side = mapped
    key = _key(
        state.fmt,
        row.started_at.isoformat(),
        row.exercise,
        row.set_order,
        row.kind,
        row.load_kg,
        row.reps,
    )
    if key in state.known_keys:
        state.report.duplicates += 1
        return
    state.known_keys.add(key)
    parent = _session_for(session, row, state)
    order = state.next_order[parent.id]
    state.next_order[parent.id] = order + 1
    session.add(
        SetEntry(
            athlete_id=state.athlete_id,
            session_id=parent.id,
            variant=variant.value,
            side=side.value,
            order_index=order,
            reps=row.reps,
            load_kg=row.load_kg,
            rpe=_rpe(row.rpe),
            notes=row.notes or None,
            import_key=key,
        )
    )
    state.report.imported += 1


def _session_for(session: Session, row: RawRow, state: _ImportState) -> TrainingSession:
    key = _key(state.fmt, row.started_at.isoformat(), row.workout)
    if key in state.sessions:
        return state.sessions[key]
    found = session.scalar(
        select(TrainingSession).where(
            TrainingSession.athlete_id == state.athlete_id, TrainingSession.import_key == key
        )
    )
    if found is None:
        found = TrainingSession(
            athlete_id=state.athlete_id,
            performed_on=row.started_at.date(),
            notes=(f"{row.workout}: {row.workout_notes}" if row.workout_notes else row.workout)
            or None,
            source=state.fmt,
            import_key=key,
        )
        session.add(found)
        session.flush()
        state.report.sessions_created += 1
    state.sessions[key] = found
    last = session.scalar(
        select(func.max(SetEntry.order_index)).where(SetEntry.session_id == found.id)
    )
    state.next_order[found.id] = (last or 0) + 1
    return found


def _rpe(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ".")) if text else None
    except ArithmeticError:
        return None
    return value if value is not None and 1 <= value <= 10 else None
