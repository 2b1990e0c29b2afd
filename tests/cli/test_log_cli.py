"""`thrustcoach log ...` and `thrustcoach report` as a user runs them (embedded SQLite)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from thrustcoach.cli.app import main
from thrustcoach.log import dispose_engines

Run = tuple[int, str, str]


@pytest.fixture(autouse=True)
def _fresh_engines() -> Iterator[None]:
    yield
    dispose_engines()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _ana(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "log",
        "athlete",
        "Ana",
        "--weak-side",
        "left",
        "--body-mass",
        "62,5",
        "--bilateral",
        "80x8",
    )
    assert code == 0 and "created" in out


def test_add_show_edit_delete(capsys: pytest.CaptureFixture[str]) -> None:
    _ana(capsys)
    code, out, _ = run(
        capsys,
        "log",
        "add",
        "--side",
        "left",
        "--reps",
        "10",
        "--load",
        "12,5",
        "--pause",
        "2",
        "--no-pelvis-level",
        "--date",
        "2026-03-02",
    )
    assert code == 0 and "12.50 kg" in out
    code, out, _ = run(
        capsys,
        "log",
        "add",
        "--side",
        "right",
        "--reps",
        "10",
        "--load",
        "25 lb",
        "--date",
        "2026-03-02",
    )
    assert code == 0 and "11.34 kg" in out
    code, out, _ = run(capsys, "log", "show", "--weeks", "520", "--json")
    sets = json.loads(out)
    assert [(s["side"], s["reps"], s["load_kg"], s["pelvis_level"]) for s in sets] == [
        ("left", 10, "12.50", False),
        ("right", 10, "11.34", None),
    ]
    code, out, _ = run(capsys, "log", "edit", str(sets[0]["id"]), "--reps", "9")
    assert code == 0 and "9 reps" in out
    code, out, _ = run(capsys, "log", "delete", str(sets[1]["id"]), "--yes")
    assert code == 0
    _, out, _ = run(capsys, "log", "show", "--weeks", "520", "--json")
    assert [(s["side"], s["reps"]) for s in json.loads(out)] == [("left", 9)]


def test_delete_asks_first(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _ana(capsys)
    run(capsys, "log", "add", "--side", "left", "--reps", "10")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("n\n"))
    code, out, _ = run(capsys, "log", "delete", "1")
    assert code == 0 and "nothing deleted" in out
    _, out, _ = run(capsys, "log", "show", "--json")
    assert len(json.loads(out)) == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--side", "left", "--reps", "-2"], 2, "reps must be a whole number"),
        (["--side", "left", "--reps", "10", "--load", "12 stone"], 2, "cannot read the load"),
        (["--side", "left", "--reps", "10", "--load", "-5"], 2, "negative"),
        (["--side", "middle", "--reps", "10"], 2, "unknown side"),
        (["--side", "left", "--reps", "10", "--athlete", "Bob"], 6, "unknown athlete 'Bob'"),
        (["--side", "left", "--reps", "10", "--date", "03/02/2026"], 2, "not a date"),
        (["--no-interactive"], 2, "needs --side and --reps"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    _ana(capsys)
    rc, _, err = run(capsys, "log", "add", *args)
    assert rc == code
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    _, out, _ = run(capsys, "log", "show", "--json")
    assert json.loads(out) == []


def test_no_athlete_yet(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, "log", "add", "--side", "left", "--reps", "10")
    assert rc == 6 and "no athlete yet" in err


def test_unreachable_server_is_a_storage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THRUSTCOACH_DATABASE_URL", "postgresql+psycopg://u:pw@127.0.0.1:9/x")
    rc, _, err = run(capsys, "log", "show")
    assert rc == 8 and "cannot reach the database server" in err and "pw@" not in err


def test_corrupt_database_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database " * 200)
    monkeypatch.setenv("THRUSTCOACH_DATABASE_URL", f"sqlite:///{bad}")
    rc, _, err = run(capsys, "log", "show")
    assert rc == 8 and "corrupt" in err


def test_import_twice_export_and_report(
    capsys: pytest.CaptureFixture[str], test_data_dir: Path, tmp_path: Path
) -> None:
    _ana(capsys)
    strong = str(test_data_dir / "log" / "strong.csv")
    code, out, _ = run(capsys, "log", "import", strong)
    assert code == 0 and "10 sets imported" in out and "Squat (Barbell)" in out
    code, out, _ = run(capsys, "log", "import", strong)
    assert "0 sets imported, 10 already there" in out
    code, out, _ = run(capsys, "log", "export", "--out", str(tmp_path / "csv"))
    assert code == 0 and (tmp_path / "csv" / "sets.csv").read_text().count("\n") == 11
    code, out, _ = run(capsys, "report", "--out", str(tmp_path / "rep"), "--weeks", "520")
    assert code == 0, out
    html = (tmp_path / "rep" / "index.html").read_text()
    assert "Ana" in html and "symmetry.png" in html
    for name in ("side_progress", "symmetry", "weekly_volume", "form"):
        png = tmp_path / "rep" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5_000


def test_attach_analysis_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _ana(capsys)
    run(capsys, "log", "add", "--side", "left", "--reps", "2")
    doc = {
        "schema_version": 1,
        "exercise": "single_leg_hip_thrust",
        "sets": [
            {
                "side": "left",
                "reps": [
                    {
                        "index": 1,
                        "side": "left",
                        "pause_s": 2.0,
                        "peak_hip_angle_deg": 178.0,
                        "shin_angle_top_deg": 3.0,
                        "faults": [],
                    },
                    {
                        "index": 2,
                        "side": "left",
                        "pause_s": 1.1,
                        "peak_hip_angle_deg": 169.0,
                        "shin_angle_top_deg": 4.0,
                        "faults": [{"code": "short_pause"}],
                    },
                ],
            }
        ],
    }
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(doc))
    code, out, _ = run(capsys, "log", "attach", str(path), "--set", "1")
    assert code == 0 and "(2 reps)" in out
    path.write_text('{"hello": 1}')
    code, _, err = run(capsys, "log", "attach", str(path), "--set", "1")
    assert code == 3 and "not a ThrustCoach analysis" in err
    code, _, err = run(capsys, "log", "attach", str(tmp_path / "nope.json"), "--set", "1")
    assert code == 3
    code, _, err = run(capsys, "log", "attach", str(path), "--set", "99")
    assert code == 6 and "no set with id 99" in err


def test_interactive_add_walks_planned_sets_weak_side_first(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _ana(capsys)
    today = dt.date.today()
    planned = [
        {
            "order": 1,
            "exercise": "single_leg_hip_thrust",
            "side": "right",
            "reps": 10,
            "load_kg": None,
            "pause_s": 1,
            "lowering_s": 2,
            "rest_s": 60,
        },
        {
            "order": 2,
            "exercise": "single_leg_hip_thrust",
            "side": "left",
            "reps": 10,
            "load_kg": "5",
            "pause_s": 1,
            "lowering_s": 2,
            "rest_s": 60,
        },
    ]
    plan = {
        "template_name": "test block",
        "weeks": [
            {
                "number": 1,
                "sessions": [
                    {
                        "week": 1,
                        "index": 1,
                        "date": today.isoformat(),
                        "title": "day 1",
                        "sets": planned,
                    }
                ],
            }
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    monkeypatch.setattr(
        "thrustcoach.log.planview._validate_with_program", lambda text: None
    )  # a minimal plan document; the real Plan schema is the plan package's business
    code, out, _ = run(capsys, "log", "plan", str(path))
    assert code == 0, out
    # left (weak) first: accept targets; then the right set with 8 reps and a bad load first
    answers = "y\n\n\n\ny\nn\ny\n8\n12 stone\n0\n7\nn\nn\n"
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(answers))
    code, out, _ = run(capsys, "log", "add", "-i")
    assert code == 0, out
    assert out.index("set 1/2: left") < out.index("set 2/2: right")
    assert "cannot read the load" in out  # re-asked, not crashed
    _, out, _ = run(capsys, "log", "show", "--json")
    got = [
        (s["side"], s["reps"], s["target_reps"], s["load_kg"], s["pain"]) for s in json.loads(out)
    ]
    assert got == [("left", 10, 10, "5.00", False), ("right", 8, 10, "0.00", False)]


def test_attach_video_without_pipeline_is_clear(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ana(capsys)
    run(capsys, "log", "add", "--side", "left", "--reps", "2")
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42 not really a video")
    code, _, err = run(capsys, "log", "attach", str(video), "--set", "1")
    assert code != 0 and code != 70 and "Traceback" not in err


def test_flag_add_on_a_planned_day_prefills_targets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _ana(capsys)
    today = dt.date.today().isoformat()
    sets = [
        {
            "order": i,
            "exercise": "single_leg_hip_thrust",
            "side": side,
            "reps": reps,
            "load_kg": "5",
            "pause_s": 2,
            "lowering_s": 2,
            "rest_s": 60,
        }
        for i, (side, reps) in enumerate([("left", 12), ("left", 11), ("right", 12)], start=1)
    ]
    plan = {
        "weeks": [{"number": 2, "sessions": [{"week": 2, "index": 1, "date": today, "sets": sets}]}]
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    monkeypatch.setattr("thrustcoach.log.planview._validate_with_program", lambda text: None)
    assert run(capsys, "log", "plan", str(path))[0] == 0
    for side in ("left", "left", "right"):
        assert run(capsys, "log", "add", "--side", side, "--reps", "9")[0] == 0
    _, out, _ = run(capsys, "log", "show", "--json")
    assert [(s["side"], s["target_reps"]) for s in json.loads(out)] == [
        ("left", 12),
        ("left", 11),
        ("right", 12),
    ]
