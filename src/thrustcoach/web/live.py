"""Live coaching sessions of the web app: one per user, kept alive across dropped connections.

:class:`LiveHub` (``app.state.live``) holds each user's :class:`LiveEntry`: the
:class:`~thrustcoach.live.LiveSession` (pose estimator + engine), the thread that runs it
(MediaPipe and the engine are used from one thread), and the WebSocket attached to it, if
any. A connection that drops leaves the entry waiting ``grace_s`` seconds for the page to
come back (same counts); after that the set in progress is stored unlogged
(:class:`~thrustcoach.live.LiveSetStore`) so nothing counted is lost. A second tab or
device of the same user gets "busy" until it takes over; the first one is then told so.

The plan part (:func:`next_planned_set`) reads today's session the way the Today page does
(weak side first, strong side capped at the weak side's reps); :func:`log_outcome` writes the
finished set into the log and attaches its analysis, one set per leg.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from thrustcoach.errors import UsageError
from thrustcoach.live import (
    LiveSession,
    LiveSetStore,
    SetOutcome,
    SetPlan,
    StoredSet,
    side_document,
)
from thrustcoach.live import form_flags as analysis_form_flags
from thrustcoach.log import repo
from thrustcoach.log.analyses import attach_analysis
from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.program import PlannedSet, PlanSession, strong_side_targets
from thrustcoach.vocab import Exercise, Side, VariantId
from thrustcoach.web.plans import planned_session_for, stored_plan

__all__ = ["LiveEntry", "LiveHub", "PlannedLiveSet", "log_outcome", "next_planned_set"]


def _logged_sets(db: Session, *, athlete_id: int, plan_id: int, sess: PlanSession) -> Any:
    # The Today page's own query (imported here: the routers package imports this module).
    from thrustcoach.web.routers.today import _logged_sets as logged_sets

    return logged_sets(db, athlete_id=athlete_id, plan_id=plan_id, sess=sess)


def logging_date(sess: PlanSession, *, today: dt.date) -> dt.date:
    from thrustcoach.web.routers.today import logging_date as day

    return day(sess, today=today)


logger = logging.getLogger(__name__)

# The pose model's default for live use: MediaPipe's full model (the only one its wheel
# ships; the lite model would be downloaded at run time), tracking mode.
LIVE_ESTIMATOR = EstimatorSpec(kind="mediapipe", params={"model_complexity": 1})

_VARIANT = {
    Exercise.SINGLE_LEG_HIP_THRUST: VariantId.SINGLE_LEG_HIP_THRUST,
    Exercise.HIP_THRUST: VariantId.HIP_THRUST,
    Exercise.SINGLE_LEG_GLUTE_BRIDGE: VariantId.SINGLE_LEG_GLUTE_BRIDGE,
    Exercise.GLUTE_BRIDGE: VariantId.GLUTE_BRIDGE,
}


@dataclass(frozen=True)
class PlannedLiveSet:
    """The set the Live page coaches next: one of today's planned sets (or none)."""

    plan_id: int
    week: int
    session_index: int
    planned: PlannedSet
    target_reps: int
    total_sets: int

    def as_dict(self, *, load_text: str) -> dict[str, Any]:
        p = self.planned
        return {
            "order": p.order,
            "total_sets": self.total_sets,
            "side": p.side.value,
            "reps": self.target_reps,
            "load": load_text,
            "pause_s": p.pause_s,
            "lowering_s": p.lowering_s,
            "label": f"Set {p.order} of {self.total_sets}: "
            + ("both legs" if p.side is Side.BOTH else f"{p.side.value} leg")
            + f", {self.target_reps} reps, {load_text}, {p.pause_s} s pause, "
            f"{p.lowering_s} s lowering",
        }

    def set_plan(self) -> SetPlan:
        return SetPlan(
            pause_s=self.planned.pause_s,
            lowering_s=self.planned.lowering_s,
            target_reps={self.planned.side: self.target_reps},
        )


def _today_session(db: Session, athlete_id: int) -> tuple[int, PlanSession] | None:
    row = repo.latest_plan(db, athlete_id=athlete_id)
    if row is None:
        return None
    sess, is_today = planned_session_for(stored_plan(row), on=dt.date.today())
    if sess is None or not is_today:
        return None
    return row.id, sess


def next_planned_set(db: Session, *, athlete_id: int) -> PlannedLiveSet | None:
    """Today's first set not logged yet (plan order: weak side first), with its target reps."""
    found = _today_session(db, athlete_id)
    if found is None:
        return None
    plan_id, sess = found
    logged = _logged_sets(db, athlete_id=athlete_id, plan_id=plan_id, sess=sess)
    done = {order: (Side(row.side), row.reps) for order, row in logged.items()}
    targets = strong_side_targets(sess, reps_done=done)
    for planned in sess.sets:
        if planned.order not in logged:
            return PlannedLiveSet(
                plan_id, sess.week, sess.index, planned, targets[planned.order], len(sess.sets)
            )
    return None


