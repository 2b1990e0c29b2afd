"""Synthetic landmark series with ground truth, for tests and the accuracy benchmark.

A kinematic model of the hip thrust family (bench height, segment lengths, foot distance via
the shin angle at lockout, free leg bent or extended, tempo, reps per side, side switches) is
posed over time, projected through a pinhole camera (side, oblique or front, at a distance),
and spoiled the way pose tools spoil real video: pixel noise, uneven frame times, dropped
frames and left/right label swaps. Faults are injected in measured amounts (``faults``:
code -> magnitude, see :data:`FAULT_UNITS`). A squat and walking serve as negatives.

>>> synth = generate(SyntheticSet(reps_per_side=5, sides=(Side.LEFT, Side.RIGHT), seed=3))
>>> synth.truth.rep_count(Side.LEFT)
5
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.pose.synthetic_body import (
    Body,
    Camera,
    hip_angle_lookup,
    shoulder_height_m,
    thrust_top_geometry,
)
from thrustcoach.pose.synthetic_render import render
from thrustcoach.pose.synthetic_schedule import RepPlan, Schedule, build
from thrustcoach.vocab import Exercise, FaultCode, Side

__all__ = [
    "FAULT_UNITS",
    "Body",
    "Camera",
    "GroundTruth",
    "SyntheticResult",
    "SyntheticSet",
    "TruthRep",
    "generate",
]

# What the magnitude of each injected fault means.
FAULT_UNITS: Mapping[FaultCode, str] = {
    FaultCode.INCOMPLETE_LOCKOUT: "deg short of 180 at the top",
    FaultCode.OVEREXTENSION: "deg past 180 at the top",
    FaultCode.FOOT_TOO_FAR: "deg shin lean at the top (ankle away from the bench)",
    FaultCode.FOOT_TOO_CLOSE: "deg shin lean at the top (ankle toward the bench)",
    FaultCode.SHORT_PAUSE: "s of top pause",
    FaultCode.RUSHED_LOWERING: "s of lowering",
    FaultCode.BOUNCE: "unused (the lowering ends at full speed)",
    FaultCode.PARTIAL_DEPTH: "deg of range of motion left out at the bottom",
    FaultCode.PELVIC_ROTATION: "deg pelvis roll at the top",
    FaultCode.FREE_LEG_DRIVE: "deg free-thigh swing during the lift",
    FaultCode.KNEE_CAVE: "m inward knee travel at the top",
}


# Foot placement is set once per set: these faults hold for every rep whatever fault_reps says.
SET_LEVEL = frozenset({FaultCode.FOOT_TOO_FAR, FaultCode.FOOT_TOO_CLOSE})


@dataclass(frozen=True)
class SyntheticSet:
    """Everything that shapes one synthetic recording (defaults: a clean side-view set)."""

    motion: Literal["thrust", "squat", "walk"] = "thrust"
    exercise: Exercise = Exercise.SINGLE_LEG_HIP_THRUST
    sides: tuple[Side, ...] = (Side.RIGHT,)
    reps_per_side: int = 6
    concentric_s: float = 1.0
    pause_s: float = 1.0
    eccentric_s: float = 2.0
    bottom_s: float = 0.6
    switch_rest_s: float = 4.0
    lead_in_s: float = 1.0
    tail_s: float = 1.0
    start: Literal["bottom", "partway", "top"] = "bottom"
    end: Literal["bottom", "lowering"] = "bottom"
    bench_height_m: float = 0.42
    depth_deg: float | None = None  # range of motion below 180; default by bench/floor
    shin_angle_deg: float | None = None  # at lockout; default: knee at ~90 deg
    free_leg: Literal["bent", "extended"] = "bent"
    free_leg_raise_deg: float = 0.0  # extended leg: held this far above the torso's line
    faults: Mapping[FaultCode, float] = field(default_factory=dict)
    fault_reps: tuple[int, ...] | None = None  # rep indices that carry the faults; None = all
    body: Body = field(default_factory=Body)
    camera: Camera = field(default_factory=Camera)
    fps: float = 30.0
    fps_jitter: float = 0.0  # relative spread of frame intervals (variable frame rate)
    noise_px: float = 1.0
    dropout_rate: float = 0.0  # share of frames lost, in bursts
    swap_rate_per_min: float = 0.0  # left/right label swap episodes per minute
    far_noise_factor: float = 1.0  # extra jitter of the far side's points (side views)
    occlude_hips: bool = False  # a plate over the hips: hip points wander, low confidence
    seed: int = 0

    @property
    def single_leg(self) -> bool:
        return self.exercise in (Exercise.SINGLE_LEG_HIP_THRUST, Exercise.SINGLE_LEG_GLUTE_BRIDGE)

    @property
    def on_bench(self) -> bool:
        return self.exercise in (Exercise.SINGLE_LEG_HIP_THRUST, Exercise.HIP_THRUST)


@dataclass(frozen=True)
class TruthRep:
    """A rep as it was generated: phase times in the series' clock and injected faults."""

    index: int
    side: Side
    start_s: float
    top_s: float
    pause_end_s: float
    end_s: float
    partial_start: bool
    partial_end: bool
    faults: frozenset[FaultCode]

    @property
    def concentric_s(self) -> float:
        return self.top_s - self.start_s

    @property
    def pause_s(self) -> float:
        return self.pause_end_s - self.top_s

    @property
    def eccentric_s(self) -> float:
        return self.end_s - self.pause_end_s


