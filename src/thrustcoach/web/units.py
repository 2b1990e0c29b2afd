"""Loads in the user's unit: stored in kg, shown and typed in kg or lb (``users.weight_unit``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from thrustcoach.log.values import LB_TO_KG

__all__ = ["UNITS", "Units"]

UNITS = ("kg", "lb")
_HAS_UNIT = re.compile(r"[a-z#]\s*$", re.IGNORECASE)
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Units:
    unit: str = "kg"

    @property
    def label(self) -> str:
        return self.unit

    def value(self, kg: Decimal | float | None) -> Decimal | None:
        """``kg`` in this unit, to 0.1 (None stays None)."""
        if kg is None:
            return None
        number = Decimal(str(kg))
        if self.unit == "lb":
            number = number / LB_TO_KG
        return number.quantize(_TENTH, rounding=ROUND_HALF_UP)

    def number(self, kg: Decimal | float | None) -> str:
        """For an input field: '12.5', '49.6' ('' for None)."""
        value = self.value(kg)
        return "" if value is None else f"{value.normalize():f}"

    def load(self, kg: Decimal | float | None, *, zero: str = "bodyweight") -> str:
        """'12.5 kg' / '27.6 lb'; 0 or None reads ``zero``."""
        if kg is None or Decimal(str(kg)) == 0:
            return zero
        return f"{self.number(kg)} {self.unit}"

    def typed(self, text: str | None) -> str | None:
        """What the user typed, with this unit added when they gave none ('25' -> '25 lb')."""
        if text is None or not text.strip():
            return text
        text = text.strip()
        return text if _HAS_UNIT.search(text) else f"{text} {self.unit}"