@dataclass
class LoggedSet:
    set_id: int
    side: str
    reps: int
    order: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"set_id": self.set_id, "side": self.side, "reps": self.reps, "order": self.order}


def _sides_with_reps(document: dict[str, Any]) -> list[tuple[Side, int]]:
    counts: dict[Side, int] = {}
    for s in document["sets"]:
        side = Side(s["side"])
        counts[side] = counts.get(side, 0) + len(s["reps"])
    return [(side, n) for side, n in counts.items() if n > 0]


def log_outcome(
    db: Session,
    *,
    athlete_id: int,
    document: dict[str, Any],
    source_name: str,
    load: str | None,
    rpe: str | None,
) -> list[LoggedSet]:
    """Log a finished live set (one log set per leg that did reps) and attach its analysis.

    With a plan for today, each leg's reps go into that leg's first set not logged yet
    (targets, load and tempo from the plan); reps beyond the plan's sets, or without a
    plan, become sets of their own in today's session.
    """
    sides = _sides_with_reps(document)
    if not sides:
        raise UsageError(
            "no reps were counted in this set, so there is nothing to log",
            hint="do the set in view of the camera, or log it by hand on the Today page",
        )
    exercise = Exercise(document["exercise"])
    found = _today_session(db, athlete_id)
    out: list[LoggedSet] = []
    for side, reps in sides:
        doc = side_document(document, side)
        flags = analysis_form_flags(doc)
        values: dict[str, Any] = {
            "side": side.value,
            "reps": reps,
            "rpe": (rpe or "").strip() or None,
            "notes": f"counted live ({reps} reps)",
            **flags,
        }
        planned = _planned_for(db, athlete_id, found, side)
        if planned is not None and found is not None:
            plan_id, sess, target = planned
            parent = repo.get_or_create_session(
                db,
                athlete_id=athlete_id,
                performed_on=logging_date(sess, today=dt.date.today()),
                plan_id=plan_id,
                plan_week=sess.week,
                plan_session_index=sess.index,
            )
            p = target
            values.update(
                variant=p.exercise.value,
                target_reps=_target_of(db, athlete_id, plan_id, sess, p),
                load_kg=load or p.load_kg or Decimal(0),
                target_load_kg=p.load_kg,
                pause_s=p.pause_s,
                lowering_s=p.lowering_s,
                order_index=p.order,
            )
            entry = repo.add_set(db, athlete_id=athlete_id, session_id=parent.id, **values)
            order: int | None = p.order
        else:
            variant = _VARIANT.get(exercise)
            if variant is None:
                raise UsageError(
                    "the camera did not see a hip thrust or a glute bridge, so the set "
                    "cannot be logged as one",
                    hint="log it by hand on the Log page",
                )
            values.update(
                variant=variant.value,
                load_kg=load or Decimal(0),
                pause_s=document.get("prescribed_pause_s"),
                lowering_s=document.get("prescribed_lowering_s"),
            )
            entry = repo.add_set(db, athlete_id=athlete_id, performed_on=dt.date.today(), **values)
            order = None
        attach_analysis(
            db, set_id=entry.id, document=doc, source_name=source_name, athlete_id=athlete_id
        )
        out.append(LoggedSet(entry.id, side.value, reps, order))
    return out


def _planned_for(
    db: Session, athlete_id: int, found: tuple[int, PlanSession] | None, side: Side
) -> tuple[int, PlanSession, PlannedSet] | None:
    if found is None:
        return None
    plan_id, sess = found
    logged = _logged_sets(db, athlete_id=athlete_id, plan_id=plan_id, sess=sess)
    for planned in sess.sets:
        if planned.order not in logged and planned.side is side:
            return plan_id, sess, planned
    return None


def _target_of(
    db: Session, athlete_id: int, plan_id: int, sess: PlanSession, planned: PlannedSet
) -> int:
    logged = _logged_sets(db, athlete_id=athlete_id, plan_id=plan_id, sess=sess)
    done = {order: (Side(row.side), row.reps) for order, row in logged.items()}
    return strong_side_targets(sess, reps_done=done)[planned.order]


# -- sessions ----------------------------------------------------------------------------


