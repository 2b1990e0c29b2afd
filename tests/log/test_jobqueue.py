"""The video-check queue: atomic claims under concurrency, ownership, recovery, fairness."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

from sqlalchemy import Engine

from thrustcoach.log import jobqueue, session_scope
from thrustcoach.log.accounts import create_user
from thrustcoach.log.models import Role


def _users(engine: Engine, n: int) -> list[tuple[int, int]]:
    out = []
    with session_scope(engine) as db:
        for i in range(n):
            user = create_user(
                db, email=f"u{i}@example.org", password_hash="x", role=Role.ATHLETE, name=f"U{i}"
            )
            out.append((user.id, user.athlete_id or 0))
    return out


def _job(engine: Engine, user: tuple[int, int]) -> str:
    job_id = uuid.uuid4().hex
    with session_scope(engine) as db:
        jobqueue.create_job(
            db,
            job_id=job_id,
            athlete_id=user[1],
            user_id=user[0],
            display_name="a.mp4",
            kind="video",
            input_name="a.mp4",
            options={"pause_s": 2},
        )
    return job_id


def test_concurrent_runners_never_take_the_same_job(engine: Engine) -> None:
    (user,) = _users(engine, 1)
    ids = {_job(engine, user) for _ in range(24)}
    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def runner(name: str) -> None:
        try:
            while True:
                with session_scope(engine) as db:
                    row = jobqueue.claim_next_job(db, runner_id=name)
                    if row is None:
                        return
                    assert row.state == "running" and row.runner_id == name
                    with lock:
                        taken.append(row.id)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(f"host/x/{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(taken) == sorted(ids)  # every job taken exactly once


def test_only_the_holder_reports_and_finishes(engine: Engine) -> None:
    (user,) = _users(engine, 1)
    job_id = _job(engine, user)
    with session_scope(engine) as db:
        row = jobqueue.claim_next_job(db, runner_id="a/1/1")
        assert row is not None and row.attempts == 1
    with session_scope(engine) as db:
        assert not jobqueue.report_progress(
            db, job_id=job_id, runner_id="b/1/1", progress=0.5, message="x"
        )
        assert jobqueue.report_progress(
            db, job_id=job_id, runner_id="a/1/1", progress=0.5, message="half"
        )
        assert not jobqueue.finish_job(db, job_id=job_id, runner_id="b/1/1", state="done")
        assert jobqueue.finish_job(
            db, job_id=job_id, runner_id="a/1/1", state="done", warnings=["short clip"]
        )
    with session_scope(engine) as db:
        row = jobqueue.get_job(db, job_id=job_id)
        assert row is not None and row.state == "done" and row.progress == 1.0
        assert row.warnings_json == '["short clip"]' and row.options_json == '{"pause_s": 2}'


def test_jobs_of_a_stopped_runner_go_back_then_fail_after_three_takes(engine: Engine) -> None:
    (user,) = _users(engine, 1)
    job_id = _job(engine, user)
    for attempt in (1, 2, 3):
        with session_scope(engine) as db:
            assert jobqueue.claim_next_job(db, runner_id=f"host/f/{attempt}") is not None
        with session_scope(engine) as db:
            back = jobqueue.requeue_orphans(db, runner_prefix="host/f/", max_attempts=3)
        with session_scope(engine) as db:
            row = jobqueue.get_job(db, job_id=job_id)
            assert row is not None
            if attempt < 3:
                assert back.requeued == 1 and row.state == "queued"
            else:
                assert back.failed == 1 and row.state == "failed" and "3 times" in (row.error or "")
    with session_scope(engine) as db:
        assert jobqueue.retry_job(db, job_id=job_id)
        assert not jobqueue.retry_job(db, job_id=job_id)  # only failed jobs
    with session_scope(engine) as db:
        row = jobqueue.get_job(db, job_id=job_id)
        assert row is not None and row.state == "queued" and row.attempts == 0


def test_stale_heartbeats_are_recovered_but_live_ones_are_not(engine: Engine) -> None:
    (user,) = _users(engine, 1)
    stale, live = _job(engine, user), _job(engine, user)
    with session_scope(engine) as db:
        jobqueue.claim_next_job(db, runner_id="far/a/1")
        jobqueue.claim_next_job(db, runner_id="far/b/2")
    with session_scope(engine) as db:
        jobqueue.heartbeat(db, runner_id="far/b/2", backend="local", slots=2, job_ids=[live])
        row = jobqueue.get_job(db, job_id=stale)
        assert row is not None
        row.heartbeat_at = jobqueue.utcnow() - dt.timedelta(minutes=5)
    cutoff = jobqueue.utcnow() - dt.timedelta(seconds=60)
    with session_scope(engine) as db:
        back = jobqueue.requeue_orphans(db, stale_before=cutoff)
    assert back.requeued == 1
    with session_scope(engine, read_only=True) as db:
        states = {j: jobqueue.get_job(db, job_id=j).state for j in (stale, live)}  # type: ignore[union-attr]
        runners = jobqueue.live_runners(db, seen_after=cutoff)
    assert states == {stale: "queued", live: "running"}
    assert [(r.id, r.slots, r.busy) for r in runners] == [("far/b/2", 2, 1)]


def test_the_queue_serves_the_person_with_fewest_running_jobs_first(engine: Engine) -> None:
    ann, bob = _users(engine, 2)
    first = _job(engine, ann)
    ann_second = _job(engine, ann)
    bobs = _job(engine, bob)  # queued after Ann's second, but Bob has nothing running
    with session_scope(engine) as db:
        assert jobqueue.claim_next_job(db, runner_id="r/1/1").id == first  # type: ignore[union-attr]
    with session_scope(engine) as db:
        assert jobqueue.claim_next_job(db, runner_id="r/1/1").id == bobs  # type: ignore[union-attr]
    with session_scope(engine) as db:
        assert jobqueue.claim_next_job(db, runner_id="r/1/1").id == ann_second  # type: ignore[union-attr]
        counts = jobqueue.job_counts(db)
    assert counts.by_state == {"queued": 0, "running": 3, "done": 0, "failed": 0}
    with session_scope(engine, read_only=True) as db:
        assert jobqueue.count_active_jobs(db, user_id=ann[0]) == 2
