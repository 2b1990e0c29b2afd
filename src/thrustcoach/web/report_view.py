"""What the video report page shows beyond the raw result: reference values beside the measured
ones, faults in the order they matter, the rep timeline, left against right, and a comparison
with an earlier check.

Reads the analysis result document (``analyze --json`` shape) and the analysis' own fault rules
(``analysis/data/faults.toml``), so a reference shown here is exactly the line the analysis used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from thrustcoach.analysis.config import FaultRule, load_fault_rules
from thrustcoach.kb import KnowledgeBase

__all__ = [
    "METRICS",
    "Metric",
    "RankedFault",
    "compare_checks",
    "rank_faults",
    "references",
    "side_comparison",
    "timeline",
]


@dataclass(frozen=True)
class Metric:
    key: str  # field of a rep in the result
    label: str
    unit: str
    digits: int


METRICS = (
    Metric("concentric_s", "Lift", "s", 2),
    Metric("pause_s", "Top pause", "s", 2),
    Metric("eccentric_s", "Lowering", "s", 2),
    Metric("peak_hip_angle_deg", "Peak hip angle", "°", 1),
    Metric("knee_angle_top_deg", "Knee angle at the top", "°", 1),
    Metric("shin_angle_top_deg", "Shin at the top", "°", 1),
)


def _rule(rules: tuple[FaultRule, ...], code: str) -> FaultRule | None:
    return next((r for r in rules if r.code.value == code), None)


def _limit(rule: FaultRule | None, attr: str) -> float | None:
    value = getattr(rule, attr, None) if rule is not None else None
    return float(value) if isinstance(value, int | float) else None


def references(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per metric key: ``text`` (what good looks like), ``short`` (the same in a few
    characters, for phones) and ``low``/``high`` bounds (or None).

    The bounds are the analysis' fault thresholds; tempo bounds scale with the prescription.
    """
    rules = load_fault_rules()
    pause = float(result.get("prescribed_pause_s") or 0)
    lowering = float(result.get("prescribed_lowering_s") or 0)
    lockout = _limit(_rule(rules, "incomplete_lockout"), "below")
    arch = _limit(_rule(rules, "overextension"), "above")
    knee_low = _limit(_rule(rules, "foot_too_close"), "below")
    knee_high = _limit(_rule(rules, "foot_too_far"), "above")
    pause_share = _limit(_rule(rules, "short_pause"), "below")
    lower_share = _limit(_rule(rules, "rushed_lowering"), "below")
    out: dict[str, dict[str, Any]] = {
        "concentric_s": {
            "text": "about 1 s, a controlled drive",
            "short": "~1 s",
            "low": None,
            "high": None,
        },
        "shin_angle_top_deg": {
            "text": "near 0° (shin vertical); the knee angle decides",
            "short": "~0°",
            "low": None,
            "high": None,
        },
    }
    out["pause_s"] = {
        "text": f"{pause:g} s planned; under {pause * (pause_share or 0):.1f} s is a touch",
        "short": f"≥ {pause * (pause_share or 0):.1f} s",
        "low": pause * pause_share if pause_share is not None else None,
        "high": None,
    }
    out["eccentric_s"] = {
        "text": f"{lowering:g} s planned; under {lowering * (lower_share or 0):.1f} s is a drop",
        "short": f"≥ {lowering * (lower_share or 0):.1f} s",
        "low": lowering * lower_share if lower_share is not None else None,
        "high": None,
    }
    out["peak_hip_angle_deg"] = {
        "text": f"{lockout:g}–{arch:g}° (180° = straight line; past {arch:g}° the back arches)",
        "short": f"{lockout:g}–{arch:g}°",
        "low": lockout,
        "high": arch,
    }
    out["knee_angle_top_deg"] = {
        "text": f"{knee_low:g}–{knee_high:g}° (about 90° = shin vertical)",
        "short": f"{knee_low:g}–{knee_high:g}°",
        "low": knee_low,
        "high": knee_high,
    }
    return out


def in_range(value: float | None, ref: dict[str, Any]) -> bool | None:
    """True/False against the reference bounds; None when unmeasured or without bounds."""
    if value is None or (ref.get("low") is None and ref.get("high") is None):
        return None
    low, high = ref.get("low"), ref.get("high")
    return (low is None or value >= low) and (high is None or value <= high)


def _reps(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for s in result.get("sets", []) for r in s.get("reps", [])]


@dataclass(frozen=True)
class RankedFault:
    code: str
    reps: int
    priority: int
    title: str
    cue: str
    fix: str

    @property
    def weight(self) -> int:
        return self.reps * self.priority


def rank_faults(result: dict[str, Any], kb: KnowledgeBase) -> list[RankedFault]:
    """Faults by reps hit x priority (kb ``mistakes.toml``), most important first."""
    counts = Counter(f["code"] for r in _reps(result) for f in r.get("faults", []))
    ranked = []
    for code, n in counts.items():
        m = kb.mistake(code)
        ranked.append(RankedFault(code, n, m.priority, m.title, m.cue, m.fix))
    return sorted(ranked, key=lambda f: (-f.weight, -f.priority, f.code))


def timeline(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Rep segments as % of the clip (left offset, width) with their faults, for the bar."""
    duration = float(result.get("input", {}).get("duration_s") or 0)
    if duration <= 0:
        return []
    out = []
    for r in _reps(result):
        start, end = float(r["start_s"]), float(r["end_s"])
        out.append(
            {
                "index": r["index"],
                "side": r["side"],
                "start_s": round(start, 2),
                "left_pct": round(100 * start / duration, 2),
                "width_pct": round(max(100 * (end - start) / duration, 0.8), 2),
                "faults": [f["code"] for f in r.get("faults", [])],
            }
        )
    return out


def _mean(values: list[float | None]) -> float | None:
    xs = [v for v in values if v is not None]
    return fmean(xs) if xs else None


def _summary(reps: list[dict[str, Any]]) -> dict[str, Any]:
    stats: dict[str, Any] = {"reps": len(reps)}
    for m in METRICS:
        stats[m.key] = _mean([r.get(m.key) for r in reps])
    stats["faulty_reps"] = sum(1 for r in reps if r.get("faults"))
    return stats


def side_comparison(result: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """Per side means of every metric, when the clip has reps on both the left and the right."""
    reps = _reps(result)
    by_side = {side: [r for r in reps if r["side"] == side] for side in ("left", "right")}
    if not all(by_side.values()):
        return None
    return {side: _summary(rs) for side, rs in by_side.items()}


def compare_checks(this: dict[str, Any], earlier: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows (label, unit, this, earlier, change) of the means of two checks, plus the faults."""
    a, b = _summary(_reps(this)), _summary(_reps(earlier))
    rows: list[dict[str, Any]] = [
        {"label": "Reps", "unit": "", "this": a["reps"], "earlier": b["reps"], "digits": 0},
        {
            "label": "Reps with a fault",
            "unit": "",
            "this": a["faulty_reps"],
            "earlier": b["faulty_reps"],
            "digits": 0,
        },
    ]
    for m in METRICS:
        rows.append(
            {
                "label": m.label,
                "unit": m.unit,
                "this": a[m.key],
                "earlier": b[m.key],
                "digits": m.digits,
            }
        )
    for row in rows:
        x, y = row["this"], row["earlier"]
        row["change"] = None if x is None or y is None else x - y
    return rows
