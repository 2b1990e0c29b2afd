"""Pose quality checks: what a user is told about doubtful or unusable recordings."""

from __future__ import annotations

import numpy as np
import pytest

from thrustcoach.errors import NoPersonError, VideoError
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.quality import check_pose_quality

IDX = {n: i for i, n in enumerate(MEDIAPIPE_LANDMARKS)}


def _body(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A still side-view body inside a 640x480 picture, all landmarks seen."""
    xyz = np.zeros((n, 33, 3))
    pts = {"shoulder": (100, 300), "hip": (300, 300), "knee": (420, 200), "ankle": (440, 330)}
    for side in ("left", "right"):
        for joint, (x, y) in pts.items():
            xyz[:, IDX[f"{side}_{joint}"], :2] = (x, y)
    return np.arange(n) / 30, xyz, np.ones((n, 33))


def _check(t: np.ndarray, xyz: np.ndarray, vis: np.ndarray, analysed: int) -> list[str]:
    return check_pose_quality(
        time_s=t,
        xyz=xyz,
        visibility=vis,
        frames_analysed=analysed,
        brightness_max=120,
        width=640,
        height=480,
        source="clip.mp4",
    )


def test_clean_recording_has_no_warnings() -> None:
    assert _check(*_body(60), analysed=60) == []


def test_person_in_few_frames_is_a_warning() -> None:
    warnings = _check(*_body(20), analysed=60)
    assert any("only 20 of 60 frames" in w for w in warnings)


def test_feet_outside_in_some_frames_is_a_warning_in_most_an_error() -> None:
    t, xyz, vis = _body(100)
    vis[:30, IDX["left_ankle"]] = vis[:30, IDX["right_ankle"]] = 0.1
    assert any("feet are outside the picture in 30%" in w for w in _check(t, xyz, vis, 100))
    vis[:80, IDX["left_ankle"]] = vis[:80, IDX["right_ankle"]] = 0.1
    with pytest.raises(NoPersonError, match="cut off at the knees"):
        _check(t, xyz, vis, 100)


def test_nobody_versus_black() -> None:
    empty = (np.zeros(0), np.zeros((0, 33, 3)), np.zeros((0, 33)))
    with pytest.raises(NoPersonError, match="no person found in any of 50 frames"):
        _check(*empty, analysed=50)
    with pytest.raises(VideoError, match="black"):
        check_pose_quality(
            time_s=empty[0],
            xyz=empty[1],
            visibility=empty[2],
            frames_analysed=50,
            brightness_max=3.0,
            width=640,
            height=480,
            source="clip.mp4",
        )
