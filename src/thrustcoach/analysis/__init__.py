"""Motion analysis: from a landmark series to reps per leg, tempo, form metrics and faults.

Public API::

    result = analyze(series, options=AnalysisOptions(pause_s=2))
    result.exercise, result.view, result.sets[0].reps[0].concentric_s
    result.to_json_dict()                    # the documented ``--json`` shape
    plot_analysis(result, path)              # hip and knee angle over time, reps and faults
"""

from __future__ import annotations

from thrustcoach.analysis.pipeline import analyze
from thrustcoach.analysis.plot import plot_analysis
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

__all__ = [
    "AnalysisOptions",
    "AnalysisResult",
    "Curves",
    "FaultFinding",
    "InputInfo",
    "MetricStats",
    "RepResult",
    "SetResult",
    "Summary",
    "analyze",
    "plot_analysis",
]
