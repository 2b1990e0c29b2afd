"""Per-rep measurements: tempo, hip range, knee and shin at the top, pelvis, free leg, knee.

Sagittal angles (hip, knee, shin) need a side or oblique view; pelvic roll and knee travel
need to see across the body (oblique or front). A metric the view cannot show is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.angles import line_angle_deg
from thrustcoach.analysis.reps import RepTiming
from thrustcoach.analysis.view import ViewInfo

__all__ = ["Signals", "image_ordered_legs", "knee_medial_ratio", "rep_metrics"]

Arr = NDArray[np.float64]


@dataclass(frozen=True)
class Signals:
    """Filtered signals on the analysis grid that the metrics read."""

    time_s: Arr
    hip: Arr  # working hip angle (deg)
    knee: Arr
    free_hip: Arr
    shin: Arr  # working shin from vertical, + ankle away from the bench
    pelvis_roll: Arr  # hip line minus shoulder line tilt (deg)
    knee_medial: Arr  # (T, legs) working knee inward offset in hip widths
    midline_offset: Arr  # (T, legs) hip midpoint beside the shoulder midpoint, toward inside
    knee_yaw_gain: float  # apparent knee drift per unit of midline offset (camera turn)
    single_leg: bool
    hip_rise_shins: Arr  # hip height above the shoulders in shin lengths (image)


def shin_angle_deg(knee: Arr, ankle: Arr, *, feet_sign: float) -> Arr:
    """Shin from vertical; positive when the ankle is farther from the bench than the knee."""
    dx = feet_sign * (ankle[:, 0] - knee[:, 0])
    dy = ankle[:, 1] - knee[:, 1]
    return np.asarray(np.degrees(np.arctan2(dx, np.maximum(dy, 1e-6))))


def pelvis_roll_deg(points: dict[str, Arr], *, yaw_deg: float) -> Arr:
    """Roll of the pelvis relative to the shoulders, undoing the view's foreshortening."""
    rel = line_angle_deg(points["left_hip"], points["right_hip"]) - line_angle_deg(
        points["left_shoulder"], points["right_shoulder"]
    )
    scale = np.sin(np.radians(max(yaw_deg, 1.0)))
    return np.asarray(np.degrees(np.arctan(np.tan(np.radians(rel)) * scale)))


def image_ordered_legs(raw: dict[str, Arr]) -> dict[str, dict[str, Arr]]:
    """Both legs (hip, knee, ankle) ordered by where the hips sit across the image, per
    recorded frame: seen from the front the legs never cross, so this undoes label swaps."""
    first = raw["left_hip"][:, 0] <= raw["right_hip"][:, 0]
    legs: dict[str, dict[str, Arr]] = {"leg_a": {}, "leg_b": {}}
    for j in ("hip", "knee", "ankle"):
        left, right = raw[f"left_{j}"], raw[f"right_{j}"]
        legs["leg_a"][j] = np.where(first[:, None], left, right)
        legs["leg_b"][j] = np.where(first[:, None], right, left)
    return legs


def knee_medial_ratio(
    chains: dict[str, dict[str, Arr]], points: dict[str, Arr], *, single_leg: bool
) -> tuple[Arr, Arr]:
    """Per working leg (columns): the knee's inward offset from its hip-ankle midline and the
    hip midpoint's sideways offset from the shoulder midpoint toward that leg's inside, both
    in hip widths (the second measures a camera turned off the midline: see ``[knee]`` in
    ``analysis.toml``).

    The legs come from chains told apart on the recorded frames (single leg: the working
    chain and the free hip; both legs: :func:`image_ordered_legs`), so a left/right label
    swap cannot blend the two legs. The hip width is the recording's median (the camera
    does not move), so no frame's transient divides.
    """
    sh_mid = (points["left_shoulder"][:, 0] + points["right_shoulder"][:, 0]) / 2
    hip_mid = (points["left_hip"][:, 0] + points["right_hip"][:, 0]) / 2
    if single_leg:
        pairs = [(chains["work"], chains["free"]["hip"])]
    else:
        pairs = [
            (chains["leg_a"], chains["leg_b"]["hip"]),
            (chains["leg_b"], chains["leg_a"]["hip"]),
        ]
    # The chains are stretched along x (uniformly): each ratio takes its width from its own.
    pt_width = max(
        float(np.median(np.abs(points["left_hip"][:, 0] - points["right_hip"][:, 0]))), 1e-6
    )
    knee_out, mid_out = [], []
    for leg, other_hip in pairs:
        hip, knee, ankle, other = (
            leg["hip"][:, 0],
            leg["knee"][:, 0],
            leg["ankle"][:, 0],
            other_hip[:, 0],
        )
        width = max(float(np.median(np.abs(other - hip))), 1e-6)
        inward = np.sign(other - hip)
        knee_out.append((knee - (hip + ankle) / 2) * inward / width)
        mid_out.append((hip_mid - sh_mid) * inward / pt_width)
    return np.stack(knee_out, axis=1), np.stack(mid_out, axis=1)


