"""The analytics tunables (analytics.toml) as a frozen typed object."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from thrustcoach.errors import DataError

__all__ = ["AnalyticsSettings", "RepRange", "load_analytics_settings"]

_Frozen = ConfigDict(frozen=True, extra="forbid")


class BodyMassSettings(BaseModel):
    model_config = _Frozen
    share: Decimal = Field(ge=0, le=1)


class E1rmSettings(BaseModel):
    model_config = _Frozen
    formula: Literal["epley", "brzycki"]
    max_reps: int = Field(ge=1, le=30)


class TempoSettings(BaseModel):
    model_config = _Frozen
    concentric_s: float = Field(gt=0)
    default_pause_s: float = Field(ge=0)
    default_lowering_s: float = Field(gt=0)


class RepRange(BaseModel):
    model_config = _Frozen
    label: str
    low: int = Field(ge=1)
    high: int = Field(ge=1)


class SymmetrySettings(BaseModel):
    model_config = _Frozen
    threshold_pct: float = Field(gt=0, le=100)
    weeks_below: int = Field(ge=1)
    level_band_pct: float = Field(ge=0, le=20)
    steady_slope_pct_per_week: float = Field(ge=0)


class FormSettings(BaseModel):
    model_config = _Frozen
    max_peak_hip_angle_drop_deg: float = Field(gt=0)
    max_pause_drop_s: float = Field(gt=0)
    max_shin_angle_change_deg: float = Field(gt=0)


class SummarySettings(BaseModel):
    model_config = _Frozen
    near_failure_rpe: float = Field(ge=1, le=10)


class AnalyticsSettings(BaseModel):
    model_config = _Frozen
    body_mass: BodyMassSettings
    e1rm: E1rmSettings
    tempo: TempoSettings
    rep_range: tuple[RepRange, ...]
    symmetry: SymmetrySettings
    form: FormSettings
    summary: SummarySettings

    @model_validator(mode="after")
    def _ranges_do_not_overlap(self) -> AnalyticsSettings:
        ordered = sorted(self.rep_range, key=lambda r: r.low)
        for a, b in pairwise(ordered):
            if a.high >= b.low or a.low > a.high:
                raise ValueError(f"rep ranges {a.label} and {b.label} overlap")
        return self


@cache
def load_analytics_settings() -> AnalyticsSettings:
    text = resources.files("thrustcoach.log").joinpath("analytics.toml").read_text("utf-8")
    try:
        return AnalyticsSettings.model_validate(tomllib.loads(text))
    except (ValidationError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"log/analytics.toml is invalid: {exc}") from exc
