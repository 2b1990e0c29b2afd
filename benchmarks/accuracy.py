"""Accuracy of the motion analysis on generated sets (and on real clips when available).

    .venv/bin/python benchmarks/accuracy.py [--sets 300] [--seed 0] [--clips-landmarks DIR]

Prints the exact rep-count rate, side accuracy, tempo mean absolute error per phase and
fault precision/recall per code against the generator's ground truth (phase instants by the
same 10 % rule the analysis states). Targets: reps exact >= 98 %, side >= 99 %, tempo MAE
<= 0.10 s, every fault P/R >= 0.9. A fault whose metric the analysis left out (hidden
landmarks) counts as "not judged", neither found nor missed; one the independent check's
conventions let be reported either way (a timing fault within 0.15 s of its limit, a bounce
on a rep resting under 0.5 s at the bottom) counts as "allowed", neither right nor wrong.

This grades our own generator; the independent check is ``../shared/eval`` (score.py).

Real clips: landmark CSVs extracted from ``../shared/clips/*.mp4`` (MediaPipe 0.10.21,
``model_complexity=1``) named ``<clip stem>.csv`` in ``--clips-landmarks`` (default
``/tmp/tc_clips``; ``--extract`` creates missing ones with the pose pipeline) are compared
with the ground truth of ``clips/README.md``. Skipped when either is absent.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import Counter
from pathlib import Path

import numpy as np

from thrustcoach.analysis import AnalysisResult, RepResult, analyze
from thrustcoach.analysis.config import load_fault_rules
from thrustcoach.pose.synthetic import GroundTruth, TruthRep, generate
from thrustcoach.pose.synthetic_scenarios import random_set
from thrustcoach.vocab import Exercise, FaultCode

CLIPS = Path(__file__).resolve().parents[1].parent / "shared" / "clips"
# The metric each fault is read from: a fault whose metric the analysis left out (hidden
# landmarks, a view that cannot show it) is "not judged", neither found nor missed.
JUDGED_BY = {rule.code: rule.metric for rule in reversed(load_fault_rules())}
# Ground truth from clips/README.md: exercise, rep count, lockout/top times.
CLIP_TRUTH = {
    "palfitness_hip_thrust": (
        Exercise.HIP_THRUST,
        [0.8, 3.1, 5.2, 7.6, 9.9, 12.2, 14.5],
        {FaultCode.FOOT_TOO_FAR},
    ),
    "beproj_bridge": (Exercise.GLUTE_BRIDGE, [0.8, 2.8, 4.7, 6.6, 8.6], set()),
    "kaiakol_squat_correct_016": (Exercise.NOT_RECOGNIZED, [], set()),
}


def match(
    truth: tuple[TruthRep, ...], pred: tuple[RepResult, ...]
) -> list[tuple[TruthRep, RepResult]]:
    """Pair reps whose lockouts are within 1 s, greedily by time."""
    pairs, used = [], set()
    for t in truth:
        best = min(
            (p for p in pred if p.index not in used and abs(p.top_s - t.top_s) < 1.0),
            key=lambda p: abs(p.top_s - t.top_s),
            default=None,
        )
        if best is not None:
            used.add(best.index)
            pairs.append((t, best))
    return pairs


# The independent check's conventions (../shared/eval/README.md), so both grade alike: a
# timing fault within 0.15 s of its limit (60 % of the prescribed time) may be reported
# either way, and so may a bounce on a rep that rests under 0.5 s at the bottom.
TIMING_LIMITS = {FaultCode.SHORT_PAUSE: "pause_s", FaultCode.RUSHED_LOWERING: "eccentric_s"}
TIMING_SHARE = 0.6
TIMING_SLACK_S = 0.15
BOUNCE_REST_S = 0.5


def allowed(t: TruthRep, rest_s: float, res: AnalysisResult) -> set[FaultCode]:
    """Faults that may be reported on true rep ``t`` (which rests ``rest_s`` at the
    bottom before the next rep) without counting as false positives."""
    out = set()
    prescribed = {"pause_s": res.prescribed_pause_s, "eccentric_s": res.prescribed_lowering_s}
    for code, name in TIMING_LIMITS.items():
        if abs(getattr(t, name) - TIMING_SHARE * prescribed[name]) <= TIMING_SLACK_S:
            out.add(code)
    if rest_s < BOUNCE_REST_S:
        out.add(FaultCode.BOUNCE)
    return out - t.faults


def rests(truth: tuple[TruthRep, ...]) -> dict[int, float]:
    """Each true rep's rest at the bottom: until the next rep starts (the last: forever)."""
    order = sorted(truth, key=lambda r: r.start_s)
    out = {r.index: float("inf") for r in order}
    for a, b in itertools.pairwise(order):
        out[a.index] = b.start_s - a.end_s
    return out


