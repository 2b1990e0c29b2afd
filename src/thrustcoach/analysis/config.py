"""Typed, frozen views of the analysis data files (``analysis/data/*.toml``)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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


class GridConfig(_Frozen):
    rate_hz: float = Field(gt=0, le=240)


class FilteringConfig(_Frozen):
    max_gap_s: float = Field(ge=0)
    min_visibility: float = Field(ge=0, le=1)
    position_sigma_s: float = Field(gt=0)
    position_truncate_sd: float = Field(default=3.0, ge=1.0, le=4.0)
    min_weight: float = Field(gt=0, le=1)


class ViewConfig(_Frozen):
    width_to_torso: float
    side_max_yaw_deg: float
    front_min_yaw_deg: float


class ExerciseConfig(_Frozen):
    upright_min: float
    bench_min_shoulder_height_shins: float
    single_leg_min_ankle_gap_shins: float


class LegsConfig(_Frozen):
    swap_ratio: float = Field(gt=0, lt=1)
    swap_min_jump_shins: float = Field(ge=0)
    max_swap_s: float = Field(gt=0)
    swap_home_s: float = Field(default=0.0, ge=0)
    still_radius_shins: float = Field(gt=0)
    excursion_s: float = Field(ge=0)
    tie_s: float = Field(ge=0)
    before_peak_s: float = Field(ge=0)
    slack_s: float = Field(ge=0)
    history_s: float = Field(gt=0)


class RepsConfig(_Frozen):
    min_range_deg: float = Field(gt=0)
    min_hip_rise_shins: float = Field(ge=0)
    speed_fraction: float = Field(gt=0, lt=1)
    speed_sigma_s: float = Field(gt=0)
    speed_truncate_sd: float = Field(default=3.0, ge=1.0, le=4.0)
    fit_windows_s: tuple[float, ...] = Field(min_length=1)
    fit_polyorder: int = Field(ge=1, le=6)
    split_dip_deg: float = Field(ge=0)
    noise_factor: float = Field(gt=0)
    gap_close_s: float = Field(ge=0)
    movement_shape_k: tuple[float, float] | None = None
    settle_s: float = Field(ge=0)
    complete_fraction: float = Field(gt=0, lt=1)
    min_drop_share: float = Field(ge=0, lt=1)
    settle_noise_ratio: float = Field(ge=0)
    noisy_settle_s: float = Field(ge=0)
    settled_near_bottom_share: float = Field(ge=0, lt=1)
    settle_fraction: float = Field(gt=0, lt=1)
    max_settle_s: float = Field(gt=0)
    lift_speed_floor: float = Field(ge=0)
    edge_peak_tolerance_deg: float = Field(ge=0)
    min_rise_share: float = Field(ge=0, lt=1)
    set_gap_s: float = Field(gt=0)
    break_s: float = Field(gt=0)
    view_lock_s: float = Field(ge=0)
    view_margin_deg: float = Field(ge=0)
    view_wait_s: float = Field(ge=0)

    @field_validator("movement_shape_k")
    @classmethod
    def _shape_k_range(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not 1.0 < v[0] <= v[1]:
            raise ValueError("movement_shape_k needs 1 < low <= high, e.g. [1.5, 6.0]")
        return v


class OcclusionConfig(_Frozen):
    seen_visibility: float = Field(ge=0, le=1)
    min_seen_share: float = Field(ge=0, le=1)
    max_jitter_shins: float = Field(gt=0)
    hidden_min_range_deg: float = Field(default=20.0, gt=0)


class KneeConfig(_Frozen):
    yaw_leak_bench: float = Field(ge=0, le=2)
    yaw_leak_floor: float = Field(ge=0, le=2)


class TempoConfig(_Frozen):
    pause_s: float = Field(ge=0)
    lowering_s: float = Field(ge=0)


class AnalysisConfig(_Frozen):
    grid: GridConfig
    filtering: FilteringConfig
    view: ViewConfig
    exercise: ExerciseConfig
    legs: LegsConfig
    reps: RepsConfig
    occlusion: OcclusionConfig
    tempo: TempoConfig
    knee: KneeConfig


class AngleDef(_Frozen):
    """A joint angle: three chain points; ``signed`` angles exceed 180 past the line."""

    name: str
    chain: Literal["work", "free"]
    points: tuple[str, str, str]
    signed: bool


class Condition(_Frozen):
    """A second metric a rule also needs: below ``below`` (a share of the prescribed tempo
    when ``of_prescribed`` is set)."""

    metric: str
    below: float
    of_prescribed: Literal["pause", "lowering"] | None = None


class FaultRule(_Frozen):
    """A rep has ``code`` when ``metric`` is below ``below`` or above ``above`` (and, if
    given, the ``when`` condition holds). Several rules may name the same code."""

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
    when: Condition | None = None


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
