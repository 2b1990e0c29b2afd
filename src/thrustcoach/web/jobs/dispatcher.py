"""The job runner of a server: takes queued jobs from the database and runs them on a pool.

One runner per data folder and machine is active at a time (an exclusive lock on
``<data_dir>/jobs/.runner.lock``, released by the OS even when the process is killed), so
``thrustcoach serve --workers 4`` starts one pool of warm workers, not four; the other server
processes stand by and take over if the active one dies. Runners on other machines that share
the database (and the data folder) claim jobs just as safely (see
:mod:`thrustcoach.log.jobqueue`).

What the runner guarantees:

* no job is lost: a job held by a runner that stopped is put back in the queue at once by the
  next runner on the same machine (it knows its predecessor's id prefix), or by any runner
  once its heartbeat is older than ``STALE_AFTER_S``; after ``MAX_ATTEMPTS`` takes it fails
  with a Retry button instead of crashing workers forever;
* one upload cannot take the machine: a job over ``job_timeout_s`` is stopped (its worker is
  replaced) and fails with a clear message; the queue serves the person with the fewest
  running jobs first;
* progress reaches the database at most a few times a second per job, with the heartbeat.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import Engine

from thrustcoach.errors import ThrustCoachError
from thrustcoach.log import jobqueue, session_scope
from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.web.jobs.pool import Pool, PoolEvent
from thrustcoach.web.jobs.worker import JobOutcome, JobTask

__all__ = ["MAX_ATTEMPTS", "STALE_AFTER_S", "Dispatcher", "runner_prefix"]

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
HEARTBEAT_S = 5.0
STALE_AFTER_S = 60.0  # a runner silent this long is gone (its heartbeat is every 5 s)
SWEEP_S = 15.0
STANDBY_RETRY_S = 2.0
_TICK_S = 0.2
_QUEUE_POLL_S = 0.5
_PROGRESS_WRITE_S = 0.5


def runner_prefix(jobs_root: Path) -> str:
    """``host/folder-hash/``: the ids of every runner of this data folder on this machine."""
    folder = hashlib.sha256(str(jobs_root.resolve()).encode()).hexdigest()[:10]
    return f"{socket.gethostname()[:60]}/{folder}/"


@dataclass
class _Slot:
    job_id: str | None = None
    started: float = 0.0
    last_write: float = 0.0


class Dispatcher:
    """Claims jobs for one pool; ``start()`` returns at once (the work is on a thread)."""

    def __init__(
        self,
        *,
        engine: Engine,
        jobs_root: Path,
        make_pool: Callable[[], Pool],
        pose_spec: Callable[[], EstimatorSpec | None],
        job_timeout_s: float,
        max_duration_s: float | None,
        on_outcome: Callable[[JobOutcome], None] | None = None,
    ) -> None:
        self.engine = engine
        self.jobs_root = jobs_root
        self._make_pool = make_pool
        self._pose_spec = pose_spec
        self.job_timeout_s = job_timeout_s
        self.max_duration_s = max_duration_s
        self._on_outcome = on_outcome
        self.prefix = runner_prefix(jobs_root)
        self.runner_id = f"{self.prefix}{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_file: IO[bytes] | None = None
        self.pool: Pool | None = None
        self._slots: list[_Slot] = []
        self._finished: list[JobOutcome] = []
        self.active = False  # this process holds the lock and runs the pool

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._main, name="job-runner", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A job was queued by this process: look at the queue now."""
        self._wake.set()

    def stop(self, *, requeue: bool = True, timeout_s: float = 10.0) -> None:
        """Stop taking jobs; running ones go back to the queue (``requeue``) for the next
        runner. ``requeue=False`` leaves the rows as a killed server would (tests)."""
        self._requeue_on_stop = requeue
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)
            self._thread = None

    def _main(self) -> None:
        self._requeue_on_stop = True
        while not self._stop.is_set():
            if self._try_lock():
                break
            self._stop.wait(STANDBY_RETRY_S)
        else:
            return
        try:
            self._run()
        except Exception:  # the runner must not die silently: log, release, a sibling takes over
            logger.exception("the job runner stopped on an internal error")
        finally:
            self._shutdown()

    def _try_lock(self) -> bool:
        self.jobs_root.mkdir(parents=True, exist_ok=True)
        fh = (self.jobs_root / ".runner.lock").open("ab")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        self._lock_file = fh
        return True

    def _shutdown(self) -> None:
        held = [s.job_id for s in self._slots if s.job_id]
        with contextlib.suppress(ThrustCoachError):
            if self._requeue_on_stop:  # (a killed server writes nothing: tests simulate that)
                self._write_finished()
            with session_scope(self.engine) as db:
                if self._requeue_on_stop and held:
                    jobqueue.requeue_orphans(
                        db, runner_prefix=self.runner_id, max_attempts=MAX_ATTEMPTS + 1
                    )
                if self._requeue_on_stop:
                    jobqueue.remove_runner(db, runner_id=self.runner_id)
        if self.pool is not None:
            with contextlib.suppress(Exception):
                self.pool.close()
        self.active = False
        if self._lock_file is not None:
            self._lock_file.close()  # releases the lock
            self._lock_file = None

    # -- the loop ---------------------------------------------------------------------------

    def _run(self) -> None:
        self.pool = self._make_pool()
        self.pool.start()
        self._slots = [_Slot() for _ in range(self.pool.slots)]
        self.active = True
        while not self._stop.is_set():  # the database may be down at start: wait for it
            try:
                back = self._recover_predecessors()
                break
            except ThrustCoachError as exc:
                logger.warning("job runner waits for the database: %s", exc)
                self._stop.wait(2.0)
        else:
            return
        if back.requeued or back.failed:
            logger.warning(
                "jobs left by a stopped server: %d back in the queue, %d failed",
                back.requeued,
                back.failed,
            )
        self._heartbeat()
        last_poll = last_beat = last_sweep = time.monotonic()
        self._wake.set()
        while not self._stop.is_set():
            try:
                for event in self.pool.events(_TICK_S):
                    self._handle(event)
                now = time.monotonic()
                self._enforce_timeouts(now)
                self._write_finished()
                if self._wake.is_set() or now - last_poll >= _QUEUE_POLL_S:
                    self._wake.clear()
                    last_poll = now
                    self._fill_slots()
                if now - last_beat >= HEARTBEAT_S:
                    last_beat = now
                    self._heartbeat()
                if now - last_sweep >= SWEEP_S:
                    last_sweep = now
                    self._sweep()
            except ThrustCoachError as exc:  # the database is locked or down: wait, go on
                logger.warning("job runner: %s", exc)
                self._stop.wait(1.0)

    def _recover_predecessors(self) -> jobqueue.Recovered:
        """Jobs a stopped runner of this data folder on this machine left running."""
        with session_scope(self.engine) as db:
            return jobqueue.requeue_orphans(
                db,
                runner_prefix=self.prefix,
                max_attempts=MAX_ATTEMPTS,
                exclude_runner=self.runner_id,
            )

    def _fill_slots(self) -> None:
        assert self.pool is not None
        for index, slot in enumerate(self._slots):
            if slot.job_id is not None:
                continue
            with session_scope(self.engine, read_only=True) as db:
                if not jobqueue.queued_exists(db):
                    return
            with session_scope(self.engine) as db:
                row = jobqueue.claim_next_job(db, runner_id=self.runner_id)
                if row is None:
                    return
                task = JobTask(
                    job_id=row.id,
                    input_path=str(self.jobs_root / row.id / row.input_name),
                    out_dir=str(self.jobs_root / row.id),
                    kind=row.kind,
                    display_name=row.display_name,
                    options=json.loads(row.options_json or "{}"),
                    spec=self._pose_spec(),
                    max_duration_s=self.max_duration_s,
                )
            slot.job_id, slot.started, slot.last_write = task.job_id, time.monotonic(), 0.0
            try:
                self.pool.submit(index, task)
            except (OSError, ValueError) as exc:
                logger.warning(
                    "job %s could not be handed to worker %d: %s", task.job_id, index, exc
                )
                self._fail(slot, "a job worker was not available", "press Retry")
                self.pool.restart_slot(index)

    def _handle(self, event: PoolEvent) -> None:
        slot = self._slots[event.slot]
        if event.job_id is None or event.job_id != slot.job_id:
            return
        if event.kind == "progress":
            now = time.monotonic()
            if now - slot.last_write < _PROGRESS_WRITE_S:
                return
            slot.last_write = now
            with session_scope(self.engine) as db:
                ours = jobqueue.report_progress(
                    db,
                    job_id=event.job_id,
                    runner_id=self.runner_id,
                    progress=event.progress,
                    message=event.message,
                )
            if not ours:  # handed to another runner meanwhile: stop the duplicate work
                assert self.pool is not None
                self.pool.restart_slot(event.slot)
                slot.job_id = None
        elif event.kind == "done" and event.outcome is not None:
            self._finished.append(event.outcome)
            slot.job_id = None
            self._wake.set()
            if self._on_outcome is not None:
                self._on_outcome(event.outcome)
        elif event.kind == "died":
            self._fail(
                slot,
                "the analysis stopped its worker (the pose model crashed on this clip)",
                "re-export the video (H.264 MP4) and press Retry; report it if it persists",
            )

    def _fail(self, slot: _Slot, error: str, hint: str) -> None:
        if slot.job_id is None:
            return
        self._finished.append(JobOutcome(slot.job_id, "failed", error=error, hint=hint))
        slot.job_id = None
        self._wake.set()

    def _write_finished(self) -> None:
        """Store finished jobs; what the database refused now is tried again next tick."""
        while self._finished:
            outcome = self._finished[0]
            with session_scope(self.engine) as db:
                jobqueue.finish_job(
                    db,
                    job_id=outcome.job_id,
                    runner_id=self.runner_id,
                    state=outcome.state,
                    error=outcome.error,
                    hint=outcome.hint,
                    warnings=outcome.warnings,
                    frames=outcome.frames or None,
                    pose_s=outcome.pose_s or None,
                )
            self._finished.pop(0)

    def _enforce_timeouts(self, now: float) -> None:
        assert self.pool is not None
        for index, slot in enumerate(self._slots):
            if slot.job_id is not None and now - slot.started > self.job_timeout_s:
                logger.warning(
                    "job %s over its %.0f s limit: stopped", slot.job_id, self.job_timeout_s
                )
                self.pool.restart_slot(index)
                self._fail(
                    slot,
                    f"the analysis took longer than the limit of {self.job_timeout_s:.0f} s",
                    "trim the clip to the set (or lower its resolution) and upload it again",
                )

    def _heartbeat(self) -> None:
        assert self.pool is not None
        held = [s.job_id for s in self._slots if s.job_id] + [o.job_id for o in self._finished]
        with contextlib.suppress(ThrustCoachError), session_scope(self.engine) as db:
            jobqueue.heartbeat(
                db,
                runner_id=self.runner_id,
                backend=self.pool.backend,
                slots=self.pool.slots,
                job_ids=held,
            )

    def _sweep(self) -> None:
        """Jobs of runners elsewhere that stopped sending heartbeats go back to the queue."""
        cutoff = jobqueue.utcnow() - dt.timedelta(seconds=STALE_AFTER_S)
        with contextlib.suppress(ThrustCoachError), session_scope(self.engine) as db:
            back = jobqueue.requeue_orphans(
                db, stale_before=cutoff, max_attempts=MAX_ATTEMPTS, exclude_runner=self.runner_id
            )
            if back.requeued or back.failed:
                logger.warning("stale jobs: %d re-queued, %d failed", back.requeued, back.failed)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def busy(self) -> int:
        return sum(1 for s in self._slots if s.job_id is not None)
