"""The independent sample, disturbed: does the analysis still hold on cases like the hidden set's?

The project is judged on a larger set drawn like ``../shared/eval/synthetic``. Its 24 cases
are too few to show how close to an edge an answer is, so this benchmark re-scores them
after changes a hidden case could carry (never tuned to; read the figures, find causes):

* ``mirror``: the camera on the other side of the lifter (x flipped);
* ``drop``: 15 % of the frames lost at random;
* ``hard``: every case that is not already "hard" made hard the way the README describes
  it: twice the landmarks' jitter (measured on each case from its third differences; the
  sample's hard cases measure twice its others at the same body size) and short left/right
  label swaps of the legs (0.1-0.3 s, about 6 a minute);
* ``slow`` / ``fast``: the same movement 1.2x slower / 0.85x as long (truth scaled with it,
  and its ``short_pause`` / ``rushed_lowering`` labels derived again from the scaled times by
  the eval README's rule, which gives back every one of the sample's own 420 labels).

Each variant prints the scorer's ``SCORE`` line (the unchanged sample first), and ``--verbose``
its misses. Skipped when ``../shared/eval`` is absent.

    .venv/bin/python benchmarks/eval_stress.py [--only hard] [--seed 1] [--verbose] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from thrustcoach.pose.io import read_landmarks, write_landmarks_csv
from thrustcoach.pose.series import LandmarkSeries

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
THRUSTCOACH = Path(sys.executable).with_name("thrustcoach")
HARD_NOISE = 2.0  # "2x pixel noise"
LEG_JOINTS = ("hip", "knee", "ankle", "heel", "foot_index")
TIMES = ("top_s", "lock_start_s", "lock_end_s", "concentric_s", "pause_s", "eccentric_s")
# The eval README's timing faults: shorter than 60 % of the prescribed 1 s pause / 2 s
# lowering, either answer accepted within 0.15 s of the limit (a bounce may rush).
TIMING_FAULTS = (("short_pause", "pause_s", 0.6), ("rushed_lowering", "eccentric_s", 1.2))
TIMING_SLACK_S = 0.15


def relabel_timing_faults(rep: dict[str, Any]) -> None:
    """Derive a truth rep's timing-fault labels from its (scaled) phase times."""
    for code, key, limit in TIMING_FAULTS:
        faults = [f for f in rep["faults"] if f != code]
        allowed = [f for f in rep["allowed"] if f != code]
        value = rep[key]
        if value < limit - TIMING_SLACK_S and not (
            code == "rushed_lowering" and "bounce" in faults
        ):
            faults.append(code)
        elif value <= limit + TIMING_SLACK_S:
            allowed.append(code)
        rep["faults"], rep["allowed"] = faults, allowed


class Case:
    """One sample case: its landmarks (the project's reader and writer) and its truth."""

    def __init__(self, csv_gz: Path, tmp: Path) -> None:
        plain = tmp / csv_gz.name.removesuffix(".gz")
        plain.write_bytes(gzip.decompress(csv_gz.read_bytes()))
        self.series: LandmarkSeries = read_landmarks(plain)
        self.truth: dict[str, Any] = json.loads(
            csv_gz.with_name(csv_gz.name.replace(".csv.gz", ".truth.json")).read_text()
        )

    def jitter_px(self) -> float:
        """Frame-to-frame jitter of the hips and knees: i.i.d. noise of sigma gives third
        differences of sigma * sqrt(20); the smooth movement adds little to them."""
        s = self.series
        sds = []
        for joint in ("left_hip", "right_hip", "left_knee", "right_knee"):
            for axis in (0, 1):
                v = s.xyz[:, s.index(joint), axis]
                d3 = np.diff(v[np.isfinite(v)], 3)
                sds.append(1.4826 * np.median(np.abs(d3 - np.median(d3))) / np.sqrt(20))
        return float(np.median(sds))

    def write(self, folder: Path, stem: str) -> None:
        write_landmarks_csv(self.series, folder / f"{stem}.csv", decimals=2)
        (folder / f"{stem}.truth.json").write_text(json.dumps(self.truth))


