"""A live session fed a recording frame by frame: the same reps as ``analyze``, the cues a
coach would say, hints about the picture, and a set that survives a reconnection."""

from __future__ import annotations

import numpy as np

from tests.live.conftest import synthetic_set
from thrustcoach.analysis import AnalysisOptions, analyze
from thrustcoach.live import LiveSession, SessionClock, SetPlan
from thrustcoach.pose.estimators import FakePoseEstimator, PoseResult
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.vocab import Side


def _feed(session: LiveSession, series: LandmarkSeries, *, skip: slice | None = None) -> list[str]:
    said: list[str] = []
    for i, t in enumerate(series.time_s.tolist()):
        gone = skip is not None and skip.start <= i < skip.stop
        pose = None if gone else PoseResult(series.xyz[i], series.visibility[i])
        update = session.feed(t, pose, width=320, height=240)
        said += [c.text for c in update.cues]
    return said


def _counts(series: LandmarkSeries, plan: SetPlan) -> dict[str, int]:
    opts = AnalysisOptions(pause_s=plan.pause_s, lowering_s=plan.lowering_s)
    return {k.value: v for k, v in analyze(series, options=opts).summary.rep_count.items()}


def test_counts_equal_the_offline_analysis_and_the_coach_speaks(right_set: LandmarkSeries) -> None:
    plan = SetPlan(pause_s=0.5, lowering_s=2.0, target_reps={Side.RIGHT: 3})
    session = LiveSession(FakePoseEstimator.from_series(right_set), plan=plan)
    said = _feed(session, right_set)
    outcome = session.finish_set()
    live = {k.value: v for k, v in outcome.result.summary.rep_count.items()}
    assert live == _counts(right_set, plan) == {"left": 0, "right": 3, "both": 0}
    assert said.count("hold") == 3 and said.count("lower") == 3  # 1 s held, 0.5 s planned
    assert [s for s in said if s.endswith("right")] == ["1 right", "2 right", "3 right"]
    assert "that's 3: set done" in said
    # the kept landmarks give the same analysis again
    assert outcome.series is not None and outcome.series.n_frames == right_set.n_frames
    assert _counts(outcome.series, plan) == live
    assert session.finish_set() is outcome  # a second tap on "End set"


def test_both_legs_and_the_switch_are_called() -> None:
    series = synthetic_set((Side.LEFT, Side.RIGHT), reps=2, seed=3)
    session = LiveSession(FakePoseEstimator.from_series(series))
    said = _feed(session, series)
    assert "switch: right leg" in said
    counts = session.finish_set().result.summary.rep_count
    assert (counts[Side.LEFT], counts[Side.RIGHT]) == (2, 2)


def test_nobody_in_view_and_feet_out_of_the_picture_get_hints(right_set: LandmarkSeries) -> None:
    session = LiveSession(FakePoseEstimator.from_series(right_set))
    hints = [session.feed(t, None, width=320, height=240).hint for t in np.arange(0, 1.5, 0.1)]
    assert hints[0] is None and hints[-1] is not None and "Nobody in view" in hints[-1]
    vis = right_set.visibility[0].copy()
    vis[[27, 28]] = 0.1  # both ankles unseen
    hint = session.feed(2.0, PoseResult(right_set.xyz[0], vis), width=320, height=240).hint
    assert hint is not None and "ankles" in hint


def test_walking_out_and_back_keeps_the_count(right_set: LandmarkSeries) -> None:
    # The lifter is out of the picture for 2 s between reps 1 and 2 (about 5-7 s).
    plan = SetPlan(pause_s=1.0, lowering_s=2.0)
    session = LiveSession(FakePoseEstimator.from_series(right_set), plan=plan)
    gap = np.flatnonzero((right_set.time_s >= 5.2) & (right_set.time_s < 5.8))
    _feed(session, right_set, skip=slice(int(gap[0]), int(gap[-1]) + 1))
    counts = session.finish_set().result.summary.rep_count
    assert counts[Side.RIGHT] == 3


def test_the_clock_runs_on_across_a_reconnection() -> None:
    clock = SessionClock()
    assert clock.to_session(1000.0, wall_s=50.0) == 0.0
    assert clock.to_session(1000.5, wall_s=50.5) == 0.5
    assert clock.to_session(1000.4, wall_s=50.6) is None  # older than the last frame
    clock.reanchor()  # the page reloaded: its clock starts again near zero, 3 s later
    t = clock.to_session(2.0, wall_s=53.5)
    assert t is not None and abs(t - 3.5) < 1e-9
    t2 = clock.to_session(2.1, wall_s=53.6)
    assert t2 is not None and abs(t2 - (t + 0.1)) < 1e-9
