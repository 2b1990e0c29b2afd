"""The video-check queue in the database: create, claim, report progress, finish, recover.

Any number of processes (the web server's uvicorn workers, a runner on another machine that
shares the database and the data folder) use the same rows safely:

* **claim** is one atomic ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED) AND
  state = 'queued' RETURNING id``: on PostgreSQL two runners never take the same row and never
  wait for each other's picks; on SQLite every writing transaction starts with ``BEGIN
  IMMEDIATE`` (see :mod:`thrustcoach.log.db`), which serialises claims.
* **progress and results** of a job are written only by the runner that holds it
  (``runner_id`` in the ``WHERE``): a runner thought dead cannot overwrite a job that was
  handed to another one.
* **recovery**: jobs whose runner stopped (its id is known to be gone, or its heartbeat is
  older than a bound) go back to the queue, up to ``max_attempts`` takes; then they fail with
  a hint to retry.

The queue is fair between people: the next job is the oldest one of the user with the fewest
jobs running, so one person's four clips do not hold everyone else's back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from thrustcoach.log.models import JOB_STATES, AnalysisJob, JobRunner

__all__ = [
    "JobCounts",
    "Recovered",
    "claim_next_job",
    "count_active_jobs",
    "create_job",
    "delete_job",
    "finish_job",
    "get_job",
    "heartbeat",
    "job_counts",
    "list_jobs",
    "live_runners",
    "queued_exists",
    "remove_runner",
    "report_progress",
    "requeue_orphans",
    "retry_job",
    "set_job_attachment",
]

ACTIVE = ("queued", "running")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def create_job(
    session: Session,
    *,
    job_id: str,
    athlete_id: int,
    user_id: int,
    display_name: str,
    kind: str,
    input_name: str,
    options: dict[str, Any],
) -> AnalysisJob:
    row = AnalysisJob(
        id=job_id,
        athlete_id=athlete_id,
        user_id=user_id,
        display_name=display_name[:255],
        kind=kind,
        input_name=input_name[:255],
        options_json=json.dumps(options),
        state="queued",
        progress=0.0,
        message="waiting to start",
        warnings_json="[]",
        attempts=0,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def get_job(session: Session, *, job_id: str) -> AnalysisJob | None:
    return session.get(AnalysisJob, job_id)


def list_jobs(
    session: Session, *, athlete_ids: Sequence[int], limit: int, offset: int = 0
) -> tuple[list[AnalysisJob], int]:
    """The jobs of these athletes, newest first, one page of them and the total."""
    if not athlete_ids:
        return [], 0
    where = AnalysisJob.athlete_id.in_(list(athlete_ids))
    total = session.scalar(select(func.count()).select_from(AnalysisJob).where(where)) or 0
    rows = session.scalars(
        select(AnalysisJob)
        .where(where)
        .order_by(AnalysisJob.created_at.desc(), AnalysisJob.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total)


def count_active_jobs(session: Session, *, user_id: int) -> int:
    """Queued plus running jobs of one user (for the per-user cap)."""
    q = select(func.count()).where(AnalysisJob.user_id == user_id, AnalysisJob.state.in_(ACTIVE))
    return int(session.scalar(q) or 0)


def queued_exists(session: Session) -> bool:
    return (
        session.scalar(select(AnalysisJob.id).where(AnalysisJob.state == "queued").limit(1))
        is not None
    )


def claim_next_job(session: Session, *, runner_id: str) -> AnalysisJob | None:
    """Take the next queued job for ``runner_id`` (atomic; ``None`` when the queue is empty)."""
    running = aliased(AnalysisJob)
    busy = (
        select(func.count())
        .where(running.state == "running", running.user_id == AnalysisJob.user_id)
        .correlate(AnalysisJob)
        .scalar_subquery()
    )
    pick = (
        select(AnalysisJob.id)
        .where(AnalysisJob.state == "queued")
        .order_by(busy, AnalysisJob.created_at, AnalysisJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    now = utcnow()
    job_id = session.execute(
        update(AnalysisJob)
        .where(AnalysisJob.id == pick, AnalysisJob.state == "queued")
        .values(
            state="running",
            runner_id=runner_id,
            attempts=AnalysisJob.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            progress=0.0,
            message="starting",
        )
        .returning(AnalysisJob.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if job_id is None:
        return None
    return session.get(AnalysisJob, job_id, populate_existing=True)


def report_progress(
    session: Session, *, job_id: str, runner_id: str, progress: float, message: str
) -> bool:
    """Store a running job's progress (and heartbeat); False if the job is no longer ours."""
    result = session.execute(
        update(AnalysisJob)
        .where(
            AnalysisJob.id == job_id,
            AnalysisJob.runner_id == runner_id,
            AnalysisJob.state == "running",
        )
        .values(progress=min(max(progress, 0.0), 1.0), message=message[:200], heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def finish_job(
    session: Session,
    *,
    job_id: str,
    runner_id: str,
    state: str,
    error: str | None = None,
    hint: str | None = None,
    warnings: Sequence[str] = (),
    frames: int | None = None,
    pose_s: float | None = None,
) -> bool:
    """End a job the runner holds as ``done`` or ``failed``; False if it is no longer ours."""
    if state not in ("done", "failed"):
        raise ValueError(f"a job finishes done or failed, not {state!r}")
    values: dict[str, Any] = {
        "state": state,
        "error": error,
        "hint": hint,
        "warnings_json": json.dumps(list(warnings)),
        "frames": frames,
        "pose_s": pose_s,
        "finished_at": utcnow(),
        "message": "done" if state == "done" else "failed",
    }
    if state == "done":
        values["progress"] = 1.0
    result = session.execute(
        update(AnalysisJob)
        .where(
            AnalysisJob.id == job_id,
            AnalysisJob.runner_id == runner_id,
            AnalysisJob.state == "running",
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


@dataclass(frozen=True)
class Recovered:
    requeued: int
    failed: int


def requeue_orphans(
    session: Session,
    *,
    runner_prefix: str | None = None,
    stale_before: dt.datetime | None = None,
    max_attempts: int = 3,
    exclude_runner: str | None = None,
) -> Recovered:
    """Put running jobs whose runner is gone back in the queue (or fail them after
    ``max_attempts`` takes). A runner is gone when its id starts with ``runner_prefix`` (a
    restarted server knows its predecessor's prefix) or its heartbeat is older than
    ``stale_before``."""
    conds = [AnalysisJob.state == "running"]
    if exclude_runner is not None:
        conds.append(AnalysisJob.runner_id != exclude_runner)
    gone = []
    if runner_prefix is not None:
        gone.append(AnalysisJob.runner_id.startswith(runner_prefix, autoescape=True))
    if stale_before is not None:
        gone.append(AnalysisJob.heartbeat_at < stale_before)
    if not gone:
        return Recovered(0, 0)
    where = [*conds, or_(*gone)]
    failed = session.execute(
        update(AnalysisJob)
        .where(*where, AnalysisJob.attempts >= max_attempts)
        .values(
            state="failed",
            error=f"the server stopped {max_attempts} times while this analysis ran",
            hint="press Retry to run it again; if it keeps failing, report the clip",
            finished_at=utcnow(),
            message="failed",
        )
        .execution_options(synchronize_session=False)
    )
    requeued = session.execute(
        update(AnalysisJob)
        .where(*where)
        .values(state="queued", runner_id=None, progress=0.0, message="waiting to start again")
        .execution_options(synchronize_session=False)
    )
    return Recovered(int(getattr(requeued, "rowcount", 0)), int(getattr(failed, "rowcount", 0)))


def retry_job(session: Session, *, job_id: str) -> bool:
    """A failed job goes back to the queue with a fresh count of attempts."""
    result = session.execute(
        update(AnalysisJob)
        .where(AnalysisJob.id == job_id, AnalysisJob.state == "failed")
        .values(
            state="queued",
            attempts=0,
            runner_id=None,
            progress=0.0,
            message="waiting to start",
            error=None,
            hint=None,
            finished_at=None,
            warnings_json="[]",
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def set_job_attachment(session: Session, *, job_id: str, set_id: int, analysis_id: int) -> None:
    session.execute(
        update(AnalysisJob)
        .where(AnalysisJob.id == job_id)
        .values(set_id=set_id, analysis_id=analysis_id)
        .execution_options(synchronize_session=False)
    )


def delete_job(session: Session, *, job_id: str) -> None:
    session.execute(delete(AnalysisJob).where(AnalysisJob.id == job_id))


def heartbeat(
    session: Session,
    *,
    runner_id: str,
    backend: str,
    slots: int,
    job_ids: Sequence[str],
) -> None:
    """The runner is alive: its row and the heartbeat of the jobs it holds."""
    now = utcnow()
    # Rows of runners gone for an hour are history: drop them.
    session.execute(delete(JobRunner).where(JobRunner.heartbeat_at < now - dt.timedelta(hours=1)))
    row = session.get(JobRunner, runner_id)
    if row is None:
        session.add(
            JobRunner(
                id=runner_id,
                backend=backend,
                slots=slots,
                busy=len(job_ids),
                started_at=now,
                heartbeat_at=now,
            )
        )
    else:
        row.backend, row.slots, row.busy, row.heartbeat_at = backend, slots, len(job_ids), now
    if job_ids:
        session.execute(
            update(AnalysisJob)
            .where(AnalysisJob.id.in_(list(job_ids)), AnalysisJob.runner_id == runner_id)
            .values(heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )


def remove_runner(session: Session, *, runner_id: str) -> None:
    session.execute(delete(JobRunner).where(JobRunner.id == runner_id))


def live_runners(session: Session, *, seen_after: dt.datetime) -> list[JobRunner]:
    """Runners whose heartbeat is newer than ``seen_after``."""
    return list(session.scalars(select(JobRunner).where(JobRunner.heartbeat_at >= seen_after)))


@dataclass(frozen=True)
class JobCounts:
    by_state: dict[str, int]
    oldest_queued_s: float | None


def job_counts(session: Session) -> JobCounts:
    rows = session.execute(
        select(AnalysisJob.state, func.count()).group_by(AnalysisJob.state)
    ).all()
    by_state = dict.fromkeys(JOB_STATES, 0)
    by_state.update({str(state): int(n) for state, n in rows})
    oldest = session.scalar(
        select(func.min(AnalysisJob.created_at)).where(AnalysisJob.state == "queued")
    )
    age = (utcnow() - oldest).total_seconds() if oldest is not None else None
    return JobCounts(by_state=by_state, oldest_queued_s=age)
