"""Phase timing by one stated rule, on one rep's window of the hip angle.

A phase lasts while the hip angle moves faster than ``speed_fraction`` (10 %) of that
phase's own peak angular speed:

* the **lift** runs from the first to the last instant the rising speed exceeds 10 % of
  the lift's peak speed;
* the **lowering** likewise for the falling speed and the lowering's peak;
* the **pause** at the top runs from the end of the lift to the start of the lowering.

Instants are interpolated between rows (the speed crosses the threshold between two grid
samples). The speed comes from local polynomial (Savitzky-Golay) fits of the hip angle;
each phase uses the shortest fit window whose noise, measured where the hips rest, stays
well under its threshold, so pose jitter cannot poke through 10 % and end a slow lowering
early, while a fast lift keeps its sharp edges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import gaussian_filter1d
from scipy.signal import savgol_filter

__all__ = [
    "PhaseTimes",
    "angular_speed",
    "braking_s",
    "phase_speed",
    "time_phases",
]

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


def phase_speed(angle: Arr, *, rate_hz: float, window_s: float, polyorder: int) -> Arr:
    """Speed (unit/s) from a Savitzky-Golay fit over ``window_s``: a local polynomial
    keeps a phase's peak speed and the width of its speed profile, where a low-pass of the
    same noise reduction would flatten the peak and spread the profile (longer phases)."""
    n = angle.shape[0]
    window = round(window_s * rate_hz) | 1
    if window >= n:
        window = (n - 1) | 1 if n > 2 else 1
        if window >= n:
            window -= 2
    if window <= polyorder + 1:
        return np.asarray(np.gradient(angle) * rate_hz, dtype=np.float64) if n > 1 else angle * 0
    fit = savgol_filter(angle, window, polyorder, deriv=1, mode="interp")
    return np.asarray(fit * rate_hz, dtype=np.float64)


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


def _robust_sd(x: Arr) -> float:
    x = x[np.isfinite(x)]
    return float(1.4826 * np.median(np.abs(x - np.median(x)))) if x.size >= 5 else float("inf")


def _pick_speed(
    speeds: list[Arr],
    flat: NDArray[np.bool_],
    *,
    lo: int,
    hi: int,
    positive: bool,
    frac: float,
    noise_factor: float,
) -> Arr:
    """The least smoothed speed whose noise (measured where the hips rest) stays well
    under the phase's threshold: a fast lift keeps its sharp edges, a slow lowering of a
    noisy recording is smoothed enough that jitter cannot end it early."""
    for v in speeds:
        seg = v[lo : hi + 1] if positive else -v[lo : hi + 1]
        peak = float(np.max(seg)) if seg.size else 0.0
        if noise_factor * _robust_sd(v[flat]) <= frac * peak:
            return v
    return speeds[-1]


def braking_s(speed: Arr, *, lo: int, hi: int, rate_hz: float, speed_fraction: float) -> float:
    """How long a fall (``speed`` negative between rows ``lo`` and ``hi``) takes to brake:
    from the last instant it moves at half its peak speed to the end of the phase (its
    speed under ``speed_fraction`` of the peak). Controlled hips taper off; hips that drop
    onto the floor stop at once."""
    neg = -speed
    i = lo + int(np.argmax(neg[lo : hi + 1]))
    v = max(float(neg[i]), 1e-6)
    end = _edge(neg, i, speed_fraction * v, step=+1, lo=lo, hi=hi, close=0)
    half = _edge(neg, i, 0.5 * v, step=+1, lo=lo, hi=hi, close=0)
    return (end - half) / rate_hz


def time_phases(
    time_s: Arr,
    angle: Arr,
    speeds: list[Arr],
    *,
    peak: int,
    bottom_before: int,
    bottom_after: int,
    speed_fraction: float,
    close_rows: int,
    noise_factor: float,
    at_recording_start: bool,
    at_recording_end: bool,
    peak_search_rows: int = 15,
) -> PhaseTimes:
    """Phase instants of the rep whose lockout is near row ``peak`` of the window, between
    the bottoms near ``bottom_before`` and ``bottom_after`` (rows of ``angle``). ``speeds``
    are the angle's speed under increasing smoothing; each phase uses the least smoothed
    one its noise allows."""
    n = angle.shape[0]
    b0 = int(np.clip(bottom_before, 0, n - 1))
    b1 = int(np.clip(bottom_after, 0, n - 1))
    last = b1  # the last row this rep's lowering may reach
    # The lockout near where the detector saw it (a jump at the window's start, where the
    # other side's set ended, is not this rep's top).
    near = max(int(peak_search_rows), 1)
    lo_p, hi_p = max(b0, peak - near), max(min(b1, peak + near), max(b0, peak - near))
    p = lo_p + int(np.argmax(angle[lo_p : hi_p + 1]))
    b0 = b0 + int(np.argmin(angle[b0 : p + 1]))
    b1 = p + int(np.argmin(angle[p : b1 + 1]))
    dt = float(time_s[1] - time_s[0]) if n > 1 else 0.0

    def at(row: float) -> float:
        return float(time_s[0] + row * dt)

    calm = speeds[-1]
    scale = max(float(np.max(np.abs(calm[b0 : b1 + 1]))), 1e-6)
    flat = np.abs(calm) < 0.05 * scale
    v_lift = _pick_speed(
        speeds, flat, lo=b0, hi=p, positive=True, frac=speed_fraction, noise_factor=noise_factor
    )
    v_low = _pick_speed(
        speeds, flat, lo=p, hi=b1, positive=False, frac=speed_fraction, noise_factor=noise_factor
    )
    i_up = b0 + int(np.argmax(v_lift[b0 : p + 1]))
    v_up = max(float(v_lift[i_up]), 1e-6)
    thr_up = speed_fraction * v_up
    start = _edge(v_lift, i_up, thr_up, step=-1, lo=b0, hi=p, close=close_rows)
    top = _edge(v_lift, i_up, thr_up, step=+1, lo=b0, hi=p, close=close_rows)
    neg = -v_low
    i_dn = p + int(np.argmax(neg[p : b1 + 1]))
    v_dn = max(float(neg[i_dn]), 1e-6)
    thr_dn = speed_fraction * v_dn
    pause_end = _edge(neg, i_dn, thr_dn, step=-1, lo=int(np.floor(top)), hi=b1, close=close_rows)
    # The lowering's tail is walked past the lowest row: on a slow lowering the angle is
    # still sinking there per the fit, and jitter merely made an earlier row the lowest.
    end = _edge(neg, i_dn, thr_dn, step=+1, lo=p, hi=last, close=close_rows)
    pause_end = max(pause_end, top)
    # The recording began with the hips a third of the way up or more: the lift (and, near
    # the top, the pause) started before the first frame.
    rom = float(angle[p] - angle[b1])
    began = at_recording_start and bottom_before <= 0
    lift_cut = began and (start <= 0.0 or angle[0] > angle[b1] + 0.3 * rom)
    pause_cut = lift_cut and (top <= 0.0 or angle[0] > angle[p] - 0.2 * rom)
    if pause_cut:
        start = top = 0.0
    elif lift_cut:
        start = 0.0
    # Ending within a few rows of the last frame, the lowering may well have gone on.
    edge_rows = max(3, close_rows)
    lowering_cut = at_recording_end and b1 >= n - 1 - edge_rows and end >= n - 1 - edge_rows
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
