"""The progress report: PNG charts plus one HTML page (jinja2) that puts them together."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from thrustcoach.errors import UsageError
from thrustcoach.log.adherence import WeekAdherence, form_drifts, weekly_adherence
from thrustcoach.log.analyses import rep_records, set_records
from thrustcoach.log.analytics import rep_range_prs, side_summaries, week_start
from thrustcoach.log.charts import plot_form, plot_side_progress, plot_symmetry, plot_weekly_volume
from thrustcoach.log.planview import PlanView
from thrustcoach.log.repo import get_athlete, latest_plan
from thrustcoach.log.settings import load_analytics_settings
from thrustcoach.log.symmetry import (
    GapTrend,
    SymmetryFlag,
    gap_trend,
    infer_weak_side,
    symmetry_flag,
    weekly_symmetry,
    weekly_video_symmetry,
)
from thrustcoach.vocab import Side

__all__ = ["Report", "build_report"]

CHART_FILES = {
    "side_progress": "side_progress.png",
    "symmetry": "symmetry.png",
    "weekly_volume": "weekly_volume.png",
    "form": "form.png",
}


@dataclass(frozen=True)
class Report:
    html: Path
    charts: dict[str, Path]
    weak_side: Side | None
    flags: list[SymmetryFlag] = field(default_factory=list)
    trend: GapTrend | None = None
    adherence: list[WeekAdherence] = field(default_factory=list)
    sets: int = 0


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("thrustcoach.log", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build_report(
    session: Session,
    *,
    athlete_id: int,
    out_dir: Path,
    weeks: int = 8,
    today: dt.date | None = None,
) -> Report:
    """Write the charts and ``index.html`` for the last ``weeks`` weeks into ``out_dir``."""
    if not 1 <= weeks <= 520:
        raise UsageError(f"--weeks {weeks} is out of range 1-520")
    try:
        return _build_report(
            session, athlete_id=athlete_id, out_dir=out_dir, weeks=weeks, today=today
        )
    except OSError as exc:
        raise UsageError(
            f"cannot write the report to {out_dir}: {exc.strerror or exc}",
            hint="--out must be a folder you can write to (not an existing file)",
        ) from None


def _build_report(
    session: Session, *, athlete_id: int, out_dir: Path, weeks: int, today: dt.date | None
) -> Report:
    athlete = get_athlete(session, athlete_id=athlete_id)
    today = today or dt.date.today()
    since = week_start(today) - dt.timedelta(weeks=weeks - 1)
    records = set_records(session, athlete_id=athlete_id, since=since)
    reps = rep_records(session, athlete_id=athlete_id, since=since)
    declared = Side(athlete.weak_side) if athlete.weak_side else None
    weak = infer_weak_side(records, declared=declared)
    sym = weekly_symmetry(records, weak_side=weak) if weak else []
    video = weekly_video_symmetry(reps, weak_side=weak) if weak else []
    flags = [symmetry_flag(sym, metric=m) for m in ("reps", "load", "e1rm")] if sym else []
    flags += [symmetry_flag(video, metric=m) for m in ("peak_hip_angle", "pause")] if video else []
    trend = gap_trend(sym) if sym else None
    stored = latest_plan(session, athlete_id=athlete_id)
    planned = PlanView.model_validate_json(stored.plan_json).sessions if stored else ()
    adherence = [w for w in weekly_adherence(planned, records, until=today) if w.week >= since]
    out_dir.mkdir(parents=True, exist_ok=True)
    charts = {
        "side_progress": plot_side_progress(
            records, weak_side=weak, out=out_dir / CHART_FILES["side_progress"]
        ),
        "symmetry": plot_symmetry(sym, video=video, out=out_dir / CHART_FILES["symmetry"]),
        "weekly_volume": plot_weekly_volume(
            records, weak_side=weak, out=out_dir / CHART_FILES["weekly_volume"]
        ),
        "form": plot_form(records, reps, weak_side=weak, out=out_dir / CHART_FILES["form"]),
    }
    html = (
        _env()
        .get_template("report.html")
        .render(
            athlete=athlete,
            weak=weak,
            weak_declared=declared is not None,
            since=since,
            today=today,
            weeks=weeks,
            summaries=side_summaries(records),
            symmetry=sym,
            video=video,
            flags=flags,
            trend=trend,
            adherence=adherence,
            plan=stored,
            prs=sorted(rep_range_prs(records).items(), key=lambda kv: (kv[0][1], kv[0][0].value)),
            drifts=sorted(form_drifts(reps).values(), key=lambda d: d.set_id),
            set_info={r.set_id: r for r in records},
            charts={k: p.name for k, p in charts.items()},
            threshold=load_analytics_settings().symmetry.threshold_pct,
            body_mass_known=any(r.body_mass_kg is not None for r in records),
            n_sets=len(records),
        )
    )
    index = out_dir / "index.html"
    index.write_text(html, encoding="utf-8")
    return Report(index, charts, weak, flags, trend, adherence, len(records))
