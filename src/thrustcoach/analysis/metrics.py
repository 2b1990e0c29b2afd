"""Per-rep measurements: tempo, hip range, knee and shin at the top, pelvis, free leg, knee.

Sagittal angles (hip, knee, shin) need a side or oblique view; pelvic roll and knee travel
need to see across the body (oblique or front). A metric the view cannot show, or whose
landmarks were hidden during the rep, is ``None``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import gaussian_filter1d

from thrustcoach.analysis.context import ViewInfo
from thrustcoach.analysis.phases import PhaseTimes
from thrustcoach.analysis.signals import Signals

__all__ = ["METRIC_LABELS", "METRIC_POINTS", "rep_metrics"]

Arr = NDArray[np.float64]

# The landmarks each metric is read from ("work"/"free": that leg's joint; "both": both
# sides' joint). A metric is left out when these were hidden while it was measured.
_TEMPO = (("both", "shoulder"), ("work", "hip"), ("work", "knee"))
METRIC_POINTS: dict[str, tuple[tuple[str, str], ...]] = {
    # Phase times come from the hip angle: with the hips hidden they are guesses.
    "concentric_s": _TEMPO,
    "pause_s": _TEMPO,
    "eccentric_s": _TEMPO,
    "bottom_turnaround_s": _TEMPO,
    "braking_s": _TEMPO,
    "peak_hip_angle_deg": (("both", "shoulder"), ("work", "hip"), ("work", "knee")),
    "bottom_hip_angle_deg": (("both", "shoulder"), ("work", "hip"), ("work", "knee")),
    "range_of_motion_deg": (("both", "shoulder"), ("work", "hip"), ("work", "knee")),
    "knee_angle_top_deg": (("work", "hip"), ("work", "knee"), ("work", "ankle")),
    "shin_angle_top_deg": (("work", "knee"), ("work", "ankle")),
    "pelvic_rotation_deg": (("both", "hip"), ("both", "shoulder")),
    "knee_cave_ratio": (("work", "hip"), ("work", "knee"), ("work", "ankle")),
    "free_leg_motion_deg": (("both", "shoulder"), ("free", "hip"), ("free", "knee")),
}


# What a metric is called when the product says it could not judge it.
METRIC_LABELS: dict[str, str] = {
    "concentric_s": "lift time",
    "pause_s": "pause",
    "eccentric_s": "lowering time",
    "bottom_turnaround_s": "rest at the bottom",
    "braking_s": "braking at the bottom",
    "peak_hip_angle_deg": "hip angle at the top",
    "bottom_hip_angle_deg": "depth",
    "range_of_motion_deg": "range of motion",
    "knee_angle_top_deg": "knee angle at the top (foot placement)",
    "shin_angle_top_deg": "shin angle",
    "pelvic_rotation_deg": "pelvic rotation",
    "knee_cave_ratio": "knee cave",
    "free_leg_motion_deg": "free-leg motion",
}


def _row(sig: Signals, t: float) -> int:
    dt = float(sig.time_s[1] - sig.time_s[0]) if sig.time_s.shape[0] > 1 else 1.0
    return int(np.clip(round((t - float(sig.time_s[0])) / dt), 0, sig.time_s.shape[0] - 1))


def _fill(x: Arr) -> Arr:
    ok = np.isfinite(x)
    if ok.all() or not ok.any():
        return np.nan_to_num(x)
    idx = np.arange(x.shape[0])
    return np.asarray(np.interp(idx, idx[ok], x[ok]), dtype=np.float64)


def _col_mean(x: Arr, lo: int, hi: int) -> Arr:
    """The mean of rows ``lo..hi`` (at least ``lo``) of the values seen (NaN where none
    was: ``np.nanmean``'s numbers without its warning, which the CLI would print)."""
    v = x[lo : max(hi, lo) + 1]
    seen = ~np.isnan(v)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(seen, v, 0.0).sum(axis=0) / seen.sum(axis=0), dtype=np.float64)


def _mean(x: Arr, lo: int, hi: int) -> float:
    return float(_col_mean(x, lo, hi))


def rep_metrics(
    sig: Signals,
    ph: PhaseTimes,
    *,
    view: ViewInfo,
    single_leg: bool,
    knee_yaw_gain: float,
    free_hip_smooth: Arr | None = None,
    roll_sigma_rows: float = 3.0,
) -> dict[str, float | None]:
    sagittal = view.view != "front"
    across = view.view != "side"
    top_lo, top_hi = _row(sig, ph.top_s), _row(sig, ph.pause_end_s)
    start, end = _row(sig, ph.start_s), _row(sig, ph.end_s)
    # Depth is where this rep's lowering stopped (the start may be the last rep's bottom).
    bottom_i = ph.bottom_before if ph.lowering_cut else ph.bottom_after
    b_lo, b_hi = (end, ph.bottom_after) if ph.lift_cut else (ph.bottom_before, start)
    peak = float(sig.hip[ph.peak])
    bottom = float(sig.hip[bottom_i])
    m: dict[str, float | None] = {
        "start_s": ph.start_s,
        "top_s": ph.top_s,
        "pause_end_s": ph.pause_end_s,
        "end_s": ph.end_s,
        "concentric_s": None if ph.lift_cut else ph.top_s - ph.start_s,
        "pause_s": None if ph.pause_cut else ph.pause_end_s - ph.top_s,
        "eccentric_s": None if ph.lowering_cut else ph.end_s - ph.pause_end_s,
        "peak_hip_angle_deg": peak if sagittal else None,
        "bottom_hip_angle_deg": bottom if sagittal else None,
        "range_of_motion_deg": peak - bottom if sagittal else None,
        "knee_angle_top_deg": _mean(sig.knee, top_lo, top_hi) if sagittal else None,
        "shin_angle_top_deg": _mean(sig.shin, top_lo, top_hi) if sagittal else None,
        "bottom_turnaround_s": None,
        "braking_s": None,
        "pelvic_rotation_deg": None,
        "knee_cave_ratio": None,
        "free_leg_motion_deg": None,
    }
    if across:
        # The free side drops as the hips rise and is caught (or not) at the top: the
        # largest roll from the rest before the rep, through the lift and the hold.
        roll = gaussian_filter1d(_fill(sig.pelvis_roll), roll_sigma_rows, mode="nearest")
        base = float(np.median(roll[b_lo : max(b_hi, b_lo) + 1]))
        m["pelvic_rotation_deg"] = float(np.max(np.abs(roll[start : top_hi + 1] - base)))
    if view.view == "front":
        # Each leg's drift from the rep's own bottom (stance width cancels), minus what a
        # camera turned off the midline makes the knee appear to drift by itself; the worse
        # knee counts (one knee may cave alone).
        drift = _col_mean(sig.knee_medial, top_lo, top_hi) - _col_mean(sig.knee_medial, b_lo, b_hi)
        leak = knee_yaw_gain * _col_mean(sig.midline_offset, top_lo, top_hi)
        m["knee_cave_ratio"] = float(np.max(drift - leak))
    if single_leg and sagittal:
        free = free_hip_smooth if free_hip_smooth is not None else sig.free_hip
        seg = free[start : end + 1]
        seg = seg[np.isfinite(seg)]
        m["free_leg_motion_deg"] = float(np.max(seg) - np.min(seg)) if seg.size else None
    return m
