"""One engine, two feeds: the live feed (a frame at a time) against ``analyze`` (the whole
recording at once), on recordings we did not generate.

For every landmark recording of ``../shared/eval/synthetic`` (an independent generator) and
the real clips' MediaPipe landmarks in ``/tmp/tc_clips`` (made by ``benchmarks/accuracy.py
--extract``), the analysis engine is fed frame by frame as the Live page feeds it, and its
final result is compared with ``thrustcoach analyze`` on the same landmarks: reps per leg
must be identical and each phase's time within 0.05 s (issue 11). The project's own
generated sets are covered by ``tests/analysis/test_engine_stream.py``.

    .venv/bin/python benchmarks/live_equivalence.py
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
import time
from pathlib import Path

from thrustcoach.analysis import AnalysisOptions, Engine, InputInfo, analyze, final_result
from thrustcoach.pose import read_landmarks
from thrustcoach.pose.series import LandmarkSeries

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval" / "synthetic"
CLIPS = Path("/tmp/tc_clips")
PHASES = ("concentric_s", "pause_s", "eccentric_s")


def _read(path: Path, tmp: Path) -> LandmarkSeries:
    if path.suffix == ".gz":
        plain = tmp / path.name[: -len(".gz")]
        with gzip.open(path, "rb") as src, plain.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        path = plain
    return read_landmarks(path)


def _compare(series: LandmarkSeries, name: str) -> tuple[bool, float, float]:
    """(counts identical, worst phase-time difference, live ms per frame)."""
    offline = analyze(series)
    engine = Engine(series.names, options=AnalysisOptions())
    started = time.perf_counter()
    for i in range(series.n_frames):
        engine.feed_frame(float(series.time_s[i]), series.xyz[i], series.visibility[i])
    engine.finish()
    ms = (time.perf_counter() - started) * 1000 / max(series.n_frames, 1)
    info = InputInfo(
        path=name,
        kind="landmarks",
        frames=series.n_frames,
        duration_s=series.duration_s,
        fps=series.fps,
    )
    live = final_result(engine, info)
    same = [(r.side, r.index) for r in live.reps] == [(r.side, r.index) for r in offline.reps]
    worst = 0.0
    if same:
        for a, b in zip(live.reps, offline.reps, strict=True):
            for key in PHASES:
                x, y = getattr(a, key), getattr(b, key)
                if x is not None and y is not None:
                    worst = max(worst, abs(x - y))
    return same, worst, ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    files = sorted(EVAL.glob("*.csv.gz")) + sorted(CLIPS.glob("*.csv"))
    if not files:
        print(f"no recordings: {EVAL} and {CLIPS} are missing (skipped)")
        return 0
    differ, worst, costs = 0, 0.0, []
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            same, diff, ms = _compare(_read(path, Path(tmp)), path.name)
            differ += not same
            worst = max(worst, diff)
            costs.append(ms)
            verdict = "same" if same else "COUNTS DIFFER"
            print(f"  {path.name:36s} {verdict}  tempo diff {diff:.3f} s")
    costs.sort()
    print(
        f"recordings {len(files)} | rep counts differing {differ} (target 0) | "
        f"worst phase-time difference {worst:.3f} s (target <= 0.05) | "
        f"live engine {costs[len(costs) // 2]:.1f} ms a frame (median over recordings)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
