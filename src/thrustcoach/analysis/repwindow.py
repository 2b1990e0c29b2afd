"""What one rep's window of rows says beyond its phase times.

The engine times a rep's phases on the rows around it (:func:`phases.time_phases`); the
checks here read the same rows: did the hips really rise, how the hips arrived at the
bottom, how long they rested before the next lift, and which metrics must not be judged
because the landmarks they need were hidden or jumping.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.config import OcclusionConfig, RepsConfig
from thrustcoach.analysis.legs import SIDES, point_index
from thrustcoach.analysis.metrics import METRIC_POINTS
from thrustcoach.analysis.online import finite_median
from thrustcoach.analysis.phases import PhaseTimes, angular_speed, braking_s, phase_speed
from thrustcoach.analysis.signals import LegChoice

__all__ = [
    "braking",
    "edge_phases",
    "fill_nan",
    "hidden_metrics",
    "hips_rose",
    "next_lift_gap",
    "smooth_cols",
]

Arr = NDArray[np.float64]


def fill_nan(x: Arr) -> Arr:
    """Gaps bridged by straight lines (all-NaN or all-finite input comes back as is, NaN 0)."""
    ok = np.isfinite(x)
    if ok.all() or not ok.any():
        return np.nan_to_num(x)
    idx = np.arange(x.shape[0])
    return np.interp(idx, idx[ok], x[ok])


def smooth_cols(x: Arr, *, rate_hz: float, sigma_s: float) -> Arr:
    from scipy.ndimage import gaussian_filter1d

    return np.asarray(gaussian_filter1d(fill_nan(x), sigma_s * rate_hz, mode="nearest"))


def edge_phases(ph: PhaseTimes, t: Arr) -> PhaseTimes:
    """A lockout with no lowering before the recording ended: pause and lowering cut."""
    return replace(ph, pause_end_s=float(t[-1]), end_s=float(t[-1]), lowering_cut=True)


def hips_rose(rise: Arr, ph: PhaseTimes, *, need_deg: float) -> bool:
    """A rep raises the hips. (The hip angle alone can jump when a knee snaps straight at
    the bottom of a lowering, with the hips still on the floor.)"""
    seg = fill_nan(rise)
    # A rep cut by the start of the recording shows only its fall.
    part = (
        seg[ph.peak : ph.bottom_after + 1] if ph.lift_cut else seg[ph.bottom_before : ph.peak + 1]
    )
    return bool(part.size == 0 or seg[ph.peak] - float(np.min(part)) >= need_deg)


def braking(ph: PhaseTimes, signal: Arr, *, rate_hz: float, reps: RepsConfig) -> float | None:
    """How the hips arrive at the bottom: see :func:`phases.braking_s` (the shortest speed
    fit: the least blur of an instant stop)."""
    if ph.lowering_cut or ph.bottom_after - ph.peak < 3:
        return None
    speed = phase_speed(
        signal, rate_hz=rate_hz, window_s=reps.fit_windows_s[0], polyorder=reps.fit_polyorder
    )
    return braking_s(
        speed, lo=ph.peak, hi=ph.bottom_after, rate_hz=rate_hz, speed_fraction=reps.speed_fraction
    )


def next_lift_gap(
    ph: PhaseTimes, t: Arr, rise: Arr, *, cut: bool, rate_hz: float, reps: RepsConfig
) -> float | None:
    """Rest at the bottom after this rep if the next lift already began within the rows
    seen (provisional: the next rep's own start settles it). Read from the hips' height,
    which a knee snapping straight at the bottom does not move."""
    if ph.lowering_cut or cut:
        return None
    dt = 1.0 / rate_hz
    end_row = math.ceil((ph.end_s - float(t[0])) / dt)
    speed = angular_speed(fill_nan(rise), rate_hz=rate_hz, sigma_s=reps.speed_sigma_s)
    lift = speed[: max(ph.peak, 1)]
    thr = reps.speed_fraction * max(float(np.max(lift)) if lift.size else 0.0, 1e-6)
    after = np.flatnonzero(speed[end_row:] > thr)
    if not after.size:
        return None
    i = end_row + int(after[0])
    if i == 0:
        start = float(t[i])
    else:
        share = (thr - speed[i - 1]) / max(speed[i] - speed[i - 1], 1e-9)
        start = float(t[i - 1]) + dt * float(np.clip(share, 0, 1))
    return max(start - ph.end_s, 0.0)


def hidden_metrics(
    vis: Arr,
    raw: Arr,
    xy: Arr,
    *,
    leg: LegChoice,
    metrics: dict[str, float | None],
    occ: OcclusionConfig,
    scale_px: float,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The metrics whose landmarks were hidden (seen too rarely) or jumping (raw points far
    from the smoothed ones) over the rep's rows, and those landmarks' names. The metrics
    are set to None in ``metrics``: no fault comes from bad points."""
    free = {"left": "right", "right": "left", "both": "both"}[leg]
    hidden_points: set[str] = set()
    bad: list[str] = []
    # Every point at once: its share of rows seen, and its median jitter where measured.
    n_rows, n_points = vis.shape
    seen_share = (vis >= occ.seen_visibility).mean(axis=0) if n_rows else np.full(n_points, np.nan)
    jitter = np.linalg.norm(raw - xy, axis=-1)
    measured = np.isfinite(jitter).any(axis=0)
    typical = np.full(n_points, np.nan)
    if measured.any():
        typical[measured] = finite_median(jitter[:, measured], axis=0)
    unusable = (seen_share < occ.min_seen_share) | (
        measured & (typical > occ.max_jitter_shins * scale_px)
    )
    for metric, points in METRIC_POINTS.items():
        if metrics.get(metric) is None:
            continue
        for which, joint in points:
            sides = {"work": leg, "free": free, "both": "both"}[which]
            for s in SIDES if sides == "both" else (sides,):
                if unusable[point_index(s, joint)]:
                    hidden_points.add(f"{s} {joint}")
                    if metric not in bad:
                        bad.append(metric)
    for metric in bad:
        metrics[metric] = None
    return tuple(bad), tuple(sorted(hidden_points))
