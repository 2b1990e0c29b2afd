"""Joint angles and body lines of one leg choice, from smoothed points ``(m, 12, 2)``.

The working chain is the planted leg (bilateral reps: both legs averaged), the free chain
the other leg. The ``shoulder`` of a chain is the shoulder midpoint shifted sideways like its
hip, so the three points of the hip angle lie in one body plane in any view. An oblique
camera foreshortens the body's length (image x); ``stretch`` undoes that for the sagittal
angles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.angles import compute_angles, line_angle_deg
from thrustcoach.analysis.legs import SIDES, point_index
from thrustcoach.analysis.online import finite_median

__all__ = [
    "Chains",
    "LegChoice",
    "Signals",
    "build_chains",
    "every_leg_chains",
    "hip_rise",
    "signals_for",
]

Arr = NDArray[np.float64]
LegChoice = Literal["left", "right", "both"]
Chains = dict[str, dict[str, Arr]]


def _pt(xy: Arr, side: str, joint: str) -> Arr:
    return xy[:, point_index(side, joint)]


_LEG_ORDER: tuple[LegChoice, ...] = ("left", "right", "both")


def every_leg_chains(xy: Arr) -> Chains:
    """``work`` and ``free`` chains (joint -> points) for the left, right and both legs at
    once, stacked in that order on a new first axis: ``(3, m, 2)`` per joint. The working
    leg's shoulder is the shoulders' midpoint shifted as its hip is from the hips' one."""
    sh_mid = (_pt(xy, "left", "shoulder") + _pt(xy, "right", "shoulder")) / 2
    hip_mid = (_pt(xy, "left", "hip") + _pt(xy, "right", "hip")) / 2
    chains: Chains = {"work": {}, "free": {}}
    for joint in ("hip", "knee", "ankle"):
        left, right = _pt(xy, "left", joint), _pt(xy, "right", joint)
        both = (left + right) / 2
        chains["work"][joint] = np.stack([left, right, both])
        chains["free"][joint] = np.stack([right, left, both])
    for name in ("work", "free"):
        chains[name]["shoulder"] = sh_mid + (chains[name]["hip"] - hip_mid)
    return chains


def build_chains(xy: Arr, leg: LegChoice, *, stretch: float = 1.0) -> Chains:
    """``work`` and ``free`` chains (joint -> (m, 2)) for one leg choice, image x scaled by
    ``stretch``: that leg's slice of :func:`every_leg_chains`."""
    i = _LEG_ORDER.index(leg)
    scale = np.array([stretch, 1.0])
    return {c: {j: v[i] * scale for j, v in pts.items()} for c, pts in every_leg_chains(xy).items()}


def hip_rise(xy: Arr, *, shin_px: float) -> Arr:
    """The hips' height above the shoulders in shin lengths, in degree-like units (1 shin =
    57.3) so the same range thresholds apply: the rep signal when the hip angle cannot be
    read (front view)."""
    sh_y = (_pt(xy, "left", "shoulder")[:, 1] + _pt(xy, "right", "shoulder")[:, 1]) / 2
    hip_y = (_pt(xy, "left", "hip")[:, 1] + _pt(xy, "right", "hip")[:, 1]) / 2
    return np.asarray(np.degrees((sh_y - hip_y) / max(shin_px, 1e-6)), dtype=np.float64)


@dataclass(frozen=True)
class Signals:
    """One rep's window of signals (rows of the analysis grid)."""

    time_s: Arr
    hip: Arr  # working hip angle (deg)
    knee: Arr
    free_hip: Arr
    shin: Arr  # working shin from vertical, + ankle away from the bench
    pelvis_roll: Arr  # hip line minus shoulder line tilt (deg), corrected for the view
    knee_medial: Arr  # (m, legs) knee inward offset from its hip-ankle line, hip widths
    midline_offset: Arr  # (m, legs) hip midpoint beside the shoulder midpoint, inward
    rise: Arr  # hip_rise (degree-like)


def shin_angle_deg(knee: Arr, ankle: Arr, *, feet_sign: float) -> Arr:
    """Shin from vertical; positive when the ankle is farther from the bench than the knee."""
    dx = feet_sign * (ankle[:, 0] - knee[:, 0])
    dy = ankle[:, 1] - knee[:, 1]
    return np.asarray(np.degrees(np.arctan2(dx, np.maximum(dy, 1e-6))))


def pelvis_roll_deg(xy: Arr, *, yaw_deg: float) -> Arr:
    """Roll of the pelvis relative to the shoulders, undoing the view's foreshortening."""
    rel = line_angle_deg(_pt(xy, "left", "hip"), _pt(xy, "right", "hip")) - line_angle_deg(
        _pt(xy, "left", "shoulder"), _pt(xy, "right", "shoulder")
    )
    scale = np.sin(np.radians(max(yaw_deg, 1.0)))
    return np.asarray(np.degrees(np.arctan(np.tan(np.radians(rel)) * scale)))


def knee_medial_ratio(xy: Arr, leg: LegChoice, *, hip_width_px: float) -> tuple[Arr, Arr]:
    """Per working leg (columns): the knee's inward offset from its hip-ankle midline and
    the hip midpoint's sideways offset from the shoulder midpoint toward that leg's inside,
    both in hip widths (the second measures a camera turned off the midline: see ``[knee]``
    in ``analysis.toml``)."""
    sh_mid = (_pt(xy, "left", "shoulder")[:, 0] + _pt(xy, "right", "shoulder")[:, 0]) / 2
    hip_mid = (_pt(xy, "left", "hip")[:, 0] + _pt(xy, "right", "hip")[:, 0]) / 2
    legs = list(SIDES) if leg == "both" else [leg]
    knee_out, mid_out = [], []
    for side in legs:
        other = SIDES[1 - SIDES.index(side)]
        hip, knee = _pt(xy, side, "hip")[:, 0], _pt(xy, side, "knee")[:, 0]
        ankle, other_hip = _pt(xy, side, "ankle")[:, 0], _pt(xy, other, "hip")[:, 0]
        inward = np.sign(float(finite_median(other_hip - hip)))
        knee_out.append((knee - (hip + ankle) / 2) * inward / hip_width_px)
        mid_out.append((hip_mid - sh_mid) * inward / hip_width_px)
    return np.stack(knee_out, axis=1), np.stack(mid_out, axis=1)


def signals_for(
    time_s: Arr,
    xy: Arr,
    leg: LegChoice,
    *,
    stretch: float,
    yaw_deg: float,
    feet_sign: float,
    shin_px: float,
    hip_width_px: float,
) -> Signals:
    chains = build_chains(xy, leg, stretch=stretch)
    angles = compute_angles(chains)
    work = chains["work"]
    medial, midline = knee_medial_ratio(xy, leg, hip_width_px=hip_width_px)
    return Signals(
        time_s=time_s,
        hip=angles["hip"],
        knee=angles["knee"],
        free_hip=angles["free_hip"],
        shin=shin_angle_deg(work["knee"], work["ankle"], feet_sign=feet_sign),
        pelvis_roll=pelvis_roll_deg(xy, yaw_deg=yaw_deg),
        knee_medial=medial,
        midline_offset=midline,
        rise=hip_rise(xy, shin_px=shin_px),
    )
