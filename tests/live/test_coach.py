"""The coach: what is said, when, and what is left out."""

from __future__ import annotations

from thrustcoach.analysis import EngineEvent, FaultFinding, RepResult
from thrustcoach.live import Coach
from thrustcoach.vocab import FaultCode, Side


def _phase(phase: str, t: float, known: float | None = None) -> EngineEvent:
    return EngineEvent(kind="phase", phase=phase, time_s=t, known_at_s=known or t + 0.2)


def _rep(n: int, t: float, side: Side = Side.LEFT) -> EngineEvent:
    rep = RepResult(
        index=n, side=side, start_s=t - 4, top_s=t - 3, pause_end_s=t - 2, end_s=t,
        concentric_s=1, pause_s=1, eccentric_s=2, peak_hip_angle_deg=None,
        bottom_hip_angle_deg=None, range_of_motion_deg=None, knee_angle_top_deg=None,
        shin_angle_top_deg=None,
    )  # fmt: skip
    return EngineEvent(
        kind="rep", rep=rep, side=side, time_s=t, known_at_s=t + 0.3,
        counts={side.value: n}, message=f"{n} {side.value}",
    )  # fmt: skip


def _fault(n: int, t: float) -> EngineEvent:
    f = FaultFinding(code=FaultCode.SHORT_PAUSE, value=0.5, threshold=1.0, cue="Hold it longer.")
    return EngineEvent(
        kind="fault", fault=f, side=Side.LEFT, time_s=t, known_at_s=t + 0.3,
        counts={"left": n}, message=f.cue,
    )  # fmt: skip


def test_hold_then_lower_when_the_planned_pause_has_run() -> None:
    coach = Coach(pause_s=2.0)
    assert [c.text for c in coach.on_events([_phase("pause", 10.0)])] == ["hold"]
    assert coach.tick(11.9) == []
    lower = coach.tick(12.03)
    assert [(c.text, c.time_s) for c in lower] == [("lower", 12.0)]
    assert coach.tick(12.5) == []  # said once per rep


def test_no_lower_when_the_lifter_lowers_first_and_no_stale_hold() -> None:
    coach = Coach(pause_s=2.0)
    coach.on_events([_phase("pause", 10.0), _phase("lowering", 11.0)])
    assert coach.tick(12.5) == []
    # a pause event known 1.5 s late (after a reconnect): "hold" is stale, not said
    assert coach.on_events([_phase("pause", 20.0, known=21.5)]) == []
    # known after the planned pause already ran: straight to "lower"
    assert [c.text for c in Coach(pause_s=1.0).on_events([_phase("pause", 5.0, known=6.1)])] == [
        "lower"
    ]


def test_counts_are_always_said_and_set_done_at_the_target() -> None:
    coach = Coach(pause_s=1.0, target_reps={Side.LEFT: 2})
    said = [c.text for n in (1, 2, 3) for c in coach.on_events([_rep(n, 5.0 * n)])]
    assert said == ["1 left", "2 left", "that's 2: set done", "3 left"]


def test_the_same_fault_cue_is_not_repeated_every_rep() -> None:
    coach = Coach()
    said = [c.text for n in range(1, 7) for c in coach.on_events([_fault(n, 5.0 * n)])]
    assert said == ["Hold it longer.", "Hold it longer."]  # reps 1 and 4
