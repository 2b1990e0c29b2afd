"""The real MediaPipe backend (marked: needs mediapipe; a few seconds)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.pose.videokit import write_plain_video
from thrustcoach.errors import NoPersonError
from thrustcoach.pose.estimators import EstimatorSpec, MediaPipePoseEstimator
from thrustcoach.pose.extract import extract_landmarks

pytestmark = pytest.mark.mediapipe


def test_mediapipe_finds_nobody_in_an_empty_room(tmp_path: Path) -> None:
    """Runs the full model in tracking mode on a tiny generated clip, through a worker."""
    clip = write_plain_video(tmp_path / "room.mp4", np.arange(12) / 30, width=160, height=120)
    with pytest.raises(NoPersonError, match="no person found in any of 12 frames"):
        extract_landmarks(clip, spec=EstimatorSpec(), workers=1, sampling=None)


def test_mediapipe_estimator_output_shape() -> None:
    est = MediaPipePoseEstimator()
    try:
        assert est.process(np.full((120, 160, 3), 128, np.uint8), time_s=0.0) is None
        est.reset()
    finally:
        est.close()


@pytest.mark.clips
def test_mediapipe_on_a_real_clip(clips_dir: Path) -> None:
    run = extract_landmarks(clips_dir / "kaiakol_squat_correct_016.mp4", workers=1)
    assert run.frames_with_person == run.frames_inferred > 10
    assert run.frames_analysed > 20
    s = run.series
    assert s.names[0] == "nose" and len(s.names) == 33
    assert (s.visibility[:, s.index("left_hip")] > 0.5).mean() > 0.8


def test_mediapipe_graph_runs_on_the_frames_real_clock() -> None:
    """Sampled frames 0.1 s apart are stamped 0.1 s apart (the tracker's smoothing depends on
    it); a frame fed out of time order gets the next microsecond instead of going back."""
    est = MediaPipePoseEstimator()
    image = np.full((120, 160, 3), 128, np.uint8)
    try:
        est.process(image, time_s=1.5)
        assert est._pose._simulated_timestamp == 1_500_000
        est.process(image, time_s=1.6)
        assert est._pose._simulated_timestamp == 1_600_000
        est.process(image, time_s=1.55)  # back-filled
        assert est._pose._simulated_timestamp == 1_600_001
        est.reset()
        est.process(image, time_s=0.2)
        assert est._pose._simulated_timestamp == 200_000
    finally:
        est.close()
