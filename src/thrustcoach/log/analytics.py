"""Per-side training analytics: pure functions over plain records (no database here).

Body mass, handled the same way everywhere (and the same way as the plan)
------------------------------------------------------------------------
In a hip thrust the bench carries the shoulders and the feet carry the shanks: the hips lift
about **half** of body mass on top of the dumbbell, and a bodyweight set is real work. So every
quantity that estimates *what the hip moved* uses the **system load** = external load +
``body_mass_share`` x body mass (``analytics.toml``; the latest body mass measured on or before
the day of the set): volume, e1RM and rep-range PRs. The share is the plan's own
``moved_body_mass_fraction`` (``program/data/rules.toml``; a test keeps the two equal), so the
loads a plan prescribes and the volume the progress page shows count the body the same way.
Quantities that describe *what the lifter chose* use the external load alone: the load column,
the top load of a week and the load symmetry index. Both sides get the same body mass, so
side-to-side comparisons stay fair; absolute numbers are not comparable with apps that count the
dumbbell only. When no body mass is known, system load = external load
(and :attr:`SetRecord.body_mass_kg` is None).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from thrustcoach.log.settings import load_analytics_settings
from thrustcoach.vocab import Side, VariantId

__all__ = [
    "E1RM_FORMULAS",
    "RepRecord",
    "SetRecord",
    "SideSummary",
    "best_set",
    "body_mass_share",
    "e1rm_kg",
    "rep_range_prs",
    "set_e1rm_kg",
    "side_summaries",
    "system_load_kg",
    "time_under_tension_s",
    "volume_kg",
    "week_start",
]

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class SetRecord:
    """A logged set as the analytics see it."""

    set_id: int
    performed_on: dt.date
    variant: VariantId
    side: Side
    reps: int
    load_kg: Decimal = Decimal(0)  # external load
    body_mass_kg: Decimal | None = None
    target_reps: int | None = None
    pause_s: float | None = None
    lowering_s: float | None = None
    bench_contact: bool | None = None
    pelvis_level: bool | None = None
    full_range: bool | None = None
    pain: bool | None = None


@dataclass(frozen=True)
class RepRecord:
    """One rep's video metrics (from an analysis attached to a set)."""

    set_id: int
    performed_on: dt.date
    side: Side
    rep_index: int
    peak_hip_angle_deg: float | None = None
    pause_s: float | None = None
    shin_angle_top_deg: float | None = None
    concentric_s: float | None = None
    eccentric_s: float | None = None


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week: every weekly figure is keyed by it."""
    return day - dt.timedelta(days=day.weekday())


def body_mass_share() -> Decimal:
    """The share of body mass the hips lift in every rep (``analytics.toml [body_mass]``)."""
    return load_analytics_settings().body_mass.share


def system_load_kg(rec: SetRecord) -> Decimal:
    """External load + the lifted share of body mass (see the module docstring)."""
    return rec.load_kg + body_mass_share() * (rec.body_mass_kg or Decimal(0))


def volume_kg(rec: SetRecord) -> Decimal:
    """reps x system load (see the module docstring for which share of body mass is in it)."""
    return (rec.reps * system_load_kg(rec)).quantize(_CENT)


def _epley(load: Decimal, reps: int) -> Decimal:
    return load * (1 + Decimal(reps) / 30)


def _brzycki(load: Decimal, reps: int) -> Decimal:
    return load * Decimal(36) / (37 - reps)


E1RM_FORMULAS = {"epley": _epley, "brzycki": _brzycki}


def e1rm_kg(load_kg: Decimal, reps: int, *, formula: str | None = None) -> Decimal | None:
    """Estimated one-rep max by a named formula; None for 0 reps or beyond the trusted reps."""
    cfg = load_analytics_settings().e1rm
    if reps < 1 or reps > cfg.max_reps:
        return None
    if reps == 1:
        return load_kg.quantize(_CENT)
    return E1RM_FORMULAS[formula or cfg.formula](load_kg, reps).quantize(_CENT)


def set_e1rm_kg(rec: SetRecord) -> Decimal | None:
    return e1rm_kg(system_load_kg(rec), rec.reps)


def time_under_tension_s(rec: SetRecord) -> float:
    """reps x (concentric + pause + lowering), with the documented defaults for missing values."""
    tempo = load_analytics_settings().tempo
    pause = tempo.default_pause_s if rec.pause_s is None else rec.pause_s
    lowering = tempo.default_lowering_s if rec.lowering_s is None else rec.lowering_s
    return round(rec.reps * (tempo.concentric_s + pause + lowering), 2)


def best_set(records: Iterable[SetRecord]) -> SetRecord | None:
    """The set with the highest e1RM (ties: heavier system load, then the earlier set)."""
    scored = [(set_e1rm_kg(r), r) for r in records]
    valid = [(e, r) for e, r in scored if e is not None]
    if not valid:
        return None
    return max(
        valid, key=lambda er: (er[0], system_load_kg(er[1]), -er[1].performed_on.toordinal())
    )[1]


@dataclass(frozen=True)
class SideSummary:
    side: Side
    sets: int
    reps: int
    volume_kg: Decimal
    best: SetRecord | None
    best_e1rm_kg: Decimal | None
    top_load_kg: Decimal  # external
    time_under_tension_s: float


def side_summaries(records: Sequence[SetRecord]) -> dict[Side, SideSummary]:
    """Per-side totals over ``records`` (only sides that have sets appear)."""
    by_side: dict[Side, list[SetRecord]] = defaultdict(list)
    for rec in records:
        by_side[rec.side].append(rec)
    out: dict[Side, SideSummary] = {}
    for side, recs in by_side.items():
        best = best_set(recs)
        out[side] = SideSummary(
            side=side,
            sets=len(recs),
            reps=sum(r.reps for r in recs),
            volume_kg=sum((volume_kg(r) for r in recs), Decimal("0.00")),
            best=best,
            best_e1rm_kg=set_e1rm_kg(best) if best else None,
            top_load_kg=max(r.load_kg for r in recs),
            time_under_tension_s=round(sum(time_under_tension_s(r) for r in recs), 2),
        )
    return out


def rep_range_prs(records: Iterable[SetRecord]) -> dict[tuple[Side, str], SetRecord]:
    """Per side and rep range: the set with the heaviest system load (ties: more reps, earlier)."""
    ranges = load_analytics_settings().rep_range
    best: dict[tuple[Side, str], SetRecord] = {}
    for rec in records:
        for rr in ranges:
            if not rr.low <= rec.reps <= rr.high:
                continue
            key = (rec.side, rr.label)
            cur = best.get(key)
            if cur is None or _pr_key(rec) > _pr_key(cur):
                best[key] = rec
    return best


def _pr_key(rec: SetRecord) -> tuple[Decimal, int, int]:
    return (system_load_kg(rec), rec.reps, -rec.performed_on.toordinal())
