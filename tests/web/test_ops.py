"""Operating the server: /healthz, /metrics, request ids and structured logs."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from thrustcoach.log import dispose_engines
from thrustcoach.web.observe import JsonFormatter, RequestIdFilter

from .helpers import Account


def test_healthz_reports_database_and_job_workers(app: FastAPI) -> None:
    client = TestClient(app)
    r = client.get("/healthz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ok" and body["database"]["ok"] is True
    assert body["jobs"] == {"queued": 0, "running": 0, "oldest_queued_s": None}
    deadline = time.monotonic() + 240  # the runner starts and beats
    while not body["workers"]["runners"]:
        assert time.monotonic() < deadline, body
        time.sleep(0.2)
        body = client.get("/healthz").json()
    runner = body["workers"]["runners"][0]
    assert runner["backend"] == "local" and runner["slots"] == 2 and runner["busy"] == 0


def test_healthz_says_503_when_the_database_is_down(tmp_path: Path) -> None:
    from thrustcoach.config import Settings
    from thrustcoach.web import create_app

    bad = Settings(
        data_dir=tmp_path / "data",
        database_url="postgresql+psycopg://nobody:x@127.0.0.1:1/none",
    )
    r = TestClient(create_app(bad)).get("/healthz")
    assert r.status_code == 503
    assert r.json()["status"] == "down" and r.json()["database"]["ok"] is False
    assert "cannot reach the database server" in r.json()["database"]["error"]
    dispose_engines()


def test_metrics_in_prometheus_format(ann: Account, landmark_csv: Path) -> None:
    ann.client.get("/guide")
    ann.client.get("/api/v1/sets")
    up = ann.client.post(
        "/api/v1/analyses?filename=a.csv", headers=ann.h, content=landmark_csv.read_bytes()
    )
    job_id = up.json()["id"]
    deadline = time.monotonic() + 240
    while ann.client.get(f"/api/v1/analyses/{job_id}").json()["state"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    r = ann.client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert (
        'thrustcoach_http_request_duration_seconds_bucket{le="0.3",method="GET",route="/guide",status="2xx"}'
        in text
    )
    assert 'route="/api/v1/analyses/{job_id}"' in text  # templates, not raw ids
    assert job_id not in text
    assert 'thrustcoach_jobs{state="done"} 1.0' in text
    assert 'thrustcoach_jobs{state="queued"} 0.0' in text
    assert "thrustcoach_database_up 1.0" in text
    assert "thrustcoach_pose_frames_total" in text
    assert 'thrustcoach_job_duration_seconds_count{outcome="done"}' in text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no SQL involved
def test_request_id_is_echoed_or_made(app: FastAPI) -> None:
    client = TestClient(app)
    r = client.get("/guide", headers={"X-Request-ID": "abc-123.x_y"})
    assert r.headers["x-request-id"] == "abc-123.x_y"
    made = client.get("/guide").headers["x-request-id"]
    assert len(made) == 32
    junk = client.get("/guide", headers={"X-Request-ID": "<script>" + "a" * 100})
    assert junk.headers["x-request-id"] != "<script>" + "a" * 100
    assert (
        client.get("/nowhere", headers={"X-Request-ID": "r404"}).headers["x-request-id"] == "r404"
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no SQL involved
def test_access_log_records_carry_the_request_id(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="thrustcoach.access"):
        TestClient(app).get("/guide", headers={"X-Request-ID": "trace-me"})
    records = [r for r in caplog.records if r.name == "thrustcoach.access"]
    assert records, "no access log record"
    rec = records[-1]
    RequestIdFilter().filter(rec)
    doc = json.loads(JsonFormatter().format(rec))
    assert doc["request_id"] == "trace-me" and doc["route"] == "/guide"
    assert doc["status"] == 200 and doc["method"] == "GET" and doc["duration_ms"] >= 0
