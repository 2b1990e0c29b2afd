"""Rep segmentation and phases on the filtered hip angle.

A rep is a lockout: a peak of the hip angle that rises at least ``min_range_deg`` above the
bottoms around it (scipy's peak prominence, so noise, rests and tremor during the pause do
not make reps). The recording is padded with its lowest angle so a set that starts at the top
or ends during the lowering still shows its lockouts; a rise at an edge that stops short of
the set's usual lockout is not counted.

Phases come from the angular speed: the lift runs from where the rising speed first exceeds
``speed_fraction`` of its peak to where it drops below it again (lockout), the pause lasts
until the lowering speed passes the same share of its peak, and the lowering ends where it
falls below it. Only reps are looped over, never frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import binary_closing
from scipy.signal import butter, find_peaks, sosfiltfilt

from thrustcoach.analysis.config import RepsConfig

__all__ = ["RepTiming", "find_reps"]

Arr = NDArray[np.float64]


@dataclass(frozen=True)
class RepTiming:
    """Grid indices of one rep's phase boundaries."""

    start: int  # lift begins
    top: int  # lockout reached: pause begins
    pause_end: int  # lowering begins
    end: int  # lowering ends
    peak: int  # highest hip angle
    bottom_before: int
    bottom_after: int
    partial_start: bool  # the recording began during this rep's lift or pause
    partial_end: bool  # the recording ended during this rep's lowering
    pause_cut: bool  # the recording began during the top pause: its length is unknown
    turnaround_s: float | None  # time near the bottom before the next rep's lift


def _peaks(angle: Arr, *, rate_hz: float, cfg: RepsConfig) -> list[int]:
    n = angle.shape[0]
    pad = max(int(rate_hz), 2)
    low = float(np.min(angle))
    padded = np.concatenate([np.full(pad, low), angle, np.full(pad, low)])
    peaks, _ = find_peaks(
        padded,
        prominence=cfg.min_range_deg,
        distance=max(int(cfg.min_rep_interval_s * rate_hz), 1),
    )
    idx = np.clip(peaks - pad, 0, n - 1)
    if idx.size == 0:
        return []
    # Edge lockouts: the recording holds no full rise before (or no full fall after) them.
    before = np.minimum.accumulate(angle)[idx]
    after = np.minimum.accumulate(angle[::-1])[::-1][idx]
    height = angle[idx]
    edge = (height - before < cfg.min_range_deg) | (height - after < cfg.min_range_deg)
    ref = float(np.median(height[~edge])) if (~edge).any() else float(np.max(height))
    keep = ~edge | (height >= ref - cfg.edge_peak_tolerance_deg)
    if keep.sum() >= 3:
        # A bump far below the set's lockouts (shuffling the legs to switch sides) is no rep.
        bottoms = np.median(np.minimum(height - before, height - after)[keep])
        keep &= height - (ref - bottoms) >= cfg.min_rise_share * bottoms
    return [int(i) for i in idx[keep]]


def _speed(angle: Arr, *, rate_hz: float, cfg: RepsConfig) -> Arr:
    """Angular speed (deg/s) of a more heavily smoothed hip angle: phase changes are slow
    events, and pose jitter must not make a steady lowering look like a stop."""
    cutoff = min(cfg.phase_cutoff_hz, 0.45 * rate_hz)
    sos = butter(2, cutoff, btype="low", fs=rate_hz, output="sos")
    smooth = (
        sosfiltfilt(sos, angle, padlen=min(angle.shape[0] - 1, 30))
        if angle.shape[0] > 12
        else angle
    )
    return np.asarray(np.gradient(smooth) * rate_hz, dtype=np.float64)


def _slow_mask(
    v: Arr, limit: float, *, close: int, up: bool, lo: int, hi: int
) -> NDArray[np.bool_]:
    """Frames of ``lo..hi`` slower than ``limit`` (others: True); fast stretches broken by
    brief dips stay fast. Only the rep's own span is examined, so the cost stays linear."""
    seg = v[lo : hi + 1]
    fast = seg >= limit if up else seg <= limit
    if close > 1 and seg.size > close:
        fast = binary_closing(fast, structure=np.ones(close, dtype=bool), border_value=0)
    out = np.ones(v.shape[0], dtype=bool)
    out[lo : hi + 1] = ~fast
    return out


def _last_slow(slow: NDArray[np.bool_], lo: int, hi: int) -> int | None:
    hits = np.flatnonzero(slow[lo : hi + 1])
    return lo + int(hits[-1]) if hits.size else None


