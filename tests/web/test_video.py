"""Video check: upload, background job with progress, report numbers, attach to a set."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from thrustcoach.log import jobqueue, session_scope
from thrustcoach.log.db import get_engine
from thrustcoach.pose.estimators import EstimatorSpec

from .helpers import Account, queued_job


def _wait(account: Account, job_id: str, *, timeout_s: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    seen: list[float] = []
    while time.monotonic() < deadline:
        job = account.client.get(f"/api/v1/analyses/{job_id}").json()
        seen.append(job["progress"])
        if job["state"] in ("done", "failed"):
            job["seen_progress"] = seen
            return job
        time.sleep(0.05)
    raise AssertionError("analysis did not finish in time")


def test_landmark_file_report_shows_reps_faults_and_cues(ann: Account, landmark_csv: Path) -> None:
    r = ann.client.post(
        "/api/v1/analyses?filename=left_set.csv", headers=ann.h, content=landmark_csv.read_bytes()
    )
    assert r.status_code == 202
    assert r.headers["location"] == f"/api/v1/analyses/{r.json()['id']}"
    job = _wait(ann, r.json()["id"])
    assert job["state"] == "done", job
    assert job["seen_progress"] == sorted(job["seen_progress"])  # never goes backwards
    result = job["result"]
    assert result["summary"]["rep_count"] == {"left": 4, "right": 0, "both": 0}
    assert result["summary"]["faults"].get("short_pause") == 4
    page = ann.client.get(f"/video/{job['id']}").text
    assert '<span id="reps-left">4</span>' in page
    assert 'href="/guide/mistakes#short_pause"' in page
    assert "Cue:" in page
    assert page.count('<tr class="side-left">') == 4
    curves = ann.client.get(f"/api/v1/analyses/{job['id']}/files/curves.json").json()
    assert len(curves["time_s"]) == len(curves["hip_angle_deg"]) > 10


def test_attach_to_a_set_feeds_the_log(ann: Account, landmark_csv: Path) -> None:
    s = ann.client.post("/api/v1/sets", headers=ann.h, json={"side": "left", "reps": 4}).json()
    wrong = ann.client.post("/api/v1/sets", headers=ann.h, json={"side": "right", "reps": 4}).json()
    up = ann.client.post(
        "/api/v1/analyses?filename=a.csv", headers=ann.h, content=landmark_csv.read_bytes()
    )
    job = _wait(ann, up.json()["id"])
    r = ann.client.post(
        f"/api/v1/analyses/{job['id']}/attach", headers=ann.h, json={"set_id": wrong["id"]}
    )
    assert r.status_code == 400 and "left" in r.json()["detail"]  # reps were on the left leg
    r = ann.client.post(f"/video/{job['id']}/attach", data=ann.form(set_id=s["id"]))
    assert r.status_code == 200 and f"Attached to set {s['id']}" in r.text
    assert ann.client.get(f"/api/v1/analyses/{job['id']}").json()["set_id"] == s["id"]


def test_progress_shows_after_a_reload(app: FastAPI, ann: Account) -> None:
    engine = get_engine(app.state.settings.resolved_database_url)
    with session_scope(engine) as db:
        job_id, _ = queued_job(db, app, ann, name="c.mp4", kind="video")
    with session_scope(engine) as db:
        jobqueue.claim_next_job(db, runner_id="elsewhere/x/1")
        jobqueue.report_progress(
            db, job_id=job_id, runner_id="elsewhere/x/1", progress=0.42, message="frame 42"
        )
    page = ann.client.get(f"/video/{job_id}").text
    assert 'value="42"' in page and "frame 42" in page
    assert ann.client.get(f"/api/v1/analyses/{job_id}").json()["state"] == "running"


def test_corrupt_video_fails_with_a_clear_message(ann: Account) -> None:
    fake_mp4 = b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 100
    r = ann.client.post("/api/v1/analyses?filename=broken.mp4", headers=ann.h, content=fake_mp4)
    job = _wait(ann, r.json()["id"])
    assert job["state"] == "failed"
    assert job["error"] and "internal error" not in job["error"]


@pytest.mark.slow
def test_synthetic_video_through_the_whole_pipeline(
    app: FastAPI, ann: Account, tmp_path: Path
) -> None:
    from tests.pose.videokit import make_set_video

    video = make_set_video(tmp_path / "set.mp4", reps=3)
    app.state.jobs.pose_spec = EstimatorSpec.fake(video.series)
    r = ann.client.post(
        "/api/v1/analyses?filename=set.mp4", headers=ann.h, content=video.path.read_bytes()
    )
    assert r.json()["kind"] == "video"
    job = _wait(ann, r.json()["id"], timeout_s=120)
    assert job["state"] == "done", job
    counts = job["result"]["summary"]["rep_count"]
    assert sum(counts.values()) == video.reps
    mp4 = ann.client.get(f"/api/v1/analyses/{job['id']}/files/annotated.mp4")
    assert mp4.status_code == 200 and mp4.content[4:8] == b"ftyp"
    assert "<video" in ann.client.get(f"/video/{job['id']}").text
    json.dumps(job)  # the whole status document is plain JSON


def test_delete_removes_the_clip_and_its_files(
    app: FastAPI, ann: Account, landmark_csv: Path
) -> None:
    up = ann.client.post(
        "/api/v1/analyses?filename=a.csv", headers=ann.h, content=landmark_csv.read_bytes()
    )
    job = _wait(ann, up.json()["id"])
    folder = app.state.settings.data_dir / "jobs" / job["id"]
    assert folder.is_dir()
    r = ann.client.post(f"/video/{job['id']}/delete", data=ann.form())
    assert r.status_code == 200 and "deleted" in r.text
    assert not folder.exists()
    assert ann.client.get(f"/api/v1/analyses/{job['id']}").status_code == 404


def test_multipart_upload_like_curl_dash_f(ann: Account, landmark_csv: Path) -> None:
    with landmark_csv.open("rb") as fh:
        r = ann.client.post(
            "/api/v1/analyses",
            headers=ann.h,
            data={"pause_s": "2"},
            files={"clip": ("../../evil/left_set.csv", fh, "text/csv")},
        )
    assert r.status_code == 202, r.text
    assert r.json()["display_name"] == "left_set.csv"
    job = _wait(ann, r.json()["id"])
    assert job["result"]["prescribed_pause_s"] == 2
    assert job["result"]["summary"]["rep_count"]["left"] == 4


def test_upload_form_without_javascript(ann: Account, landmark_csv: Path) -> None:
    content = landmark_csv.read_bytes()
    files = {"clip": ("set.csv", content, "text/csv")}
    r = ann.client.post("/video/upload", files=files)  # no CSRF token
    assert r.status_code == 403
    r = ann.client.post("/video/upload", data={"csrf_token": ann.csrf}, files=files)
    assert r.status_code == 200 and r.url.path.startswith("/video/")
    assert "set.csv" in r.text
    r = ann.client.post(
        "/video/upload", data={"csrf_token": ann.csrf}, files={"clip": ("x.exe", b"MZ", "x")}
    )
    assert r.status_code == 415


def test_jobs_of_the_old_file_store_are_kept(app: FastAPI, ann: Account) -> None:
    folder = app.state.jobs.root / ("ab" * 16)
    folder.mkdir(parents=True)
    (folder / "result.json").write_text(json.dumps({"sets": [], "summary": {}}))
    old = {
        "id": "ab" * 16,
        "athlete_id": ann.athlete_id,
        "user_id": ann.user_id,
        "display_name": "old.mp4",
        "kind": "video",
        "input_name": "input.mp4",
        "state": "running",  # the old server stopped mid-job
        "created_at": "2026-01-02T03:04:05+00:00",
    }
    (folder / "status.json").write_text(json.dumps(old))
    from fastapi.testclient import TestClient

    with TestClient(app):  # server start: the old folder becomes a row
        pass
    job = ann.client.get(f"/api/v1/analyses/{'ab' * 16}").json()
    assert job["state"] == "failed" and job["display_name"] == "old.mp4"
    assert job["created_at"].startswith("2026-01-02T03:04:05")
    assert (folder / "status.json.imported").is_file()
