"""Video-check jobs as rows: a restart loses none, jobs run side by side, one upload cannot
take the machine (per-user cap, clip length, time limit), a failed job can be retried."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.pose.videokit import SetVideo, make_set_video
from thrustcoach.config import Settings
from thrustcoach.log import dispose_engines, jobqueue, session_scope
from thrustcoach.log.db import get_engine
from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.web import create_app
from thrustcoach.web.app import stop_job_workers
from thrustcoach.web.jobs.dispatcher import runner_prefix
from thrustcoach.web.jobs.pool import LocalPool

from .helpers import Account, make_account, queued_job

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> SetVideo:
    return make_set_video(tmp_path_factory.mktemp("jobclips") / "set.mp4", reps=3)


def _settings(tmp_path: Path, database_url: str, **kw: Any) -> Settings:
    base: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "database_url": database_url,
        "job_workers": 1,
        "pose_warm_start": False,
    }
    return Settings(**{**base, **kw})


@pytest.fixture
def make_app(tmp_path: Path, database_url: str) -> Iterator[Any]:
    apps: list[FastAPI] = []

    def make(clip: SetVideo, **kw: Any) -> FastAPI:
        app = create_app(_settings(tmp_path, database_url, **kw))
        app.state.jobs.pose_spec = EstimatorSpec.fake(clip.series)
        apps.append(app)
        return app

    yield make
    for app in apps:
        stop_job_workers(app)
    dispose_engines()


def _upload(account: Account, clip: SetVideo) -> Any:
    return account.client.post(
        "/api/v1/analyses?filename=set.mp4", headers=account.h, content=clip.path.read_bytes()
    )


def _job(account: Account, job_id: str) -> dict[str, Any]:
    data: dict[str, Any] = account.client.get(f"/api/v1/analyses/{job_id}").json()
    return data


def _wait_all(account: Account, ids: list[str], *, timeout_s: float = 300) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        jobs = [_job(account, i) for i in ids]
        if all(j["state"] in ("done", "failed") for j in jobs):
            return jobs
        time.sleep(0.1)
    raise AssertionError(f"jobs did not finish: {[_job(account, i)['state'] for i in ids]}")


def test_a_killed_server_loses_no_job(make_app: Any, clip: SetVideo) -> None:
    first = make_app(clip)
    ann = make_account(first, "ann@example.org", name="Ann")
    ids = [_upload(ann, clip).json()["id"] for _ in range(3)]
    deadline = time.monotonic() + 240
    while _job(ann, ids[0])["state"] != "running":
        assert time.monotonic() < deadline, "the first job never started"
        time.sleep(0.02)
    stop_job_workers(first, requeue=False)  # as SIGKILL leaves it: rows untouched
    states = [_job(ann, i)["state"] for i in ids]
    assert "running" in states and all(s in ("queued", "running", "done") for s in states)

    second = make_app(clip)  # the restarted server: same data folder, same database
    second.state.job_workers.ensure_started()
    jobs = _wait_all(ann, ids)
    assert [j["state"] for j in jobs] == ["done"] * 3, jobs
    assert all(sum(j["result"]["summary"]["rep_count"].values()) == clip.reps for j in jobs)
    assert max(j["attempts"] for j in jobs) == 2  # the interrupted one ran again


def test_a_job_that_keeps_killing_servers_fails_with_a_retry(
    app: FastAPI, ann: Account, landmark_csv: Path
) -> None:
    engine = get_engine(app.state.settings.resolved_database_url)
    with session_scope(engine) as db:
        job_id, folder = queued_job(db, app, ann, name="set.csv", kind="landmarks")
    (folder / "set.csv").write_bytes(landmark_csv.read_bytes())
    gone = runner_prefix(app.state.jobs.root) + "999999-dead"
    for _ in range(3):  # taken three times by servers that died
        with session_scope(engine) as db:
            assert jobqueue.claim_next_job(db, runner_id=gone) is not None
            jobqueue.requeue_orphans(db, runner_prefix=gone, max_attempts=99)
    with session_scope(engine) as db:
        jobqueue.claim_next_job(db, runner_id=gone)
    app.state.job_workers.ensure_started()  # the next start finds it running a 4th time
    job = _wait_all(ann, [job_id])[0]
    assert job["state"] == "failed" and "stopped 3 times" in job["error"]
    assert "Retry" in job["hint"]
    page = ann.client.get(f"/video/{job_id}").text
    assert f'action="/video/{job_id}/retry"' in page
    r = ann.client.post(f"/video/{job_id}/retry", data=ann.form())
    assert r.status_code == 200 and "queued again" in r.text
    job = _wait_all(ann, [job_id])[0]
    assert job["state"] == "done" and job["attempts"] == 1
    assert job["result"]["summary"]["rep_count"]["left"] == 4


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # pool logic, not SQL
def test_jobs_of_two_people_run_side_by_side(make_app: Any, clip: SetVideo) -> None:
    app = make_app(clip, job_workers=2)
    ann = make_account(app, "ann@example.org", name="Ann")
    bob = make_account(app, "bob@example.org", name="Bob")
    a, b = _upload(ann, clip).json()["id"], _upload(bob, clip).json()["id"]
    ja, jb = _wait_all(ann, [a])[0], _wait_all(bob, [b])[0]
    assert ja["state"] == jb["state"] == "done"
    start_a, end_a = (
        dt.datetime.fromisoformat(ja["started_at"]),
        dt.datetime.fromisoformat(ja["finished_at"]),
    )
    start_b, end_b = (
        dt.datetime.fromisoformat(jb["started_at"]),
        dt.datetime.fromisoformat(jb["finished_at"]),
    )
    assert start_a < end_b and start_b < end_a, "the two jobs did not overlap"
    health = ann.client.get("/healthz").json()
    assert health["workers"]["slots"] == 2


def test_one_person_cannot_fill_the_queue(app: FastAPI, ann: Account, landmark_csv: Path) -> None:
    engine = get_engine(app.state.settings.resolved_database_url)
    with session_scope(engine) as db:
        for _ in range(app.state.settings.max_active_jobs_per_user):
            queued_job(db, app, ann, name="x.csv", kind="landmarks")
    r = ann.client.post(
        "/api/v1/analyses?filename=a.csv", headers=ann.h, content=landmark_csv.read_bytes()
    )
    assert r.status_code == 429
    assert "3 analyses waiting or running" in r.json()["detail"] and r.json()["hint"]
    assert len(list(app.state.jobs.root.iterdir())) == 3  # the refused upload left no folder


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # pool logic, not SQL
def test_a_clip_too_long_is_refused_at_upload(make_app: Any, clip: SetVideo) -> None:
    app = make_app(clip, max_video_s=2)
    ann = make_account(app, "ann@example.org", name="Ann")
    r = _upload(ann, clip)
    assert r.status_code == 422
    assert "a video check takes at most 2 s" in r.json()["detail"]
    assert "trim" in r.json()["hint"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # pool logic, not SQL
def test_a_job_over_its_time_limit_is_stopped_and_can_be_retried(
    make_app: Any, clip: SetVideo
) -> None:
    app = make_app(clip, job_timeout_s=0.2)
    ann = make_account(app, "ann@example.org", name="Ann")
    job_id = _upload(ann, clip).json()["id"]
    job = _wait_all(ann, [job_id])[0]
    assert job["state"] == "failed" and "longer than the limit of 0 s" in job["error"]
    app.state.job_workers.dispatcher.job_timeout_s = 120  # the operator raises the limit
    r = ann.client.post(f"/api/v1/analyses/{job_id}/retry", headers=ann.h)
    assert r.status_code == 202 and r.json()["state"] == "queued"
    job = _wait_all(ann, [job_id])[0]
    assert job["state"] == "done"
    assert ann.client.post(f"/api/v1/analyses/{job_id}/retry", headers=ann.h).status_code == 409


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
def test_pose_workers_take_only_the_cpu_the_web_server_leaves() -> None:
    # At nice 10 alone, four videos doubled page latencies in benchmarks/load.py.
    pool = LocalPool(1)
    pool.start()
    try:
        deadline = time.monotonic() + 60
        while not any(e.kind == "ready" for e in pool.events(1.0)):
            assert time.monotonic() < deadline, "the worker never came up"
        pid = pool._procs[0].pid
        assert os.sched_getscheduler(pid) == os.SCHED_IDLE
        assert os.getpriority(os.PRIO_PROCESS, pid) >= os.getpriority(os.PRIO_PROCESS, 0)
    finally:
        pool.close()


def test_putting_a_process_in_the_background_twice_keeps_its_nice_level() -> None:
    # A Ray actor calls it at start and for every job; os.nice would add 10 each time.
    code = (
        "import os; from thrustcoach.web.jobs.pool import run_in_background as bg; "
        "bg(10); bg(10); print(os.getpriority(os.PRIO_PROCESS, 0))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == max(10, os.getpriority(os.PRIO_PROCESS, 0))
