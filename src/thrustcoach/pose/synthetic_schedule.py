"""The time plan of a synthetic set: phases of every rep as segments of the hip angle.

Each segment moves the hip angle from ``a0`` to ``a1`` in ``dur`` seconds with a smooth
bell-like speed: a raised-cosine ramp up over ``RAMP_SHARE`` of the segment, a steady middle
and a raised-cosine ramp down (people speed up and slow down smoothly; measured speed
profiles of lifts and lowerings look like this). Holds have ``a0 == a1``. A bounce has
(almost) no ramp at the bottom: the lowering ends at full speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from thrustcoach.vocab import FaultCode, Side

__all__ = ["RepPlan", "Schedule", "build", "evaluate", "trapezoid_progress"]

Arr = NDArray[np.float64]
RAMP_SHARE = 0.3  # share of a controlled phase spent speeding up (and slowing down)
ABRUPT = 0.02  # a bounce: the lowering stops (and the next lift starts) at full speed
SPEED_FRACTION = 0.1  # the analysis' phase rule (see analysis/data/analysis.toml)
# On a raised-cosine ramp the speed passes SPEED_FRACTION of its peak this far into it:
# (1 - cos(pi x)) / 2 = f  ->  x = arccos(1 - 2 f) / pi.
RULE_SHARE = float(np.arccos(1.0 - 2.0 * SPEED_FRACTION) / np.pi)


@dataclass(frozen=True)
class RepPlan:
    """One planned rep: its side, phase durations, angles and injected faults."""

    side: Side
    bottom_deg: float
    peak_deg: float
    concentric_s: float
    pause_s: float
    eccentric_s: float
    bottom_s: float
    bounce: bool = False
    faults: frozenset[FaultCode] = frozenset()


@dataclass
class Schedule:
    """Segments on the true time axis plus each rep's phase times."""

    t0: list[float] = field(default_factory=list)
    dur: list[float] = field(default_factory=list)
    a0: list[float] = field(default_factory=list)
    a1: list[float] = field(default_factory=list)
    ramp_in: list[float] = field(default_factory=list)
    ramp_out: list[float] = field(default_factory=list)
    rep: list[int] = field(default_factory=list)  # -1 outside reps
    side_switch_s: list[float] = field(default_factory=list)
    phase_times: list[tuple[float, float, float, float]] = field(default_factory=list)
    # The same instants by the analysis' phase rule (a phase lasts while the hip angle moves
    # faster than `speed_fraction` of its peak speed): see RULE_SHARE.
    rule_times: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def end_s(self) -> float:
        return self.t0[-1] + self.dur[-1] if self.t0 else 0.0

    def add(
        self, dur: float, a0: float, a1: float, *, rep: int, ramps: tuple[float, float]
    ) -> None:
        self.t0.append(self.end_s)
        self.dur.append(max(dur, 1e-3))
        self.a0.append(a0)
        self.a1.append(a1)
        self.ramp_in.append(ramps[0])
        self.ramp_out.append(ramps[1])
        self.rep.append(rep)


def _ramp(dur: float) -> float:
    del dur
    return RAMP_SHARE


def build(
    plans: list[RepPlan], *, lead_in_s: float, tail_s: float, switch_rest_s: float
) -> Schedule:
    """Lay the reps end to end; a change of side inserts a rest at the bottom."""
    sch = Schedule()
    first = plans[0]
    sch.add(lead_in_s, first.bottom_deg, first.bottom_deg, rep=-1, ramps=(0.3, 0.3))
    from_deg = first.bottom_deg  # a rep starts where the previous lowering stopped
    for i, p in enumerate(plans):
        bounce_in = i > 0 and plans[i - 1].bounce
        start = sch.end_s
        sch.add(
            p.concentric_s,
            from_deg,
            p.peak_deg,
            rep=i,
            ramps=(ABRUPT if bounce_in else _ramp(p.concentric_s), _ramp(p.concentric_s)),
        )
        top = sch.end_s
        sch.add(p.pause_s, p.peak_deg, p.peak_deg, rep=i, ramps=(0.3, 0.3))
        pause_end = sch.end_s
        sch.add(
            p.eccentric_s,
            p.peak_deg,
            p.bottom_deg,
            rep=i,
            ramps=(_ramp(p.eccentric_s), ABRUPT if p.bounce else _ramp(p.eccentric_s)),
        )
        sch.phase_times.append((start, top, pause_end, sch.end_s))
        lift, low = len(sch.t0) - 3, len(sch.t0) - 1
        sch.rule_times.append(
            (
                start + RULE_SHARE * sch.ramp_in[lift] * sch.dur[lift],
                top - RULE_SHARE * sch.ramp_out[lift] * sch.dur[lift],
                pause_end + RULE_SHARE * sch.ramp_in[low] * sch.dur[low],
                sch.end_s - RULE_SHARE * sch.ramp_out[low] * sch.dur[low],
            )
        )
        nxt = plans[i + 1] if i + 1 < len(plans) else None
        if nxt is None:
            sch.add(tail_s, p.bottom_deg, p.bottom_deg, rep=-1, ramps=(0.3, 0.3))
        elif nxt.side != p.side:
            sch.side_switch_s.append(sch.end_s + switch_rest_s / 2)
            sch.add(switch_rest_s, p.bottom_deg, nxt.bottom_deg, rep=-1, ramps=(0.3, 0.3))
        elif not p.bounce:
            sch.add(p.bottom_s, p.bottom_deg, p.bottom_deg, rep=-1, ramps=(0.3, 0.3))
        from_deg = p.bottom_deg if nxt is None or nxt.side == p.side else nxt.bottom_deg
    return sch


def trapezoid_progress(tau: Arr, ramp_in: Arr, ramp_out: Arr) -> Arr:
    """Fraction of the way (0..1) at normalised time ``tau`` for a steady speed with
    raised-cosine ramps in and out (shares ``ramp_in``/``ramp_out`` of the segment)."""
    ri, ro = np.maximum(ramp_in, 1e-6), np.maximum(ramp_out, 1e-6)
    vp = 1.0 / (1.0 - ri / 2 - ro / 2)
    rise = vp * (tau / 2 - ri / (2 * np.pi) * np.sin(np.pi * tau / ri))
    flat = vp * (ri / 2 + (tau - ri))
    back = 1.0 - tau
    fall = 1.0 - vp * (back / 2 - ro / (2 * np.pi) * np.sin(np.pi * back / ro))
    out = np.where(tau < ri, rise, np.where(tau > 1 - ro, fall, flat))
    return np.clip(out, 0.0, 1.0)


def evaluate(sch: Schedule, t: Arr) -> tuple[Arr, NDArray[np.int64]]:
    """Hip angle (deg) and the rep index (-1 between reps) at the times ``t``."""
    t0 = np.asarray(sch.t0)
    seg = np.clip(np.searchsorted(t0, t, side="right") - 1, 0, len(t0) - 1)
    dur = np.asarray(sch.dur)[seg]
    tau = np.clip((t - t0[seg]) / dur, 0.0, 1.0)
    prog = trapezoid_progress(tau, np.asarray(sch.ramp_in)[seg], np.asarray(sch.ramp_out)[seg])
    a0, a1 = np.asarray(sch.a0)[seg], np.asarray(sch.a1)[seg]
    return a0 + (a1 - a0) * prog, np.asarray(sch.rep, dtype=np.int64)[seg]
