"""The log against real plans from thrustcoach.program: storage, linking, adherence, results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from thrustcoach.errors import InputFileError, UsageError
from thrustcoach.log import repo, session_scope
from thrustcoach.log.analyses import attach_analysis
from thrustcoach.log.report import build_report
from thrustcoach.log.results import session_results
from thrustcoach.program import (
    BilateralLift,
    Equipment,
    Experience,
    Plan,
    PlanInputs,
    SessionResult,
    Weekday,
    build_plan,
)
from thrustcoach.vocab import Side

START = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture
def plan() -> Plan:
    inputs = PlanInputs(
        experience=Experience.INTERMEDIATE,
        body_mass_kg=Decimal(62),
        bilateral=BilateralLift(load_kg=Decimal(80), reps=8),
        weak_side=Side.LEFT,
        equipment=Equipment.DUMBBELLS,
        dumbbells_kg=(Decimal(5), Decimal("7.5"), Decimal(10), Decimal("12.5")),
        start_date=START,
        training_days=(Weekday("mon"), Weekday("thu")),
    )
    return build_plan(inputs)


def _log_first_session(engine: Engine, plan: Plan, *, pelvis_level: bool) -> tuple[int, int]:
    first = next(iter(plan.sessions()))
    with session_scope(engine) as s:
        aid = repo.create_athlete(s, name="Ana", weak_side="left", body_mass_kg=62).id
        stored = repo.save_plan(s, athlete_id=aid, plan_json=plan.to_json())
        for ps in first.sets:
            repo.add_set(
                s,
                athlete_id=aid,
                performed_on=first.date,
                variant=ps.exercise.value,
                side=ps.side.value,
                reps=ps.reps,
                target_reps=ps.reps,
                load_kg=ps.load_kg or 0,
                bench_contact=True,
                full_range=True,
                pelvis_level=pelvis_level or ps.side is not Side.LEFT,
            )
        return aid, stored.id


def test_stored_plan_links_sets_and_gives_results_the_plan_accepts(
    engine: Engine, plan: Plan
) -> None:
    aid, plan_id = _log_first_session(engine, plan, pelvis_level=False)
    first = next(iter(plan.sessions()))
    with session_scope(engine) as s:
        [ts] = repo.list_sessions(s, athlete_id=aid)
        assert (ts.plan_id, ts.plan_week, ts.plan_session_index) == (plan_id, 1, first.index)
        results = session_results(s, athlete_id=aid, plan_id=plan_id)
    [result] = [SessionResult.model_validate(r) for r in results]
    assert result.week == 1 and result.form.pelvis_level is False and result.form.bench_contact
    assert result.reps_done[Side.LEFT] == tuple(ps.reps for ps in first.sets_for(Side.LEFT))


def test_video_drift_fails_no_drift(engine: Engine, plan: Plan) -> None:
    aid, plan_id = _log_first_session(engine, plan, pelvis_level=True)
    reps = [
        {
            "index": i,
            "side": "left",
            "peak_hip_angle_deg": 180.0 - 3 * i,
            "pause_s": 1.0,
            "faults": [],
        }
        for i in range(1, 6)
    ]
    with session_scope(engine) as s:
        left_set = repo.list_sets(s, athlete_id=aid, side="left")[0]
        attach_analysis(
            s,
            set_id=left_set.id,
            source_name="a.json",
            document={"schema_version": 1, "sets": [{"side": "left", "reps": reps}]},
        )
        [result] = session_results(s, athlete_id=aid, plan_id=plan_id)
    # lockout 177 -> 165 deg: 12 deg shorter than allowed 8 -> drift
    assert result["form"] == {
        "bench_contact": True,
        "pelvis_level": True,
        "full_range": True,
        "no_drift": False,
    }


def test_report_shows_adherence_against_the_plan(
    engine: Engine, plan: Plan, tmp_path: Path
) -> None:
    aid, _ = _log_first_session(engine, plan, pelvis_level=True)
    with session_scope(engine) as s:
        report = build_report(
            s, athlete_id=aid, out_dir=tmp_path, weeks=2, today=START + dt.timedelta(days=8)
        )
    first_week = [w for w in report.adherence if w.week == START]
    [week] = first_week
    planned_w1 = sum(len(x.sets) for x in plan.weeks[0].sessions)
    done = len(next(iter(plan.sessions())).sets)
    assert (week.sets_planned, week.sets_done) == (planned_w1, done)
    assert "Adherence" in report.html.read_text()


def test_bad_plan_json_is_rejected(engine: Engine) -> None:
    with session_scope(engine) as s:
        aid = repo.create_athlete(s, name="Ana").id
        with pytest.raises(UsageError, match="not a ThrustCoach plan"):
            repo.save_plan(s, athlete_id=aid, plan_json='{"weeks": "soon"}')
        with pytest.raises(UsageError, match="not JSON"):
            repo.save_plan(s, athlete_id=aid, plan_json="weeks: 4")


def test_attach_checks_the_side_and_the_shape(engine: Engine) -> None:
    with session_scope(engine) as s:
        aid = repo.create_athlete(s, name="Ana").id
        row = repo.add_set(s, athlete_id=aid, variant="single_leg_hip_thrust", side="left", reps=3)
        doc = {
            "schema_version": 1,
            "sets": [{"side": "right", "reps": [{"index": 1, "side": "right"}]}],
        }
        with pytest.raises(UsageError, match="right leg but set .* is a left set"):
            attach_analysis(s, set_id=row.id, document=doc, source_name="x.json")
        with pytest.raises(InputFileError, match="not a ThrustCoach analysis"):
            attach_analysis(s, set_id=row.id, document={"sets": 3}, source_name="x.json")
