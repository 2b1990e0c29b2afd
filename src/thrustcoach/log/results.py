"""What the plan's progression gate needs from the log: one result per planned session.

The shape is ``thrustcoach.program.SessionResult`` as JSON (``thrustcoach plan --next PLAN
--results FILE``): week, session index, form checks and the reps per set per leg. Form checks
come from the sets' form flags (one ``False`` in the session fails the check) and, where video
analyses are attached, from their fault codes and first-vs-last-rep drift.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from thrustcoach.log.adherence import form_drifts
from thrustcoach.log.analyses import rep_records
from thrustcoach.log.models import RepMetric, TrainingSession, VideoAnalysis
from thrustcoach.log.repo import get_plan

__all__ = ["session_results"]

# Video fault codes that fail a form check (the same mapping as program.FormFlags).
_FAULTS = {
    "bench_contact": {"neck_on_bench"},
    "pelvis_level": {"pelvic_rotation"},
    "full_range": {"incomplete_lockout", "partial_depth"},
}


def session_results(session: Session, *, athlete_id: int, plan_id: int) -> list[dict[str, Any]]:
    """SessionResult documents for the logged sessions that fulfil planned sessions."""
    get_plan(session, plan_id=plan_id, athlete_id=athlete_id)
    q = (
        select(TrainingSession)
        .where(TrainingSession.athlete_id == athlete_id, TrainingSession.plan_id == plan_id)
        .order_by(TrainingSession.plan_week, TrainingSession.plan_session_index)
    )
    drifts = form_drifts(rep_records(session, athlete_id=athlete_id))
    out = []
    for ts in session.scalars(q):
        if ts.plan_week is None or ts.plan_session_index is None or not ts.sets:
            continue
        faults = _fault_codes(session, [s.id for s in ts.sets])
        form = {
            key: not any(getattr(s, key) is False for s in ts.sets) and not (faults & codes)
            for key, codes in _FAULTS.items()
        }
        form["no_drift"] = not any(s.id in drifts and not drifts[s.id].consistent for s in ts.sets)
        reps: dict[str, list[int]] = defaultdict(list)
        for s in ts.sets:
            if s.side in ("left", "right"):
                reps[s.side].append(s.reps)
        out.append(
            {
                "week": ts.plan_week,
                "session": ts.plan_session_index,
                "form": form,
                "reps_done": dict(reps),
            }
        )
    return out


def _fault_codes(session: Session, set_ids: list[int]) -> set[str]:
    rows = session.scalars(
        select(RepMetric.fault_codes)
        .join(VideoAnalysis, RepMetric.analysis_id == VideoAnalysis.id)
        .where(VideoAnalysis.set_id.in_(set_ids))
    )
    return {code for text in rows for code in text.split(",") if code}
