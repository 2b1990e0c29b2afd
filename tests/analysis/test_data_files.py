"""Cross-checks of the analysis data files: every name they mention exists."""

from __future__ import annotations

from thrustcoach.analysis import RepResult
from thrustcoach.analysis.config import load_angle_defs, load_config, load_fault_rules
from thrustcoach.analysis.legs import JOINTS
from thrustcoach.kb import load_knowledge_base


def test_fault_rules_name_real_metrics_views_and_kb_mistakes() -> None:
    fields = set(RepResult.model_fields)
    kb = load_knowledge_base()
    rules = load_fault_rules()
    assert rules
    for rule in rules:
        assert rule.metric in fields, rule.metric
        assert (rule.below is None) != (rule.above is None), rule.code
        assert kb.mistake(rule.code).cue, rule.code
        if rule.when is not None:
            assert rule.when.metric in fields, rule.when.metric


def test_angle_definitions_use_chain_joints() -> None:
    defs = load_angle_defs()
    assert {d.name for d in defs} >= {"hip", "knee", "free_hip"}
    for d in defs:
        assert set(d.points) <= set(JOINTS), d.name


def test_metric_points_name_real_metrics_and_joints() -> None:
    from thrustcoach.analysis.metrics import METRIC_POINTS

    fields = set(RepResult.model_fields)
    for metric, points in METRIC_POINTS.items():
        assert metric in fields, metric
        for which, joint in points:
            assert which in {"work", "free", "both"} and joint in JOINTS, (metric, joint)


def test_default_tempo_is_the_seed_prescription() -> None:
    tempo = load_config().tempo
    assert (tempo.pause_s, tempo.lowering_s) == (1.0, 2.0)
