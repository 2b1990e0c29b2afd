"""Fewer frames, same answer: the pose stage's frame sampling checked on landmark recordings.

For every recording, the analysis of all its frames is compared with the analysis of the
frames the sampler (``thrustcoach.pose.sampling``) lets the pose model see. The recording is
replayed through ``FakePoseEstimator`` frame by frame, so the policy runs exactly as it does
on a video; the frames it picks keep their recorded landmarks. Three sources:

* ``../shared/eval/synthetic`` (24 cases from an independent generator, with truth),
* the project's own generated sets (``thrustcoach.pose.synthetic_scenarios.random_set``),
* the real clips of ``../shared/clips``: MediaPipe landmarks of every frame (cached in
  ``/tmp/tc_clips``, made on first use), and with ``--videos`` the whole video path with
  MediaPipe tracking the sampled frames itself.

Printed per source and policy: share of frames through the model, rep counts exact against
the truth and equal to the all-frames answer, tempo MAE per phase against the truth and its
growth over the all-frames MAE (target: counts unchanged, growth <= 0.02 s per phase), and
the mean per-rep tempo change against the all-frames answer.

    .venv/bin/python benchmarks/frame_sampling.py [--sets 100] [--videos]
        [--policy 10/12/30 --policy 15 ...]   # base fps [/ still / moving deg/s [/ lookahead]]
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from thrustcoach.analysis import AnalysisOptions, AnalysisResult, analyze
from thrustcoach.errors import ThrustCoachError
from thrustcoach.pose.estimators import FakePoseEstimator
from thrustcoach.pose.sampling import FrameSampler, SamplingPolicy
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.pose.video import RateCap, VideoFrame

SHARED = Path(__file__).resolve().parents[2] / "shared"
EVAL = SHARED / "eval" / "synthetic"
CLIPS = SHARED / "clips"
CLIP_CACHE = Path("/tmp/tc_clips")
PHASES = ("concentric_s", "pause_s", "eccentric_s")
SHORT = {"concentric_s": "lift", "pause_s": "pause", "eccentric_s": "lower"}
# From ../shared/clips/README.md: exercise, lockout times.
CLIP_TRUTH = {
    "palfitness_hip_thrust": ("hip_thrust", (0.8, 3.1, 5.2, 7.6, 9.9, 12.2, 14.5)),
    "beproj_bridge": ("glute_bridge", (0.8, 2.8, 4.7, 6.6, 8.6)),
    "kaiakol_squat_correct_016": ("not_recognized", ()),
}
_NO_IMAGE = np.zeros((1, 1, 3), np.uint8)


@dataclass(frozen=True)
class TruthRep:
    lo_s: float  # a reported lockout inside [lo_s, hi_s] matches this rep
    hi_s: float
    tempo: dict[str, float]


@dataclass(frozen=True)
class Case:
    name: str
    series: LandmarkSeries
    counts: dict[str, int] | None  # side -> reps; None: no truth
    reps: tuple[TruthRep, ...] = ()


@dataclass
class Tally:
    frames: int = 0
    frames_used: int = 0
    seconds: float = 0.0
    cases: int = 0
    exact: int = 0
    same_counts: int = 0
    right_full: int = 0  # cases the all-frames answer counts right
    right_kept: int = 0  # ... and this policy still counts right
    failed: int = 0
    tempo: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PHASES})
    change: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PHASES})
    misses: list[str] = field(default_factory=list)


# --- sampling a recording as the video pipeline would -------------------------------------
def capped(series: LandmarkSeries, max_fps: float | None) -> LandmarkSeries:
    """The frames the video path decodes for the model: at most ``max_fps`` (30 by default)."""
    cap = RateCap(max_fps, source_fps=series.fps)
    keep = np.array([cap.keep(float(t)) for t in series.time_s], dtype=bool)
    return series.take(keep)


def sample_series(series: LandmarkSeries, policy: SamplingPolicy) -> LandmarkSeries:
    """The frames of ``series`` the sampler would run the model on (it runs on the replay)."""
    fake = FakePoseEstimator.from_series(series, tolerance_s=1e-6)
    sampler = FrameSampler(fake, policy)
    frames: Iterator[VideoFrame] = (
        VideoFrame(int(i), float(t), _NO_IMAGE) for i, t in enumerate(series.time_s)
    )
    keep = np.array([s.frame.index for s in sampler.run(frames) if s.inferred], dtype=np.int64)
    return series.take(keep).with_meta(nominal_fps=f"{series.fps:.6g}")


# --- sources -------------------------------------------------------------------------------
def eval_cases() -> list[Case]:
    from thrustcoach.pose.io import read_landmarks

    cases = []
    for truth_path in sorted(EVAL.glob("*.truth.json")):
        name = truth_path.name.removesuffix(".truth.json")
        gz = EVAL / f"{name}.csv.gz"
        plain = Path("/tmp") / f"tc-sampling-{name}.csv"
        if not plain.is_file():
            plain.write_bytes(gzip.decompress(gz.read_bytes()))
        truth = json.loads(truth_path.read_text())
        counts: dict[str, int] = {}
        reps = []
        for s in truth["sets"]:
            counts[s["side"]] = counts.get(s["side"], 0) + len(s["reps"])
            for r in s["reps"]:
                reps.append(
                    TruthRep(
                        r["lock_start_s"] - 0.25,
                        r["lock_end_s"] + 0.25,
                        {p: r[p] for p in PHASES if p in r},
                    )
                )
        cases.append(Case(name, read_landmarks(plain), counts, tuple(reps)))
    return cases


def own_cases(n_sets: int, seed0: int) -> list[Case]:
    from thrustcoach.pose.synthetic import generate
    from thrustcoach.pose.synthetic_scenarios import random_set

    cases = []
    for seed in range(seed0, seed0 + n_sets):
        synth = generate(random_set(seed))
        counts: dict[str, int] = {}
        reps = []
        for t in synth.truth.reps:
            counts[t.side.value] = counts.get(t.side.value, 0) + 1
            if t.partial_start or t.partial_end:
                tempo = {}
            else:
                tempo = {p: float(getattr(t, p)) for p in PHASES}
            reps.append(TruthRep(t.top_s - 0.5, t.top_s + 0.5, tempo))
        cases.append(Case(f"seed {seed}", synth.series, counts, tuple(reps)))
    return cases


def clip_cases() -> list[Case]:
    from thrustcoach.pose.extract import extract_landmarks
    from thrustcoach.pose.io import read_landmarks, write_landmarks_csv

    cases = []
    for stem, (exercise, tops) in CLIP_TRUTH.items():
        path = CLIP_CACHE / f"{stem}.csv"
        if not path.is_file():
            CLIP_CACHE.mkdir(parents=True, exist_ok=True)
            run = extract_landmarks(CLIPS / f"{stem}.mp4", max_fps=None, sampling=None)
            write_landmarks_csv(run.series, path)
        counts = {("both" if exercise in ("hip_thrust", "glute_bridge") else "-"): len(tops)}
        reps = tuple(TruthRep(t - 0.4, t + 0.4, {}) for t in tops)
        cases.append(Case(stem, read_landmarks(path), counts if tops else {}, reps))
    return cases


# --- scoring --------------------------------------------------------------------------------
def _counts(result: AnalysisResult) -> dict[str, int]:
    return {k.value: v for k, v in result.summary.rep_count.items() if v}


def _match(truth: tuple[TruthRep, ...], result: AnalysisResult) -> list[tuple[TruthRep, int]]:
    used: set[int] = set()
    pairs = []
    for t in truth:
        best, best_d = None, 1.0
        for i, r in enumerate(result.reps):
            d = max(t.lo_s - r.top_s, r.top_s - t.hi_s, 0.0)
            if i not in used and d < best_d:
                best, best_d = i, d
        if best is not None:
            used.add(best)
            pairs.append((t, best))
    return pairs


def _tempo(result: AnalysisResult, i: int, phase: str) -> float | None:
    value = getattr(result.reps[i], phase)
    return None if value is None else float(value)


def score(case: Case, full: AnalysisResult, got: AnalysisResult, tally: Tally) -> None:
    tally.cases += 1
    counts = _counts(got)
    if case.counts is not None and counts == case.counts:
        tally.exact += 1
    if case.counts is not None and _counts(full) == case.counts:
        tally.right_full += 1
        tally.right_kept += counts == case.counts
    if counts == _counts(full):
        tally.same_counts += 1
    else:
        tally.misses.append(f"{case.name}: {_counts(full)} -> {counts}")
    for t, i in _match(case.reps, got):
        for p, want in t.tempo.items():
            value = _tempo(got, i, p)
            if value is not None:
                tally.tempo[p].append(abs(value - want))
    # Against the all-frames answer: reps paired by lockout time.
    for r in got.reps:
        j = min(
            range(len(full.reps)), key=lambda k: abs(full.reps[k].top_s - r.top_s), default=None
        )
        if j is None or abs(full.reps[j].top_s - r.top_s) > 0.5:
            continue
        for p in PHASES:
            a, b = getattr(r, p), _tempo(full, j, p)
            if a is not None and b is not None:
                tally.change[p].append(abs(float(a) - b))


def tempo_changes(full: AnalysisResult, got: AnalysisResult) -> dict[str, list[float]]:
    """Per phase, |tempo change| of each rep against the all-frames rep with the nearest
    lockout (within 0.5 s)."""
    out: dict[str, list[float]] = {p: [] for p in PHASES}
    for r in got.reps:
        near = [f for f in full.reps if abs(f.top_s - r.top_s) <= 0.5]
        if not near:
            continue
        f = min(near, key=lambda f: abs(f.top_s - r.top_s))
        for p in PHASES:
            a, b = getattr(r, p), getattr(f, p)
            if a is not None and b is not None:
                out[p].append(abs(float(a) - float(b)))
    return out


def run_source(
    label: str,
    cases: list[Case],
    policies: list[SamplingPolicy],
    options: AnalysisOptions,
    *,
    max_fps: float | None,
) -> dict[str, bool]:
    tallies = {p.label(): Tally() for p in [SamplingPolicy.every_frame(), *policies]}
    for case in cases:
        case = Case(case.name, capped(case.series, max_fps), case.counts, case.reps)
        try:
            full = analyze(case.series, options=options)
        except ThrustCoachError as exc:
            print(f"  {case.name}: all frames: {exc}")
            continue
        for policy in [SamplingPolicy.every_frame(), *policies]:
            tally = tallies[policy.label()]
            sub = case.series if policy.base_fps is None else sample_series(case.series, policy)
            tally.frames += case.series.n_frames
            tally.frames_used += sub.n_frames
            tally.seconds += case.series.duration_s
            try:
                got = analyze(sub, options=options)
            except ThrustCoachError as exc:
                tally.failed += 1
                tally.misses.append(f"{case.name}: {exc}")
                continue
            score(case, full, got, tally)
    return report(label, tallies)


def _mae(values: list[float]) -> float:
    return float(np.mean(values)) if values else math.nan


def report(label: str, tallies: dict[str, Tally]) -> dict[str, bool]:
    """Print the table; per policy: counts unchanged and every phase's growth <= 0.02 s."""
    base = next(iter(tallies.values()))
    n = base.cases
    print(f"\n{label}: {n} recordings")
    head = " ".join(f"{SHORT[p]:>6}" for p in PHASES)
    print(
        f"{'policy':<52}{'frames':>7}{'/s':>5}{'exact':>7}{'same':>6}  MAE vs truth {head}"
        f"   growth {head}   change vs all {head}"
    )
    ok: dict[str, bool] = {}
    for name, t in tallies.items():
        mae = [_mae(t.tempo[p]) for p in PHASES]
        growth = [m - _mae(base.tempo[p]) for m, p in zip(mae, PHASES, strict=True)]
        change = [_mae(t.change[p]) for p in PHASES]
        share = t.frames_used / max(t.frames, 1)
        print(
            f"{name:<52}{share:7.0%}{t.frames_used / max(t.seconds, 1e-9):5.1f}"
            f"{t.exact:>4}/{n:<2}{t.same_counts:>4}/{n:<2}"
            f"              {' '.join(f'{m:6.3f}' for m in mae)}"
            f"          {' '.join(f'{g:+6.3f}' for g in growth)}"
            f"                 {' '.join(f'{c:6.3f}' for c in change)}"
        )
        if t is not base:
            ok[name] = t.same_counts == n and t.failed == 0 and all(not g > 0.02 for g in growth)
        if t is not base and t.right_full:
            print(
                f"    of the {t.right_full} recordings the all-frames answer counts right, "
                f"{t.right_kept} still right"
            )
        for m in t.misses[:6]:
            print(f"    changed: {m}")
    return ok


