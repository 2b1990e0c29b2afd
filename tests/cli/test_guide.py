"""`thrustcoach guide` and `thrustcoach troubleshoot` as a user runs them."""

from __future__ import annotations

import io
import json
import sys

import pytest

from thrustcoach.cli.app import main
from thrustcoach.kb import SECTIONS, load_knowledge_base
from thrustcoach.vocab import FaultCode, VariantId


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_overview_lists_variants_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide")
    assert code == 0
    for variant in VariantId:
        assert variant.value in out
    assert "Default variant" in out


def test_overview_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["default_variant"] == "single_leg_hip_thrust"
    assert [v["id"] for v in data["variants"]] == [v.value for v in VariantId]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("single_leg_hip_thrust", VariantId.SINGLE_LEG_HIP_THRUST),
        ("bent", VariantId.SINGLE_LEG_HIP_THRUST),
        ("extended", VariantId.SINGLE_LEG_HIP_THRUST_EXTENDED),
        ("Dumbbell", VariantId.SINGLE_LEG_HIP_THRUST_DUMBBELL),
        ("glute bridge", VariantId.GLUTE_BRIDGE),
        ("glute-bridge", VariantId.GLUTE_BRIDGE),
        ("single leg glute bridge", VariantId.SINGLE_LEG_GLUTE_BRIDGE),
        ("hip thrust", VariantId.HIP_THRUST),
        ("dumbel", VariantId.SINGLE_LEG_HIP_THRUST_DUMBBELL),
    ],
)
def test_forgiving_variant_names(
    capsys: pytest.CaptureFixture[str], name: str, expected: VariantId
) -> None:
    code, out, _ = run(capsys, "guide", name, "-s", "summary", "-f", "json")
    assert code == 0
    assert json.loads(out)["id"] == expected.value


def test_full_guide_json_has_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide", "single_leg_hip_thrust_dumbbell", "--format", "json")
    data = json.loads(out)
    assert code == 0
    for key in ("summary", "setup", "steps", "tempo", "muscles", "mistakes", "tips", "faq"):
        assert key in data, key
    assert {m["code"] for m in data["mistakes"]} == {c.value for c in FaultCode}
    shares = {m["muscle"]: m["share_pct"] for m in data["muscles"]}
    assert shares["gluteus_maximus"] == 55
    assert data["tempo"] == {"pause_min_s": 1, "pause_max_s": 3, "lowering_s": 2}
    assert "phrasings" not in data["mistakes"][0]


def test_section_filter(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide", "extended", "--section", "muscles", "-f", "json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"id", "name", "muscles"}
    assert "hip_flexors" in {m["muscle"] for m in data["muscles"]}


def test_section_without_variant_uses_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide", "-s", "steps,muscles", "-f", "markdown")
    assert code == 0
    assert out.startswith("# Single-leg hip thrust (free leg bent)")
    assert "## How to do it" in out and "## Muscles worked" in out
    assert "## FAQ" not in out


def test_markdown_has_every_heading(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide", "dumbbell", "-f", "md")
    assert code == 0
    for heading in SECTIONS.values():
        assert f"## {heading}" in out
    assert "| Gluteus maximus |" in out
    assert "hip crease" in out


def test_terminal_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide", "glute bridge")
    assert code == 0
    assert "Glute bridge" in out
    assert "##" not in out  # rendered, not raw Markdown


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("guide", "deadlift"), "single_leg_hip_thrust"),
        (("guide", "bent", "--section", "warmup"), "summary"),
        (("guide", "--format", "xml"), "markdown"),
        (("troubleshoot", "knee", "--format", "yaml"), "json"),
    ],
)
def test_bad_choices_give_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], needle: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert needle in err
    assert "Traceback" not in err


def test_troubleshoot_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "troubleshoot", "cramp behind the knee")
    assert code == 0
    fix = load_knowledge_base().mistake(FaultCode.FOOT_TOO_FAR).fix
    assert fix.split()[0] in out
    assert "Cause" in out


def test_troubleshoot_json_rank_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "troubleshoot", "my hips twist at the top", "-f", "json", "-n", "5")
    data = json.loads(out)
    assert code == 0
    matches = data["matches"]
    assert [m["rank"] for m in matches] == list(range(1, len(matches) + 1))
    assert [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)
    assert {m["kind"] for m in matches} <= {"mistake", "faq"}
    assert matches[0]["id"] in {"pelvic_rotation", "hips_rotate"}
    mistake = next(m for m in matches if m["kind"] == "mistake")
    assert {"code", "cause", "fix", "cue", "symptom"} <= set(mistake)


def test_troubleshoot_no_match_suggests_topics(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "troubleshoot", "")
    assert code == 0
    assert "No answer" in out
    code, out, _ = run(capsys, "troubleshoot", "recipe for banana bread", "-f", "json")
    data = json.loads(out)
    assert data["matches"] == [] and data["suggestions"]


def test_troubleshoot_reads_binary_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = io.TextIOWrapper(io.BytesIO(b"\xff\xfe knee caves in \x00" + bytes(range(256)) * 4000))
    monkeypatch.setattr(sys, "stdin", fake)
    code, out, _ = run(capsys, "troubleshoot", "-", "-f", "json")
    data = json.loads(out)
    assert code == 0
    assert data["truncated"] is True
    assert data["matches"][0]["id"] == "knee_cave"


def test_troubleshoot_huge_argument(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "troubleshoot", "dumbbell keeps sliding " * 50_000, "-f", "json")
    assert code == 0
    assert json.loads(out)["matches"][0]["id"] == "load_unstable"
