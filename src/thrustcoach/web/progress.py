"""Thin adapter: the log's analytics records -> chart-ready JSON for the progress page.

All numbers come from ``thrustcoach.log.analytics`` / ``thrustcoach.log.symmetry``; this module
only reads the rows and lays the results out per week and side for plotly.js.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from thrustcoach.log.analyses import rep_records, set_records
from thrustcoach.log.analytics import (
    SetRecord,
    body_mass_share,
    set_e1rm_kg,
    side_summaries,
    volume_kg,
    week_start,
)
from thrustcoach.log.models import Athlete
from thrustcoach.log.settings import load_analytics_settings
from thrustcoach.log.symmetry import (
    infer_weak_side,
    symmetry_flag,
    symmetry_status,
    weekly_symmetry,
    weekly_video_symmetry,
)
from thrustcoach.vocab import Side

__all__ = ["progress_data"]


def _week_label(monday: dt.date) -> str:
    """Weekly values are drawn one per week, labelled by the week, never on a day axis."""
    return f"week of {monday.day} {monday.strftime('%b %Y')}"


def _per_side_weekly(records: list[SetRecord]) -> dict[str, Any]:
    weeks = sorted({week_start(r.performed_on) for r in records})
    out: dict[str, Any] = {
        "weeks": [w.isoformat() for w in weeks],
        "labels": [_week_label(w) for w in weeks],
    }
    for side in (Side.LEFT, Side.RIGHT, Side.BOTH):
        top: dict[dt.date, float] = defaultdict(float)
        e1rm: dict[dt.date, float] = defaultdict(float)
        volume: dict[dt.date, float] = defaultdict(float)
        for r in records:
            if r.side is not side:
                continue
            w = week_start(r.performed_on)
            if r.load_kg > 0:  # bodyweight is not a 0 kg dumbbell: nothing to draw
                top[w] = max(top[w], float(r.load_kg))
            est = set_e1rm_kg(r)
            if est is not None:
                e1rm[w] = max(e1rm[w], float(est))
            volume[w] += float(volume_kg(r))
        out[side.value] = {
            "top_load_kg": [top.get(w) for w in weeks],
            "e1rm_kg": [e1rm.get(w) or None for w in weeks],
            "volume_kg": [round(volume.get(w, 0.0), 1) for w in weeks],
        }
    return out


def _form_flags_weekly(records: list[SetRecord]) -> dict[str, Any]:
    """Share of sets per week with each form check passed (None when not recorded)."""
    weeks = sorted({week_start(r.performed_on) for r in records})
    out: dict[str, Any] = {
        "weeks": [w.isoformat() for w in weeks],
        "labels": [_week_label(w) for w in weeks],
    }
    for flag in ("bench_contact", "pelvis_level", "full_range"):
        series: list[float | None] = []
        for w in weeks:
            vals = [getattr(r, flag) for r in records if week_start(r.performed_on) == w]
            known = [v for v in vals if v is not None]
            series.append(round(100 * sum(known) / len(known), 1) if known else None)
        out[flag] = series
    return out


def progress_data(db: Session, athlete: Athlete, *, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the progress page draws. Sets dated after ``today`` are not counted (a
    mistyped date must not inflate the totals): ``future_sets`` says how many were left out."""
    today = today or dt.date.today()
    logged = set_records(db, athlete_id=athlete.id)
    records = [r for r in logged if r.performed_on <= today]
    reps = [r for r in rep_records(db, athlete_id=athlete.id) if r.performed_on <= today]
    declared = Side(athlete.weak_side) if athlete.weak_side else None
    weak = infer_weak_side(records, declared=declared)
    threshold = load_analytics_settings().symmetry.threshold_pct
    data: dict[str, Any] = {
        "athlete": {"id": athlete.id, "name": athlete.name},
        "weak_side": weak.value if weak else None,
        "threshold_pct": threshold,
        "sets": len(records),
        "future_sets": len(logged) - len(records),
        "body_mass_share_pct": int(body_mass_share() * 100),
        "per_side": _per_side_weekly(records),
        "form_flags": _form_flags_weekly(records),
        "summary": {
            side.value: {
                "sets": s.sets,
                "reps": s.reps,
                "volume_kg": float(s.volume_kg),
                "top_load_kg": float(s.top_load_kg),
            }
            for side, s in side_summaries(records).items()
        },
        "symmetry": None,
        "video_symmetry": None,
    }
    if weak is not None:
        weeks = weekly_symmetry(records, weak_side=weak)
        flag = symmetry_flag(weeks)
        status = symmetry_status(weeks)
        data["symmetry"] = {
            "weeks": [w.week.isoformat() for w in weeks],
            "labels": [_week_label(w.week) for w in weeks],
            "lsi": {m: [w.values.get(m) for w in weeks] for m in ("reps", "load", "e1rm")},
            "flag": {
                "flagged": flag.flagged,
                "weeks_below": flag.weeks_below,
                "latest_pct": flag.latest_pct,
            },
            "gap_trend_pct_per_week": status.slope_pct_per_week,
            "status": {
                "verdict": status.verdict,
                "latest_pct": status.latest_pct,
                "gap_pct": status.gap_pct,
                "was_gap_pct": status.was_gap_pct,
            },
        }
        video = weekly_video_symmetry(reps, weak_side=weak)
        if video:
            data["video_symmetry"] = {
                "weeks": [w.week.isoformat() for w in video],
                "labels": [_week_label(w.week) for w in video],
                "lsi": {m: [w.values.get(m) for w in video] for m in ("peak_hip_angle", "pause")},
                "weak": {
                    m: [w.weak.get(m) for w in video]
                    for m in ("peak_hip_angle", "pause", "shin_angle")
                },
                "strong": {
                    m: [w.strong.get(m) for w in video]
                    for m in ("peak_hip_angle", "pause", "shin_angle")
                },
            }
    return data
