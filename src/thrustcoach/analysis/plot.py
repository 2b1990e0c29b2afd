"""Plot of an analysis: hip and knee angle over time, reps and phases shaded, faults marked."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from thrustcoach.analysis.result import AnalysisResult
from thrustcoach.errors import UsageError

__all__ = ["plot_analysis"]

PHASE_COLOURS = {"lift": "#4caf50", "pause": "#ff9800", "lower": "#2196f3"}


def _shade(ax: Axes, result: AnalysisResult) -> None:
    for rep in result.reps:
        ax.axvspan(rep.start_s, rep.top_s, color=PHASE_COLOURS["lift"], alpha=0.15, lw=0)
        ax.axvspan(rep.top_s, rep.pause_end_s, color=PHASE_COLOURS["pause"], alpha=0.25, lw=0)
        ax.axvspan(rep.pause_end_s, rep.end_s, color=PHASE_COLOURS["lower"], alpha=0.15, lw=0)


def _mark(ax: Axes, result: AnalysisResult, y_top: float) -> None:
    for rep in result.reps:
        label = f"{rep.index}{'' if rep.side.value == 'both' else rep.side.value[0].upper()}"
        ax.annotate(label, (rep.top_s, y_top), ha="center", va="bottom", fontsize=8)
        for k, fault in enumerate(rep.faults):
            ax.plot(rep.top_s, y_top + 8 + 7 * k, marker="v", color="#d32f2f", ms=6)
            ax.annotate(
                fault.code.value.replace("_", " "),
                (rep.top_s, y_top + 8 + 7 * k),
                xytext=(4, -3),
                textcoords="offset points",
                fontsize=6,
                color="#d32f2f",
            )


def plot_analysis(result: AnalysisResult, path: Path, *, title: str | None = None) -> Path:
    """Write a PNG of the hip and knee angles with reps, phases and faults; returns ``path``."""
    fig, ax = plt.subplots(figsize=(12, 4.5), dpi=110)
    curves = result.curves
    heading = title or f"{result.exercise.value.replace('_', ' ')} - {result.view} view"
    if result.view == "front" and title is None:
        heading += " (angles foreshortened from the front: read them for timing only)"
    if curves is None or not curves.time_s:
        ax.text(
            0.5,
            0.5,
            "; ".join(result.warnings) or "no movement analysed",
            ha="center",
            va="center",
            wrap=True,
            transform=ax.transAxes,
        )
        ax.set_axis_off()
    else:
        _shade(ax, result)
        ax.plot(curves.time_s, curves.hip_angle_deg, color="#212121", lw=1.6, label="hip angle")
        ax.plot(curves.time_s, curves.knee_angle_deg, color="#7b1fa2", lw=1.0, label="knee angle")
        ax.axhline(180, color="#9e9e9e", lw=0.8, ls="--")
        top = max(max(curves.hip_angle_deg), 190.0) + 6
        _mark(ax, result, top)
        n_faults = max((len(r.faults) for r in result.reps), default=0)
        low = min(min(curves.knee_angle_deg), min(curves.hip_angle_deg)) - 10
        ax.set_ylim(low, top + 12 + 7 * n_faults)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("angle (deg)")
        handles: list[Artist] = [
            Rectangle((0, 0), 1, 1, color=c, alpha=0.4) for c in PHASE_COLOURS.values()
        ]
        lines, labels = ax.get_legend_handles_labels()
        ax.legend(
            [*lines, *handles], [*labels, *PHASE_COLOURS], loc="lower right", fontsize=8, ncol=5
        )
    ax.set_title(heading)
    fig.tight_layout()
    try:
        fig.savefig(path)
    except OSError as exc:
        raise UsageError(
            f"cannot write the plot {path}: {exc.strerror}", hint="choose a writable folder"
        ) from exc
    finally:
        plt.close(fig)
    return path
