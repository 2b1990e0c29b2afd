"""``analyze``: a whole recording through the engine, and the engine's final result.

:func:`analyze` is the engine fed everything at once; live coaching feeds it a frame at a
time and calls :func:`final_result` at the end of the set, so both give the same answer.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from thrustcoach.analysis.config import AnalysisConfig
from thrustcoach.analysis.context import BodyContext
from thrustcoach.analysis.engine import Engine, RepRecord
from thrustcoach.analysis.faults import FaultContext, detect_faults
from thrustcoach.analysis.metrics import METRIC_LABELS
from thrustcoach.analysis.result import (
    AnalysisOptions,
    AnalysisResult,
    Curves,
    InputInfo,
    RepResult,
    SetResult,
)
from thrustcoach.analysis.summary import summarize
from thrustcoach.errors import NoPersonError
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.vocab import Exercise, Side

__all__ = ["analyze", "final_result"]

MIN_FRAMES = 10
SINGLE = (Exercise.SINGLE_LEG_HIP_THRUST, Exercise.SINGLE_LEG_GLUTE_BRIDGE)
BENCH = (Exercise.SINGLE_LEG_HIP_THRUST, Exercise.HIP_THRUST)
_TABLE = {
    (True, True): Exercise.SINGLE_LEG_HIP_THRUST,
    (True, False): Exercise.HIP_THRUST,
    (False, True): Exercise.SINGLE_LEG_GLUTE_BRIDGE,
    (False, False): Exercise.GLUTE_BRIDGE,
}


def analyze(series: LandmarkSeries, *, options: AnalysisOptions | None = None) -> AnalysisResult:
    """Recognise the exercise, count reps per leg, time their phases and find faults."""
    opts = options or AnalysisOptions()
    if series.n_frames < MIN_FRAMES:
        raise NoPersonError(
            f"only {series.n_frames} frames hold a person; "
            f"the analysis needs at least {MIN_FRAMES}",
            hint="record the whole set with the body in view",
        )
    engine = Engine(series.names, options=opts)
    engine.feed(series.time_s, series.xyz, series.visibility)
    engine.finish()
    if engine.usable_frames < MIN_FRAMES:
        raise NoPersonError(
            "too few frames show the shoulders, hips, knees and ankles clearly",
            hint="film from the side with the whole body in view and good light",
        )
    info = InputInfo(
        path=opts.source_path or series.meta.get("path", series.meta.get("source", "")),
        kind=opts.source_kind,
        frames=series.n_frames,
        duration_s=round(series.duration_s, 3),
        fps=round(series.fps, 3),
    )
    return final_result(engine, info)


def _recognise(
    ctx: BodyContext, reps: list[RepRecord], cfg: AnalysisConfig
) -> tuple[Exercise, str]:
    if ctx.body_problem is not None:
        return Exercise.NOT_RECOGNIZED, ctx.body_problem
    if ctx.is_upright(cfg.exercise):
        return (
            Exercise.NOT_RECOGNIZED,
            "the body is upright (standing, squatting, lunging or walking), not lying back",
        )
    bench = ctx.on_bench(cfg.exercise)
    if reps:
        single = sum(r.single for r in reps) * 2 > len(reps)
    else:
        single = ctx.ankle_gap_shins >= cfg.exercise.single_leg_min_ankle_gap_shins
    where = "on a bench" if bench else "on the floor"
    legs = "one foot planted" if single else "both feet planted"
    return _TABLE[(bench, single)], f"shoulders {where}, {legs}"


def _choose_exercise(
    found: Exercise, reason: str, opts: AnalysisOptions
) -> tuple[Exercise, list[str]]:
    warnings: list[str] = []
    if opts.exercise is None:
        if found is Exercise.NOT_RECOGNIZED:
            warnings.append(f"not a hip thrust or glute bridge: {reason}; no reps counted")
        return found, warnings
    if opts.exercise is not found:
        warnings.append(
            f"analysed as {opts.exercise.value} as asked, but the recording looks like "
            f"{found.value} ({reason})"
        )
    return opts.exercise, warnings


def _edge_ok(rec: RepRecord, others: list[RepRecord], cfg: AnalysisConfig) -> bool:
    """A rep cut by the start or end of the recording counts only if it reached close to
    the set's typical lockout (a half lift at the end of a clip is not a rep)."""
    if not others:
        return True
    ref = float(np.median([r.peak_signal for r in others]))
    return rec.peak_signal >= ref - cfg.reps.edge_peak_tolerance_deg


