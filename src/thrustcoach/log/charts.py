"""PNG charts of the log (matplotlib, Agg backend: no display needed).

Colours are fixed per side everywhere (left blue, right orange) and the weak side is drawn
with a solid, thicker line, so a reader can follow one leg across all charts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from statistics import fmean
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from thrustcoach.log.adherence import flags_consistent
from thrustcoach.log.analytics import (
    RepRecord,
    SetRecord,
    best_set,
    set_e1rm_kg,
    volume_kg,
    week_start,
)
from thrustcoach.log.settings import load_analytics_settings
from thrustcoach.log.symmetry import WeekSymmetry
from thrustcoach.vocab import Side

__all__ = ["plot_form", "plot_side_progress", "plot_symmetry", "plot_weekly_volume"]

COLORS = {Side.LEFT: "#1f77b4", Side.RIGHT: "#ff7f0e"}
SIDES = (Side.LEFT, Side.RIGHT)


def _style(side: Side, weak: Side | None, *, points: int = 0) -> dict[str, Any]:
    is_weak = side is weak
    label = f"{side.value}{' (weak)' if is_weak else ''}"
    return {
        "color": COLORS[side],
        "label": label,
        "linewidth": 2.6 if is_weak else 1.6,
        "linestyle": "-" if is_weak or weak is None else "--",
        "marker": "o" if points <= 30 else None,  # markers only while they can be told apart
    }


def _save(fig: Figure, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def _date_axis(ax: Axes) -> None:
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    ax.grid(alpha=0.3)


def _week_ticks(ax: Axes, weeks: Sequence[dt.date], *, shift_days: float = 0) -> None:
    """One tick per training week (thinned beyond 12), labelled with the week's Monday."""
    if not weeks:
        return
    step = max(1, -(-len(weeks) // 12))
    shown = list(weeks)[::step]
    ticks = mdates.date2num([w + dt.timedelta(days=shift_days) for w in shown])  # type: ignore[no-untyped-call]
    ax.set_xticks(ticks)
    fmt = "%d %b %Y" if (weeks[-1] - weeks[0]).days > 330 else "%d %b"
    ax.set_xticklabels([w.strftime(fmt) for w in shown], rotation=30 if "%Y" in fmt else 0)
    ax.grid(alpha=0.3)


def _no_data(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_xticks([])
    ax.set_yticks([])


def _weekly_by_side(records: Sequence[SetRecord]) -> dict[Side, dict[dt.date, list[SetRecord]]]:
    out: dict[Side, dict[dt.date, list[SetRecord]]] = {s: defaultdict(list) for s in SIDES}
    for rec in records:
        if rec.side in out:
            out[rec.side][week_start(rec.performed_on)].append(rec)
    return out


def plot_side_progress(records: Sequence[SetRecord], *, weak_side: Side | None, out: Path) -> Path:
    """Per week and side: the top external load and the best e1RM (system load)."""
    fig, (ax_load, ax_e1rm) = plt.subplots(2, 1, figsize=(8, 6.5), sharex=True)
    weekly = _weekly_by_side(records)
    if not any(weekly[s] for s in SIDES):
        _no_data(ax_load, "no single-leg sets in this period")
        _no_data(ax_e1rm, "")
        return _save(fig, out)
    for side in SIDES:
        weeks = sorted(weekly[side])
        if not weeks:
            continue
        loads = [float(max(r.load_kg for r in weekly[side][w])) for w in weeks]
        e1rms = []
        for w in weeks:
            top = best_set(weekly[side][w])
            e1rm = set_e1rm_kg(top) if top else None
            e1rms.append(float(e1rm) if e1rm is not None else float("nan"))
        ax_load.plot(weeks, loads, **_style(side, weak_side, points=len(weeks)))
        ax_e1rm.plot(weeks, e1rms, **_style(side, weak_side, points=len(weeks)))
    ax_load.set_title("Top external load per week")
    ax_load.set_ylabel("load (kg)")
    ax_e1rm.set_title("Best estimated 1RM per week (Epley, load + half the body mass)")
    ax_e1rm.set_ylabel("e1RM (kg)")
    ax_e1rm.set_xlabel("week starting")
    all_weeks = sorted({w for side in SIDES for w in weekly[side]})
    for ax in (ax_load, ax_e1rm):
        _week_ticks(ax, all_weeks)
        ax.legend(loc="best")
    return _save(fig, out)


def plot_symmetry(
    weeks: Sequence[WeekSymmetry], *, out: Path, video: Sequence[WeekSymmetry] = ()
) -> Path:
    """Limb symmetry index per week against the 90 % line (video metrics dotted when present)."""
    threshold = load_analytics_settings().symmetry.threshold_pct
    fig, ax = plt.subplots(figsize=(8, 4.5))
    styles = {"reps": "#2ca02c", "load": "#9467bd", "e1rm": "#d62728"}
    plotted = False
    for metric, color in styles.items():
        pts = [(w.week, v) for w in weeks if (v := w.values.get(metric)) is not None]
        if pts:
            plotted = True
            ax.plot(
                *zip(*pts, strict=True),
                marker="o" if len(pts) <= 30 else None,
                color=color,
                label=f"{metric} LSI",
            )
    for metric, color in {"peak_hip_angle": "#8c564b", "pause": "#17becf"}.items():
        pts = [(w.week, v) for w in video if (v := w.values.get(metric)) is not None]
        if pts:
            plotted = True
            ax.plot(
                *zip(*pts, strict=True),
                marker="s" if len(pts) <= 30 else None,
                linestyle=":",
                color=color,
                label=f"video {metric.replace('_', ' ')} LSI",
            )
    if not plotted:
        _no_data(ax, "needs sets on both legs in the same week")
        return _save(fig, out)
    ax.axhline(threshold, color="red", linestyle="--", linewidth=1.5, label=f"{threshold:g} % line")
    ax.axhspan(0, threshold, color="red", alpha=0.06)
    values = [v for w in [*weeks, *video] for v in w.values.values() if v is not None]
    ax.set_ylim(min(60.0, min(values) - 5), max(110.0, max(values) + 5))
    ax.set_title("Limb symmetry index (weak / strong x 100)")
    ax.set_ylabel("%")
    ax.set_xlabel("week starting")
    _week_ticks(ax, sorted({w.week for w in [*weeks, *video]}))
    ax.legend(loc="lower right", fontsize="small")
    return _save(fig, out)


def plot_weekly_volume(records: Sequence[SetRecord], *, weak_side: Side | None, out: Path) -> Path:
    """Volume per week and side (reps x (load + half the body mass)), bars side by side."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    weekly = _weekly_by_side(records)
    weeks = sorted({w for s in SIDES for w in weekly[s]})
    if not weeks:
        _no_data(ax, "no single-leg sets in this period")
        return _save(fig, out)
    width = 2.5  # days
    top = 0.0
    for offset, side in ((-width / 2, Side.LEFT), (width / 2, Side.RIGHT)):
        totals = [float(sum(volume_kg(r) for r in weekly[side].get(w, []))) for w in weeks]
        top = max(top, *totals)
        xs = mdates.date2num([w + dt.timedelta(days=3 + offset) for w in weeks])  # type: ignore[no-untyped-call]
        label = f"{side.value}{' (weak)' if side is weak_side else ''}"
        hatch = "//" if side is weak_side else None
        ax.bar(
            xs, totals, width=width, color=COLORS[side], label=label, hatch=hatch, edgecolor="white"
        )
    ax.set_title("Weekly volume per leg (reps x (load + half the body mass))")
    ax.set_ylabel("kg")
    ax.set_xlabel("week starting")
    _week_ticks(ax, weeks, shift_days=3)
    ax.set_ylim(0, top * 1.2 or 1)  # head room for the legend
    ax.legend(loc="upper left", ncol=2)
    return _save(fig, out)


def _per_day(reps: Sequence[RepRecord], side: Side, attr: str) -> list[tuple[dt.date, float]]:
    days: dict[dt.date, list[float]] = defaultdict(list)
    for r in reps:
        value = getattr(r, attr)
        if r.side is side and value is not None:
            days[r.performed_on].append(float(value))
    return [(d, fmean(v)) for d, v in sorted(days.items())]


def plot_form(
    records: Sequence[SetRecord], reps: Sequence[RepRecord], *, weak_side: Side | None, out: Path
) -> Path:
    """Form over time: video peak hip angle and top pause per side; form-flag pass rate."""
    fig, axes = plt.subplots(3, 1, figsize=(8, 8), sharex=True)
    for ax, attr, title, unit in (
        (axes[0], "peak_hip_angle_deg", "Peak hip angle at the top (video, mean per day)", "deg"),
        (axes[1], "pause_s", "Top pause (video, mean per day)", "s"),
    ):
        drawn = False
        for side in SIDES:
            pts = _per_day(reps, side, attr)
            if pts:
                drawn = True
                ax.plot(*zip(*pts, strict=True), **_style(side, weak_side, points=len(pts)))
        ax.set_title(title)
        ax.set_ylabel(unit)
        if drawn:
            ax.legend(loc="best")
            _date_axis(ax)
        else:
            ax.text(
                0.5,
                0.5,
                "no video analyses attached yet",
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="grey",
            )
    _plot_flag_rate(axes[2], records, weak_side)
    return _save(fig, out)


def _plot_flag_rate(ax: Axes, records: Sequence[SetRecord], weak_side: Side | None) -> None:
    """Share of sets per week whose form flags were all good (bench, pelvis, range, no pain)."""
    drawn = False
    for side in SIDES:
        by_week: dict[dt.date, list[bool]] = defaultdict(list)
        for rec in records:
            verdict = flags_consistent(rec)
            if rec.side is side and verdict is not None:
                by_week[week_start(rec.performed_on)].append(verdict)
        pts = [(w, 100 * sum(v) / len(v)) for w, v in sorted(by_week.items())]
        if pts:
            drawn = True
            ax.plot(*zip(*pts, strict=True), **_style(side, weak_side, points=len(pts)))
    ax.set_title("Sets with clean form flags (bench contact, level pelvis, full range, no pain)")
    ax.set_ylabel("% of sets")
    ax.set_xlabel("date / week starting")
    if drawn:
        ax.set_ylim(-5, 105)
        ax.legend(loc="best")
        _date_axis(ax)
    else:
        ax.text(
            0.5,
            0.5,
            "no form flags logged",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="grey",
        )
