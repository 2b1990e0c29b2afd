"""``thrustcoach live`` on a file: the events printed, the cues spoken, the same reps as
``analyze``, and one-line errors for a missing source, a camera that is not there and a
computer without a voice."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any

import pytest

from tests.pose.videokit import SetVideo, make_set_video
from thrustcoach.analysis import analyze
from thrustcoach.cli import app as cli_app
from thrustcoach.errors import DependencyMissingError
from thrustcoach.pose.estimators import FakePoseEstimator


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> SetVideo:
    return make_set_video(tmp_path_factory.mktemp("live") / "set.mp4")


class RecordingVoice:
    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)

    def close(self) -> None:
        return None


@pytest.fixture
def fake_pose(monkeypatch: pytest.MonkeyPatch, clip: SetVideo) -> None:
    from thrustcoach.cli import live as live_cli

    monkeypatch.setattr(
        live_cli, "make_estimator", lambda: FakePoseEstimator.from_series(clip.series)
    )


def test_a_file_is_coached_and_spoken(
    fake_pose: None, clip: SetVideo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from thrustcoach.cli import live as live_cli

    voice = RecordingVoice()
    monkeypatch.setattr(live_cli, "open_voice", lambda: voice)
    out = tmp_path / "live.json"
    marks = tmp_path / "live.csv"
    args = ["live", "--video", str(clip.path), "--no-realtime", "--speak", "--pause", "0.5"]
    code = cli_app.main([*args, "--reps", "3", "--json", str(out), "--landmarks", str(marks)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "1 right" in printed and "3 right" in printed and "reps: right 3" in printed
    assert [t for t in voice.said if t.endswith("right")] == ["1 right", "2 right", "3 right"]
    assert voice.said.count("hold") == 3 and voice.said.count("lower") == 3
    assert "that's 3: set done" in voice.said
    live = json.loads(out.read_text())["summary"]["rep_count"]
    offline = analyze(clip.series).summary.rep_count
    assert live == {k.value: v for k, v in offline.items()}
    from thrustcoach.pose import read_landmarks

    assert read_landmarks(marks).n_frames == clip.series.n_frames


def test_real_time_pacing_drops_frames_when_the_model_is_slow(
    clip: SetVideo, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import time

    from thrustcoach.cli import live as live_cli

    class Slow(FakePoseEstimator):
        def process(self, image_bgr: Any, *, time_s: float) -> Any:
            time.sleep(0.06)  # half the file's 30 fps
            return super().process(image_bgr, time_s=time_s)

    monkeypatch.setattr(live_cli, "make_estimator", lambda: Slow.from_series(clip.series))
    started = time.monotonic()
    assert cli_app.main(["live", "--video", str(clip.path), "--seconds", "4"]) == 0
    elapsed = time.monotonic() - started
    printed = capsys.readouterr().out
    assert "dropped (the pose model was behind)" in printed
    assert elapsed >= 3.5  # played at the file's own speed, not faster


def test_bad_sources_and_no_voice_are_one_line_errors(
    fake_pose: None, clip: SetVideo, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from thrustcoach.cli import live as live_cli

    assert cli_app.main(["live"]) == 2
    assert "give either --camera N or --video FILE" in capsys.readouterr().err
    assert cli_app.main(["live", "--camera", "97"]) == 2
    assert "cannot open camera 97" in capsys.readouterr().err

    def no_voice() -> Any:
        raise DependencyMissingError("no text-to-speech voice on this computer", hint="install one")

    monkeypatch.setattr(live_cli, "open_voice", no_voice)
    assert cli_app.main(["live", "--video", str(clip.path), "--speak"]) == 10
    err = capsys.readouterr().err
    assert "no text-to-speech voice" in err and len(err.strip().splitlines()) == 1


def test_the_offline_voice_speaks_here(tmp_path: Path) -> None:
    """pyttsx3 + espeak-ng (installed by scripts/services.sh) turn a count into sound."""
    wav = tmp_path / "count.wav"
    code = (
        "import pyttsx3, sys\n"
        "e = pyttsx3.init()\n"
        "e.save_to_file('3 left', sys.argv[1]); e.runAndWait()\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(wav)], capture_output=True, text=True, timeout=60
    )
    if run.returncode != 0 and "eSpeak" in run.stderr:
        pytest.skip("no espeak-ng library (scripts/services.sh installs it)")
    assert run.returncode == 0, run.stderr
    with wave.open(str(wav)) as w:
        assert w.getnframes() / w.getframerate() > 0.3
