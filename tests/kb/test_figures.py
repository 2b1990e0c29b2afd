"""Guide pictures come from the kinematic model and agree with the analysis' thresholds."""

from __future__ import annotations

import pytest

from thrustcoach.analysis.config import load_fault_rules
from thrustcoach.errors import NotFoundError
from thrustcoach.kb import load_knowledge_base
from thrustcoach.kb.figures import FIGURES, figure_svg, figures_for_mistake, pose


def test_poses_hit_the_asked_hip_angle() -> None:
    for angle in (105.0, 140.0, 158.0, 180.0, 205.0):
        assert pose(hip_angle_deg=angle).hip_angle_deg == pytest.approx(angle, abs=0.5)


def test_foot_placement_pictures_fall_on_the_sides_of_the_analysis_thresholds() -> None:
    rules = {r.code.value: r for r in load_fault_rules()}
    low, high = rules["foot_too_close"].below, rules["foot_too_far"].above
    assert low is not None and high is not None
    close, right, far = (pose(hip_angle_deg=180, shin_angle_deg=s) for s in (-28, 0, 28))
    assert close.knee_angle_deg < low < right.knee_angle_deg < high < far.knee_angle_deg
    assert right.knee_angle_deg == pytest.approx(90, abs=3)  # shin vertical


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_figure_is_svg_text_with_its_words(name: str) -> None:
    svg = figure_svg(name)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert len(svg) < 60_000
    if name == "foot-placement":
        assert "knee 88° at the top" in svg and "hamstrings" in svg


def test_mistake_figures_name_existing_mistakes() -> None:
    codes = {m.code.value for m in load_knowledge_base().mistakes}
    drawn = {c for c in codes if figures_for_mistake(c)}
    assert {"foot_too_far", "foot_too_close", "incomplete_lockout", "neck_on_bench"} <= drawn
    assert {k for k in FIGURES if k not in ("setup", "steps", "foot-placement")} <= codes
    with pytest.raises(NotFoundError):
        figure_svg("nope")
