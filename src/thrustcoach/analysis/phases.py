"""Phase timing by one stated rule, on one rep's window of the hip angle.

A phase lasts while the hip angle moves faster than ``speed_fraction`` (10 %) of that
phase's own peak angular speed:

* the **lift** runs from the first to the last instant the rising speed exceeds 10 % of
  the lift's peak speed;
* the **lowering** likewise for the falling speed and the lowering's peak;
* the **pause** at the top runs from the end of the lift to the start of the lowering.

Instants are interpolated between rows (the speed crosses the threshold between two grid
samples). The speed is read from the hip angle smoothed once more (``speed_sigma_s``):
pose jitter would otherwise poke through a 10 % threshold during a slow lowering. Dips of
the speed shorter than ``gap_close_s`` inside a phase do not end it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import gaussian_filter1d

__all__ = ["PhaseTimes", "angular_speed", "time_phases"]

Arr = NDArray[np.float64]


@dataclass(frozen=True)
class PhaseTimes:
    """One rep's phase instants (seconds, recording clock) and its turning points (rows)."""

    start_s: float  # lift begins
    top_s: float  # lift ends: the pause at the top begins
    pause_end_s: float  # the lowering begins
    end_s: float  # the lowering ends
    peak: int  # row of the highest hip angle
    bottom_before: int
    bottom_after: int
    lift_cut: bool  # the recording began during the lift (or pause)
    pause_cut: bool  # ...during the pause: its length is unknown
    lowering_cut: bool  # the recording ended during the lowering
    lift_peak_speed: float  # deg/s
    lowering_peak_speed: float  # deg/s (positive)


def angular_speed(angle: Arr, *, rate_hz: float, sigma_s: float) -> Arr:
    """Speed (unit/s) of ``angle`` smoothed by a Gaussian of ``sigma_s``."""
    if angle.shape[0] < 3:
        return np.zeros_like(angle)
    smooth = gaussian_filter1d(angle, sigma_s * rate_hz, mode="nearest")
    return np.asarray(np.gradient(smooth) * rate_hz, dtype=np.float64)


def _crossing(v: Arr, i_below: int, i_above: int, thr: float) -> float:
    """Fractional row where ``v`` passes ``thr`` between two neighbouring rows."""
    a, b = float(v[i_below]), float(v[i_above])
    frac = (thr - a) / (b - a) if b != a else 0.0
    return i_below + float(np.clip(frac, 0.0, 1.0)) * (i_above - i_below)


def _edge(v: Arr, i_peak: int, thr: float, *, step: int, lo: int, hi: int, close: int) -> float:
    """Walk from the phase's fastest row (``v`` signed so the phase is positive) outward by
    ``step`` until ``v`` stays at or under ``thr`` for ``close`` rows; returns the
    fractional row of the crossing, or the boundary row if the walk reaches it."""
    i = i_peak
    while True:
        j = i + step
        if j < lo or j > hi:
            return float(i)
        if v[j] > thr:
            i = j
            continue
        # A dip: does the phase resume within `close` rows?
        k, resumed = j, False
        for _ in range(close):
            k += step
            if k < lo or k > hi:
                break
            if v[k] > thr:
                resumed = True
                break
        if not resumed:
            return _crossing(v, j, i, thr)
        i = k


def time_phases(
    time_s: Arr,
    angle: Arr,
    speed: Arr,
    *,
    peak: int,
    bottom_before: int,
    bottom_after: int,
    speed_fraction: float,
    close_rows: int,
    at_recording_start: bool,
    at_recording_end: bool,
) -> PhaseTimes:
    """Phase instants of the rep whose lockout is near row ``peak`` of the window, between
    the bottoms near ``bottom_before`` and ``bottom_after`` (rows of ``angle``)."""
    n = angle.shape[0]
    b0 = int(np.clip(bottom_before, 0, n - 1))
    b1 = int(np.clip(bottom_after, 0, n - 1))
    p = b0 + int(np.argmax(angle[b0 : b1 + 1]))
    b0 = b0 + int(np.argmin(angle[b0 : p + 1]))
    b1 = p + int(np.argmin(angle[p : b1 + 1]))
    dt = float(time_s[1] - time_s[0]) if n > 1 else 0.0

    def at(row: float) -> float:
        return float(time_s[0] + row * dt)

    up = speed[b0 : p + 1]
    i_up = b0 + int(np.argmax(up))
    v_up = max(float(speed[i_up]), 1e-6)
    thr_up = speed_fraction * v_up
    start = _edge(speed, i_up, thr_up, step=-1, lo=b0, hi=p, close=close_rows)
    top = _edge(speed, i_up, thr_up, step=+1, lo=b0, hi=p, close=close_rows)
    neg = -speed
    i_dn = p + int(np.argmax(neg[p : b1 + 1]))
    v_dn = max(float(neg[i_dn]), 1e-6)
    thr_dn = speed_fraction * v_dn
    pause_end = _edge(neg, i_dn, thr_dn, step=-1, lo=int(np.floor(top)), hi=b1, close=close_rows)
    end = _edge(neg, i_dn, thr_dn, step=+1, lo=p, hi=b1, close=close_rows)
    pause_end = max(pause_end, top)
    lift_cut = at_recording_start and b0 == 0 and start <= 0.0
    pause_cut = lift_cut and (top <= 0.0 or angle[0] > angle[p] - 0.2 * (angle[p] - angle[b1]))
    if pause_cut:
        start = top = 0.0
    lowering_cut = at_recording_end and b1 == n - 1 and end >= n - 1
    return PhaseTimes(
        start_s=at(start),
        top_s=at(top),
        pause_end_s=at(pause_end),
        end_s=at(end),
        peak=p,
        bottom_before=b0,
        bottom_after=b1,
        lift_cut=bool(lift_cut),
        pause_cut=bool(pause_cut),
        lowering_cut=bool(lowering_cut),
        lift_peak_speed=v_up,
        lowering_peak_speed=v_dn,
    )
