"""`thrustcoach serve --workers 2` for real: two server processes, one queue, one pool."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_two_server_processes_share_one_queue(tmp_path: Path, landmark_csv: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "THRUSTCOACH_DATA_DIR": str(tmp_path / "data"),
        "THRUSTCOACH_JOB_WORKERS": "1",
        "THRUSTCOACH_POSE_WARM_START": "false",
    }
    env.pop("THRUSTCOACH_DATABASE_URL", None)
    exe = Path(sys.executable).with_name("thrustcoach")
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (
                tmp_path / "server.log"
            ).read_text()
            time.sleep(0.3)
        client = httpx.Client(base_url=base, timeout=60)
        token = CSRF_RE.search(client.get("/signup").text)
        assert token
        client.post(
            "/signup",
            data={"email": "a@example.org", "password": "long password 1", "csrf_token": token[1]},
        )
        csrf = CSRF_RE.search(client.get("/account").text)
        assert csrf
        ids = []
        for _ in range(3):  # a new connection each time: either process may answer
            with httpx.Client(base_url=base, cookies=client.cookies, timeout=60) as c:
                r = c.post(
                    "/api/v1/analyses?filename=set.csv",
                    content=landmark_csv.read_bytes(),
                    headers={"X-CSRF-Token": csrf[1]},
                )
                assert r.status_code == 202, r.text
                ids.append(r.json()["id"])
        deadline = time.monotonic() + 120
        while True:
            states = [client.get(f"/api/v1/analyses/{i}").json()["state"] for i in ids]
            if all(s in ("done", "failed") for s in states):
                break
            assert time.monotonic() < deadline, states
            time.sleep(0.2)
        assert states == ["done"] * 3
        health = client.get("/healthz").json()
        assert len(health["workers"]["runners"]) == 1  # one pool for both server processes
        text = client.get("/metrics").text  # multiprocess metrics: any process answers for all
        assert 'route="/api/v1/analyses/{job_id}"' in text
        assert 'thrustcoach_jobs{state="done"} 3.0' in text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
