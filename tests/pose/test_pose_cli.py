"""``thrustcoach pose``: writes the CSV, prints clear one-line errors with exit codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pose.videokit import SetVideo
from thrustcoach.cli import pose as pose_cli
from thrustcoach.cli.app import main
from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.pose.extract import extract_landmarks
from thrustcoach.pose.io import read_landmarks


def test_pose_command_writes_landmark_csv(
    set_video: SetVideo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    def fake_extract(video: Path, **kw: Any) -> Any:
        return extract_landmarks(video, spec=EstimatorSpec.fake(set_video.series), **kw)

    monkeypatch.setattr(pose_cli, "extract_landmarks", fake_extract)
    out = tmp_path / "l.csv"
    args = ["pose", str(set_video.path), "-o", str(out), "--workers", "2", "--max-fps", "30"]
    assert main([*args, "--sample-fps", "0"]) == 0
    series = read_landmarks(out)
    assert series.n_frames == set_video.series.n_frames
    assert series.meta["source"] == "set.mp4"
    assert "found the person in" in capsys.readouterr().out
    assert main(args) == 0  # default: 10 frames/s plus the phase edges
    sampled = read_landmarks(out)
    assert sampled.n_frames < 0.8 * series.n_frames
    assert sampled.fps == pytest.approx(30.0, abs=0.01)  # the source rate travels in the CSV
    assert "the pose model ran on" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["pose", "missing.mp4", "-o", "x.csv"], 3, "no such file"),
        (["pose", "{notes}", "-o", "x.csv"], 3, "not a video we can open"),
        (["pose", "{notes}", "-o", "x.csv", "--workers", "0"], 2, "--workers must be 1-256"),
        (["pose", "{notes}", "-o", "x.csv", "--max-fps", "-1"], 2, "--max-fps"),
        (["pose", "{notes}", "-o", "x.csv", "--max-fps", "nan"], 2, "--max-fps"),
        (["pose", "{notes}", "-o", "x.csv", "--sample-fps", "-2"], 2, "--sample-fps"),
        (["pose", "{notes}", "-o", "x.csv", "--sample-fps", "inf"], 2, "--sample-fps"),
    ],
)
def test_pose_command_errors(
    tmp_path: Path, capsys: Any, args: list[str], code: int, message: str
) -> None:
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video")
    argv = [a.replace("{notes}", str(notes)) for a in args]
    argv = [str(tmp_path / a) if a in ("missing.mp4", "x.csv") else a for a in argv]
    assert main(argv) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
