"""Ordinary mistakes the probe of issue 13 saw end in exit 70 (internal error): each must be a
one-line error with its documented exit code, found before any slow work starts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from thrustcoach.cli import pose as pose_cli
from thrustcoach.cli.app import main
from thrustcoach.log import dispose_engines

BIG = "1" + "0" * 5000
HUGE_ID = str(2**63)


@pytest.fixture(autouse=True)
def _fresh_engines() -> Iterator[None]:
    yield
    dispose_engines()


@pytest.fixture(scope="module")
def landmarks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from thrustcoach.pose import write_landmarks_csv
    from thrustcoach.pose.synthetic import SyntheticSet, generate
    from thrustcoach.vocab import Side

    path = tmp_path_factory.mktemp("lm") / "set.csv"
    write_landmarks_csv(generate(SyntheticSet(reps_per_side=2, sides=(Side.LEFT,))).series, path)
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


def _one_line_error(code: int, text: str, expected_code: int) -> None:
    assert code == expected_code, text
    assert "Traceback" not in text and "internal error" not in text, text
    errors = [line for line in text.splitlines() if "error" in line.lower()]
    assert errors, text


def test_plot_in_an_unknown_format_is_exit_2(
    capsys: pytest.CaptureFixture[str], landmarks: Path, tmp_path: Path
) -> None:
    code, text = _run(capsys, "analyze", str(landmarks), "--plot", str(tmp_path / "p.xyz"))
    _one_line_error(code, text, 2)
    assert "--plot" in text and ".png" in text


def test_annotate_into_a_missing_folder_is_found_before_the_pose_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    video = tmp_path / "set.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(2000))
    calls: list[Any] = []

    def no_pose_run(*args: Any, **kw: Any) -> Any:
        calls.append(args)
        raise AssertionError("the pose run started before the outputs were checked")

    monkeypatch.setattr(pose_cli, "extract_landmarks", no_pose_run)
    target = tmp_path / "missing" / "a.mp4"
    code, text = _run(capsys, "analyze", str(video), "--annotate", str(target), "-q")
    _one_line_error(code, text, 2)
    assert "does not exist" in text and calls == []


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e9"])
@pytest.mark.parametrize("command", ["analyze", "pose"])
def test_max_fps_must_be_a_frame_rate(
    capsys: pytest.CaptureFixture[str], landmarks: Path, tmp_path: Path, value: str, command: str
) -> None:
    extra = ["-o", str(tmp_path / "x.csv")] if command == "pose" else []
    code, text = _run(capsys, command, str(landmarks), *extra, "--max-fps", value)
    _one_line_error(code, text, 2)
    assert "--max-fps" in text


@pytest.mark.parametrize(
    "bilateral",
    [f"{BIG}x8", f"100x{BIG}", BIG, f"{BIG}.5x3", "100x" + "9" * 30],
    ids=["huge-load", "huge-reps", "huge-1rm", "huge-decimal", "30-digit-reps"],
)
def test_a_5000_digit_bilateral_set_is_exit_2(
    capsys: pytest.CaptureFixture[str], bilateral: str
) -> None:
    code, text = _run(
        capsys,
        "plan",
        "--experience",
        "intermediate",
        "--body-mass-kg",
        "70",
        "--bilateral-set",
        bilateral,
        "--equipment",
        "bodyweight",
        "--days",
        "mon",
        "--no-input",
    )
    _one_line_error(code, text, 2)
    assert "--bilateral-set" in text and len(text) < 400


@pytest.mark.parametrize(
    "times",
    [
        "absurd",  # every time x 1e300
        "gap",  # a billion-second gap in the middle
        "milliseconds",  # 1.7e12: a date stamp in ms
    ],
)
def test_absurd_landmark_times_are_an_input_error(
    capsys: pytest.CaptureFixture[str], landmarks: Path, tmp_path: Path, times: str
) -> None:
    lines = landmarks.read_text().splitlines()
    out = []
    for line in lines:
        parts = line.split(",")
        if line.startswith("#") or parts[0] == "frame":
            out.append(line)
            continue
        t, frame = float(parts[1]), int(parts[0])
        parts[1] = {
            "absurd": repr(t * 1e300),
            "gap": repr(t + (1e9 if frame > 40 else 0)),
            "milliseconds": repr(1.7e12 + t * 1000),
        }[times]
        out.append(",".join(parts))
    bad = tmp_path / "times.csv"
    bad.write_text("\n".join(out) + "\n")
    code, text = _run(capsys, "analyze", str(bad))
    _one_line_error(code, text, 3)
    assert "time" in text


def test_out_naming_an_existing_file_or_an_impossible_path_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert _run(capsys, "log", "athlete", "Ana")[0] == 0
    existing = tmp_path / "report.txt"
    existing.write_text("keep me")
    for args in (
        ["log", "export", "--out", str(existing)],
        ["report", "--out", str(existing)],
        ["log", "export", "--out", str(existing / "sub")],
        ["report", "--out", "/proc/1/no/such/folder"],
        ["log", "results", "--out", str(tmp_path)],  # a folder, not a file
        ["log", "results", "--out", str(tmp_path / "missing" / "r.json")],
    ):
        code, text = _run(capsys, *args)
        _one_line_error(code, text, 2)
    assert existing.read_text() == "keep me"


def test_outputs_never_overwrite_the_input(
    capsys: pytest.CaptureFixture[str], landmarks: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "set.csv"
    copy.write_bytes(landmarks.read_bytes())
    for args in (["--json", str(copy)], ["--json", str(tmp_path / "." / "set.csv")]):
        code, text = _run(capsys, "analyze", str(copy), *args)
        _one_line_error(code, text, 2)
        assert "is the input file" in text
    assert copy.read_bytes() == landmarks.read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ["log", "edit", HUGE_ID, "--reps", "3"],
        ["log", "delete", HUGE_ID, "--yes"],
        ["log", "edit", "99999999999", "--reps", "3"],
        ["log", "attach", "{analysis}", "--set", HUGE_ID],
        ["log", "add", "--side", "left", "--reps", "5", "--athlete", HUGE_ID],
        ["log", "show", "--athlete", "1" * 5000],
        ["log", "results", "--out", "{out}", "--plan", HUGE_ID],
    ],
)
def test_huge_ids_are_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str]
) -> None:
    assert _run(capsys, "log", "athlete", "Ana")[0] == 0
    assert _run(capsys, "log", "athlete", "Bob")[0] == 0  # --athlete is needed from now on
    analysis = tmp_path / "a.json"
    analysis.write_text('{"schema_version": 1, "sets": []}')
    filled = [a.format(analysis=analysis, out=tmp_path / "r.json") for a in args]
    if "--athlete" not in filled:
        filled += ["--athlete", "Ana"]
    code, text = _run(capsys, *filled)
    _one_line_error(code, text, 2)


def test_markup_and_escapes_in_names_print_as_plain_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("[/]", "[bold]Ana", "Evil\x1b[2J\x1b[31mRED", "\u202eevil"):
        code, text = _run(capsys, "log", "athlete", name)
        assert code == 0, text
        assert "\x1b" not in text and "\u202e" not in text
        code, text = _run(capsys, "log", "show", "--athlete", name)
        assert code == 0, text
        assert "\x1b" not in text and "Traceback" not in text
    code, text = _run(capsys, "log", "show", "--athlete", "[/]nobody")
    _one_line_error(code, text, 6)
    assert "[/]nobody" in text
