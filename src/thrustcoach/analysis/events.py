"""What the engine reports as the set goes on (live coaching prints, speaks and shows these).

Every event carries two clocks on the recording's time axis: ``time_s``, when the thing
happened, and ``known_at_s``, the newest frame the engine had seen when it knew (live, the
difference is the engine's delay).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from thrustcoach.analysis.result import FaultFinding, RepResult
from thrustcoach.vocab import Side

__all__ = ["EngineEvent", "EventKind", "PhaseName"]

EventKind = Literal[
    "set_started",  # the first lift of the recording (or after the lifter came back)
    "working_leg",  # which leg works (first rep, and after each switch)
    "phase",  # lift, pause, lowering, rest: as the hips move
    "rep",  # a rep is done: leg, number, phase times, faults with cues
    "fault",  # a fault found on an earlier rep once later motion showed it (bounce)
    "side_switch",  # the working leg changed
    "warning",  # something the engine cannot see or judge
    "set_ended",  # the recording ended, or no rep for a long while
]
PhaseName = Literal["lift", "pause", "lowering", "rest"]


class EngineEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: EventKind
    time_s: float
    known_at_s: float
    side: Side | None = None
    phase: PhaseName | None = None
    rep: RepResult | None = None
    rep_index: int | None = None  # for fault events: the rep it belongs to
    fault: FaultFinding | None = None
    counts: dict[str, int] = Field(default_factory=dict)  # reps per leg so far
    message: str = ""  # a short human sentence (printed and spoken)