@dataclass
class LiveEntry:
    """A user's live session and its (single) connection."""

    id: str
    user_id: int
    athlete_id: int
    executor: ThreadPoolExecutor  # the engine, the coach and the set's bookkeeping
    pose_executor: ThreadPoolExecutor  # the pose model: frame n+1 while the engine takes n
    session: LiveSession | None = None
    ws: Any = None  # the attached WebSocket (None: waiting for the page to come back)
    disconnected_at: float | None = None
    planned: PlannedLiveSet | None = None
    plan: SetPlan = field(default_factory=SetPlan)
    unit: str = "kg"  # the user's load unit (the planned load as they read it)
    received: int = 0
    processed: int = 0
    dropped: int = 0
    stored: StoredSet | None = None  # the finished set on disk (saved once)
    last_log: dict[str, Any] | None = None  # the answer of the log request (a second tap)
    logging: asyncio.Lock = field(default_factory=asyncio.Lock)
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def run(self, fn: Any, *args: Any) -> Any:
        """Run ``fn`` on this session's engine thread (sets, events, logging run in order)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def run_pose(self, fn: Any, *args: Any) -> Any:
        """Run ``fn`` on this session's pose thread (the estimator is built and used there)."""
        return await asyncio.get_running_loop().run_in_executor(self.pose_executor, fn, *args)

    def shutdown(self) -> None:
        """Stop both threads once their queued work is done (nothing waits for them)."""
        self.executor.shutdown(wait=False)
        self.pose_executor.shutdown(wait=False)


class LiveHub:
    """Every user's live session; ``pose_spec`` picks the estimator (tests: a fake one)."""

    def __init__(
        self, root: Path, *, grace_s: float = 120.0, max_sessions: int = 2, max_frame_kb: int = 1024
    ) -> None:
        self.store = LiveSetStore(root)
        self.grace_s = grace_s
        self.max_sessions = max_sessions
        self.max_frame_bytes = max_frame_kb * 1024
        self.pose_spec: EstimatorSpec | None = None
        self.entries: dict[int, LiveEntry] = {}
        self._sweeps: set[asyncio.Future[None]] = set()

    def entry_for(self, user_id: int) -> LiveEntry | None:
        return self.entries.get(user_id)

    def create(self, *, user_id: int, athlete_id: int) -> LiveEntry:
        active = [e for e in self.entries.values() if e.user_id != user_id]
        if len(active) >= self.max_sessions:
            raise UsageError(
                f"{len(active)} live sessions are running on this server, the most it allows",
                hint="try again when one of them has finished",
            )
        entry = LiveEntry(
            id=secrets.token_urlsafe(16),
            user_id=user_id,
            athlete_id=athlete_id,
            executor=ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"live-{user_id}"),
            pose_executor=ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=f"live-pose-{user_id}"
            ),
        )
        self.entries[user_id] = entry
        return entry

    def build_session(self, entry: LiveEntry) -> LiveSession:
        """(On the entry's pose thread.) The pose estimator takes a moment to start."""
        if entry.session is None:
            spec = self.pose_spec or LIVE_ESTIMATOR
            entry.session = LiveSession(spec.create(), plan=entry.plan)
        return entry.session

    def detach(self, entry: LiveEntry, ws: Any) -> None:
        if entry.ws is ws:
            entry.ws = None
            entry.disconnected_at = time.monotonic()
            asyncio.get_running_loop().call_later(self.grace_s + 0.5, self._schedule_sweep)

    def _schedule_sweep(self) -> None:
        task = asyncio.ensure_future(self.sweep())
        self._sweeps.add(task)  # keep a reference until it is done (asyncio holds weak ones)
        task.add_done_callback(self._sweeps.discard)

    async def sweep(self, *, now: float | None = None) -> None:
        """Close the sessions whose page has been gone longer than the grace period; a set
        in progress with reps is stored (unlogged) first."""
        now = time.monotonic() if now is None else now
        for user_id, entry in list(self.entries.items()):
            if entry.ws is not None or entry.disconnected_at is None:
                continue
            if now - entry.disconnected_at < self.grace_s:
                continue
            del self.entries[user_id]
            await self.close(entry, keep_unlogged=True)

    async def close(self, entry: LiveEntry, *, keep_unlogged: bool) -> None:
        session = entry.session
        if session is not None:
            try:
                unlogged = entry.last_log is None and entry.stored is None
                had_reps = any(session.counts.values()) or (
                    session.last_outcome is not None and bool(session.last_outcome.result.reps)
                )
                if keep_unlogged and unlogged and had_reps:
                    outcome: SetOutcome = await entry.run(session.finish_set)
                    stored = await entry.run(
                        lambda: self.store.save(outcome, athlete_id=entry.athlete_id, logged=False)
                    )
                    logger.warning(
                        "live session of user %s closed after %s s away: its unlogged set "
                        "(%s) is kept in %s",
                        entry.user_id,
                        self.grace_s,
                        outcome.result.summary.rep_count,
                        stored.folder,
                    )
                await entry.run_pose(session.close)
            except Exception:  # the estimator or disk failed: never take the server down
                logger.exception("closing the live session of user %s failed", entry.user_id)
        entry.shutdown()

    def forget(self, user_id: int) -> None:
        """Drop a user's session without keeping its set (the account is being deleted)."""
        entry = self.entries.pop(user_id, None)
        if entry is not None:
            if entry.session is not None:
                entry.pose_executor.submit(entry.session.close)
            entry.shutdown()

    async def close_all(self) -> None:
        for user_id, entry in list(self.entries.items()):
            del self.entries[user_id]
            await self.close(entry, keep_unlogged=True)
