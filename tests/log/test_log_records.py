"""Records per side, "last time", broken records and the session summary, worked by hand.

Body mass 60 kg: the hips lift half of it, so a set's system load is load + 30 kg.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from thrustcoach.log.analytics import SetRecord
from thrustcoach.log.records import broken_records, last_time, side_records
from thrustcoach.log.session_summary import PAIN_ADVICE, summarise_session
from thrustcoach.vocab import Side, VariantId

MON = dt.date(2026, 3, 2)
THU = MON + dt.timedelta(days=3)
NEXT_MON = MON + dt.timedelta(weeks=1)
SLHT = VariantId.SINGLE_LEG_HIP_THRUST


def rec(set_id: int, day: dt.date, side: Side, reps: int, load: str, **kw: object) -> SetRecord:
    return SetRecord(set_id, day, SLHT, side, reps, Decimal(load), Decimal(60), **kw)  # type: ignore[arg-type]


HISTORY = [
    rec(1, MON, Side.LEFT, 10, "0"),  # e1RM 30 x (1 + 10/30) = 40.00
    rec(2, MON, Side.RIGHT, 12, "0"),  # e1RM 30 x 1.4 = 42.00
    rec(3, THU, Side.LEFT, 8, "5"),  # e1RM 35 x (1 + 8/30) = 44.33
    rec(4, THU, Side.RIGHT, 8, "5"),  # same 44.33
]


def test_side_records_by_hand() -> None:
    recs = side_records(HISTORY)
    left, right = recs[Side.LEFT], recs[Side.RIGHT]
    assert left.best["e1rm"].set_id == 3 and left.value("e1rm") == Decimal("44.33")
    assert left.best["load"].set_id == 3 and left.value("load") == Decimal(5)
    assert left.best["reps"].set_id == 1 and left.value("reps") == 10
    # right: the 12-rep set holds the reps record; 44.33 beats 42.00
    assert right.best["reps"].set_id == 2 and right.value("e1rm") == Decimal("44.33")
    # bodyweight only: no load record (0 kg is not a load)
    assert "load" not in side_records(HISTORY[:2])[Side.LEFT].best


def test_ties_go_to_the_earlier_set() -> None:
    same = [rec(7, THU, Side.LEFT, 10, "0"), rec(6, MON, Side.LEFT, 10, "0")]
    assert side_records(same)[Side.LEFT].best["reps"].set_id == 6


def test_last_time_is_the_latest_earlier_day_on_that_side() -> None:
    assert [r.set_id for r in last_time(HISTORY, side=Side.LEFT, before=NEXT_MON)] == [3]
    assert [r.set_id for r in last_time(HISTORY, side=Side.LEFT, before=THU)] == [1]
    assert last_time(HISTORY, side=Side.LEFT, before=MON) == []


def test_broken_records_against_history_only() -> None:
    today = [rec(10, NEXT_MON, Side.LEFT, 9, "7.5"), rec(11, NEXT_MON, Side.RIGHT, 8, "5")]
    broken = {(b.side, b.kind): b for b in broken_records(HISTORY, today)}
    # left 9 x 37.5 kg: e1RM 37.5 x 1.3 = 48.75 > 44.33, load 7.5 > 5; 9 reps < 10: no
    assert broken[(Side.LEFT, "e1rm")].value == Decimal("48.75")
    assert broken[(Side.LEFT, "e1rm")].previous == Decimal("44.33")
    assert broken[(Side.LEFT, "load")].value == Decimal("7.5")
    assert (Side.LEFT, "reps") not in broken
    # right repeated its 8 x 5 kg: equal is not a record
    assert not [b for b in broken.values() if b.side is Side.RIGHT]
    # a side's very first set is not a record
    assert broken_records([], today) == []


def test_summary_of_a_clean_session() -> None:
    today = [
        rec(10, NEXT_MON, Side.LEFT, 10, "5", target_reps=10),
        rec(11, NEXT_MON, Side.RIGHT, 10, "5", target_reps=10),
    ]
    s = summarise_session(today, history=HISTORY, weak_side=Side.LEFT)
    # 10 x 35 kg = 350 kg a side; reps 10 / 10 = 100 %
    assert s.sides[Side.LEFT].volume_kg == Decimal("350.00")
    assert (s.reps_lsi, s.e1rm_lsi) == (100.0, 100.0)
    assert s.targets == {Side.LEFT: (10, 10), Side.RIGHT: (10, 10)}
    # 10 x 35: e1RM 46.67 beats 44.33 on both sides
    assert {(b.side, b.kind) for b in s.records} == {(Side.LEFT, "e1rm"), (Side.RIGHT, "e1rm")}
    assert len(s.advice) == 1 and s.advice[0].startswith("Every planned rep done")


def test_summary_advice_follows_the_plan_rules() -> None:
    today = [
        rec(10, NEXT_MON, Side.LEFT, 7, "5", target_reps=10, pelvis_level=False),
        rec(11, NEXT_MON, Side.RIGHT, 10, "5", target_reps=10, pain=True),
    ]
    s = summarise_session(today, history=HISTORY, weak_side=Side.LEFT, rpes=[9.5, 8])
    assert s.reps_lsi == 70.0  # 7 / 10
    assert s.advice[0] == PAIN_ADVICE  # safety first
    text = " | ".join(s.advice)
    assert "Form slipped (level pelvis)" in text
    assert "left side did 7 of 10 planned reps" in text
    assert "right side did 3 more reps than the left side" in text
    assert "did 70 % of the other side's reps" in text
    assert "RPE 9.5" in text
    assert not any(a.startswith("Every planned rep") for a in s.advice)
    # no weak side known: no side comparison, still the per-side numbers
    unknown = summarise_session(today, history=HISTORY, weak_side=None)
    assert unknown.reps_lsi is None and Side.LEFT in unknown.sides
    assert summarise_session([replace(today[1], pain=False)], history=[], weak_side=None).advice
