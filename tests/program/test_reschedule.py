"""Moving, skipping and re-dating sessions mid-block: the prescription never changes."""

from __future__ import annotations

from datetime import date

import pytest

from thrustcoach.errors import PlanError
from thrustcoach.program import (
    Plan,
    PlanInputs,
    SessionKind,
    Weekday,
    build_plan,
    change_training_days,
    find_session,
    move_session,
    skip_session,
    week_of,
)


@pytest.fixture
def plan(intermediate_inputs: PlanInputs) -> Plan:
    # mon/wed/fri from Mon 5 Jan 2026: single-leg Mon + Fri (furthest apart), bilateral Wed
    return build_plan(intermediate_inputs)


def _dates(plan: Plan, week: int) -> list[tuple[int, date, SessionKind, bool]]:
    return [(s.index, s.date, s.kind, s.skipped) for s in plan.weeks[week - 1].sessions]


def test_layout_the_tests_rely_on(plan: Plan) -> None:
    assert _dates(plan, 1) == [
        (1, date(2026, 1, 5), SessionKind.SINGLE_LEG, False),
        (2, date(2026, 1, 7), SessionKind.BILATERAL, False),
        (3, date(2026, 1, 9), SessionKind.SINGLE_LEG, False),
    ]


def test_move_a_session_to_a_free_day_and_back(plan: Plan) -> None:
    moved = move_session(plan, week=1, index=1, to=date(2026, 1, 6))
    sess = find_session(moved, week=1, index=1)
    assert (sess.date, sess.moved_from) == (date(2026, 1, 6), date(2026, 1, 5))
    assert sess.sets == find_session(plan, week=1, index=1).sets  # same prescription
    # moved again, it still remembers the original day; moved home, nothing to remember
    again = move_session(moved, week=1, index=1, to=date(2026, 1, 8))
    assert find_session(again, week=1, index=1).moved_from == date(2026, 1, 5)
    home = move_session(again, week=1, index=1, to=date(2026, 1, 5))
    assert find_session(home, week=1, index=1).moved_from is None
    # sessions stay in calendar order within the week
    later = move_session(plan, week=1, index=1, to=date(2026, 1, 10))
    assert [s.index for s in later.weeks[0].sessions] == [2, 3, 1]
    assert Plan.from_json(later.to_json()) == later


def test_move_onto_a_planned_day_is_refused(plan: Plan) -> None:
    with pytest.raises(PlanError, match="already planned on 2026-01-07"):
        move_session(plan, week=1, index=1, to=date(2026, 1, 7))
    # a skipped session does not hold its day
    skipped = skip_session(plan, week=1, index=2)
    assert find_session(
        move_session(skipped, week=1, index=1, to=date(2026, 1, 7)), week=1, index=1
    ).date == date(2026, 1, 7)


def test_skip_and_restore(plan: Plan) -> None:
    skipped = skip_session(plan, week=2, index=3)
    assert find_session(skipped, week=2, index=3).skipped
    restored = skip_session(skipped, week=2, index=3, skipped=False)
    assert not find_session(restored, week=2, index=3).skipped
    with pytest.raises(PlanError, match="no session 9 in week 2"):
        skip_session(plan, week=2, index=9)


def test_change_training_days_from_a_week_on(plan: Plan) -> None:
    changed = change_training_days(plan, days=[Weekday.THU, Weekday.TUE], from_week=2)
    assert _dates(changed, 1) == _dates(plan, 1)  # week 1 keeps its dates
    # week 2 (from Mon 12 Jan): Tue 13 and Thu 15 take the single-leg sessions; with only two
    # days the bilateral session has no day left: it keeps its old date (Wed 14), skipped
    assert _dates(changed, 2) == [
        (1, date(2026, 1, 13), SessionKind.SINGLE_LEG, False),
        (2, date(2026, 1, 14), SessionKind.BILATERAL, True),
        (3, date(2026, 1, 15), SessionKind.SINGLE_LEG, False),
    ]
    assert changed.inputs.training_days == (Weekday.TUE, Weekday.THU)
    sl = [s.date for s in changed.weeks[3].sessions if s.kind is SessionKind.SINGLE_LEG]
    assert sl == [date(2026, 1, 27), date(2026, 1, 29)]


def test_too_few_days_are_refused(plan: Plan) -> None:
    with pytest.raises(PlanError, match="2 single-leg sessions a week"):
        change_training_days(plan, days=[Weekday.MON], from_week=1)


def test_week_of(plan: Plan) -> None:
    assert week_of(plan, date(2026, 1, 5)) == 1
    assert week_of(plan, date(2026, 1, 11)) == 1
    assert week_of(plan, date(2026, 1, 12)) == 2
    assert week_of(plan, date(2025, 12, 1)) == 1
    assert week_of(plan, date(2027, 1, 1)) == len(plan.weeks)
