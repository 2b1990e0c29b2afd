"""Upload-to-report through HTTP: one clip alone, then two clips from two people at once.

    python benchmarks/web_upload.py                       # the 16 s real clip, 3 rounds
    python benchmarks/web_upload.py --clip my.mp4 --rounds 5 --port 8102

Starts ``thrustcoach serve`` on 127.0.0.1 in a fresh data folder (its warm pose workers
built at start, as in production), waits until /healthz shows the job workers, then times
``POST /api/v1/analyses`` until ``GET /api/v1/analyses/ID`` says ``done`` (polled every
0.1 s), i.e. what a user waits from pressing Upload to seeing the report. Prints medians and
the split: upload, wait in the queue, run on the worker (of which pose model time).
Targets (issue 14): the 16 s clip under 8 s alone; two at once both within 1.6x that.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT.parent / "shared" / "clips" / "palfitness_hip_thrust.mp4"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def start_server(port: int, data_dir: Path, extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "THRUSTCOACH_DATA_DIR": str(data_dir), **extra_env}
    env.pop("THRUSTCOACH_DATABASE_URL", None)
    exe = Path(sys.executable).with_name("thrustcoach")
    log = (data_dir / "server.log").open("ab")
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:  # up, and its workers have reported in
        try:
            health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
            if health.get("workers", {}).get("slots"):
                return proc
        except (httpx.HTTPError, ValueError):
            pass
        if proc.poll() is not None:
            raise SystemExit(f"server exited; see {data_dir / 'server.log'}")
        time.sleep(0.2)
    raise SystemExit("server not ready in 180 s")


def account(base: str, email: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=120)
    token = CSRF_RE.search(client.get("/signup").text)
    assert token
    client.post(
        "/signup",
        data={"email": email, "password": "benchmark pw 123", "csrf_token": token.group(1)},
    )
    page = CSRF_RE.search(client.get("/account").text)
    assert page, "sign-up failed"
    return client, page.group(1)


def check(client: httpx.Client, csrf: str, clip: Path) -> dict[str, Any]:
    data = clip.read_bytes()
    t0 = time.perf_counter()
    r = client.post(
        f"/api/v1/analyses?filename={clip.name}",
        content=data,
        headers={"X-CSRF-Token": csrf, "Content-Type": "video/mp4"},
    )
    if r.status_code != 202:
        raise SystemExit(f"upload refused: {r.status_code} {r.text[:200]}")
    uploaded = time.perf_counter() - t0
    job_id = r.json()["id"]
    while True:
        job = client.get(f"/api/v1/analyses/{job_id}").json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    total = time.perf_counter() - t0
    if job["state"] != "done":
        raise SystemExit(f"job failed: {job['error']} ({job['hint']})")

    def ts(key: str) -> dt.datetime:
        return dt.datetime.fromisoformat(job[key])

    run_s = (ts("finished_at") - ts("started_at")).total_seconds()
    queued_s = (ts("started_at") - ts("created_at")).total_seconds()
    reps = job["result"]["summary"]["rep_count"]
    return {
        "total_s": total,
        "upload_s": uploaded,
        "queued_s": queued_s,
        "run_s": run_s,
        "pose_s": job.get("pose_s"),
        "frames": job.get("pose_frames"),
        "reps": sum(reps.values()),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--port", type=int, default=8102)
    args = p.parse_args()
    if not args.clip.is_file():
        print(f"no clip at {args.clip}: pass --clip PATH", file=sys.stderr)
        return 2
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = args.port if args.port else s.getsockname()[1]
    data_dir = Path(tempfile.mkdtemp(prefix="tc-upload-"))
    print(f"clip {args.clip.name}, {args.rounds} rounds, load average {os.getloadavg()}")
    proc = start_server(port, data_dir, {})
    base = f"http://127.0.0.1:{port}"
    try:
        ann, ann_csrf = account(base, "ann@example.org")
        bob, bob_csrf = account(base, "bob@example.org")
        check(ann, ann_csrf, args.clip)  # first job of a fresh server: not counted
        alone = [check(ann, ann_csrf, args.clip) for _ in range(args.rounds)]
        pairs: list[float] = []
        for _ in range(args.rounds):
            with ThreadPoolExecutor(max_workers=2) as pool:
                a = pool.submit(check, ann, ann_csrf, args.clip)
                b = pool.submit(check, bob, bob_csrf, args.clip)
                out = {"a": a.result(), "b": b.result()}
            pairs.append(max(out["a"]["total_s"], out["b"]["total_s"]))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    med = statistics.median
    single = med(r["total_s"] for r in alone)
    print(
        f"alone: upload-to-report median {single:.2f} s (rounds: "
        + ", ".join(f"{r['total_s']:.2f}" for r in alone)
        + ")"
    )
    print(
        f"  split (medians): upload {med(r['upload_s'] for r in alone):.2f} s, queued "
        f"{med(r['queued_s'] for r in alone):.2f} s, run {med(r['run_s'] for r in alone):.2f} s "
        f"(pose model {med(r['pose_s'] or 0 for r in alone):.2f} s over "
        f"{med(r['frames'] or 0 for r in alone):.0f} frames); reps found {alone[0]['reps']}"
    )
    both = med(pairs)
    print(
        f"two at once: slower of the two, median {both:.2f} s = {both / single:.2f}x alone "
        "(rounds: " + ", ".join(f"{x:.2f}" for x in pairs) + ")"
    )
    print(
        f"targets: alone < 8 s: {'met' if single < 8 else 'MISSED'}; "
        f"two at once <= 1.6x: {'met' if both <= 1.6 * single else 'MISSED'}; "
        f"load average now {os.getloadavg()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