def _final_reps(engine: Engine, exercise: Exercise) -> list[RepRecord]:
    recs = list(engine.reps)
    full = [r for r in recs if not r.result.partial]
    kept = [
        r
        for r in recs
        if not r.result.partial
        or _edge_ok(r, [o for o in full if o.segment == r.segment], engine.cfg)
    ]
    single = exercise in SINGLE
    opts, cfg = engine.opts, engine.cfg
    ctx = FaultContext(
        view=engine.context.view.view,
        on_bench=exercise in BENCH,
        single_leg=single,
        pause_s=opts.pause_s if opts.pause_s is not None else cfg.tempo.pause_s,
        lowering_s=opts.lowering_s if opts.lowering_s is not None else cfg.tempo.lowering_s,
    )
    out = []
    for i, rec in enumerate(kept):
        side = rec.side if single else Side.BOTH
        if single and side is Side.BOTH:
            side = rec.fallback_side if rec.fallback_side is not Side.BOTH else Side.LEFT
        metrics = dict(rec.metrics)
        if not single:
            metrics["free_leg_motion_deg"] = None
        faults = detect_faults(metrics, ctx=ctx)
        clean = {k: (None if v is None else round(v, 3)) for k, v in metrics.items()}
        result = rec.result.model_copy(
            update={**clean, "faults": faults, "side": side, "index": i + 1}
        )
        out.append(replace(rec, result=result, side=side, metrics=metrics))
    return _outvote_lone_sides(out)


def _outvote_lone_sides(recs: list[RepRecord]) -> list[RepRecord]:
    """A single rep on the other leg between two on the same leg, in one stretch, is a
    misread, not two switches."""
    if len(recs) < 3:
        return recs
    out = list(recs)
    for i in range(1, len(recs) - 1):
        a, b, c = recs[i - 1], recs[i], recs[i + 1]
        if a.side is c.side and b.side is not a.side and a.segment == b.segment == c.segment:
            out[i] = replace(b, result=b.result.model_copy(update={"side": a.side}), side=a.side)
    return out


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


def _view_warnings(view: str) -> list[str]:
    if view == "side":
        return ["pelvic rotation and knee cave need an oblique or front view: not checked"]
    if view == "front":
        return [
            "front view: hip, knee and shin angles cannot be read (lockout, foot placement, "
            "depth and free leg not checked); film from the side for those"
        ]
    return ["oblique view: knee cave needs a front view: not checked"]


def final_result(engine: Engine, info: InputInfo) -> AnalysisResult:
    """The engine's answer for the whole recording (call after :meth:`Engine.finish`)."""
    cfg, opts = engine.cfg, engine.opts
    ctx = engine.context
    found, reason = _recognise(ctx, engine.reps, cfg)
    exercise, warnings = _choose_exercise(found, reason, opts)
    base = AnalysisResult(
        input=info,
        exercise=exercise,
        view=ctx.view.view,
        facing=ctx.view.facing,
        sets=(),
        summary=summarize([]),
        warnings=tuple(warnings),
        prescribed_pause_s=opts.pause_s if opts.pause_s is not None else cfg.tempo.pause_s,
        prescribed_lowering_s=(
            opts.lowering_s if opts.lowering_s is not None else cfg.tempo.lowering_s
        ),
    )
    if exercise is Exercise.NOT_RECOGNIZED:
        return base
    recs = _final_reps(engine, exercise)
    reps = [r.result for r in recs]
    more = _view_warnings(ctx.view.view)
    for r in recs:
        if r.gap_s > cfg.filtering.max_gap_s:
            more.append(
                f"rep {r.result.index} spans a {r.gap_s:.1f} s gap in the landmarks: "
                "its timing is a guess"
            )
    hidden: dict[tuple[str, ...], list[RepRecord]] = {}
    for r in recs:
        if r.hidden:
            hidden.setdefault(r.hidden_points, []).append(r)
    for points, group in hidden.items():
        metrics = [m for m in METRIC_LABELS if any(m in r.hidden for r in group)]
        more.append(
            f"{', '.join(points) or 'landmarks'} hidden or unsteady on {len(group)} rep(s) "
            f"({', '.join(str(r.result.index) for r in group)}): "
            f"{', '.join(METRIC_LABELS[m] for m in metrics)} not judged"
        )
    if not reps:
        more.append("no reps found: the hips never rose and fell by a full range of motion")
    t, hip, knee = engine.curves()
    curves = Curves.model_construct(
        time_s=tuple(t.tolist()),
        hip_angle_deg=tuple(hip.tolist()),
        knee_angle_deg=tuple(knee.tolist()),
    )
    return base.model_copy(
        update={
            "sets": _group_sets(reps, gap_s=cfg.reps.set_gap_s),
            "summary": summarize(reps),
            "warnings": (*warnings, *more),
            "curves": curves,
        }
    )
