"""What a coach says during the set: engine events (and the clock) in, short cues out.

The engine reports what the hips did; the coach turns that into the few words a lifter can
take in mid-set, in the order a coach would say them:

* the count after every rep ("3 left"), and "set done" once the planned reps are in;
* "hold" as the hips reach the top, and "lower" once the planned pause has run (the clock,
  not the lifter, ends the pause: :meth:`Coach.tick` is called with every frame);
* a fault's cue, but not the same cue over and over (a lifter who heard "hold it longer"
  on rep 2 does not need it again on rep 3);
* "switch: right leg" when the working leg changes.

Cues that would arrive too late to mean anything (a "hold" when the pause is already over,
after a dropped connection) are left out; counts are never left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from thrustcoach.analysis import EngineEvent
from thrustcoach.vocab import Side

__all__ = ["Coach", "Cue", "CueKind"]

CueKind = Literal["count", "hold", "lower", "fault", "switch", "done"]

# A tempo cue known this long after the moment it is about is stale: skip it.
STALE_TEMPO_S = 1.0
# The same fault cue is not repeated within this many reps of the same leg.
REPEAT_AFTER_REPS = 3


@dataclass(frozen=True)
class Cue:
    """Something to say (and show): ``time_s`` is the moment it is about, on the set's clock."""

    kind: CueKind
    text: str
    time_s: float
    side: Side | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "text": self.text,
            "time_s": round(self.time_s, 3),
            "side": self.side.value if self.side else None,
        }


@dataclass
class Coach:
    """Cues for one set at the planned tempo (``pause_s``/``lowering_s``; None = not planned).

    ``target_reps`` maps a side to the planned reps on it ("set done" when reached).
    """

    pause_s: float | None = None
    target_reps: dict[Side, int] = field(default_factory=dict)
    _pause_started: float | None = None
    _lower_said: bool = False
    _fault_last_rep: dict[tuple[str, Side | None], int] = field(default_factory=dict)
    _done_said: set[Side] = field(default_factory=set)

    def on_events(self, events: list[EngineEvent]) -> list[Cue]:
        cues: list[Cue] = []
        for ev in events:
            cues += self._on_event(ev)
        return cues

    def tick(self, now_s: float) -> list[Cue]:
        """The clock moved to ``now_s`` (the newest frame): end a planned pause that has run."""
        if self._pause_started is None or self._lower_said or not self.pause_s:
            return []
        due = self._pause_started + self.pause_s
        if now_s < due:
            return []
        self._lower_said = True
        if now_s - due > STALE_TEMPO_S:
            return []
        return [Cue("lower", "lower", due)]

    def _on_event(self, ev: EngineEvent) -> list[Cue]:
        if ev.kind == "phase":
            return self._on_phase(ev)
        if ev.kind == "rep" and ev.rep is not None:
            return self._on_rep(ev)
        if ev.kind == "fault" and ev.fault is not None:
            return self._on_fault(ev)
        if ev.kind == "side_switch" and ev.side is not None:
            return [Cue("switch", ev.message, ev.time_s, ev.side)]
        return []

    def _on_phase(self, ev: EngineEvent) -> list[Cue]:
        if ev.phase != "pause":
            if ev.phase in ("lowering", "rest", "lift"):
                self._pause_started = None
            return []
        self._pause_started = ev.time_s
        self._lower_said = False
        late = ev.known_at_s - ev.time_s
        if self.pause_s is not None and late >= self.pause_s:
            return self.tick(ev.known_at_s)  # the pause already ran: straight to "lower"
        if late > STALE_TEMPO_S:
            return []
        return [Cue("hold", "hold", ev.time_s)]

    def _on_rep(self, ev: EngineEvent) -> list[Cue]:
        assert ev.rep is not None
        side = ev.rep.side
        cues = [Cue("count", ev.message, ev.rep.end_s, side)]
        target = self.target_reps.get(side)
        done = ev.counts.get(side.value, 0)
        if target is not None and done >= target and side not in self._done_said:
            self._done_said.add(side)
            cues.append(Cue("done", f"that's {target}: set done", ev.rep.end_s, side))
        return cues

    def _on_fault(self, ev: EngineEvent) -> list[Cue]:
        assert ev.fault is not None
        key = (ev.fault.code.value, ev.side)
        count = ev.counts.get(ev.side.value, 0) if ev.side else sum(ev.counts.values())
        last = self._fault_last_rep.get(key)
        if last is not None and count - last < REPEAT_AFTER_REPS:
            return []
        self._fault_last_rep[key] = count
        text = ev.fault.cue or ev.fault.title or ev.message
        return [Cue("fault", text, ev.time_s, ev.side)]
