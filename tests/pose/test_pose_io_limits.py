"""Landmark files are read within the max_landmark_mb limit: nothing endless or huge is read
whole (a 327 MB file used to take 161 s and 2.7 GB)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from thrustcoach.errors import FileTooLargeError
from thrustcoach.pose.io import read_landmark_csv, read_landmarks, read_trc

ROW = "0,0.0,left_hip,1.0,2.0,,1\n"


def test_a_landmark_file_above_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_text("frame,time_s,landmark,x,y,z,visibility\n" + ROW * 120_000)  # ~3 MB
    monkeypatch.setenv("THRUSTCOACH_MAX_LANDMARK_MB", "2")
    started = time.monotonic()
    with pytest.raises(FileTooLargeError, match="2 MB limit for a landmark file"):
        read_landmarks(path)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("reader", [read_landmark_csv, read_trc])
def test_an_endless_stream_is_cut_off_at_the_limit(reader: object) -> None:
    assert callable(reader)
    started = time.monotonic()
    with pytest.raises(FileTooLargeError):
        reader(Path("/dev/zero"), max_bytes=1024 * 1024)
    assert time.monotonic() - started < 10


def test_a_file_within_the_limit_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    path.write_text("frame,time_s,landmark,x,y,z,visibility\n" + ROW)
    series = read_landmark_csv(path, max_bytes=len(path.read_bytes()))
    assert series.n_frames == 1 and series.names == ("left_hip",)
    with pytest.raises(FileTooLargeError):
        read_landmark_csv(path, max_bytes=10)
