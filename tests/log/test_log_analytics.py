"""Analytics against examples worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from thrustcoach.log.adherence import (
    flags_consistent,
    form_drift,
    form_drifts,
    set_form_consistent,
    weekly_adherence,
)
from thrustcoach.log.analytics import (
    RepRecord,
    SetRecord,
    best_set,
    e1rm_kg,
    rep_range_prs,
    side_summaries,
    time_under_tension_s,
    volume_kg,
    week_start,
)
from thrustcoach.log.planview import PlannedSessionView, PlannedSetView
from thrustcoach.log.symmetry import (
    WeekSymmetry,
    gap_trend,
    infer_weak_side,
    lsi,
    symmetry_flag,
    symmetry_status,
    weekly_symmetry,
    weekly_video_symmetry,
)
from thrustcoach.vocab import Side, VariantId

MON = dt.date(2026, 3, 2)  # a Monday
SLHT = VariantId.SINGLE_LEG_HIP_THRUST
BM = Decimal(60)


def rec(
    set_id: int, side: Side, reps: int, load: str, day: dt.date = MON, **kw: object
) -> SetRecord:
    return SetRecord(set_id, day, SLHT, side, reps, Decimal(load), BM, **kw)  # type: ignore[arg-type]


LEFT_A = rec(1, Side.LEFT, 10, "10")
LEFT_B = rec(2, Side.LEFT, 8, "12.5")
RIGHT_A = rec(3, Side.RIGHT, 10, "12.5")
RIGHT_B = rec(4, Side.RIGHT, 10, "12.5", day=MON + dt.timedelta(days=3))
WEEK = [LEFT_A, LEFT_B, RIGHT_A, RIGHT_B]


def test_e1rm_named_formulas() -> None:
    # Epley 100 x (1 + 5/30) = 116.67; Brzycki 100 x 36 / (37 - 5) = 112.50
    assert e1rm_kg(Decimal(100), 5, formula="epley") == Decimal("116.67")
    assert e1rm_kg(Decimal(100), 5, formula="brzycki") == Decimal("112.50")
    assert e1rm_kg(Decimal(80), 1) == Decimal("80.00")  # a single is its own 1RM
    assert e1rm_kg(Decimal(80), 0) is None
    assert e1rm_kg(Decimal(80), 16) is None  # beyond the trusted 15 reps


def test_volume_and_tut_count_half_the_body_mass_and_tempo() -> None:
    # system load 12.5 + 60 / 2 = 42.5 kg (the hips lift half the body); 10 reps -> 425 kg
    assert volume_kg(rec(9, Side.LEFT, 10, "12.5")) == Decimal("425.00")
    # without a known body mass only the dumbbell counts: 10 x 12.5
    assert volume_kg(replace(RIGHT_A, body_mass_kg=None)) == Decimal("125.00")
    # 10 reps x (1 s lift + 2 s pause + 2 s lowering) = 50 s
    assert time_under_tension_s(rec(9, Side.LEFT, 10, "0", pause_s=2.0, lowering_s=2.0)) == 50
    # defaults: 1 s pause, 2 s lowering -> 10 x 4 = 40 s
    assert time_under_tension_s(rec(9, Side.LEFT, 10, "0")) == 40


def test_side_summaries_by_hand() -> None:
    out = side_summaries(WEEK)
    left, right = out[Side.LEFT], out[Side.RIGHT]
    # system loads: 10 + 30 = 40 and 12.5 + 30 = 42.5 kg
    # left: 10 x 40 + 8 x 42.5 = 400 + 340 = 740 kg; e1RM 42.5 x (1 + 8/30) = 53.83 beats
    # 40 x 4/3 = 53.33
    assert (left.sets, left.reps, left.volume_kg) == (2, 18, Decimal("740.00"))
    assert left.best == LEFT_B and left.best_e1rm_kg == Decimal("53.83")
    assert left.top_load_kg == Decimal("12.5")
    # right: 2 x 10 x 42.5 = 850 kg; both sets e1RM 42.5 x 4/3 = 56.67, the earlier one wins
    assert (right.reps, right.volume_kg, right.best_e1rm_kg) == (
        20,
        Decimal("850.00"),
        Decimal("56.67"),
    )
    assert right.best == RIGHT_A
    assert left.time_under_tension_s == 18 * 4
    assert best_set([]) is None


def test_rep_range_prs() -> None:
    five = rec(5, Side.LEFT, 5, "20")
    prs = rep_range_prs([*WEEK, five])
    assert prs[(Side.LEFT, "8-12")] == LEFT_B  # 42.5 kg system load beats 40 kg
    assert prs[(Side.LEFT, "1-5")] == five
    assert prs[(Side.RIGHT, "8-12")] == RIGHT_A
    assert (Side.RIGHT, "1-5") not in prs


def test_weekly_symmetry_by_hand() -> None:
    [week] = weekly_symmetry(WEEK, weak_side=Side.LEFT)
    assert week.week == MON
    # reps 18 / 20 = 90.0 %; top load 12.5 / 12.5 = 100 %; e1RM 53.83 / 56.67 = 95.0 %
    assert week.values == {"reps": 90.0, "load": 100.0, "e1rm": 95.0}


def test_bilateral_sets_do_not_enter_symmetry_and_missing_side_gives_none() -> None:
    both = SetRecord(7, MON, VariantId.HIP_THRUST, Side.BOTH, 8, Decimal(60), BM)
    [week] = weekly_symmetry([LEFT_A, both], weak_side=Side.LEFT)
    assert week.values == {"reps": None, "load": None, "e1rm": None}


def test_weak_side_inferred_from_e1rm() -> None:
    assert infer_weak_side(WEEK) is Side.LEFT
    assert infer_weak_side(WEEK, declared=Side.RIGHT) is Side.RIGHT
    assert infer_weak_side([LEFT_A]) is None


def test_video_symmetry_by_hand() -> None:
    reps = [
        RepRecord(1, MON, Side.LEFT, 1, 170, 1.0, -4),
        RepRecord(1, MON, Side.LEFT, 2, 172, 1.5, 6),
        RepRecord(3, MON, Side.RIGHT, 1, 180, 2.0, 10),
        RepRecord(3, MON, Side.RIGHT, 2, 180, 2.0, 10),
    ]
    [week] = weekly_video_symmetry(reps, weak_side=Side.LEFT)
    # hip 171 / 180 = 95 %; pause 1.25 / 2 = 62.5 %; |shin| 5 / 10 = 50 %
    assert week.values == {"peak_hip_angle": 95.0, "pause": 62.5, "shin_angle": 50.0}


def _weeks(*values: float | None) -> list[WeekSymmetry]:
    return [
        WeekSymmetry(MON + dt.timedelta(weeks=i), {"e1rm": v}, {}, {}) for i, v in enumerate(values)
    ]


def test_flag_only_when_it_stays_below_90() -> None:
    assert not symmetry_flag(_weeks(85, 88, 95)).flagged  # recovered last week
    flag = symmetry_flag(_weeks(95, 85, 88))
    assert flag.flagged and flag.weeks_below == 2 and flag.latest_pct == 88
    assert not symmetry_flag(_weeks(95, 85)).flagged  # one week is not "stays"
    assert symmetry_flag(_weeks(85, None, 88)).flagged  # weeks without data are skipped


def test_gap_trend_slope() -> None:
    # gaps 20, 15, 10 over weeks 0, 1, 2 -> -5 points per week: closing
    trend = gap_trend(_weeks(80, 85, 90))
    assert trend.slope_pct_per_week == -5.0 and trend.closing
    assert gap_trend(_weeks(90)).slope_pct_per_week is None
    assert gap_trend(_weeks(90, 85)).closing is False
    # the gap is the distance from 100 %: 10, 0, 10 points -> slope 0, not closing
    assert gap_trend(_weeks(90, 100, 110)).slope_pct_per_week == 0


def test_symmetry_status_never_calls_a_closed_gap_closing() -> None:
    # 90 -> 95 -> 100: the gap closed; the latest week is level, which is what the user reads
    status = symmetry_status(_weeks(90, 95, 100))
    assert (status.verdict, status.latest_pct, status.gap_pct) == ("level", 100, 0)
    assert status.was_gap_pct == 10  # where it started, for "it was 10 points"
    # within the 3-point band around 100 % counts as level too
    assert symmetry_status(_weeks(80, 97.5)).verdict == "level"
    # 80 -> 85 -> 90: gap 20, 15, 10 -> closing by 5 points a week
    closing = symmetry_status(_weeks(80, 85, 90))
    assert (closing.verdict, closing.slope_pct_per_week) == ("closing", -5.0)
    assert symmetry_status(_weeks(90, 85)).verdict == "widening"
    assert symmetry_status(_weeks(85, 85)).verdict == "steady"
    # the "weak" side now lifts clearly more: say so instead of a gap
    assert symmetry_status(_weeks(100, 160)).verdict == "weak_side_ahead"
    assert symmetry_status(_weeks(88)).verdict == "one_week"
    assert symmetry_status(_weeks(None)).verdict == "no_data"


def _planned(day: dt.date, reps: int = 10) -> PlannedSessionView:
    sets = tuple(
        PlannedSetView(order=i, exercise=SLHT, side=side, reps=reps)
        for i, side in enumerate([Side.LEFT] * 3 + [Side.RIGHT] * 3, start=1)
    )
    return PlannedSessionView(week=1, index=1, date=day, sets=sets)


def test_adherence_counts_matching_sets_capped_at_the_plan() -> None:
    next_week = MON + dt.timedelta(weeks=1)
    done = [*WEEK, rec(8, Side.LEFT, 10, "10"), rec(10, Side.RIGHT, 10, "12.5")]
    done.append(SetRecord(11, MON, VariantId.HIP_THRUST, Side.BOTH, 8, Decimal(60), BM))
    w1, w2 = weekly_adherence([_planned(MON), _planned(next_week)], done)
    # planned 3 left + 3 right; done 3 left (10, 8, 10 reps) + 3 right (10 x 3): 6 / 6 sets;
    # reps: left min(30, 28) + right min(30, 30) = 58 of 60 -> 96.7 %; the bilateral set and any
    # extra right set do not count.
    assert (w1.sets_planned, w1.sets_done, w1.sets_pct) == (6, 6, 100.0)
    assert (w1.reps_planned, w1.reps_done, w1.reps_pct) == (60, 58, 96.7)
    assert (w2.week, w2.sets_done, w2.sets_pct) == (next_week, 0, 0.0)
    assert weekly_adherence([_planned(MON), _planned(next_week)], done, until=MON) == [w1]


def test_form_drift_first_vs_last_rep() -> None:
    drifting = [
        RepRecord(1, MON, Side.LEFT, 1, 178, 2.0, 2),
        RepRecord(1, MON, Side.LEFT, 2, 175, 1.9, 3),
        RepRecord(1, MON, Side.LEFT, 3, 168, 1.8, 4),
    ]
    drift = form_drift(drifting)
    assert drift is not None
    # lockout 178 -> 168 = 10 degrees shorter (> 8 allowed); pause 2.0 -> 1.8 = 0.2 s
    assert (drift.peak_hip_angle_drop_deg, drift.pause_drop_s, drift.shin_angle_change_deg) == (
        10,
        0.2,
        2,
    )
    assert not drift.consistent
    steady = [
        RepRecord(2, MON, Side.RIGHT, 1, 178, 2.0, 2),
        RepRecord(2, MON, Side.RIGHT, 2, 174, 2.0, 2),
    ]
    assert form_drifts([*drifting, *steady])[2].consistent
    assert form_drift(steady[:1]) is None


def test_form_flags() -> None:
    ok = rec(
        1, Side.LEFT, 10, "0", bench_contact=True, pelvis_level=True, full_range=True, pain=False
    )
    assert flags_consistent(ok) is True
    assert flags_consistent(replace(ok, pelvis_level=False)) is False
    assert flags_consistent(replace(ok, pain=True)) is False
    assert flags_consistent(LEFT_A) is None
    assert set_form_consistent(ok, None) is True
    assert set_form_consistent(LEFT_A, None) is None


def test_week_start_is_monday() -> None:
    assert week_start(dt.date(2026, 3, 8)) == MON  # Sunday
    assert week_start(MON) == MON


@given(
    left=st.lists(st.tuples(st.integers(1, 15), st.integers(0, 40)), min_size=1, max_size=5),
    right=st.lists(st.tuples(st.integers(1, 15), st.integers(0, 40)), min_size=1, max_size=5),
)
def test_swapping_sides_mirrors_the_symmetry(
    left: list[tuple[int, int]], right: list[tuple[int, int]]
) -> None:
    recs = [rec(i, Side.LEFT, r, str(kg)) for i, (r, kg) in enumerate(left)]
    recs += [rec(100 + i, Side.RIGHT, r, str(kg)) for i, (r, kg) in enumerate(right)]
    swapped = [replace(r, side=r.side.other) for r in recs]
    [a] = weekly_symmetry(recs, weak_side=Side.LEFT)
    [b] = weekly_symmetry(swapped, weak_side=Side.RIGHT)
    assert a.values == b.values
    [c] = weekly_symmetry(recs, weak_side=Side.RIGHT)
    for metric in ("reps", "e1rm"):
        x, y = a.values[metric], c.values[metric]
        assert x is not None and y is not None
        # weak/strong x strong/weak = 1, up to the rounding of each index to 0.1 %
        assert abs(x * y - 10_000) <= 0.05 * (x + y) + 0.01


def test_lsi_edge_cases() -> None:
    assert lsi(0, 0) is None and lsi(None, 5) is None
    assert lsi(9, 10) == 90.0


def test_body_mass_share_is_the_plans() -> None:
    """The log's volume and the plan's loads count the same share of body mass."""
    from thrustcoach.log.analytics import body_mass_share
    from thrustcoach.program import load_rules

    assert body_mass_share() == load_rules().load.model.moved_body_mass_fraction
