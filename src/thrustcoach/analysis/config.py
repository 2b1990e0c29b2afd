"""Typed, frozen views of the analysis data files (``analysis/data/*.toml``)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from thrustcoach.errors import DataError
from thrustcoach.vocab import FaultCode

__all__ = [
    "AnalysisConfig",
    "AngleDef",
    "FaultRule",
    "load_angle_defs",
    "load_config",
    "load_fault_rules",
]

View = Literal["side", "oblique", "front"]
M = TypeVar("M", bound=BaseModel)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ButterworthConfig(_Frozen):
    order: int = Field(ge=1, le=8)
    cutoff_hz: float = Field(gt=0)


class SavgolConfig(_Frozen):
    window_s: float = Field(gt=0)
    polyorder: int = Field(ge=1, le=5)


class FilteringConfig(_Frozen):
    min_rate_hz: float
    max_rate_hz: float
    max_gap_s: float
    min_visibility: float
    type: Literal["butterworth", "savgol", "none"]
    butterworth: ButterworthConfig
    savgol: SavgolConfig


class ViewConfig(_Frozen):
    width_to_torso: float
    side_max_yaw_deg: float
    front_min_yaw_deg: float


class ExerciseConfig(_Frozen):
    upright_min: float
    bench_min_shoulder_height_shins: float
    single_leg_min_ankle_gap_shins: float


class SidesConfig(_Frozen):
    planted_margin_shins: float


class RepsConfig(_Frozen):
    min_range_deg: float
    min_rep_interval_s: float
    speed_fraction: float = Field(gt=0, lt=1)
    phase_cutoff_hz: float = Field(gt=0)
    gap_close_s: float = Field(ge=0)
    bottom_band_deg: float = Field(gt=0)
    bottom_band_s: float = Field(gt=0)
    edge_peak_tolerance_deg: float
    min_rise_share: float = Field(ge=0, lt=1)
    set_gap_s: float


class KneeConfig(_Frozen):
    yaw_leak_bench: float = Field(ge=0, le=2)
    yaw_leak_floor: float = Field(ge=0, le=2)


class TempoConfig(_Frozen):
    pause_s: float = Field(ge=0)
    lowering_s: float = Field(ge=0)


class AnalysisConfig(_Frozen):
    filtering: FilteringConfig
    view: ViewConfig
    exercise: ExerciseConfig
    sides: SidesConfig
    reps: RepsConfig
    tempo: TempoConfig
    knee: KneeConfig


class AngleDef(_Frozen):
    """A joint angle: three chain points; ``signed`` angles exceed 180 past the line."""

    name: str
    chain: Literal["work", "free"]
    points: tuple[str, str, str]
    signed: bool


class FaultRule(_Frozen):
    """A rep has ``code`` when ``metric`` is below ``below`` or above ``above``."""

    code: FaultCode
    metric: str
    below: float | None = None
    above: float | None = None
    floor_below: float | None = None
    floor_above: float | None = None
    of_prescribed: Literal["pause", "lowering"] | None = None
    views: tuple[View, ...]
    single_leg_only: bool = False
    unless: tuple[FaultCode, ...] = ()  # skipped when the rep already has one of these


def _load(name: str) -> dict[str, Any]:
    text = resources.files("thrustcoach.analysis").joinpath("data", name).read_text("utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"analysis/data/{name} is not valid TOML: {exc}") from exc


def _validate(model: type[M], data: Any, name: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DataError(f"analysis/data/{name}: {where}: {first['msg']}") from exc


@lru_cache(maxsize=1)
def load_config() -> AnalysisConfig:
    """The stage tunables from ``analysis.toml`` (cached)."""
    return _validate(AnalysisConfig, _load("analysis.toml"), "analysis.toml")


@lru_cache(maxsize=1)
def load_angle_defs() -> tuple[AngleDef, ...]:
    raw = _load("angles.toml").get("angles", {})
    return tuple(_validate(AngleDef, {"name": k, **v}, "angles.toml") for k, v in raw.items())


@lru_cache(maxsize=1)
def load_fault_rules() -> tuple[FaultRule, ...]:
    raw = _load("faults.toml").get("rules", [])
    return tuple(_validate(FaultRule, r, "faults.toml") for r in raw)
