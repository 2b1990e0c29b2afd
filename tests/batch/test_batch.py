"""Batch: every video gets its outputs, failures do not stop the rest, re-runs skip by hash."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.pose.videokit import SetVideo, make_set_video, write_stick_video
from thrustcoach.batch import BatchOptions, find_videos, run_batch
from thrustcoach.cli import batch as batch_cli
from thrustcoach.cli.app import main
from thrustcoach.errors import InputFileError, UsageError
from thrustcoach.pose.estimators import EstimatorSpec


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SetVideo]:
    """Two different clips of the same set (backgrounds differ) and one broken file."""
    folder = tmp_path_factory.mktemp("clips")
    first = make_set_video(folder / "a_set.mp4", reps=2)
    write_stick_video(folder / "b_set.mov", first.series, width=320, height=240, background=60)
    (folder / "c_broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(3000))
    (folder / "notes.txt").write_text("not a video, not picked up")
    return folder, first


def _options(clip: SetVideo, *, annotate: bool = False) -> BatchOptions:
    return BatchOptions(estimator=EstimatorSpec.fake(clip.series), annotate=annotate, plot=False)


def test_find_videos(videos: tuple[Path, SetVideo], tmp_path: Path) -> None:
    folder, _ = videos
    assert [p.name for p in find_videos(str(folder))] == ["a_set.mp4", "b_set.mov", "c_broken.mp4"]
    assert [p.name for p in find_videos(str(folder / "*.mov"))] == ["b_set.mov"]
    with pytest.raises(UsageError, match="no videos"):
        find_videos(str(tmp_path))
    with pytest.raises(InputFileError, match="no such file"):
        find_videos(str(tmp_path / "nope"))


def test_batch_runs_reports_failures_and_resumes(
    videos: tuple[Path, SetVideo], tmp_path: Path
) -> None:
    folder, clip = videos
    out = tmp_path / "out"
    items = run_batch(find_videos(str(folder)), out, options=_options(clip, annotate=True), jobs=2)
    status = {Path(i.video).name: i for i in items}
    assert status["a_set.mp4"].status == status["b_set.mov"].status == "done"
    assert status["c_broken.mp4"].status == "failed"
    assert "not a video we can open" in status["c_broken.mp4"].error
    doc = json.loads((out / "a_set.json").read_text())
    assert doc["summary"]["rep_count"]["right"] == clip.reps
    assert doc["input"]["kind"] == "video"
    assert (out / "a_set.annotated.mp4").stat().st_size > 1000
    assert (out / "b_set.landmarks.csv").exists()
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert [r["status"] for r in rows] == ["done", "done", "failed"]
    assert rows[0]["reps_right"] == str(clip.reps)

    again = run_batch(find_videos(str(folder)), out, options=_options(clip, annotate=True))
    assert sorted(i.status for i in again) == ["failed", "skipped", "skipped"]
    # Same content under a new name is still skipped; other options or --force redo it.
    renamed = tmp_path / "renamed.mp4"
    renamed.write_bytes((folder / "a_set.mp4").read_bytes())
    assert run_batch([renamed], out, options=_options(clip, annotate=True))[0].status == "skipped"
    assert run_batch([renamed], out, options=_options(clip))[0].status == "done"
    assert run_batch([renamed], out, options=_options(clip), force=True)[0].status == "done"


def test_batch_command_exit_codes(
    videos: tuple[Path, SetVideo], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    folder, clip = videos
    real = batch_cli.run_batch

    def with_fake(*args: Any, **kw: Any) -> Any:
        kw["options"] = BatchOptions(
            estimator=EstimatorSpec.fake(clip.series), annotate=False, plot=False
        )
        return real(*args, **kw)

    monkeypatch.setattr(batch_cli, "run_batch", with_fake)
    code = main(["batch", str(folder), "--out", str(tmp_path / "o"), "-j", "1"])
    err = capsys.readouterr().err
    assert code == 3 and "1 of 3 videos failed" in err and "c_broken.mp4" in err
    code = main(["batch", str(folder / "*.mp4"), "--out", str(tmp_path / "o2"), "--no-annotate"])
    assert code == 3  # the glob still includes the broken file
    code = main(["batch", str(folder / "a_*.mp4"), "--out", str(tmp_path / "o3"), "-q"])
    assert code == 0


@pytest.mark.ray
@pytest.mark.slow
def test_batch_on_a_local_ray_instance(videos: tuple[Path, SetVideo], tmp_path: Path) -> None:
    pytest.importorskip("ray")
    folder, clip = videos
    items = run_batch(
        [folder / "a_set.mp4", folder / "c_broken.mp4"],
        tmp_path / "ray_out",
        options=_options(clip),
        ray_address="local",
    )
    status = {Path(i.video).name: i.status for i in items}
    assert status == {"a_set.mp4": "done", "c_broken.mp4": "failed"}
    doc = json.loads((tmp_path / "ray_out" / "a_set.json").read_text())
    assert doc["summary"]["rep_count"]["right"] == clip.reps
