"""Set summary: reps per side, metric means and spread, first-vs-last drift, left vs right."""

from __future__ import annotations

from collections import Counter

import numpy as np

from thrustcoach.analysis.result import MetricStats, RepResult, Summary
from thrustcoach.vocab import Side

__all__ = ["SUMMARY_METRICS", "summarize"]

SUMMARY_METRICS = (
    "concentric_s",
    "pause_s",
    "eccentric_s",
    "peak_hip_angle_deg",
    "range_of_motion_deg",
    "knee_angle_top_deg",
    "shin_angle_top_deg",
    "pelvic_rotation_deg",
    "free_leg_motion_deg",
)


def _values(reps: list[RepResult], name: str) -> list[float]:
    return [v for r in reps if (v := getattr(r, name)) is not None]


def _stats(values: list[float]) -> MetricStats:
    arr = np.asarray(values)
    return MetricStats(
        mean=round(float(arr.mean()), 3),
        sd=round(float(arr.std(ddof=1)) if arr.size > 1 else 0.0, 3),
        first=round(float(arr[0]), 3),
        last=round(float(arr[-1]), 3),
        drift=round(float(arr[-1] - arr[0]), 3),
    )


def summarize(reps: list[RepResult]) -> Summary:
    counts = Counter(r.side for r in reps)
    faults = Counter(f.code for r in reps for f in r.faults)
    metrics = {m: _stats(v) for m in SUMMARY_METRICS if (v := _values(reps, m))}
    left = [r for r in reps if r.side is Side.LEFT]
    right = [r for r in reps if r.side is Side.RIGHT]
    diff: dict[str, float] = {}
    if left and right:
        diff["rep_count"] = float(len(left) - len(right))
        for m in SUMMARY_METRICS:
            lv, rv = _values(left, m), _values(right, m)
            if lv and rv:
                diff[m] = round(float(np.mean(lv) - np.mean(rv)), 3)
    return Summary(
        rep_count={s: counts.get(s, 0) for s in Side},
        faults=dict(sorted(faults.items())),
        metrics=metrics,
        left_minus_right=diff,
    )
