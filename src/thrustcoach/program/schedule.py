"""Dates: which training day of each week gets which session.

Week ``n`` of a block is the 7 days from ``start_date + 7 (n - 1)``. The single-leg sessions go
on the training days spread furthest apart (glutes recover between them); the bilateral day
("the other glute day", seed_000) goes on the remaining day furthest from both.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations

from thrustcoach.program.inputs import Weekday
from thrustcoach.program.plan import SessionKind

__all__ = ["week_schedule"]


def _week_dates(start: date, days: tuple[Weekday, ...], week: int) -> list[date]:
    first = start + timedelta(days=7 * (week - 1))
    wanted = {d.day_number for d in days}
    return [
        first + timedelta(days=i)
        for i in range(7)
        if (first + timedelta(days=i)).weekday() in wanted
    ]


def _circular_gap(a: date, b: date) -> int:
    gap = abs((b - a).days) % 7
    return min(gap, 7 - gap)


def _spread(dates: list[date], count: int) -> list[date]:
    """``count`` dates whose smallest circular gap is largest (earliest on ties)."""
    best: tuple[int, ...] = tuple(range(count))
    best_score = -1
    for combo in combinations(range(len(dates)), count):
        picked = [dates[i] for i in combo]
        score = min((_circular_gap(a, b) for a, b in combinations(picked, 2)), default=7)
        if score > best_score:
            best, best_score = combo, score
    return [dates[i] for i in best]


def week_schedule(
    start: date, *, days: tuple[Weekday, ...], week: int, single_leg: int, bilateral: bool
) -> list[tuple[date, SessionKind]]:
    """Dated sessions of one week in calendar order. Needs ``len(days) >= single_leg``."""
    dates = _week_dates(start, days, week)
    chosen = _spread(dates, single_leg)
    plan = [(d, SessionKind.SINGLE_LEG) for d in chosen]
    rest = [d for d in dates if d not in chosen]
    if bilateral and rest:
        other = max(rest, key=lambda d: (min(_circular_gap(d, c) for c in chosen), -d.toordinal()))
        plan.append((other, SessionKind.BILATERAL))
    return sorted(plan)
