"""Video analyses attached to logged sets, and the records the analytics read from the database.

An analysis is the JSON that ``thrustcoach analyze --json`` writes (issue 3 shape:
``sets[].reps[]`` with ``side``, ``pause_s``, ``peak_hip_angle_deg``, ``shin_angle_top_deg``...).
The whole document is stored; its reps are copied into ``rep_metrics`` rows.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from thrustcoach.errors import InputFileError, UsageError
from thrustcoach.log.analytics import RepRecord, SetRecord
from thrustcoach.log.models import BodyMass, RepMetric, SetEntry, TrainingSession, VideoAnalysis
from thrustcoach.log.repo import get_set
from thrustcoach.vocab import Side, VariantId

__all__ = ["attach_analysis", "list_analyses", "rep_records", "set_records"]

_Lenient = ConfigDict(extra="ignore", frozen=True)


class _Fault(BaseModel):
    model_config = _Lenient
    code: str


class _Rep(BaseModel):
    model_config = _Lenient
    index: int
    side: Side
    concentric_s: float | None = None
    pause_s: float | None = None
    eccentric_s: float | None = None
    peak_hip_angle_deg: float | None = None
    knee_angle_top_deg: float | None = None
    shin_angle_top_deg: float | None = None
    faults: tuple[_Fault, ...] = ()


class _Set(BaseModel):
    model_config = _Lenient
    side: Side
    reps: tuple[_Rep, ...] = ()


class _Analysis(BaseModel):
    model_config = _Lenient
    schema_version: int = Field(ge=1)
    exercise: str | None = None
    sets: tuple[_Set, ...]


def _parse(document: str | dict[str, Any]) -> tuple[_Analysis, str]:
    try:
        text = document if isinstance(document, str) else json.dumps(document)
        return _Analysis.model_validate_json(text), text
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "document"
        raise InputFileError(
            f"not a ThrustCoach analysis: {where}: {first['msg']}",
            hint="attach a file written by 'thrustcoach analyze --json'",
        ) from exc


def attach_analysis(
    session: Session,
    *,
    set_id: int,
    document: str | dict[str, Any],
    source_name: str,
    athlete_id: int | None = None,
) -> VideoAnalysis:
    """Store an analysis for a set and copy its per-rep metrics into rows."""
    entry = get_set(session, set_id=set_id, athlete_id=athlete_id)
    parsed, text = _parse(document)
    if entry.side in (Side.LEFT.value, Side.RIGHT.value):
        sides = {r.side.value for s in parsed.sets for r in s.reps}
        if sides and entry.side not in sides:
            shown = (
                "two-leg reps"
                if sides == {"both"}
                else f"reps on the {'/'.join(sorted(sides))} leg"
            )
            raise UsageError(
                f"the analysis shows {shown} but set {set_id} is a {entry.side} set",
                hint="attach it to the set of that side",
            )
    row = VideoAnalysis(
        athlete_id=entry.athlete_id,
        set_id=entry.id,
        source_name=source_name[:255],
        exercise=parsed.exercise,
        analysis_json=text,
    )
    session.add(row)
    session.flush()
    for s in parsed.sets:
        for rep in s.reps:
            session.add(
                RepMetric(
                    athlete_id=entry.athlete_id,
                    analysis_id=row.id,
                    rep_index=rep.index,
                    side=rep.side.value,
                    concentric_s=rep.concentric_s,
                    pause_s=rep.pause_s,
                    eccentric_s=rep.eccentric_s,
                    peak_hip_angle_deg=rep.peak_hip_angle_deg,
                    knee_angle_top_deg=rep.knee_angle_top_deg,
                    shin_angle_top_deg=rep.shin_angle_top_deg,
                    fault_codes=",".join(f.code for f in rep.faults),
                )
            )
    session.flush()
    return row


def list_analyses(
    session: Session, *, athlete_id: int, set_id: int | None = None
) -> list[VideoAnalysis]:
    q = select(VideoAnalysis).where(VideoAnalysis.athlete_id == athlete_id)
    if set_id is not None:
        q = q.where(VideoAnalysis.set_id == set_id)
    return list(session.scalars(q.order_by(VideoAnalysis.id)))


def _body_mass_lookup(session: Session, athlete_id: int) -> Callable[[dt.date], Decimal | None]:
    rows = session.execute(
        select(BodyMass.measured_on, BodyMass.mass_kg)
        .where(BodyMass.athlete_id == athlete_id)
        .order_by(BodyMass.measured_on)
    ).all()
    days: list[dt.date] = [r[0] for r in rows]
    masses: list[Decimal] = [r[1] for r in rows]

    def on(day: dt.date) -> Decimal | None:
        if not masses:
            return None
        i = bisect.bisect_right(days, day) - 1
        return masses[max(i, 0)]  # before the first measurement: the earliest one

    return on


def set_records(
    session: Session, *, athlete_id: int, since: dt.date | None = None
) -> list[SetRecord]:
    """The athlete's sets (training order) with the body mass of their day, for the analytics."""
    mass_on = _body_mass_lookup(session, athlete_id)
    q = (
        select(SetEntry, TrainingSession.performed_on)
        .join(TrainingSession, SetEntry.session_id == TrainingSession.id)
        .where(SetEntry.athlete_id == athlete_id)
    )
    if since is not None:
        q = q.where(TrainingSession.performed_on >= since)
    q = q.order_by(TrainingSession.performed_on, TrainingSession.id, SetEntry.order_index)
    out = []
    for entry, day in session.execute(q).all():
        out.append(
            SetRecord(
                set_id=entry.id,
                performed_on=day,
                variant=VariantId(entry.variant),
                side=Side(entry.side),
                reps=entry.reps,
                load_kg=entry.load_kg,
                body_mass_kg=mass_on(day),
                target_reps=entry.target_reps,
                pause_s=entry.pause_s,
                lowering_s=entry.lowering_s,
                bench_contact=entry.bench_contact,
                pelvis_level=entry.pelvis_level,
                full_range=entry.full_range,
                pain=entry.pain,
            )
        )
    return out


def rep_records(
    session: Session, *, athlete_id: int, since: dt.date | None = None
) -> list[RepRecord]:
    """Per-rep video metrics of the athlete's attached analyses, with the day of their set."""
    q = (
        select(RepMetric, VideoAnalysis.set_id, TrainingSession.performed_on)
        .join(VideoAnalysis, RepMetric.analysis_id == VideoAnalysis.id)
        .join(SetEntry, VideoAnalysis.set_id == SetEntry.id)
        .join(TrainingSession, SetEntry.session_id == TrainingSession.id)
        .where(RepMetric.athlete_id == athlete_id)
    )
    if since is not None:
        q = q.where(TrainingSession.performed_on >= since)
    rows = session.execute(q.order_by(TrainingSession.performed_on, RepMetric.id)).all()
    return [
        RepRecord(
            set_id=set_id,
            performed_on=day,
            side=Side(m.side),
            rep_index=m.rep_index,
            peak_hip_angle_deg=m.peak_hip_angle_deg,
            pause_s=m.pause_s,
            shin_angle_top_deg=m.shin_angle_top_deg,
            concentric_s=m.concentric_s,
            eccentric_s=m.eccentric_s,
        )
        for m, set_id, day in rows
    ]
