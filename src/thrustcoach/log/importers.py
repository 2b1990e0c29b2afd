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

from thrustcoach.errors import InputFileError, ThrustCoachError, UnsupportedFormatError
from thrustcoach.log.values import parse_load_kg

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
    line: int
    started_at: dt.datetime
    workout: str
    exercise: str
    set_order: str
    load_kg: Decimal
    reps: int
    rpe: str
    notes: str
    workout_notes: str
    kind: str  # "normal" | "warmup" | "dropset" | "failure" | "rest"


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


def _parse_dt(text: str, line: int) -> dt.datetime:
    cleaned = re.sub(r"[\u202f\u00a0]", " ", text.strip())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    raise ValueError(f"line {line}: cannot read the date {text!r}")


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
        + ", ".join(sorted(names))[:120]
        + ")",
        hint="export from Strong (Settings > Export data) or Hevy (Settings > Export data)",
    )


def read_rows(
    text: str, *, weight_unit: str = "kg"
) -> tuple[ImportFormat, list[RawRow | RowProblem]]:
    """Parse an export; each data line becomes a RawRow or a RowProblem (bad value)."""
    reader = csv.DictReader(io.StringIO(text), dialect=_sniff(text))
    if reader.fieldnames is None:
        raise InputFileError("the CSV file is empty", hint="export your workouts again")
    reader.fieldnames = [f.strip() for f in reader.fieldnames]
    fmt = detect_format(reader.fieldnames)
    rows = _strong(reader, weight_unit) if fmt == "strong" else _hevy(reader)
    return fmt, list(rows)


def _strong(reader: csv.DictReader[str], weight_unit: str) -> Iterator[RawRow | RowProblem]:
    for row in reader:
        line = reader.line_num
        order = (row.get("Set Order") or "").strip()
        kind = {"W": "warmup", "D": "dropset", "F": "failure"}.get(order.upper(), "normal")
        if order.lower().startswith("rest"):
            kind = "rest"
        try:
            yield RawRow(
                line=line,
                started_at=_parse_dt(row.get("Date") or "", line),
                workout=(row.get("Workout Name") or "").strip(),
                exercise=(row.get("Exercise Name") or "").strip(),
                set_order=order,
                load_kg=_load(row.get("Weight"), row.get("Weight Unit") or weight_unit, line)
                if kind != "rest"
                else Decimal(0),
                reps=_reps(row.get("Reps"), line) if kind != "rest" else 0,
                rpe=(row.get("RPE") or "").strip(),
                notes=(row.get("Notes") or "").strip(),
                workout_notes=(row.get("Workout Notes") or "").strip(),
                kind=kind,
            )
        except ValueError as exc:
            yield RowProblem(line, str(exc))


def _hevy(reader: csv.DictReader[str]) -> Iterator[RawRow | RowProblem]:
    unit = "kg" if "weight_kg" in (reader.fieldnames or []) else "lb"
    column = "weight_kg" if unit == "kg" else "weight_lbs"
    for row in reader:
        line = reader.line_num
        kind = (row.get("set_type") or "normal").strip().lower() or "normal"
        try:
            yield RawRow(
                line=line,
                started_at=_parse_dt(row.get("start_time") or "", line),
                workout=(row.get("title") or "").strip(),
                exercise=(row.get("exercise_title") or "").strip(),
                set_order=(row.get("set_index") or "").strip(),
                load_kg=_load(row.get(column), unit, line),
                reps=_reps(row.get("reps"), line),
                rpe=(row.get("rpe") or "").strip(),
                notes=(row.get("exercise_notes") or "").strip(),
                workout_notes=(row.get("description") or "").strip(),
                kind=kind,
            )
        except ValueError as exc:
            yield RowProblem(line, str(exc))


def _load(value: str | None, unit: str, line: int) -> Decimal:
    unit = {"lbs": "lb", "kgs": "kg"}.get(unit.strip().lower(), unit.strip().lower())
    try:
        return parse_load_kg(value, unit=unit)
    except ThrustCoachError as exc:
        raise ValueError(f"line {line}: {exc}") from None


def _reps(value: str | None, line: int) -> int:
    text = (value or "").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"line {line}: reps {value!r} is not a number") from None
    if number < 0 or number != int(number):
        raise ValueError(f"line {line}: reps {value!r} must be a whole number >= 0")
    return int(number)