# --- the video path on the real clips ------------------------------------------------------
def run_videos(policies: list[SamplingPolicy]) -> None:
    """The whole video path with MediaPipe on the real clips: what changes when the model
    tracks only the sampled frames (its landmarks depend on the frames it saw before)."""
    from thrustcoach.pose.extract import extract_landmarks

    print(
        "\nreal clips through the video path, MediaPipe tracking the frames it is given "
        "(tempo: mean |change| per rep against every frame, one chunk):"
    )
    for stem, (exercise, tops) in CLIP_TRUTH.items():
        video = CLIPS / f"{stem}.mp4"
        print(f"  {stem}: truth {exercise}, {len(tops)} reps")
        variants: list[tuple[str, SamplingPolicy | None, int]] = [
            ("every frame", None, 1),
            ("every frame, tracker restarted mid-clip (reference)", None, 2),
            *((p.label(), p, 1) for p in policies),
        ]
        full: AnalysisResult | None = None
        for label, sampling, workers in variants:
            started = time.perf_counter()
            run = extract_landmarks(video, sampling=sampling, workers=workers)
            try:
                res = analyze(run.series, options=AnalysisOptions(source_kind="video"))
            except ThrustCoachError as exc:
                print(f"    {label}: {exc}")
                continue
            full = full or res
            change = tempo_changes(full, res)
            print(
                f"    {label:<62} {res.exercise.value:<15} {len(res.reps)} reps, "
                f"{run.frames_inferred:4d}/{run.frames_analysed} frames, "
                f"{time.perf_counter() - started:5.1f} s; tempo change "
                + " ".join(f"{SHORT[p]} {_mae(v):.3f}" for p, v in change.items())
            )


