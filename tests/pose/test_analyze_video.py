"""``thrustcoach analyze VIDEO``: pose + analysis in one go, JSON kind "video", --annotate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pose.videokit import SetVideo
from thrustcoach.cli import pose as pose_cli
from thrustcoach.cli.app import main
from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.pose.extract import extract_landmarks
from thrustcoach.pose.io import write_landmarks_csv


@pytest.fixture
def fake_pose(set_video: SetVideo, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_extract(video: Path, **kw: Any) -> Any:
        return extract_landmarks(video, spec=EstimatorSpec.fake(set_video.series), **kw)

    monkeypatch.setattr(pose_cli, "extract_landmarks", fake_extract)


@pytest.mark.usefixtures("fake_pose")
def test_analyze_video_with_annotation(set_video: SetVideo, tmp_path: Path, capsys: Any) -> None:
    out_json, out_mp4 = tmp_path / "r.json", tmp_path / "a.mp4"
    code = main(
        [
            "analyze",
            str(set_video.path),
            "--json",
            str(out_json),
            "--annotate",
            str(out_mp4),
            "--workers",
            "1",
            "-q",
        ]
    )
    assert code == 0, capsys.readouterr().err
    doc = json.loads(out_json.read_text())
    assert doc["input"]["kind"] == "video"
    assert doc["summary"]["rep_count"]["right"] == set_video.reps
    assert out_mp4.stat().st_size > 1000
    assert "annotated video written" in capsys.readouterr().out


def test_annotate_needs_a_video(set_video: SetVideo, tmp_path: Path, capsys: Any) -> None:
    csv_path = write_landmarks_csv(set_video.series, tmp_path / "l.csv")
    code = main(["analyze", str(csv_path), "--annotate", str(tmp_path / "a.mp4")])
    assert code == 2
    assert "--annotate needs a video" in capsys.readouterr().err


def test_analyze_broken_video_is_one_line(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "set.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(500))
    assert main(["analyze", str(bad)]) == 3
    err = capsys.readouterr().err
    assert "not a video we can open" in err and "Traceback" not in err


def test_annotate_into_a_missing_folder_fails_before_the_pose_run(
    set_video: SetVideo, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "no" / "such" / "a.mp4"
    code = main(["analyze", str(set_video.path), "--annotate", str(out), "-q"])
    assert code == 2  # a usage error, found before any frame is decoded
    err = capsys.readouterr().err
    assert "folder" in err and "does not exist" in err and "Traceback" not in err
