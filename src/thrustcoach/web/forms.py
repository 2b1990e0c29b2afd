"""Turning HTML form fields into the typed values the service layer takes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.datastructures import FormData

from thrustcoach.errors import UsageError
from thrustcoach.log.repo import SET_FIELDS

__all__ = ["FLAG_FIELDS", "SET_FORM_FIELDS", "optional_bool", "parse_date", "set_values_from_form"]

FLAG_FIELDS = ("bench_contact", "pelvis_level", "full_range", "pain")
# The set form's text fields: the log's own list minus the check boxes and the order (set by
# the log). Text stays text: the log's repo validates and converts.
SET_FORM_FIELDS = tuple(f for f in SET_FIELDS if f not in (*FLAG_FIELDS, "order_index"))
MAX_NOTES_CHARS = 2000


def _text(form: FormData, key: str) -> str | None:
    value = form.get(key)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def optional_bool(value: str | None) -> bool | None:
    """'yes'/'no'/'' from a select -> True/False/None (not recorded)."""
    if value in (None, ""):
        return None
    if value in ("yes", "true", "on", "1"):
        return True
    if value in ("no", "false", "0"):
        return False
    raise UsageError(f"expected yes or no, got {value!r}")


def parse_date(value: str | None, *, default: dt.date | None = None) -> dt.date:
    if not value:
        if default is None:
            raise UsageError("a date is required", hint="use the form YYYY-MM-DD")
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{value!r} is not a date", hint="use the form YYYY-MM-DD") from None


def set_values_from_form(form: FormData) -> dict[str, Any]:
    """Set fields for ``thrustcoach.log`` from a submitted set form (empty -> not recorded)."""
    values: dict[str, Any] = {key: _text(form, key) for key in SET_FORM_FIELDS}
    if values["notes"] and len(values["notes"]) > MAX_NOTES_CHARS:
        raise UsageError(f"notes are limited to {MAX_NOTES_CHARS} characters")
    for key in FLAG_FIELDS:
        values[key] = optional_bool(_text(form, key))
    if values["reps"] is None:
        raise UsageError("reps is required", hint="enter how many reps you did (0 if none)")
    return values