def parse_policy(text: str) -> SamplingPolicy:
    """``BASE`` (steady), or ``BASE/STILL/MOVING[/LOOKAHEAD]`` (deg/s): base plus edges."""
    parts = text.split("/")
    if len(parts) == 1:
        return SamplingPolicy.steady(float(parts[0]))
    return SamplingPolicy(
        base_fps=float(parts[0]),
        edges=True,
        still_deg_s=float(parts[1]),
        moving_deg_s=float(parts[2]),
        lookahead=int(parts[3]) if len(parts) > 3 else SamplingPolicy.lookahead,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", type=int, default=100, help="own generated sets (0: none)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--max-fps", type=float, default=30.0, help="the video path's decode cap (0: none)"
    )
    ap.add_argument("--policy", action="append", type=parse_policy, help="base/moving/lookahead")
    ap.add_argument("--videos", action="store_true", help="also run MediaPipe on the real clips")
    ap.add_argument(
        "--source", action="append", choices=("eval", "own", "clips"), help="default: all three"
    )
    args = ap.parse_args()
    policies: list[SamplingPolicy] = args.policy or [
        SamplingPolicy(),  # the default: steady 18 frames/s
        SamplingPolicy.steady(15.0),
        SamplingPolicy(base_fps=10.0, edges=True),
    ]
    args.max_fps = args.max_fps or None
    options = AnalysisOptions()
    verdict: dict[str, dict[str, bool]] = {}
    sources: list[tuple[str, str, Callable[[], list[Case]]]] = [
        ("eval", "independent eval set (../shared/eval/synthetic)", eval_cases),
        (
            "own",
            f"own generated sets (seeds {args.seed}-{args.seed + args.sets - 1})",
            lambda: own_cases(args.sets, args.seed),
        ),
        ("clips", "real clips, MediaPipe landmarks of every frame", clip_cases),
    ]
    for key, label, make in sources:
        if args.source and key not in args.source:
            continue
        if ("shared" in label or "real" in label) and not SHARED.is_dir():
            print(f"\n{label}: skipped (../shared is absent)")
            continue
        if "own" in label and args.sets <= 0:
            continue
        verdict[label] = run_source(label, make(), policies, options, max_fps=args.max_fps)
    if args.videos and CLIPS.is_dir():
        run_videos(policies)
    print()
    print("counts unchanged and every phase's tempo MAE growth <= 0.02 s:")
    for label, per_policy in verdict.items():
        for name, ok in per_policy.items():
            print(f"  {'PASS' if ok else 'FAIL'}  {name:<62} {label}")


if __name__ == "__main__":
    main()
