"""Limb symmetry: weak / strong x 100 per week, the 90 % flag and the trend of the gap.

Only single-leg sets (side left or right) count. The weak side is the athlete's declared one;
when none is declared, the side with the lower best e1RM over all the records given.
Per week and side:

* reps: total reps;
* load: the top external load (what the lifter chose; body mass excluded, see analytics);
* e1RM: the best estimated one-rep max on the system load (external + body mass);
* from video, when analyses exist: mean peak hip angle, mean top pause, mean |shin angle|.

An index is None when a side has no data that week or the strong side's value is 0.
The *gap* is the distance from perfect symmetry, ``|100 - LSI|`` points: a weak side that
overtakes the strong one opens a gap too. :func:`symmetry_status` turns the weeks into one
verdict the pages can say without contradicting themselves (a closed gap is "level", not
"closing").
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import fmean
from typing import Literal, Protocol, TypeVar

from thrustcoach.log.analytics import (
    RepRecord,
    SetRecord,
    best_set,
    set_e1rm_kg,
    week_start,
)
from thrustcoach.log.settings import load_analytics_settings
from thrustcoach.vocab import Side

__all__ = [
    "GapTrend",
    "SymmetryFlag",
    "SymmetryStatus",
    "WeekSymmetry",
    "gap_trend",
    "infer_weak_side",
    "lsi",
    "symmetry_flag",
    "symmetry_status",
    "weekly_symmetry",
    "weekly_video_symmetry",
]

METRICS = ("reps", "load", "e1rm")
VIDEO_METRICS = ("peak_hip_angle", "pause", "shin_angle")


class _Dated(Protocol):
    @property
    def performed_on(self) -> dt.date: ...
    @property
    def side(self) -> Side: ...


T = TypeVar("T", bound=_Dated)


@dataclass(frozen=True)
class WeekSymmetry:
    week: dt.date  # the Monday of the week
    values: dict[str, float | None]  # metric -> LSI in %
    weak: dict[str, float | None]  # metric -> the weak side's raw value
    strong: dict[str, float | None]


def lsi(weak: float | Decimal | None, strong: float | Decimal | None) -> float | None:
    """Limb symmetry index weak / strong x 100 (None when undefined)."""
    if weak is None or strong is None or strong == 0:
        return None
    return round(float(weak) / float(strong) * 100, 1)


def _unilateral(records: Sequence[SetRecord]) -> list[SetRecord]:
    return [r for r in records if r.side in (Side.LEFT, Side.RIGHT)]


def infer_weak_side(records: Sequence[SetRecord], *, declared: Side | None = None) -> Side | None:
    if declared in (Side.LEFT, Side.RIGHT):
        return declared
    best = {}
    for side in (Side.LEFT, Side.RIGHT):
        top = best_set(r for r in records if r.side is side)
        best[side] = set_e1rm_kg(top) if top else None
    left, right = best[Side.LEFT], best[Side.RIGHT]
    if left is None or right is None or left == right:
        return None
    return Side.LEFT if left < right else Side.RIGHT


def _set_metrics(recs: Sequence[SetRecord]) -> dict[str, float | None]:
    if not recs:
        return dict.fromkeys(METRICS)
    top = best_set(recs)
    e1rm = set_e1rm_kg(top) if top else None
    return {
        "reps": float(sum(r.reps for r in recs)),
        "load": float(max(r.load_kg for r in recs)),
        "e1rm": float(e1rm) if e1rm is not None else None,
    }


def _weekly(
    items: Sequence[T],
    weak_side: Side,
    metrics: Callable[[Sequence[T]], dict[str, float | None]],
) -> list[WeekSymmetry]:
    grouped: dict[dt.date, dict[Side, list[T]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        grouped[week_start(item.performed_on)][item.side].append(item)
    out = []
    for week in sorted(grouped):
        weak = metrics(grouped[week][weak_side])
        strong = metrics(grouped[week][weak_side.other])
        values = {m: lsi(weak[m], strong[m]) for m in weak}
        out.append(WeekSymmetry(week=week, values=values, weak=weak, strong=strong))
    return out


def weekly_symmetry(records: Sequence[SetRecord], *, weak_side: Side) -> list[WeekSymmetry]:
    """LSI per week for reps, load and e1RM (weeks with single-leg sets only)."""
    return _weekly(_unilateral(records), weak_side, _set_metrics)


def _mean(values: Sequence[float | None], *, absolute: bool = False) -> float | None:
    xs = [abs(v) if absolute else v for v in values if v is not None and math.isfinite(v)]
    return fmean(xs) if xs else None


def _rep_metrics(reps: Sequence[RepRecord]) -> dict[str, float | None]:
    return {
        "peak_hip_angle": _mean([r.peak_hip_angle_deg for r in reps]),
        "pause": _mean([r.pause_s for r in reps]),
        "shin_angle": _mean([r.shin_angle_top_deg for r in reps], absolute=True),
    }


def weekly_video_symmetry(reps: Sequence[RepRecord], *, weak_side: Side) -> list[WeekSymmetry]:
    """LSI per week from video: peak hip angle, top pause and |shin angle| (means per side)."""
    unilateral = [r for r in reps if r.side in (Side.LEFT, Side.RIGHT)]
    return _weekly(unilateral, weak_side, _rep_metrics)


@dataclass(frozen=True)
class SymmetryFlag:
    metric: str
    weeks_below: int  # consecutive most recent weeks (with data) below the threshold
    latest_pct: float | None
    flagged: bool


def symmetry_flag(weeks: Sequence[WeekSymmetry], *, metric: str = "e1rm") -> SymmetryFlag:
    """Flag when the index stays below the threshold (90 %) for the configured weeks in a row."""
    cfg = load_analytics_settings().symmetry
    series = [w.values.get(metric) for w in weeks if w.values.get(metric) is not None]
    run = 0
    for value in reversed(series):
        if value is not None and value < cfg.threshold_pct:
            run += 1
        else:
            break
    latest = series[-1] if series else None
    return SymmetryFlag(metric, run, latest, run >= cfg.weeks_below)


@dataclass(frozen=True)
class GapTrend:
    metric: str
    slope_pct_per_week: float | None  # change of the gap |100 - LSI| per week; < 0 = closing
    weeks: int

    @property
    def closing(self) -> bool | None:
        return None if self.slope_pct_per_week is None else self.slope_pct_per_week < 0


def _gap_points(weeks: Sequence[WeekSymmetry], metric: str) -> list[tuple[float, float]]:
    """(weeks since the first week, gap in points) for the weeks that have the metric."""
    return [
        ((w.week - weeks[0].week).days / 7, abs(100 - v))
        for w in weeks
        if (v := w.values.get(metric)) is not None
    ]


def gap_trend(weeks: Sequence[WeekSymmetry], *, metric: str = "e1rm") -> GapTrend:
    """Least-squares slope of the gap |100 - LSI| against the week number (>= 2 weeks)."""
    points = _gap_points(weeks, metric)
    if len(points) < 2:
        return GapTrend(metric, None, len(points))
    mx = fmean(x for x, _ in points)
    my = fmean(y for _, y in points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    return GapTrend(metric, round(sxy / sxx, 3), len(points))


Verdict = Literal[
    "no_data", "one_week", "level", "weak_side_ahead", "closing", "widening", "steady"
]


@dataclass(frozen=True)
class SymmetryStatus:
    """What to tell the lifter about their symmetry, decided once (pages only phrase it).

    ``level``: the latest week is within ``level_band_pct`` of 100 %, whatever came before;
    ``weak_side_ahead``: the declared weak side now lifts clearly more (past the band);
    otherwise the gap's trend decides ``closing`` / ``widening`` / ``steady``.
    """

    metric: str
    verdict: Verdict
    latest_pct: float | None
    gap_pct: float | None  # |100 - latest|
    was_gap_pct: float | None  # the gap in the first week with data
    slope_pct_per_week: float | None


def symmetry_status(weeks: Sequence[WeekSymmetry], *, metric: str = "e1rm") -> SymmetryStatus:
    cfg = load_analytics_settings().symmetry
    series = [v for w in weeks if (v := w.values.get(metric)) is not None]
    trend = gap_trend(weeks, metric=metric)
    latest = series[-1] if series else None
    gap = round(abs(100 - latest), 1) if latest is not None else None
    was = round(abs(100 - series[0]), 1) if series else None
    verdict: Verdict
    if latest is None or gap is None:
        verdict = "no_data"
    elif gap <= cfg.level_band_pct:
        verdict = "level"
    elif latest > 100:
        verdict = "weak_side_ahead"
    elif trend.slope_pct_per_week is None:
        verdict = "one_week"
    elif abs(trend.slope_pct_per_week) < cfg.steady_slope_pct_per_week:
        verdict = "steady"
    else:
        verdict = "closing" if trend.slope_pct_per_week < 0 else "widening"
    return SymmetryStatus(metric, verdict, latest, gap, was, trend.slope_pct_per_week)
