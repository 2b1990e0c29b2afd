"""Parsing and checking of the values people type or other apps export: loads, sides, variants.

Loads: ``"12.5"``, ``"12,5"`` (decimal comma), ``"12.5 kg"``, ``"25 lb"`` / ``"25 lbs"``
(converted with 1 lb = 0.45359237 kg, rounded to 0.01 kg). Thousands separators, two decimal
marks, negative numbers, NaN and anything above 500 kg are rejected with a one-line message.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from thrustcoach.errors import DataError, UsageError
from thrustcoach.text import shorten
from thrustcoach.vocab import Side, VariantId

__all__ = [
    "EARLIEST_DAY",
    "LB_TO_KG",
    "MAX_LOAD_KG",
    "NameRules",
    "check_training_day",
    "detect_side",
    "load_name_rules",
    "match_variant",
    "parse_load_kg",
    "parse_side",
    "parse_variant",
]

LB_TO_KG = Decimal("0.45359237")
# Heavier than any single-leg (or bilateral) hip thrust on record: a typo, not a set.
MAX_LOAD_KG = Decimal("500")
_CENT = Decimal("0.01")
_LOAD_RE = re.compile(r"^\s*(?P<num>[+-]?\d+(?:[.,]\d+)?)\s*(?P<unit>kg|kgs|lb|lbs|#)?\s*$", re.I)


def parse_load_kg(
    value: str | int | float | Decimal | None, *, unit: str = "kg", what: str = "load"
) -> Decimal:
    """A load in kg as Decimal (0.01 kg). ``None``/empty means bodyweight only (0 kg).

    ``what`` names the value in messages (``"body mass"`` when a body mass is parsed).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0.00")
    shown = shorten(value)
    if isinstance(value, str):
        match = _LOAD_RE.match(value)
        if match is None:
            raise UsageError(
                f"cannot read the {what} {shown}",
                hint="write it as 12.5, 12,5, '12.5 kg' or '25 lb'",
            )
        number = Decimal(match["num"].replace(",", "."))
        unit = (match["unit"] or unit).lower()
    else:
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise UsageError(f"cannot read the {what} {shown}") from exc
    if not number.is_finite():
        raise UsageError(f"the {what} {shown} is not a number")
    if unit in ("lb", "lbs", "#"):
        number = number * LB_TO_KG
    elif unit not in ("kg", "kgs"):
        raise UsageError(f"unknown {what} unit {shorten(unit)}", hint="use kg or lb")
    if number < 0:
        hint = "use 0 for bodyweight sets" if what == "load" else None
        raise UsageError(f"the {what} {shown} is negative", hint=hint)
    # Compare before rounding: a 5,000-digit number has no 0.01 kg quantum to round to.
    if number > MAX_LOAD_KG:
        raise UsageError(f"the {what} {shown} is above {MAX_LOAD_KG} kg", hint="check the unit")
    return number.quantize(_CENT, rounding=ROUND_HALF_UP)


# Training logs start no earlier than this; a later day than a year ahead is a typo.
EARLIEST_DAY = dt.date(1990, 1, 1)
_DAYS_AHEAD = 366


def check_training_day(day: dt.date, *, what: str = "the date") -> dt.date:
    """``day`` if it can be a training day (1990 to a year from today), else UsageError."""
    latest = dt.date.today() + dt.timedelta(days=_DAYS_AHEAD)
    if not EARLIEST_DAY <= day <= latest:
        raise UsageError(
            f"{what} {day.isoformat()} is out of range",
            hint=f"use a day from {EARLIEST_DAY.isoformat()} to {latest.isoformat()}",
        )
    return day


def parse_side(value: str) -> Side:
    text = value.strip().lower()
    aliases = {"l": "left", "r": "right", "b": "both", "bilateral": "both"}
    try:
        return Side(aliases.get(text, text))
    except ValueError:
        raise UsageError(f"unknown side {shorten(value)}", hint="use left, right or both") from None


def parse_variant(value: str) -> VariantId:
    """A variant id, or a name the exercise-name rules understand ("single leg hip thrust")."""
    text = value.strip().lower().replace("-", "_")
    try:
        return VariantId(text)
    except ValueError:
        pass
    found = match_variant(value)
    if found is None:
        choices = ", ".join(v.value for v in VariantId)
        raise UsageError(f"unknown variant {shorten(value)}", hint=f"use one of: {choices}")
    return found[0]


class NameRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    variant: VariantId
    pattern: str


class NameRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    rule: tuple[NameRule, ...]
    single_leg_of: dict[VariantId, VariantId]


@cache
def load_name_rules() -> NameRules:
    text = resources.files("thrustcoach.log").joinpath("exercise_names.toml").read_text("utf-8")
    try:
        rules = NameRules.model_validate(tomllib.loads(text))
        for r in rules.rule:
            re.compile(r.pattern)
    except (ValueError, re.error) as exc:
        raise DataError(f"exercise_names.toml is invalid: {exc}") from exc
    return rules


# Side words: "(Left)", "left leg", "Left side", "L", "(R)"... Single letters only as whole
# words in the original spelling, so "SL" (single leg) is not read as left.
_SIDE_WORDS = {
    Side.LEFT: re.compile(r"\bleft(?:[- ](?:leg|side|glute))?\b|(?<![A-Za-z])L(?![A-Za-z])", re.I),
    Side.RIGHT: re.compile(
        r"\bright(?:[- ](?:leg|side|glute))?\b|(?<![A-Za-z])R(?![A-Za-z])", re.I
    ),
}


def detect_side(*texts: str | None) -> Side | None:
    """The side named in the texts (first text that names exactly one side wins)."""
    for text in texts:
        if not text:
            continue
        hits = [side for side, rx in _SIDE_WORDS.items() if _side_search(rx, text)]
        if len(hits) == 1:
            return hits[0]
    return None


def _side_search(rx: re.Pattern[str], text: str) -> bool:
    for m in rx.finditer(text):
        word = m.group(0)
        # A lone letter counts only when written as a capital ("L", "R"), not "l" in "1 l".
        if len(word) > 1 or word.isupper():
            return True
    return False


def match_variant(name: str) -> tuple[VariantId, Side | None] | None:
    """Our variant (and the side, if the name gives one) for an exercise name, or None."""
    side = detect_side(name)
    cleaned = name
    for rx in _SIDE_WORDS.values():
        cleaned = rx.sub(" ", cleaned)
    cleaned = re.sub(r"[()\[\]]", " ", cleaned).lower()
    rules = load_name_rules()
    for rule in rules.rule:
        if re.search(rule.pattern, cleaned):
            variant = rule.variant
            if side in (Side.LEFT, Side.RIGHT):
                variant = rules.single_leg_of.get(variant, variant)
            return variant, side
    return None
