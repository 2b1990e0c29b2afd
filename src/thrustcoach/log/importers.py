"""Readers for the CSV exports of Strong and Hevy, into one neutral row type.

Strong (iOS/Android), two layouts seen in the wild:

* older: ``Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;
  Distance Unit;Seconds;Notes;Workout Notes;Workout Duration`` (semicolons, unit per row);
* newer: ``Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,
  Notes,Workout Notes,RPE`` (commas or semicolons; the weight is in the unit the app is set
  to, which the file does not say: pass ``weight_unit``). ``Set Order`` may be ``W`` (warm-up),
  ``D`` (drop set) or ``Rest Timer``; dates look like ``2024-01-15 07:32:10`` or
  ``2024-01-15 7:32:10 AM``.

Hevy: ``title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,
set_index,set_type,weight_kg|weight_lbs,reps,distance_km|distance_miles,duration_seconds,rpe``
with ``start_time`` like ``15 Jan 2024, 07:32`` and ``set_type`` normal/warmup/failure/dropset.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from thrustcoach.errors import (
    InputFileError,
    ThrustCoachError,
    UnsupportedFormatError,
    UsageError,
)
from thrustcoach.log.repo import check_set_values
from thrustcoach.log.values import check_training_day, parse_load_kg
from thrustcoach.text import shorten, strip_controls

__all__ = ["ImportFormat", "RawRow", "RowProblem", "detect_format", "read_rows"]

ImportFormat = str  # "strong" | "hevy"

STRONG_REQUIRED = {"Date", "Workout Name", "Exercise Name", "Set Order", "Weight", "Reps"}
HEVY_REQUIRED = {"title", "start_time", "exercise_title", "set_index", "set_type", "reps"}
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d %b %Y, %H:%M",
    "%d %b %Y %H:%M",
    "%b %d, %Y, %I:%M %p",
    "%Y-%m-%dT%H:%M:%S",
)


@dataclass(frozen=True)
class RawRow:
    """One exported set, its values checked like ``log add`` checks them."""

    line: int
    started_at: dt.datetime
    workout: str
    exercise: str
    set_order: str
    load_kg: Decimal
    reps: int
    rpe: Decimal | None
    notes: str
    workout_notes: str
    kind: str  # "normal" | "warmup" | "dropset" | "failure" | "rest"


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


def _parse_dt(text: str) -> dt.datetime:
    cleaned = re.sub(r"[\u202f\u00a0]", " ", text.strip())
    for fmt in _DATE_FORMATS:
        try:
            when = dt.datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        check_training_day(when.date())
        return when
    raise UsageError(f"cannot read the date {shorten(text)}")


def _sniff(text: str) -> csv.Dialect | type[csv.Dialect]:
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def detect_format(header: list[str]) -> ImportFormat:
    names = {h.strip() for h in header}
    if names >= STRONG_REQUIRED:
        return "strong"
    if names >= HEVY_REQUIRED and ({"weight_kg", "weight_lbs"} & names):
        return "hevy"
    raise UnsupportedFormatError(
        "the CSV is neither a Strong nor a Hevy export (header: "
        + strip_controls(", ".join(sorted(names)))[:120]
        + ")",
        hint="export from Strong (Settings > Export data) or Hevy (Settings > Export data)",
    )


def read_rows(
    text: str, *, weight_unit: str = "kg"
) -> tuple[ImportFormat, list[RawRow | RowProblem]]:
    """Parse an export; each data line becomes a RawRow or a RowProblem (bad value)."""
    reader = csv.DictReader(io.StringIO(text), dialect=_sniff(text))
    try:
        if reader.fieldnames is None:
            raise InputFileError("the CSV file is empty", hint="export your workouts again")
        reader.fieldnames = [f.strip() for f in reader.fieldnames]
        fmt = detect_format(reader.fieldnames)
        rows = _strong(reader, weight_unit) if fmt == "strong" else _hevy(reader)
        return fmt, list(rows)
    except csv.Error as exc:
        # NUL bytes, a quoted field that never ends, a field beyond the csv module's limit
        raise InputFileError(
            f"line {reader.line_num}: not a readable CSV line ({exc})",
            hint="export the CSV from the app again",
        ) from None


@dataclass(frozen=True)
class _Cells:
    """The cells of one exported set, as text, before checking."""

    when: str
    workout: str
    exercise: str
    set_order: str
    weight: str | None
    weight_unit: str
    reps: str | None
    rpe: str | None
    notes: str
    workout_notes: str
    kind: str


def _checked(line: int, cells: _Cells) -> RawRow | RowProblem:
    """The row with its values checked by the log's own rules (as ``log add``)."""
    try:
        started_at = _parse_dt(cells.when)
        values: dict[str, Any]
        if cells.kind == "rest":
            load, values = Decimal(0), {"reps": 0, "rpe": None, "notes": None}
        else:
            load = _load(cells.weight, cells.weight_unit)
            values = check_set_values(
                {
                    "reps": _required(cells.reps, "reps"),
                    "load_kg": load,
                    "rpe": (cells.rpe or "").strip() or None,
                    "notes": cells.notes or None,
                }
            )
    except ThrustCoachError as exc:
        return RowProblem(line, f"line {line}: {exc}")
    return RawRow(
        line=line,
        started_at=started_at,
        workout=cells.workout,
        exercise=cells.exercise,
        set_order=cells.set_order,
        load_kg=load,
        reps=values["reps"],
        rpe=values["rpe"],
        notes=cells.notes,
        workout_notes=cells.workout_notes,
        kind=cells.kind,
    )


def _text(row: dict[str, str | None], key: str) -> str:
    return (row.get(key) or "").strip()


def _strong(reader: csv.DictReader[str], weight_unit: str) -> Iterator[RawRow | RowProblem]:
    for row in reader:
        order = _text(row, "Set Order")
        kind = {"W": "warmup", "D": "dropset", "F": "failure"}.get(order.upper(), "normal")
        if order.lower().startswith("rest"):
            kind = "rest"
        cells = _Cells(
            when=_text(row, "Date"),
            workout=_text(row, "Workout Name"),
            exercise=_text(row, "Exercise Name"),
            set_order=order,
            weight=row.get("Weight"),
            weight_unit=_text(row, "Weight Unit") or weight_unit,
            reps=row.get("Reps"),
            rpe=row.get("RPE"),
            notes=_text(row, "Notes"),
            workout_notes=_text(row, "Workout Notes"),
            kind=kind,
        )
        yield _checked(reader.line_num, cells)


def _hevy(reader: csv.DictReader[str]) -> Iterator[RawRow | RowProblem]:
    unit = "kg" if "weight_kg" in (reader.fieldnames or []) else "lb"
    column = "weight_kg" if unit == "kg" else "weight_lbs"
    for row in reader:
        cells = _Cells(
            when=_text(row, "start_time"),
            workout=_text(row, "title"),
            exercise=_text(row, "exercise_title"),
            set_order=_text(row, "set_index"),
            weight=row.get(column),
            weight_unit=unit,
            reps=row.get("reps"),
            rpe=row.get("rpe"),
            notes=_text(row, "exercise_notes"),
            workout_notes=_text(row, "description"),
            kind=_text(row, "set_type").lower() or "normal",
        )
        yield _checked(reader.line_num, cells)


def _load(value: str | None, unit: str) -> Decimal:
    unit = {"lbs": "lb", "kgs": "kg"}.get(unit.strip().lower(), unit.strip().lower())
    return parse_load_kg(value, unit=unit)


def _required(value: str | None, name: str) -> str:
    text = (value or "").strip()
    if not text:
        raise UsageError(f"{name} is empty")
    return text