def mirror(c: Case, rng: np.random.Generator) -> None:
    xyz = c.series.xyz.copy()
    x = xyz[:, :, 0]
    xyz[:, :, 0] = np.nanmax(x) + np.nanmin(x) - x
    c.series = replace(c.series, xyz=xyz)


def drop(c: Case, rng: np.random.Generator) -> None:
    keep = rng.random(c.series.time_s.size) > 0.15
    s = c.series
    c.series = replace(
        s,
        time_s=s.time_s[keep],
        frame=s.frame[keep],
        xyz=s.xyz[keep],
        visibility=s.visibility[keep],
    )


def hard(c: Case, rng: np.random.Generator) -> None:
    if c.truth.get("hard"):
        return
    s = c.series
    xyz = s.xyz.copy()
    add = float(np.sqrt(HARD_NOISE**2 - 1.0)) * c.jitter_px()
    xyz[:, :, :2] += rng.normal(0.0, add, xyz[:, :, :2].shape)
    duration = float(s.time_s[-1])
    swapped = np.zeros(s.time_s.size, bool)
    for a in rng.uniform(0, duration, round(duration / 10)):
        swapped |= (s.time_s >= a) & (s.time_s <= a + rng.uniform(0.1, 0.3))
    for joint in LEG_JOINTS:
        left, right = s.index(f"left_{joint}"), s.index(f"right_{joint}")
        xyz[swapped, left], xyz[swapped, right] = xyz[swapped, right], xyz[swapped, left]
    c.series = replace(s, xyz=xyz)


def _time_scale(factor: float) -> Callable[[Case, np.random.Generator], None]:
    def scale(c: Case, rng: np.random.Generator) -> None:
        c.series = replace(c.series, time_s=c.series.time_s * factor)
        c.truth["duration_s"] = c.truth.get("duration_s", 0.0) * factor
        for s in c.truth["sets"]:
            for r in s["reps"]:
                for key in TIMES:
                    r[key] *= factor
                relabel_timing_faults(r)

    return scale


VARIANTS: dict[str, Callable[[Case, np.random.Generator], None] | None] = {
    "as given": None,
    "mirror": mirror,
    "drop": drop,
    "hard": hard,
    "slow": _time_scale(1.2),
    "fast": _time_scale(0.85),
}


def score(folder: Path, verbose: bool) -> list[str]:
    cmd = [
        sys.executable,
        str(EVAL / "score.py"),
        str(folder),
        "--cmd",
        f"{THRUSTCOACH} analyze",
        *(["--verbose"] if verbose else []),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.splitlines()
    keep = [line for line in out if line.startswith("SCORE")]
    if verbose:
        faulty = [ln for ln in out if "precision" in ln and "precision 1.00 recall 1.00" not in ln]
        keep = [ln for ln in out if "miss" in ln or "MAE" in ln] + faulty + keep
    return keep or [f"scorer printed no SCORE line: {out[-3:]}"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=list(VARIANTS), action="append")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--verbose", action="store_true", help="misses and per-phase errors too")
    ap.add_argument(
        "--keep", type=Path, help="also write the disturbed cases here (a folder per variant)"
    )
    args = ap.parse_args()
    sample = EVAL / "synthetic"
    if not sample.is_dir():
        print("skipped: ../shared/eval is absent")
        return 0
    cases = sorted(sample.glob("*.csv.gz"))
    for name in args.only or list(VARIANTS):
        change = VARIANTS[name]
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="tc-stress-") as tmp:
            folder = sample
            if change is not None:
                folder = Path(tmp)
                rng = np.random.default_rng(args.seed)
                unpacked = folder / "unpacked"
                unpacked.mkdir()
                for path in cases:
                    case = Case(path, unpacked)
                    change(case, rng)
                    case.write(folder, path.name.removesuffix(".csv.gz"))
                if args.keep:
                    kept = args.keep / name.replace(" ", "_")
                    kept.mkdir(parents=True, exist_ok=True)
                    for f in folder.glob("*.*"):
                        shutil.copy2(f, kept / f.name)
            lines = score(folder, args.verbose)
        print(f"{name:<9} ({time.perf_counter() - start:4.0f} s)  " + "\n    ".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
