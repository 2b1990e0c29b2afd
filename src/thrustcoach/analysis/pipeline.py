"""The analysis pipeline: landmark series in, :class:`AnalysisResult` out."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.angles import compute_angles
from thrustcoach.analysis.config import AnalysisConfig, load_config
from thrustcoach.analysis.exercise import ExerciseEvidence, classify_exercise
from thrustcoach.analysis.faults import FaultContext, detect_faults
from thrustcoach.analysis.filters import smooth
from thrustcoach.analysis.metrics import (
    Signals,
    image_ordered_legs,
    knee_medial_ratio,
    pelvis_roll_deg,
    rep_metrics,
    shin_angle_deg,
)
from thrustcoach.analysis.reps import RepTiming, find_reps
from thrustcoach.analysis.result import (
    AnalysisOptions,
    AnalysisResult,
    Curves,
    InputInfo,
    RepResult,
    SetResult,
)
from thrustcoach.analysis.sides import build_chains, planted_left, rep_sides
from thrustcoach.analysis.summary import summarize
from thrustcoach.analysis.tracks import Tracks, prepare_tracks
from thrustcoach.analysis.view import ViewInfo, detect_view
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.vocab import Exercise, Side

__all__ = ["analyze"]

Arr = NDArray[np.float64]
SINGLE = (Exercise.SINGLE_LEG_HIP_THRUST, Exercise.SINGLE_LEG_GLUTE_BRIDGE)
BENCH = (Exercise.SINGLE_LEG_HIP_THRUST, Exercise.HIP_THRUST)


def _signals(
    tracks: Tracks, view: ViewInfo, *, single: bool, bench: bool, cfg: AnalysisConfig
) -> tuple[Signals, NDArray[np.bool_]]:
    # Decide the planted leg on the recorded frames (not on the resampled grid, where a label
    # swap would blend the two legs into a phantom one), then resample the working chains.
    raw_planted = planted_left(tracks.raw, cfg=cfg.sides)
    chains = build_chains(tracks.raw, left_planted=raw_planted, single_leg=single)
    if not single:
        chains.update(image_ordered_legs(tracks.raw))
    keys = [(c, j) for c in chains for j in chains[c]]
    grid_chains = tracks.to_grid(np.stack([chains[c][j] for c, j in keys], axis=1))
    left_planted = tracks.to_grid(raw_planted.astype(np.float64)) >= 0.5
    stacked = np.concatenate(
        [grid_chains, np.stack([tracks.points[n] for n in tracks.points], axis=1)], axis=1
    )
    smoothed = smooth(stacked, rate_hz=tracks.rate_hz, cfg=cfg.filtering)
    # Undo the oblique camera's foreshortening of the body's length (x) for sagittal angles.
    stretch = np.array([1.0 / max(float(np.cos(np.radians(view.yaw_deg))), 0.5), 1.0])
    sm_chains: dict[str, dict[str, Arr]] = {c: {} for c in chains}
    for i, (c, j) in enumerate(keys):
        sm_chains[c][j] = smoothed[:, i, :] * stretch
    points = {n: smoothed[:, len(keys) + i, :] for i, n in enumerate(tracks.points)}
    angles = compute_angles(sm_chains)
    work = sm_chains["work"]
    knee_medial, midline = knee_medial_ratio(sm_chains, points, single_leg=single)
    sig = Signals(
        time_s=tracks.time_s,
        hip=angles["hip"],
        knee=angles["knee"],
        free_hip=angles["free_hip"],
        shin=shin_angle_deg(work["knee"], work["ankle"], feet_sign=view.feet_sign),
        pelvis_roll=pelvis_roll_deg(points, yaw_deg=view.yaw_deg),
        knee_medial=knee_medial,
        midline_offset=midline,
        knee_yaw_gain=cfg.knee.yaw_leak_bench if bench else cfg.knee.yaw_leak_floor,
        single_leg=single,
        hip_rise_shins=(work["shoulder"][:, 1] - work["hip"][:, 1]) / _shin_px(work),
    )
    return sig, left_planted


def _shin_px(chain: dict[str, Arr]) -> float:
    return max(float(np.median(np.linalg.norm(chain["knee"] - chain["ankle"], axis=-1))), 1e-6)


def _rep_signal(sig: Signals, view: ViewInfo) -> Arr:
    """What reps are cut from: the hip angle, or from the front (where the 2-D hip angle is
    badly distorted) the hip's height above the shoulders in shin lengths, in degree-like
    units (1 shin = 57.3) so the same range threshold applies."""
    if view.view != "front":
        return sig.hip
    return np.asarray(np.degrees(sig.hip_rise_shins), dtype=np.float64)


def _group_sets(reps: list[RepResult], *, gap_s: float) -> tuple[SetResult, ...]:
    groups: list[list[RepResult]] = []
    for r in reps:
        if groups and groups[-1][-1].side is r.side and r.start_s - groups[-1][-1].end_s <= gap_s:
            groups[-1].append(r)
        else:
            groups.append([r])
    return tuple(
        SetResult(side=g[0].side, start_s=g[0].start_s, end_s=g[-1].end_s, reps=tuple(g))
        for g in groups
    )


def _view_warnings(view: ViewInfo) -> list[str]:
    if view.view == "side":
        return ["pelvic rotation and knee cave need an oblique or front view: not checked"]
    if view.view == "front":
        return [
            "front view: hip, knee and shin angles cannot be read (lockout, foot placement, "
            "depth and free leg not checked); film from the side for those"
        ]
    return ["oblique view: knee cave needs a front view: not checked"]


def _rep_results(
    sig: Signals,
    timings: list[RepTiming],
    sides: list[Side],
    *,
    view: ViewInfo,
    ctx: FaultContext,
    rate_hz: float,
) -> list[RepResult]:
    out = []
    for i, (t, side) in enumerate(zip(timings, sides, strict=True)):
        m = rep_metrics(sig, rep=t, view=view, rate_hz=rate_hz)
        faults = detect_faults(m, ctx=ctx)
        clean = {k: (None if v is None else round(v, 3)) for k, v in m.items()}
        out.append(
            RepResult(
                index=i + 1,
                side=side,
                partial=t.partial_start or t.partial_end,
                faults=faults,
                **clean,
            )
        )
    return out


def _gap_warnings(tracks: Tracks, timings: list[RepTiming], max_gap_s: float) -> list[str]:
    out = []
    for i, t in enumerate(timings):
        worst = float(np.max(tracks.gap_s[t.start : t.end + 1]))
        if worst > max_gap_s:
            out.append(
                f"rep {i + 1} spans a {worst:.1f} s gap in the landmarks: its timing is a guess"
            )
    return out


def _input_info(series: LandmarkSeries, opts: AnalysisOptions) -> InputInfo:
    return InputInfo(
        path=opts.source_path or series.meta.get("path", series.meta.get("source", "")),
        kind=opts.source_kind,
        frames=series.n_frames,
        duration_s=round(series.duration_s, 3),
        fps=round(series.fps, 3),
    )


def _reps(
    tracks: Tracks, view: ViewInfo, ctx: FaultContext, cfg: AnalysisConfig
) -> tuple[list[RepResult], Signals, list[str]]:
    """Reps with sides, metrics and faults, the signals they came from, and warnings."""
    sig, left_planted = _signals(tracks, view, single=ctx.single_leg, bench=ctx.on_bench, cfg=cfg)
    timings = find_reps(_rep_signal(sig, view), rate_hz=tracks.rate_hz, cfg=cfg.reps)
    spans = [(t.start, t.end) for t in timings]
    sides = rep_sides(left_planted, spans=spans) if ctx.single_leg else [Side.BOTH] * len(timings)
    reps = _rep_results(sig, timings, sides, view=view, ctx=ctx, rate_hz=tracks.rate_hz)
    warnings = _view_warnings(view) + _gap_warnings(tracks, timings, cfg.filtering.max_gap_s)
    if not reps:
        warnings.append("no reps found: the hips never rose and fell by a full range of motion")
    return reps, sig, warnings


def analyze(series: LandmarkSeries, *, options: AnalysisOptions | None = None) -> AnalysisResult:
    """Recognise the exercise, count reps per leg, time their phases and find faults."""
    opts = options or AnalysisOptions()
    cfg = load_config()
    tracks = prepare_tracks(series, cfg=cfg.filtering)
    view = detect_view(tracks, cfg=cfg.view)
    exercise, warnings = _choose_exercise(classify_exercise(tracks, cfg=cfg.exercise), opts)
    ctx = FaultContext(
        view=view.view,
        on_bench=exercise in BENCH,
        single_leg=exercise in SINGLE,
        pause_s=opts.pause_s if opts.pause_s is not None else cfg.tempo.pause_s,
        lowering_s=opts.lowering_s if opts.lowering_s is not None else cfg.tempo.lowering_s,
    )
    result = AnalysisResult(
        input=_input_info(series, opts),
        exercise=exercise,
        view=view.view,
        facing=view.facing,
        sets=(),
        summary=summarize([]),
        warnings=tuple(warnings),
        prescribed_pause_s=ctx.prescribed["pause"],
        prescribed_lowering_s=ctx.prescribed["lowering"],
    )
    if exercise is Exercise.NOT_RECOGNIZED:
        return result
    reps, sig, more = _reps(tracks, view, ctx, cfg)
    curves = Curves.model_construct(
        time_s=tuple(sig.time_s.tolist()),
        hip_angle_deg=tuple(sig.hip.tolist()),
        knee_angle_deg=tuple(sig.knee.tolist()),
    )
    return result.model_copy(
        update={
            "sets": _group_sets(reps, gap_s=cfg.reps.set_gap_s),
            "summary": summarize(reps),
            "warnings": (*warnings, *more),
            "curves": curves,
        }
    )


def _choose_exercise(
    evidence: ExerciseEvidence, opts: AnalysisOptions
) -> tuple[Exercise, list[str]]:
    warnings: list[str] = []
    if opts.exercise is None:
        if evidence.exercise is Exercise.NOT_RECOGNIZED:
            warnings.append(f"not a hip thrust or glute bridge: {evidence.reason}; no reps counted")
        return evidence.exercise, warnings
    if opts.exercise is not evidence.exercise:
        warnings.append(
            f"analysed as {opts.exercise.value} as asked, but the recording looks like "
            f"{evidence.exercise.value} ({evidence.reason})"
        )
    return opts.exercise, warnings
