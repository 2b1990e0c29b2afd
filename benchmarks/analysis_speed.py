"""Speed of the motion analysis on 10 minutes of landmarks at 60 fps (36,000 frames).

    .venv/bin/python benchmarks/analysis_speed.py [--repeat 5]

Target: well under 1 s per analysis. Prints the frame count, reps found and the best and
median wall time of ``analyze`` (generation time excluded).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from thrustcoach.analysis import analyze
from thrustcoach.pose.synthetic import Camera, SyntheticSet, generate
from thrustcoach.vocab import Side


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    cfg = SyntheticSet(
        sides=(Side.LEFT, Side.RIGHT),
        reps_per_side=64,
        fps=60.0,
        fps_jitter=0.1,  # phone-like uneven frame times
        noise_px=1.5,
        swap_rate_per_min=3.0,
        camera=Camera(yaw_deg=10.0),
        tail_s=30.0,
        seed=1,
    )
    series = generate(cfg).series
    series = series.take(np.arange(36_000))
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = analyze(series)
        times.append(time.perf_counter() - t0)
    print(f"frames: {series.n_frames} ({series.duration_s:.0f} s at {series.fps:.0f} fps)")
    print(f"reps found: {len(result.reps)}")
    print(
        f"analyze: best {min(times) * 1000:.0f} ms, "
        f"median {statistics.median(times) * 1000:.0f} ms "
        f"over {args.repeat} runs (target: well under 1000 ms)"
    )


if __name__ == "__main__":
    main()