class Score:
    def __init__(self) -> None:
        self.sets = 0
        self.exact = 0
        self.exercise_ok = 0
        self.side_ok = 0
        self.side_n = 0
        self.tempo: dict[str, list[float]] = {"concentric_s": [], "pause_s": [], "eccentric_s": []}
        self.tp: Counter[FaultCode] = Counter()
        self.fp: Counter[FaultCode] = Counter()
        self.fn: Counter[FaultCode] = Counter()
        self.not_judged: Counter[FaultCode] = Counter()
        self.allowed: Counter[FaultCode] = Counter()
        self.misses: list[str] = []

    def add(self, seed: int, truth: GroundTruth, res: AnalysisResult) -> None:
        self.sets += 1
        pred = res.reps
        self.exercise_ok += res.exercise is truth.exercise
        if res.exercise is truth.exercise and len(pred) == len(truth.reps):
            self.exact += 1
        else:
            self.misses.append(
                f"seed {seed}: {truth.exercise.value}/{truth.view} {len(truth.reps)} reps -> "
                f"{res.exercise.value}/{res.view} {len(pred)}"
            )
        pairs = match(truth.reps, pred)
        rest = rests(truth.reps)
        for t, p in pairs:
            self.side_n += 1
            self.side_ok += t.side is p.side
            for name in self.tempo:
                got = getattr(p, name)
                partial = (name == "concentric_s" and t.partial_start) or (
                    name == "eccentric_s" and t.partial_end
                )
                if got is not None and not partial and not t.partial_start | t.partial_end:
                    self.tempo[name].append(abs(got - getattr(t, name)))
            found = {f.code for f in p.faults}
            either_way = allowed(t, rest[t.index], res)
            for code in FaultCode:
                if code in t.faults and getattr(p, JUDGED_BY[code]) is None:
                    self.not_judged[code] += 1  # the analysis said it could not see it
                    continue
                if code in either_way:
                    self.allowed[code] += code in found
                    continue
                self.tp[code] += code in found and code in t.faults
                self.fp[code] += code in found and code not in t.faults
                self.fn[code] += code in t.faults and code not in found
        matched_pred = {p.index for _, p in pairs}
        matched_truth = {t.index for t, _ in pairs}
        for p in pred:
            if p.index not in matched_pred:
                for f in p.faults:
                    self.fp[f.code] += 1
        for t in truth.reps:
            if t.index not in matched_truth:
                for c in t.faults:
                    self.fn[c] += 1

    def report(self) -> None:
        print(f"sets: {self.sets}")
        print(f"exercise correct:     {self.exercise_ok / self.sets:7.1%}")
        print(f"rep count exact:      {self.exact / self.sets:7.1%}   (target >= 98 %)")
        print(
            f"side accuracy:        {self.side_ok / max(self.side_n, 1):7.1%}   "
            f"(target >= 99 %, {self.side_n} reps)"
        )
        for name, errs in self.tempo.items():
            print(f"tempo MAE {name:<12}{np.mean(errs):6.3f} s   (target <= 0.10 s, n={len(errs)})")
        print(
            f"{'fault':<20}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}"
            f"{'not judged':>12}{'allowed':>9}"
        )
        for code in FaultCode:
            tp, fp, fn = self.tp[code], self.fp[code], self.fn[code]
            if tp + fp + fn == 0:
                continue
            prec = tp / (tp + fp) if tp + fp else float("nan")
            rec = tp / (tp + fn) if tp + fn else float("nan")
            print(
                f"{code.value:<20}{tp:5d}{fp:5d}{fn:5d}{prec:11.2f}{rec:8.2f}"
                f"{self.not_judged[code]:12d}{self.allowed[code]:9d}"
            )
        for m in self.misses[:20]:
            print("  miss:", m)


def run_synthetic(n_sets: int, seed0: int) -> None:
    score = Score()
    t0 = time.perf_counter()
    for seed in range(seed0, seed0 + n_sets):
        synth = generate(random_set(seed))
        score.add(seed, synth.truth, analyze(synth.series))
    score.report()
    print(f"({time.perf_counter() - t0:.1f} s for {n_sets} sets)")


def _extract(video: Path, out: Path) -> None:
    """MediaPipe landmarks of one clip into the cache folder (never into the repository)."""
    from thrustcoach.pose.extract import extract_landmarks
    from thrustcoach.pose.io import write_landmarks_csv

    out.parent.mkdir(parents=True, exist_ok=True)
    write_landmarks_csv(extract_landmarks(video, workers=1, max_fps=None).series, out)


def run_clips(folder: Path, *, extract: bool) -> None:
    from thrustcoach.pose.io import read_landmarks

    if not CLIPS.is_dir() or not (folder.is_dir() or extract):
        print("real clips: skipped (../shared/clips or extracted landmarks absent)")
        return
    print("real clips (MediaPipe landmarks):")
    for stem, (exercise, tops, faults) in CLIP_TRUTH.items():
        path = folder / f"{stem}.csv"
        if not path.is_file() and extract:
            _extract(CLIPS / f"{stem}.mp4", path)
        if not path.is_file():
            print(f"  {stem}: no landmarks at {path}, skipped")
            continue
        res = analyze(read_landmarks(path))
        got_tops = [round(r.top_s, 2) for r in res.reps]
        err = [min(abs(g - t) for g in got_tops) for t in tops] if got_tops else []
        found = {f.code for r in res.reps for f in r.faults}
        print(
            f"  {stem}: exercise {res.exercise.value} (truth {exercise.value}), "
            f"reps {len(res.reps)} "
            f"(truth {len(tops)}), max lockout-time error {max(err, default=0):.2f} s, "
            f"expected faults found: {sorted(c.value for c in faults & found) or '-'}, "
            f"all faults: {dict(Counter(f.code.value for r in res.reps for f in r.faults))}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--clips-landmarks", type=Path, default=Path("/tmp/tc_clips"))
    ap.add_argument(
        "--extract", action="store_true", help="extract missing clip landmarks with MediaPipe"
    )
    args = ap.parse_args()
    run_synthetic(args.sets, args.seed)
    run_clips(args.clips_landmarks, extract=args.extract)


if __name__ == "__main__":
    main()
