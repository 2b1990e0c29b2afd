"""The ``--json`` document has exactly the documented shape (extra fields allowed)."""

from __future__ import annotations

import json

from tests.analysis.helpers import run
from thrustcoach.vocab import FaultCode, Side

TOP = {"schema_version", "input", "exercise", "view", "sets", "summary", "warnings"}
INPUT = {"path": str, "kind": str, "frames": int, "duration_s": float, "fps": float}
SET = {"side", "start_s", "end_s", "reps"}
REP = {
    "index": int,
    "side": str,
    "start_s": float,
    "top_s": float,
    "end_s": float,
    "concentric_s": float,
    "pause_s": float,
    "eccentric_s": float,
    "peak_hip_angle_deg": float,
    "knee_angle_top_deg": float,
    "shin_angle_top_deg": float,
    "faults": list,
}
FAULT = {"code": str, "value": float, "threshold": float, "cue": str}


def test_json_shape() -> None:
    _, res = run(
        sides=(Side.LEFT, Side.RIGHT), reps_per_side=3, faults={FaultCode.SHORT_PAUSE: 0.1}, seed=31
    )
    doc = json.loads(json.dumps(res.to_json_dict()))
    assert doc.keys() >= TOP
    assert doc["schema_version"] == 1
    assert doc["input"]["kind"] == "landmarks"
    for key, typ in INPUT.items():
        assert isinstance(doc["input"][key], typ), key
    assert doc["exercise"] == "single_leg_hip_thrust" and doc["view"] == "side"
    assert [s["side"] for s in doc["sets"]] == ["left", "right"]
    for s in doc["sets"]:
        assert s.keys() >= SET
        for rep in s["reps"]:
            for key, typ in REP.items():
                assert isinstance(rep[key], typ), key
            for fault in rep["faults"]:
                assert fault.keys() >= FAULT.keys()
                assert all(isinstance(fault[k], t) for k, t in FAULT.items())
    assert doc["summary"]["rep_count"] == {"left": 3, "right": 3, "both": 0}
    assert doc["summary"]["faults"] == {"short_pause": 6}
    assert isinstance(doc["warnings"], list)
    assert "curves" not in doc


def test_json_round_trips_into_the_model() -> None:
    from thrustcoach.analysis import AnalysisResult

    _, res = run(sides=(Side.LEFT, Side.RIGHT), reps_per_side=2, seed=32)
    back = AnalysisResult.model_validate(json.loads(json.dumps(res.to_json_dict())))
    assert back.to_json_dict() == res.to_json_dict()
    assert back.reps == res.reps