def _mean(x: Arr, lo: int, hi: int) -> float:
    return float(np.mean(x[lo : max(hi, lo) + 1]))


def _col_mean(x: Arr, lo: int, hi: int) -> Arr:
    return np.asarray(np.mean(x[lo : max(hi, lo) + 1], axis=0), dtype=np.float64)


def rep_metrics(
    sig: Signals, *, rep: RepTiming, view: ViewInfo, rate_hz: float
) -> dict[str, float | None]:
    t = sig.time_s
    sagittal = view.view != "front"
    across = view.view != "side"
    # Depth is where this rep's lowering stopped (the start may be the last rep's bottom).
    bottom_i = rep.bottom_before if rep.partial_end else rep.bottom_after
    b_lo, b_hi = (
        (rep.end, rep.bottom_after) if rep.partial_start else (rep.bottom_before, rep.start)
    )
    peak = float(sig.hip[rep.peak])
    bottom = float(sig.hip[bottom_i])
    top_lo, top_hi = rep.top, max(rep.pause_end, rep.top)
    m: dict[str, float | None] = {
        "start_s": float(t[rep.start]),
        "top_s": float(t[rep.top]),
        "pause_end_s": float(t[rep.pause_end]),
        "end_s": float(t[rep.end]),
        "concentric_s": None if rep.partial_start else float(t[rep.top] - t[rep.start]),
        "pause_s": None if rep.pause_cut else float(t[rep.pause_end] - t[rep.top]),
        "eccentric_s": None if rep.partial_end else float(t[rep.end] - t[rep.pause_end]),
        "peak_hip_angle_deg": peak if sagittal else None,
        "bottom_hip_angle_deg": bottom if sagittal else None,
        "range_of_motion_deg": peak - bottom if sagittal else None,
        "knee_angle_top_deg": _mean(sig.knee, top_lo, top_hi) if sagittal else None,
        "shin_angle_top_deg": _mean(sig.shin, top_lo, top_hi) if sagittal else None,
        "bottom_turnaround_s": rep.turnaround_s,
        "pelvic_rotation_deg": None,
        "knee_cave_ratio": None,
        "free_leg_motion_deg": None,
    }
    if across:
        roll = _mean(sig.pelvis_roll, top_lo, top_hi) - _mean(sig.pelvis_roll, b_lo, b_hi)
        m["pelvic_rotation_deg"] = abs(roll)
    if view.view == "front":
        # Each leg's drift from the rep's own bottom (stance width cancels), minus what a
        # camera turned off the midline makes the knee appear to drift by itself; the worse
        # knee counts (one knee may cave alone).
        drift = _col_mean(sig.knee_medial, top_lo, top_hi) - _col_mean(sig.knee_medial, b_lo, b_hi)
        leak = sig.knee_yaw_gain * _col_mean(sig.midline_offset, top_lo, top_hi)
        m["knee_cave_ratio"] = float(np.max(drift - leak))
    if sig.single_leg and sagittal:
        seg = sig.free_hip[rep.start : rep.end + 1]
        m["free_leg_motion_deg"] = float(np.max(seg) - np.min(seg)) if seg.size else None
    del rate_hz
    return m
