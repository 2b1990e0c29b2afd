"""The analysis result: frozen pydantic models and the JSON shape of ``analyze --json``.

``AnalysisResult.to_json_dict()`` returns the documented shape (schema_version 1); fields
beyond it are additions, never renames. Times in seconds from the first analysed frame.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from thrustcoach.vocab import Exercise, FaultCode, Side

__all__ = [
    "AnalysisOptions",
    "AnalysisResult",
    "Curves",
    "FaultFinding",
    "InputInfo",
    "MetricStats",
    "RepResult",
    "SetResult",
    "Summary",
]

SCHEMA_VERSION = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AnalysisOptions(_Frozen):
    """How to analyse: forced exercise (None = recognise it), prescribed tempo, source info."""

    exercise: Exercise | None = None
    pause_s: float | None = Field(default=None, ge=0, le=30)
    lowering_s: float | None = Field(default=None, ge=0, le=30)
    source_path: str | None = None
    source_kind: Literal["landmarks", "video"] = "landmarks"


class FaultFinding(_Frozen):
    code: FaultCode
    value: float
    threshold: float
    cue: str
    title: str = ""


class RepResult(_Frozen):
    index: int
    side: Side
    start_s: float
    top_s: float
    pause_end_s: float
    end_s: float
    concentric_s: float | None  # None when the recording began during the lift
    pause_s: float | None  # None when the recording began during the top pause
    eccentric_s: float | None  # None when the recording ended during the lowering
    peak_hip_angle_deg: float | None
    bottom_hip_angle_deg: float | None
    range_of_motion_deg: float | None
    knee_angle_top_deg: float | None
    shin_angle_top_deg: float | None
    pelvic_rotation_deg: float | None = None
    knee_cave_ratio: float | None = None
    free_leg_motion_deg: float | None = None
    bottom_turnaround_s: float | None = None  # rest at the bottom before the next lift
    braking_s: float | None = None  # how long the hips take to stop at the bottom
    partial: bool = False
    faults: tuple[FaultFinding, ...] = ()


class SetResult(_Frozen):
    side: Side
    start_s: float
    end_s: float
    reps: tuple[RepResult, ...]


class MetricStats(_Frozen):
    mean: float
    sd: float
    first: float
    last: float
    drift: float  # last rep minus first rep: form must hold before load goes up


class Summary(_Frozen):
    rep_count: dict[Side, int]
    faults: dict[FaultCode, int]
    metrics: dict[str, MetricStats] = Field(default_factory=dict)
    left_minus_right: dict[str, float] = Field(default_factory=dict)


class InputInfo(_Frozen):
    path: str
    kind: Literal["landmarks", "video"]
    frames: int
    duration_s: float
    fps: float


class Curves(_Frozen):
    """Filtered signals on the uniform analysis grid (for plots; not in the JSON)."""

    time_s: tuple[float, ...]
    hip_angle_deg: tuple[float, ...]
    knee_angle_deg: tuple[float, ...]


class AnalysisResult(_Frozen):
    schema_version: int = SCHEMA_VERSION
    input: InputInfo
    exercise: Exercise
    view: Literal["side", "oblique", "front"]
    facing: str
    sets: tuple[SetResult, ...]
    summary: Summary
    warnings: tuple[str, ...]
    prescribed_pause_s: float
    prescribed_lowering_s: float
    curves: Curves | None = Field(default=None, exclude=True)

    @property
    def reps(self) -> tuple[RepResult, ...]:
        return tuple(r for s in self.sets for r in s.reps)

    def to_json_dict(self) -> dict[str, Any]:
        """The ``--json`` document (plain JSON types)."""
        data = self.model_dump(mode="json")
        counts = {s.value: self.summary.rep_count.get(s, 0) for s in Side}
        data["summary"]["rep_count"] = counts
        return data
