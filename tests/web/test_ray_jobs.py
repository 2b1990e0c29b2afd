"""The web app with its video checks on Ray (a local Ray instance): same app, no code change."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.pose.videokit import make_set_video
from thrustcoach.config import Settings
from thrustcoach.log import dispose_engines
from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.web import create_app
from thrustcoach.web.app import stop_job_workers

from .helpers import make_account

pytestmark = [pytest.mark.ray, pytest.mark.slow]


def test_a_video_checked_end_to_end_on_ray(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    video = make_set_video(tmp_path / "set.mp4", reps=3)
    settings = Settings(
        data_dir=tmp_path / "data", ray_address="local", job_workers=1, pose_warm_start=False
    )
    app = create_app(settings)
    app.state.jobs.pose_spec = EstimatorSpec.fake(video.series)
    try:
        ann = make_account(app, "ann@example.org", name="Ann")
        r = ann.client.post(
            "/api/v1/analyses?filename=set.mp4", headers=ann.h, content=video.path.read_bytes()
        )
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        seen: set[str] = set()
        deadline = time.monotonic() + 240  # a Ray start takes 10-20 s on a busy 2-core box
        while True:
            job = ann.client.get(f"/api/v1/analyses/{job_id}").json()
            seen.add(job["state"])
            if job["state"] in ("done", "failed"):
                break
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
        assert job["state"] == "done", job
        assert sum(job["result"]["summary"]["rep_count"].values()) == video.reps
        mp4 = ann.client.get(f"/api/v1/analyses/{job_id}/files/annotated.mp4")
        assert mp4.status_code == 200 and mp4.content[4:8] == b"ftyp"
        health = ann.client.get("/healthz").json()
        assert health["workers"]["runners"][0]["backend"] == "ray"
    finally:
        stop_job_workers(app)
        dispose_engines()
