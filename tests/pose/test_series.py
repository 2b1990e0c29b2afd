"""LandmarkSeries: a labelled container that carries its own timestamps."""

from __future__ import annotations

import numpy as np
import pytest

from thrustcoach.errors import UsageError
from thrustcoach.pose import LandmarkSeries


def _series(n: int = 5) -> LandmarkSeries:
    names = ("left_hip", "right_hip")
    xyz = np.arange(n * 2 * 3, dtype=float).reshape(n, 2, 3)
    return LandmarkSeries(
        time_s=np.arange(n) / 30.0,
        frame=np.arange(n, dtype=np.int64),
        names=names,
        xyz=xyz,
        visibility=np.ones((n, 2)),
        meta={"width": "640"},
    )


def test_fps_and_duration_come_from_the_timestamps() -> None:
    s = _series(31)
    assert s.fps == pytest.approx(30.0)
    assert s.duration_s == pytest.approx(1.0)


def test_arrays_are_read_only() -> None:
    s = _series()
    with pytest.raises(ValueError, match="read-only"):
        s.xyz[0, 0, 0] = 1.0


def test_between_and_shift() -> None:
    s = _series(30)
    assert s.between(0.1, 0.2).n_frames == 3
    assert s.shifted(5.0).time_s[0] == pytest.approx(5.0)


def test_unknown_landmark_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match="left_hip, right_hip"):
        _series().xy("nose")


def test_time_must_increase() -> None:
    with pytest.raises(UsageError, match="strictly increasing"):
        LandmarkSeries(
            time_s=np.array([0.0, 0.0]),
            frame=np.array([0, 1], dtype=np.int64),
            names=("nose",),
            xyz=np.zeros((2, 1, 3)),
            visibility=np.ones((2, 1)),
        )
