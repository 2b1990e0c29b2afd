"""Golden files for the source block. Rewrite only with --update-goldens (see conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from thrustcoach.program import Plan, PlanInputs, build_plan


def _compare(plan: Plan, path: Path, update: bool) -> None:
    text = plan.to_json() + "\n"
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"rewrote {path.name}")
    assert path.is_file(), f"{path} missing: run pytest tests/program --update-goldens"
    expected = path.read_text(encoding="utf-8")
    assert json.loads(text) == json.loads(expected)
    assert Plan.from_json(expected) == plan


def test_source_block_intermediate_golden(
    intermediate_inputs: PlanInputs, golden_dir: Path, update_goldens: bool
) -> None:
    _compare(
        build_plan(intermediate_inputs),
        golden_dir / "source_block_intermediate.json",
        update_goldens,
    )


def test_source_block_beginner_golden(
    beginner_inputs: PlanInputs, golden_dir: Path, update_goldens: bool
) -> None:
    _compare(build_plan(beginner_inputs), golden_dir / "source_block_beginner.json", update_goldens)


def test_golden_has_the_documented_json_shape(golden_dir: Path) -> None:
    data = json.loads((golden_dir / "source_block_intermediate.json").read_text("utf-8"))
    week = data["weeks"][0]
    session = week["sessions"][0]
    assert session["date"] == "2026-01-05"
    first = session["sets"][0]
    assert set(first) >= {"exercise", "side", "reps", "load_kg", "pause_s", "lowering_s", "rest_s"}
    assert first["side"] == "left" and first["load_kg"] == 22.5
    beginner = json.loads((golden_dir / "source_block_beginner.json").read_text("utf-8"))
    assert beginner["weeks"][0]["sessions"][0]["sets"][0]["load_kg"] is None
