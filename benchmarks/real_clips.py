"""The whole video path on the real clips in ../shared/clips, against their ground truth.

For each clip: pose (MediaPipe, default workers, 30 fps cap) -> analysis; prints the
recognised exercise, rep counts, the lockout times against the README's, and the faults.
Skipped when ../shared/clips is absent (the clips are never part of the project).

    .venv/bin/python benchmarks/real_clips.py
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from thrustcoach.analysis import analyze
from thrustcoach.analysis.result import AnalysisOptions
from thrustcoach.errors import ThrustCoachError
from thrustcoach.pose.extract import extract_landmarks

CLIPS = Path(__file__).resolve().parents[2] / "shared" / "clips"


@dataclass(frozen=True)
class Truth:
    file: str
    exercise: str
    reps: int
    tops_s: tuple[float, ...]
    faults: tuple[str, ...] = ()


# From ../shared/clips/README.md.
TRUTH = (
    Truth(
        "palfitness_hip_thrust.mp4",
        "hip_thrust",
        7,
        (0.8, 3.1, 5.2, 7.6, 9.9, 12.2, 14.5),
        ("foot_too_far",),
    ),
    Truth("beproj_bridge.mp4", "glute_bridge", 5, (0.8, 2.8, 4.7, 6.6, 8.6)),
    Truth("kaiakol_squat_correct_016.mp4", "not_recognized", 0, ()),
)


def main() -> None:
    if not CLIPS.is_dir():
        print("skipped: ../shared/clips is absent")
        return
    exact = 0
    for truth in TRUTH:
        path = CLIPS / truth.file
        start = time.perf_counter()
        try:
            run = extract_landmarks(path)
            result = analyze(
                run.series, options=AnalysisOptions(source_path=str(path), source_kind="video")
            )
        except ThrustCoachError as exc:
            print(f"{truth.file}: error: {exc}")
            continue
        secs = time.perf_counter() - start
        reps = result.reps
        tops = [round(r.top_s, 2) for r in reps]
        faults = {getattr(k, "value", str(k)): v for k, v in result.summary.faults.items()}
        ok = result.exercise.value == truth.exercise and len(reps) == truth.reps
        exact += ok
        print(
            f"{truth.file}: {run.frames_with_person}/{run.frames_analysed} frames with a person, "
            f"{secs:.1f} s"
        )
        print(
            f"  exercise {result.exercise.value} (truth {truth.exercise}); reps {len(reps)} "
            f"(truth {truth.reps}) -> {'OK' if ok else 'MISMATCH'}"
        )
        if truth.tops_s:
            errors = [abs(a - b) for a, b in zip(tops, truth.tops_s, strict=False)]
            worst = f"{max(errors):.2f}" if errors else "n/a"
            print(f"  lockouts {tops} vs truth {list(truth.tops_s)}: worst error {worst} s")
        wanted = ", ".join(f"{f}: {'found' if f in faults else 'MISSED'}" for f in truth.faults)
        print(f"  faults {faults}" + (f"; expected {wanted}" if wanted else ""))
        for w in (*run.warnings, *result.warnings):
            print(f"  warning: {w}")
        if truth.reps:  # chunked workers must give the same count as one worker
            one = extract_landmarks(path, workers=1)
            reps_one = len(analyze(one.series).reps)
            print(
                f"  reps with 1 worker: {reps_one}, with {run.workers}: {len(reps)} -> "
                f"{'same' if reps_one == len(reps) else 'DIFFERENT'}"
            )
    print(f"clips with exercise and rep count right: {exact}/{len(TRUTH)}")


if __name__ == "__main__":
    main()
