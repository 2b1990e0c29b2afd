"""Adherence (planned versus done, per week) and form consistency (first-vs-last-rep drift).

Adherence matches logged sets to planned sets by week, variant and side, and counts at most
the planned number: extra sets do not lift a week above 100 %, and sets of another variant or
on the wrong side do not count. Reps are capped the same way.

Form consistency is what the plan's progression gate reads: load goes up only when bench
contact, pelvis position and range stay the same from the first rep to the last. From a set's
form flags (any flag False or pain => not consistent) and, when a video analysis exists, from
the drift between the first and last rep (thresholds in analytics.toml).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from thrustcoach.log.analytics import RepRecord, SetRecord, week_start
from thrustcoach.log.planview import PlannedSessionView
from thrustcoach.log.settings import load_analytics_settings

__all__ = [
    "FormDrift",
    "WeekAdherence",
    "flags_consistent",
    "form_drift",
    "form_drifts",
    "set_form_consistent",
    "weekly_adherence",
]


@dataclass(frozen=True)
class WeekAdherence:
    week: dt.date
    sets_planned: int
    sets_done: int
    reps_planned: int
    reps_done: int

    @property
    def sets_pct(self) -> float | None:
        return round(100 * self.sets_done / self.sets_planned, 1) if self.sets_planned else None

    @property
    def reps_pct(self) -> float | None:
        return round(100 * self.reps_done / self.reps_planned, 1) if self.reps_planned else None


def weekly_adherence(
    planned: Sequence[PlannedSessionView],
    records: Sequence[SetRecord],
    *,
    until: dt.date | None = None,
) -> list[WeekAdherence]:
    """Per planned week (up to ``until``): planned vs done sets and reps."""
    plan_sets: dict[dt.date, Counter[tuple[str, str]]] = defaultdict(Counter)
    plan_reps: dict[dt.date, Counter[tuple[str, str]]] = defaultdict(Counter)
    for sess in planned:
        if until is not None and sess.date > until:
            continue
        for planned_set in sess.sets:
            key = (planned_set.exercise.value, planned_set.side.value)
            plan_sets[week_start(sess.date)][key] += 1
            plan_reps[week_start(sess.date)][key] += planned_set.reps
    done_sets: dict[dt.date, Counter[tuple[str, str]]] = defaultdict(Counter)
    done_reps: dict[dt.date, Counter[tuple[str, str]]] = defaultdict(Counter)
    for rec in records:
        key = (rec.variant.value, rec.side.value)
        done_sets[week_start(rec.performed_on)][key] += 1
        done_reps[week_start(rec.performed_on)][key] += rec.reps
    out = []
    for week in sorted(plan_sets):
        ps, pr = plan_sets[week], plan_reps[week]
        ds, dr = done_sets.get(week, Counter()), done_reps.get(week, Counter())
        out.append(
            WeekAdherence(
                week=week,
                sets_planned=sum(ps.values()),
                sets_done=sum(min(n, ds[k]) for k, n in ps.items()),
                reps_planned=sum(pr.values()),
                reps_done=sum(min(n, dr[k]) for k, n in pr.items()),
            )
        )
    return out


def flags_consistent(rec: SetRecord) -> bool | None:
    """From the logged form flags: None if none recorded; False on any fault or pain."""
    flags = (rec.bench_contact, rec.pelvis_level, rec.full_range)
    if all(f is None for f in flags) and rec.pain is None:
        return None
    return not (any(f is False for f in flags) or rec.pain is True)


@dataclass(frozen=True)
class FormDrift:
    set_id: int
    reps: int
    peak_hip_angle_drop_deg: float | None  # first minus last: > 0 = the lockout got shorter
    pause_drop_s: float | None  # first minus last: > 0 = the top pause got shorter
    shin_angle_change_deg: float | None  # |last - first|
    consistent: bool


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 2)


def form_drift(reps: Sequence[RepRecord]) -> FormDrift | None:
    """First-vs-last-rep drift of one set (None with fewer than two reps)."""
    ordered = sorted(reps, key=lambda r: r.rep_index)
    if len(ordered) < 2:
        return None
    first, last = ordered[0], ordered[-1]
    hip = _diff(first.peak_hip_angle_deg, last.peak_hip_angle_deg)
    pause = _diff(first.pause_s, last.pause_s)
    shin = _diff(last.shin_angle_top_deg, first.shin_angle_top_deg)
    shin = abs(shin) if shin is not None else None
    cfg = load_analytics_settings().form
    consistent = (
        (hip is None or hip <= cfg.max_peak_hip_angle_drop_deg)
        and (pause is None or pause <= cfg.max_pause_drop_s)
        and (shin is None or shin <= cfg.max_shin_angle_change_deg)
    )
    return FormDrift(first.set_id, len(ordered), hip, pause, shin, consistent)


def form_drifts(reps: Sequence[RepRecord]) -> dict[int, FormDrift]:
    """:func:`form_drift` for every set that has rep metrics."""
    by_set: dict[int, list[RepRecord]] = defaultdict(list)
    for rep in reps:
        by_set[rep.set_id].append(rep)
    out = {}
    for set_id, items in by_set.items():
        drift = form_drift(items)
        if drift is not None:
            out[set_id] = drift
    return out


def set_form_consistent(rec: SetRecord, drift: FormDrift | None) -> bool | None:
    """Flags and video together: False if either says no; None if neither knows."""
    verdicts = [
        v for v in (flags_consistent(rec), drift.consistent if drift else None) if v is not None
    ]
    return all(verdicts) if verdicts else None
