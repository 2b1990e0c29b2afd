"""Changing a plan's calendar mid-block: move, skip or restore a session, change training days.

Pure functions: a :class:`Plan` in, a new :class:`Plan` out (plans are frozen). The
prescription (sets, reps, loads, the order of the weeks) never changes here, only when each
session happens. A moved session remembers the date it was planned for (``moved_from``); a
skipped session stays in the plan, marked, so the log and the next block still see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from thrustcoach.errors import PlanError
from thrustcoach.program.inputs import Weekday
from thrustcoach.program.plan import Plan, PlanSession, PlanWeek, SessionKind
from thrustcoach.program.schedule import week_schedule

__all__ = [
    "change_training_days",
    "find_session",
    "move_session",
    "skip_session",
    "week_of",
]


def find_session(plan: Plan, *, week: int, index: int) -> PlanSession:
    for sess in plan.sessions():
        if (sess.week, sess.index) == (week, index):
            return sess
    raise PlanError(
        f"the plan has no session {index} in week {week}",
        hint="use the week and session numbers shown on the plan page",
    )


def _replace(plan: Plan, changed: Iterable[PlanSession]) -> Plan:
    by_key = {(s.week, s.index): s for s in changed}
    weeks = tuple(
        PlanWeek(
            number=w.number,
            deload=w.deload,
            sessions=tuple(
                sorted(
                    (by_key.get((s.week, s.index), s) for s in w.sessions),
                    key=lambda s: (s.date, s.index),
                )
            ),
        )
        for w in plan.weeks
    )
    return plan.model_copy(update={"weeks": weeks})


def move_session(plan: Plan, *, week: int, index: int, to: date) -> Plan:
    """Move one session to another day (one session a day: the day must be free)."""
    sess = find_session(plan, week=week, index=index)
    if to == sess.date and not sess.skipped:
        return plan
    taken = next(
        (s for s in plan.sessions() if s.date == to and s is not sess and not s.skipped), None
    )
    if taken is not None:
        raise PlanError(
            f"week {taken.week} session {taken.index} is already planned on {to.isoformat()}",
            hint="pick a free day, or move that session first",
        )
    moved = sess.model_copy(
        update={"date": to, "skipped": False, "moved_from": sess.moved_from or sess.date}
    )
    if moved.moved_from == to:
        moved = moved.model_copy(update={"moved_from": None})
    return _replace(plan, [moved])


def skip_session(plan: Plan, *, week: int, index: int, skipped: bool = True) -> Plan:
    """Mark a session skipped (or planned again with ``skipped=False``)."""
    sess = find_session(plan, week=week, index=index)
    return _replace(plan, [sess.model_copy(update={"skipped": skipped})])


def change_training_days(plan: Plan, *, days: Iterable[Weekday], from_week: int) -> Plan:
    """New training days for weeks ``from_week`` onwards (earlier weeks keep their dates).

    Each of those weeks is laid out again by the same rule as a new plan
    (:func:`~thrustcoach.program.schedule.week_schedule`): single-leg sessions on the days
    furthest apart, the bilateral day on the remaining day furthest from both. A bilateral
    session with no day left (only two training days) is marked skipped.
    """
    wanted = tuple(sorted(set(days), key=lambda d: d.day_number))
    single_per_week = max(len(w.single_leg_sessions()) for w in plan.weeks)
    if len(wanted) < single_per_week:
        raise PlanError(
            f"{len(wanted)} training day(s) given but the plan has {single_per_week} "
            "single-leg sessions a week",
            hint=f"choose at least {single_per_week} days",
        )
    if not 1 <= from_week <= len(plan.weeks):
        raise PlanError(f"the plan has no week {from_week}")
    changed: list[PlanSession] = []
    for w in plan.weeks[from_week - 1 :]:
        slots = week_schedule(
            plan.inputs.start_date,
            days=wanted,
            week=w.number,
            single_leg=len(w.single_leg_sessions()),
            bilateral=any(s.kind is SessionKind.BILATERAL for s in w.sessions),
        )
        for kind in SessionKind:
            free = [d for d, k in slots if k is kind]
            for sess in (s for s in w.sessions if s.kind is kind):
                if free:
                    day = free.pop(0)
                    changed.append(
                        sess.model_copy(update={"date": day, "moved_from": None, "skipped": False})
                    )
                else:
                    changed.append(sess.model_copy(update={"skipped": True}))
    inputs = plan.inputs.model_copy(update={"training_days": wanted})
    return _replace(plan, changed).model_copy(update={"inputs": inputs})


def week_of(plan: Plan, day: date) -> int:
    """The plan week (1-based, clamped to the block) that contains ``day``."""
    offset = (day - plan.inputs.start_date) // timedelta(days=7)
    return min(max(offset + 1, 1), len(plan.weeks))