def _first_slow(slow: NDArray[np.bool_], lo: int, hi: int) -> int | None:
    hits = np.flatnonzero(slow[lo : hi + 1])
    return lo + int(hits[0]) if hits.size else None


def _phases(
    angle: Arr, v: Arr, p: int, b0: int, b1: int, k: float, close: int
) -> tuple[int, int, int, int, int, int]:
    """Phase boundaries of one rep, anchored at the mid-height of its lift and lowering
    (robust to speed spikes at the recording's edges or from glitches near the bottom)."""
    w = max(close // 2, 1)
    below = angle < angle[b0] + 0.5 * (angle[p] - angle[b0])
    i_up = _last_slow(below, b0, p)
    i_up = b0 if i_up is None else min(i_up + 1, p)
    v_up = max(float(np.max(v[max(i_up - w, b0) : i_up + w + 1])), 1e-6)
    slow_up = _slow_mask(v, k * v_up, close=close, up=True, lo=b0, hi=p)
    start = _last_slow(slow_up, b0, i_up)
    start = b0 if start is None else min(start + 1, i_up)
    top = _first_slow(slow_up, i_up, p)
    top = p if top is None else top
    i_dn = _first_slow(angle < angle[b1] + 0.5 * (angle[p] - angle[b1]), p, b1)
    i_dn = b1 if i_dn is None else i_dn
    v_dn = min(float(np.min(v[max(i_dn - w, p) : i_dn + w + 1])), -1e-6)
    slow_dn = _slow_mask(v, k * v_dn, close=close, up=False, lo=p, hi=b1)
    pause_end = _last_slow(slow_dn, top, i_dn)
    pause_end = top if pause_end is None else min(max(pause_end + 1, top), i_dn)
    end = _first_slow(slow_dn, i_dn, b1)
    end = b1 if end is None else end
    return start, top, pause_end, end, i_up, i_dn


def find_reps(angle: Arr, *, rate_hz: float, cfg: RepsConfig) -> list[RepTiming]:
    """Reps in a filtered hip-angle series sampled uniformly at ``rate_hz``."""
    n = angle.shape[0]
    if n < 4 or not np.isfinite(angle).all():
        return []
    peaks = _peaks(angle, rate_hz=rate_hz, cfg=cfg)
    v = _speed(angle, rate_hz=rate_hz, cfg=cfg)
    close = int(cfg.gap_close_s * rate_hz)
    bounds = [0, *peaks, n - 1]
    bottoms = [
        bounds[i] + int(np.argmin(angle[bounds[i] : bounds[i + 1] + 1]))
        for i in range(len(bounds) - 1)
    ]
    raw = []
    for i, p in enumerate(peaks):
        b0, b1 = bottoms[i], bottoms[i + 1]
        raw.append((p, b0, b1, *_phases(angle, v, p, b0, b1, cfg.speed_fraction, close)))
    reps = []
    for i, (p, b0, b1, start, top, pause_end, end, _i_up, i_dn) in enumerate(raw):
        rom = angle[p] - min(angle[b0], angle[b1])
        del rom
        # The recording began (ended) with the hips already (still) a third of the way up or more.
        partial_start = i == 0 and angle[0] > angle[b1] + 0.3 * (angle[p] - angle[b1])
        partial_end = i == len(raw) - 1 and angle[-1] > angle[b0] + 0.3 * (angle[p] - angle[b0])
        top_cut = partial_start and angle[0] > angle[p] - 0.2 * (angle[p] - angle[b1])
        if top_cut:  # the lockout came at or before the first frame, not inside the pause
            start = top = 0
        turnaround = None
        if i + 1 < len(raw):
            # Time the hips spend near the bottom between this lowering and the next lift.
            seg = angle[i_dn : raw[i + 1][7] + 1]
            level = float(np.percentile(seg, 10))  # robust to a glitch at the very bottom
            # The band scales with the lowering speed: a slow bounce crosses it as fast as
            # a quick one, while a reset stays in it whatever the speed.
            speed = abs(angle[p] - angle[b1]) * rate_hz / max(end - pause_end, 1)
            band = float(np.clip(cfg.bottom_band_s * speed, 1.0, cfg.bottom_band_deg))
            turnaround = float(np.count_nonzero(seg <= level + band) / rate_hz)
        reps.append(
            RepTiming(
                start=start,
                top=top,
                pause_end=pause_end,
                end=end,
                peak=p,
                bottom_before=b0,
                bottom_after=b1,
                partial_start=bool(partial_start),
                partial_end=bool(partial_end),
                pause_cut=bool(top_cut),
                turnaround_s=turnaround,
            )
        )
    return reps
