"""Hypothesis strategies for plan inputs and session results."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from thrustcoach.program import FormFlags, PlanInputs, SessionResult, Weekday

DUMBBELL_RACK = tuple(
    Decimal(x)
    for x in (
        "2",
        "4",
        "5",
        "6",
        "7.5",
        "8",
        "10",
        "12.5",
        "15",
        "17.5",
        "20",
        "22.5",
        "25",
        "30",
        "40",
    )
)


@st.composite
def plan_inputs(draw: st.DrawFn, *, weak_known: bool = True, loaded: bool = False) -> PlanInputs:
    """Valid inputs; ``loaded`` = a non-beginner with dumbbells and a bilateral lift."""
    kinds = ["dumbbells"] if loaded else ["bodyweight", "dumbbells", "dumbbells"]
    equipment = draw(st.sampled_from(kinds))
    bells = (
        draw(st.lists(st.sampled_from(DUMBBELL_RACK), min_size=1, max_size=8, unique=True))
        if equipment == "dumbbells"
        else []
    )
    lift = st.builds(
        dict,
        load_kg=st.decimals(min_value=10, max_value=400, places=1),
        reps=st.integers(min_value=1, max_value=15),
    )
    bilateral = draw(lift if loaded else st.none() | lift)
    levels = ["intermediate", "advanced"] if loaded else ["beginner", "intermediate", "advanced"]
    sides = ["left", "right"] if weak_known else ["left", "right", None]
    return PlanInputs.checked(
        experience=draw(st.sampled_from(levels)),
        body_mass_kg=draw(st.decimals(min_value=40, max_value=160, places=1)),
        bilateral=bilateral,
        weak_side=draw(st.sampled_from(sides)),
        equipment=equipment,
        dumbbells_kg=bells,
        start_date=draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))),
        training_days=draw(
            st.lists(st.sampled_from(list(Weekday)), min_size=2, max_size=7, unique=True)
        ),
    )


def session_results(
    weeks: int, sessions: list[tuple[int, int]]
) -> st.SearchStrategy[list[SessionResult]]:
    """Results for a subset of the given (week, session index) pairs, with random form flags."""
    flags = st.builds(
        FormFlags,
        bench_contact=st.booleans(),
        pelvis_level=st.booleans(),
        full_range=st.booleans(),
        no_drift=st.booleans(),
    )
    one = st.sampled_from(sessions).flatmap(
        lambda ws: st.builds(SessionResult, week=st.just(ws[0]), session=st.just(ws[1]), form=flags)
    )
    return st.lists(one, max_size=2 * weeks, unique_by=lambda r: (r.week, r.session))
