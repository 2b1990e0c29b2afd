"""The history calendar: one month of days with what was done and what is planned on each."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from thrustcoach.log import repo
from thrustcoach.program import PlanSession
from thrustcoach.web.plans import stored_plan

__all__ = ["Day", "MonthGrid", "month_grid"]


@dataclass
class Day:
    date: dt.date
    in_month: bool
    sessions: list[tuple[int, Counter[str]]] = field(default_factory=list)  # id, sets per side
    planned: list[PlanSession] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return bool(self.sessions)


@dataclass(frozen=True)
class MonthGrid:
    first: dt.date
    weeks: list[list[Day]]
    prev_month: dt.date
    next_month: dt.date
    plan_id: int | None


def month_grid(db: Session, *, athlete_id: int, first: dt.date, today: dt.date) -> MonthGrid:
    """Weeks (Monday first) of ``first``'s month with the logged and the planned sessions."""
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    days = {d: Day(d, d.month == first.month) for week in weeks_dates for d in week}
    start, end = weeks_dates[0][0], weeks_dates[-1][-1]
    row = repo.latest_plan(db, athlete_id=athlete_id)
    logged: set[tuple[int | None, int | None]] = set()
    for done in repo.list_sessions(db, athlete_id=athlete_id, since=start, until=end):
        days[done.performed_on].sessions.append((done.id, Counter(s.side for s in done.sets)))
        if row is not None and done.plan_id == row.id:
            logged.add((done.plan_week, done.plan_session_index))
    if row is not None:
        for planned in stored_plan(row).sessions():
            # a planned session that was logged shows once, as done
            if planned.date in days and (planned.week, planned.index) not in logged:
                days[planned.date].planned.append(planned)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    weeks = [[days[d] for d in week] for week in weeks_dates]
    return MonthGrid(first, weeks, prev_month, next_month, row.id if row else None)