@dataclass(frozen=True)
class GroundTruth:
    exercise: Exercise
    view: str
    reps: tuple[TruthRep, ...]
    fault_magnitudes: Mapping[FaultCode, float]

    def rep_count(self, side: Side) -> int:
        return sum(1 for r in self.reps if r.side is side)


@dataclass(frozen=True)
class SyntheticResult:
    series: LandmarkSeries
    truth: GroundTruth


def _view(camera: Camera) -> str:
    if camera.yaw_deg < 25:
        return "side"
    return "front" if camera.yaw_deg >= 65 else "oblique"


def _reachable(cfg: SyntheticSet) -> tuple[float, float]:
    """Hip angles the body can reach with this foot placement (the hips stop at the floor)."""
    ys = shoulder_height_m(cfg)
    theta, ankle = thrust_top_geometry(
        cfg.body, shoulder_y_m=ys, shin_angle_deg=cfg.shin_angle_deg or 0.0
    )
    table, _ = hip_angle_lookup(cfg.body, shoulder_y_m=ys, ankle=ankle, theta_top=theta)
    return float(table[0]) + 1.0, float(table[-1]) - 1.0


def _plans(cfg: SyntheticSet) -> list[RepPlan]:
    depth = cfg.depth_deg if cfg.depth_deg is not None else (75.0 if cfg.on_bench else 50.0)
    lowest, highest = _reachable(cfg)
    sides = cfg.sides if cfg.single_leg else (Side.BOTH,)
    n_total = cfg.reps_per_side * len(sides)
    chosen = set(range(n_total)) if cfg.fault_reps is None else set(cfg.fault_reps)
    plans = []
    for i in range(n_total):
        f = {c: m for c, m in cfg.faults.items() if i in chosen or c in SET_LEVEL}
        if FaultCode.BOUNCE in f and (i + 1) % cfg.reps_per_side == 0:
            f.pop(FaultCode.BOUNCE)  # the last rep of a side has nothing to bounce into
        peak = (
            180.0 - f.get(FaultCode.INCOMPLETE_LOCKOUT, 0.0) + f.get(FaultCode.OVEREXTENSION, 0.0)
        )
        plans.append(
            RepPlan(
                side=sides[i // cfg.reps_per_side],
                bottom_deg=max(180.0 - depth, lowest) + f.get(FaultCode.PARTIAL_DEPTH, 0.0),
                peak_deg=min(peak, highest),
                concentric_s=cfg.concentric_s,
                pause_s=f.get(FaultCode.SHORT_PAUSE, cfg.pause_s),
                eccentric_s=f.get(FaultCode.RUSHED_LOWERING, cfg.eccentric_s),
                bottom_s=cfg.bottom_s,
                bounce=FaultCode.BOUNCE in f,
                faults=frozenset(f),
            )
        )
    return plans


def _set_level_faults(cfg: SyntheticSet) -> SyntheticSet:
    """Foot placement is a set-level fault: it moves the foot for every rep."""
    shin = cfg.shin_angle_deg
    if shin is None:
        shin = 0.0 if cfg.on_bench else 26.0  # on the floor the thigh slopes up ~26 deg
    shin += cfg.faults.get(FaultCode.FOOT_TOO_FAR, 0.0) - cfg.faults.get(
        FaultCode.FOOT_TOO_CLOSE, 0.0
    )
    return replace(cfg, shin_angle_deg=shin)


def _clock(cfg: SyntheticSet, sch: Schedule, rng: np.random.Generator) -> tuple[float, float]:
    """Start and end of the recording on the schedule's time axis."""
    first, last = sch.phase_times[0], sch.phase_times[-1]
    start = {
        "bottom": 0.0,
        "partway": first[0] + 0.45 * (first[1] - first[0]),
        "top": first[1] + 0.3 * (first[2] - first[1]),
    }[cfg.start]
    end = sch.end_s if cfg.end == "bottom" else last[2] + 0.5 * (last[3] - last[2])
    return start + rng.uniform(0, 0.05), end


def _truth(
    cfg: SyntheticSet, sch: Schedule, plans: list[RepPlan], start: float, end: float
) -> GroundTruth:
    reps: list[TruthRep] = []
    for p, (s, top, pe, e) in zip(plans, sch.rule_times, strict=True):
        if top > end:
            break  # the lockout was never reached on camera
        reps.append(
            TruthRep(
                index=len(reps),
                side=p.side,
                start_s=s - start,
                top_s=top - start,
                pause_end_s=pe - start,
                end_s=min(e, end) - start,
                partial_start=s < start,
                partial_end=e > end,
                faults=p.faults,
            )
        )
    mags = {} if cfg.motion != "thrust" else dict(cfg.faults)
    exercise = cfg.exercise if cfg.motion == "thrust" else Exercise.NOT_RECOGNIZED
    if cfg.motion != "thrust":
        reps = []
    return GroundTruth(
        exercise=exercise, view=_view(cfg.camera), reps=tuple(reps), fault_magnitudes=mags
    )


def generate(cfg: SyntheticSet) -> SyntheticResult:
    """A landmark series for ``cfg`` and what truly happened in it."""
    rng = np.random.default_rng(cfg.seed)
    cfg = _set_level_faults(cfg)
    plans = _plans(cfg)
    sch = build(plans, lead_in_s=cfg.lead_in_s, tail_s=cfg.tail_s, switch_rest_s=cfg.switch_rest_s)
    start, end = _clock(cfg, sch, rng)
    series = render(cfg, sch, plans, start_s=start, end_s=end, rng=rng)
    return SyntheticResult(series=series, truth=_truth(cfg, sch, plans, start, end))
