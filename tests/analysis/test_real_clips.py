"""The real clips in ../shared/clips through MediaPipe and the analysis (the reality check).

Ground truth from clips/README.md. Slow (MediaPipe on ~750 frames); skipped without the
clips or MediaPipe.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from thrustcoach.analysis import analyze
from thrustcoach.vocab import Exercise, FaultCode

pytestmark = [pytest.mark.clips, pytest.mark.mediapipe, pytest.mark.slow]

CASES = [
    ("palfitness_hip_thrust.mp4", Exercise.HIP_THRUST, [0.8, 3.1, 5.2, 7.6, 9.9, 12.2, 14.5]),
    ("beproj_bridge.mp4", Exercise.GLUTE_BRIDGE, [0.8, 2.8, 4.7, 6.6, 8.6]),
    ("kaiakol_squat_correct_016.mp4", Exercise.NOT_RECOGNIZED, []),
]


@pytest.mark.parametrize(("clip", "exercise", "tops"), CASES)
def test_real_clip(clips_dir: Path, clip: str, exercise: Exercise, tops: list[float]) -> None:
    pytest.importorskip("mediapipe")
    from thrustcoach.pose.extract import extract_landmarks

    run = extract_landmarks(clips_dir / clip, workers=1, max_fps=None)
    result = analyze(run.series)
    assert result.exercise is exercise
    assert len(result.reps) == len(tops)
    for rep, top in zip(result.reps, tops, strict=True):
        assert abs(rep.top_s - top) < 0.4
    assert FaultCode.KNEE_CAVE not in result.summary.faults  # no clip shows a caving knee
    if clip.startswith("palfitness"):  # the foot-too-far case: knee ~130 deg at the top
        assert all(FaultCode.FOOT_TOO_FAR in {f.code for f in r.faults} for r in result.reps)
