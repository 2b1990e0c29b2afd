"""Live coaching: the camera watches the set; counts, tempo and cues as it happens.

One lifter, one camera, a set at a time::

    session = LiveSession(estimator, plan=SetPlan(pause_s=2, lowering_s=2,
                                                  target_reps={Side.LEFT: 10}))
    update = session.process(frame_bgr, time_s=t)     # landmarks to draw, events, cues
    for cue in update.cues:
        speak(cue.text)                               # "hold", "lower", "3 left", a fault's cue
    outcome = session.finish_set()                    # outcome.result equals analyze() on
                                                      # outcome.series (the kept landmarks)

The web app's Live page (:mod:`thrustcoach.web.routers.live`) and ``thrustcoach live`` both
run on this; the analysis is :class:`thrustcoach.analysis.Engine`, the one ``analyze`` uses.
"""

from __future__ import annotations

from thrustcoach.live.coach import Coach, Cue, CueKind
from thrustcoach.live.session import FrameUpdate, LiveSession, SessionClock, SetOutcome, SetPlan
from thrustcoach.live.store import LiveSetStore, StoredSet, form_flags, side_document

__all__ = [
    "Coach",
    "Cue",
    "CueKind",
    "FrameUpdate",
    "LiveSession",
    "LiveSetStore",
    "SessionClock",
    "SetOutcome",
    "SetPlan",
    "StoredSet",
    "form_flags",
    "side_document",
]
