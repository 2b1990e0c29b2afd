"""``thrustcoach plan`` as a user runs it: every format parses, bad input is one line + exit 2."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest

from thrustcoach.cli.app import main
from thrustcoach.program import Plan

BASE = [
    "plan",
    "--experience", "intermediate",
    "--body-mass-kg", "70",
    "--bilateral-set", "100x8",
    "--weak-side", "left",
    "--dumbbells", "5,7.5,10,12.5,15,17.5,20,22.5",
    "--start", "2026-01-05",
    "--days", "mon,wed,fri",
]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_is_a_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *BASE, "--format", "json")
    assert (code, err) == (0, "")
    plan = Plan.from_json(out)
    data = json.loads(out)
    first = data["weeks"][0]["sessions"][0]["sets"][0]
    assert first == {
        "order": 1, "exercise": "single_leg_hip_thrust_dumbbell", "side": "left", "reps": 10,
        "load_kg": 22.5, "pause_s": 1, "lowering_s": 2, "rest_s": 45, "extra": False,
    }  # fmt: skip
    assert len(list(plan.sessions())) == 12


def test_markdown_output_has_a_table_per_session(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *BASE, "--format", "markdown")
    assert code == 0
    assert out.startswith("# 4-week unilateral glute block")
    assert out.count("| # | Exercise | Side |") == 12
    assert "## Week 4 (deload)" in out
    assert "| 7 | single_leg_hip_thrust_dumbbell | left (extra) | 12 | 22.5 kg |" in out


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables = 0
        self.rows: list[list[str]] = []
        self._in_td = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._in_td = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_td = False

    def handle_data(self, data: str) -> None:
        if self._in_td:
            self.rows[-1][-1] += data


def test_html_output_parses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "plan.html"
    code, out, _ = run(capsys, *BASE, "--format", "html", "--out", str(out_file))
    assert (code, out) == (0, "")
    parser = _Cells()
    parser.feed(out_file.read_text("utf-8"))
    assert parser.tables == 12
    body = [r for r in parser.rows if r]
    assert body[0] == [
        "1",
        "single_leg_hip_thrust_dumbbell",
        "left",
        "10",
        "22.5 kg",
        "1",
        "2",
        "45",
    ]


def test_ics_has_one_event_per_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ics = tmp_path / "plan.ics"
    code, out, _ = run(capsys, *BASE, "--ics", str(ics), "--format", "json")
    assert code == 0
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 12
    first = events[0]
    assert first.decoded("dtstart").isoformat() == "2026-01-05"
    description = str(first.get("description"))
    assert description.startswith("left (first): 3 sets, 10+10+10 reps @ 22.5 kg\n")
    assert "right: 3 sets, 10+10+10 reps @ 22.5 kg" in description
    assert "1. left: 10 reps @ 22.5 kg" in description
    assert "2. right: 10 reps @ 22.5 kg" in description
    assert len({str(e.get("uid")) for e in events}) == 12


def test_table_output_lists_weeks_and_loads(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *BASE)
    assert code == 0
    assert "Week 4 (deload)" in out
    assert "22.5 kg" in out and "Mon 2026-01-05" in out


def test_follow_up_block_from_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_file, results = tmp_path / "plan.json", tmp_path / "results.json"
    assert run(capsys, *BASE, "--format", "json", "--out", str(plan_file))[0] == 0
    results.write_text(json.dumps([
        {"week": 3, "session": 1, "form": {"pelvis_level": False}},
        {"week": 3, "session": 3, "form": {}},
    ]), encoding="utf-8")  # fmt: skip
    code, out, _ = run(
        capsys, "plan", "--next", str(plan_file), "--results", str(results), "--format", "json"
    )
    assert code == 0
    nxt = Plan.from_json(out)
    assert nxt.block_number == 2 and nxt.working_load_kg == 20


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--one-rm-kg", "2000"], "not plausible"),
        (["--one-rm-kg", "-50"], "positive"),
        (["--bilateral-set", "-100x8"], "negative"),
        (["--bilateral-set", "heavy"], "LOADxREPS"),
        (["--start", "1900-01-01"], "1900"),
        (["--start", "tomorrow"], "YYYY-MM-DD"),
        (["--weak-side", "middle"], "--weak-side"),
        (["--days", ","], "--days"),
        (["--days", "mon"], "at least 2 days"),
        (["--days", "funday"], "funday"),
        (["--dumbbells", "5,-3"], "--dumbbells"),
        (["--body-mass-kg", "0"], "--body-mass-kg"),
        (["--body-mass-kg", "700"], "body mass"),
        (["--format", "pdf"], "--format"),
        (["--template", "nope"], "--template"),
        (["--experience", "guru"], "--experience"),
        (["--equipment", "bodyweight"], "equipment is 'bodyweight'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    base = (
        BASE
        if "--one-rm-kg" not in args
        else [a for a in BASE if a not in ("--bilateral-set", "100x8")]
    )
    code, out, err = run(capsys, *base, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error:")
    assert message in err


def test_missing_value_names_the_flag(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "plan", "--experience", "beginner", "--equipment", "bodyweight")
    assert code == 2
    assert "missing --body-mass-kg" in err


def test_next_needs_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plan", "--next", str(tmp_path / "x.json"))
    assert code == 2 and "--results" in err


def test_unreadable_plan_file_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad, results = tmp_path / "bad.json", tmp_path / "r.json"
    bad.write_text("{}", encoding="utf-8")
    results.write_text("[]", encoding="utf-8")
    code, _, err = run(capsys, "plan", "--next", str(bad), "--results", str(results))
    assert code == 3 and "not a ThrustCoach plan" in err


class _FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_prompts_for_missing_values_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # experience, body mass, bilateral set (blank), weak side, equipment, start, days
    answers = "beginner\n62\n\nright\nbodyweight\n2026-03-02\nmon,thu\n"
    monkeypatch.setattr("sys.stdin", _FakeTTY(answers))
    code, out, err = run(capsys, "plan", "--format", "json")
    assert (code, err) == (0, "")
    plan = Plan.from_json(out[out.index("{") :])
    assert plan.inputs.body_mass_kg == 62 and plan.weak_side == "right"
    assert plan.weeks[0].sessions[0].date.isoformat() == "2026-03-02"


def test_list_templates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--list-templates")
    assert code == 0
    assert {line.split(":")[0] for line in out.splitlines()} == {
        "unilateral_4wk", "activation", "finisher"
    }  # fmt: skip
