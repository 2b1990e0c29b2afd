"""Motion analysis: from landmarks to reps per leg, tempo, form metrics and faults.

One engine, two feeds. A recording at once::

    result = analyze(series, options=AnalysisOptions(pause_s=2))
    result.exercise, result.view, result.sets[0].reps[0].concentric_s
    result.to_json_dict()                    # the documented ``--json`` shape
    plot_analysis(result, path)              # hip and knee angle over time, reps and faults

Or live, a frame at a time (the same stages; see :mod:`thrustcoach.analysis.engine`)::

    engine = Engine(MEDIAPIPE_LANDMARKS, options=AnalysisOptions(pause_s=2))
    for event in engine.feed_frame(t, xyz, visibility):   # xyz (33, 3) or None: nobody seen
        print(event.kind, event.message)                    # rep, phase, fault, side_switch...
    events = engine.finish()
    result = final_result(engine, InputInfo(...))           # equals analyze() on the same frames
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from thrustcoach.analysis.engine import Engine
from thrustcoach.analysis.events import EngineEvent
from thrustcoach.analysis.pipeline import analyze, final_result
from thrustcoach.analysis.result import (
    AnalysisOptions,
    AnalysisResult,
    Curves,
    FaultFinding,
    InputInfo,
    MetricStats,
    RepResult,
    SetResult,
    Summary,
)

if TYPE_CHECKING:
    from thrustcoach.analysis.plot import plot_analysis


def __getattr__(name: str) -> Any:
    """``plot_analysis`` on first use: importing matplotlib's pyplot costs ~0.4 s, more
    than analysing a set, and most callers (``thrustcoach analyze`` without ``--plot``,
    live coaching) never draw."""
    if name == "plot_analysis":
        from thrustcoach.analysis.plot import plot_analysis

        return plot_analysis
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AnalysisOptions",
    "AnalysisResult",
    "Curves",
    "Engine",
    "EngineEvent",
    "FaultFinding",
    "InputInfo",
    "MetricStats",
    "RepResult",
    "SetResult",
    "Summary",
    "analyze",
    "final_result",
    "plot_analysis",
]
