"""The plot and the ``thrustcoach analyze`` command on landmark files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.analysis.helpers import run
from thrustcoach.analysis.plot import plot_analysis
from thrustcoach.cli.app import main
from thrustcoach.pose.io import write_landmarks_csv
from thrustcoach.pose.synthetic import SyntheticSet, generate
from thrustcoach.vocab import FaultCode, Side

PNG = b"\x89PNG"


def test_plot_writes_a_png(tmp_path: Path) -> None:
    _, res = run(reps_per_side=3, faults={FaultCode.SHORT_PAUSE: 0.1}, seed=41)
    out = plot_analysis(res, tmp_path / "plot.png")
    assert out.read_bytes()[:4] == PNG


def test_the_plotted_hip_angle_is_each_set_s_own_after_a_side_switch() -> None:
    """The detector keeps its signal continuous across a change of leg with an offset;
    the plot and the captions must show each working leg's real hip angle instead."""
    _, res = run(sides=(Side.RIGHT, Side.LEFT), reps_per_side=3, seed=43)
    assert res.curves is not None
    t = np.asarray(res.curves.time_s)
    hip = np.asarray(res.curves.hip_angle_deg)
    for rep in res.reps:
        assert rep.peak_hip_angle_deg is not None
        top = hip[(t >= rep.top_s) & (t <= rep.top_s + 0.5)]
        assert abs(float(np.nanmedian(top)) - rep.peak_hip_angle_deg) < 8.0


@pytest.fixture()
def landmark_file(tmp_path: Path) -> Path:
    series = generate(SyntheticSet(reps_per_side=3, seed=42, noise_px=1.0)).series
    return write_landmarks_csv(series, tmp_path / "set.csv")


def test_cli_analyze_writes_json_and_plot(
    landmark_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "analyze",
            str(landmark_file),
            "--json",
            str(tmp_path / "r.json"),
            "--plot",
            str(tmp_path / "r.png"),
            "--pause",
            "2.5",  # the set holds ~1.2 s at the top: well under 60 % of 2.5 s
            "--lowering",
            "3",
        ]
    )
    assert code == 0
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["summary"]["rep_count"]["right"] == 3
    assert doc["input"]["path"] == str(landmark_file)
    assert (tmp_path / "r.png").read_bytes()[:4] == PNG
    out = capsys.readouterr().out
    assert "single_leg_hip_thrust" in out and "short_pause" in out


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["--exercise", "squat"], 2, "--exercise"),
        (["--pause", "-1"], 2, "--pause"),
    ],
)
def test_cli_rejects_bad_options(
    landmark_file: Path,
    args: list[str],
    exit_code: int,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["analyze", str(landmark_file), *args]) == exit_code
    assert message in capsys.readouterr().err


def test_cli_missing_or_wrong_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(tmp_path / "nope.csv")]) == 3
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n")
    assert main(["analyze", str(bad)]) == 3
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err


def test_the_analysis_imports_neither_pyplot_nor_scipy_signal() -> None:
    """``thrustcoach analyze`` without ``--plot`` pays neither matplotlib's pyplot (~0.4 s)
    nor scipy.signal (~0.3 s) at import: together they cost more than analysing a set."""
    import subprocess
    import sys

    code = (
        "import sys, thrustcoach.analysis as a; "
        "print(sorted(m for m in ('matplotlib.pyplot', 'scipy.signal') if m in sys.modules)); "
        "print(a.plot_analysis.__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["[]", "plot_analysis"]


@pytest.mark.parametrize(("flags", "shown"), [([], False), (["-v"], True)])
def test_library_warnings_stay_off_the_terminal_unless_verbose(
    landmark_file: Path, flags: list[str], shown: bool
) -> None:
    """A numpy RuntimeWarning inside the analysis is a developer's note: ``thrustcoach
    analyze`` keeps it off stderr, and ``-v`` shows it in the log."""
    import subprocess
    import sys

    script = (
        "import sys, warnings\n"
        "import thrustcoach.analysis as a\n"
        "real = a.analyze\n"
        "def noisy(*args, **kwargs):\n"
        "    warnings.warn('Mean of empty slice', RuntimeWarning)\n"
        "    return real(*args, **kwargs)\n"
        "a.analyze = noisy\n"
        "from thrustcoach.cli.app import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *flags, "analyze", str(landmark_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert ("Mean of empty slice" in done.stderr) is shown, done.stderr
    assert "reps" in done.stdout.lower()
