"""Load and failure benchmark of the web app (loopback only, bounded in time).

    python benchmarks/load.py                      # SQLite then PostgreSQL, both phases
    python benchmarks/load.py --db sqlite --phase normal --duration 60

For each database (SQLite file; PostgreSQL: a fresh database on the server named by
``THRUSTCOACH_TEST_POSTGRES_URL``, which ``source scripts/services.sh`` starts) and each
phase, it starts ``thrustcoach serve --workers W`` on 127.0.0.1 in a fresh data folder, signs up
``--users`` people, then for ``--duration`` seconds every one of them signs in and keeps
logging sets and reading Today, Progress, the log API and the guide (a think time of 0.5-1.5 s
between actions, as people do), while ``--videos`` clips are checked. In the ``kill`` phase
the whole server (its process group: web processes and pose workers) is killed with SIGKILL
half-way and started again on the same data.

It prints p50/p95/p99 per route, errors, and what was lost: every set the server answered
201 must be in the log at the end, every clip it answered 202 must end ``done``. Requests
refused while a killed server was down are counted apart (a browser would retry them), not
as errors. Targets on the 2-core machine: p95 < 300 ms on every page and API route, 0 errors,
0 sets and 0 jobs lost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT.parent / "shared" / "clips" / "palfitness_hip_thrust.mp4"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "load-test password 1"
TARGET_P95_MS = 300.0
AFTER_RESTART_S = 20.0  # the window after a restart whose latencies are also shown apart


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    refused: int = 0  # connection refused/reset while the server was down (kill phase)
    sets_acked: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    jobs_acked: list[tuple[int, str, float]] = field(default_factory=list)  # user, id, t0
    down: bool = False
    back_at: float | None = None  # perf_counter when a killed server answered again
    stamps: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def record(self, route: str, ms: float, ok: bool, detail: str = "") -> None:
        self.latencies[route].append(ms)
        self.stamps[route].append(time.perf_counter())
        if not ok:
            self.errors[route] += 1
            if len(self.error_samples) < 8:
                self.error_samples.append(f"{route}: {detail[:160]}")


class Server:
    """``thrustcoach serve`` in its own process group (so SIGKILL takes all of it)."""

    def __init__(self, *, port: int, data_dir: Path, db_url: str, workers: int) -> None:
        self.port, self.data_dir, self.db_url, self.workers = port, data_dir, db_url, workers
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "server.log"

    def start(self) -> float:
        env = {
            **os.environ,
            "THRUSTCOACH_DATA_DIR": str(self.data_dir),
            "THRUSTCOACH_DATABASE_URL": self.db_url,
            "THRUSTCOACH_LOG_LEVEL": "WARNING",
            "THRUSTCOACH_MAX_ACTIVE_JOBS_PER_USER": "10",
        }
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        exe = Path(sys.executable).with_name("thrustcoach")
        started = time.perf_counter()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(exe), "serve", "--port", str(self.port), "--workers", str(self.workers)],
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code < 500:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited; see {self.log}")
            time.sleep(0.2)
        raise SystemExit(f"server did not answer in 120 s; see {self.log}")

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _free_port(preferred: int) -> int:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])


async def _csrf(client: httpx.AsyncClient, path: str) -> str:
    r = await client.get(path)
    match = CSRF_RE.search(r.text)
    if not match:
        raise RuntimeError(f"no CSRF token on {path} ({r.status_code})")
    return match.group(1)


async def _signup(base: str, email: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        token = await _csrf(c, "/signup")
        r = await c.post(
            "/signup",
            data={"email": email, "password": PASSWORD, "name": email, "csrf_token": token},
        )
        if r.status_code not in (200, 303):
            raise RuntimeError(f"sign-up failed: {r.status_code} {r.text[:200]}")


class User:
    def __init__(self, index: int, base: str, email: str, stats: Stats) -> None:
        self.index, self.base, self.email, self.stats = index, base, email, stats
        self.client = httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False)
        self.csrf = ""

    async def timed(self, route: str, method: str, path: str, **kw: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            r = await self.client.request(method, path, **kw)
        except httpx.TransportError as exc:
            if self.stats.down:
                self.stats.refused += 1
            else:
                self.stats.record(route, (time.perf_counter() - started) * 1000, False, repr(exc))
            return None
        ms = (time.perf_counter() - started) * 1000
        ok = r.status_code < 400
        if self.stats.down and r.status_code >= 500:
            self.stats.refused += 1
            return r
        self.stats.record(route, ms, ok, f"{r.status_code} {r.text[:120]}")
        return r

    async def sign_in(self) -> bool:
        self.csrf = ""
        r = await self.timed("GET /login", "GET", "/login")
        if r is None or not (m := CSRF_RE.search(r.text)):
            return False
        r = await self.timed(
            "POST /login",
            "POST",
            "/login",
            data={"email": self.email, "password": PASSWORD, "csrf_token": m.group(1)},
        )
        if r is None or r.status_code != 303:
            return False
        r = await self.timed("GET /account", "GET", "/account")
        if r is None or not (m := CSRF_RE.search(r.text)):
            return False
        self.csrf = m.group(1)
        return True

    async def log_set(self) -> None:
        side = random.choice(["left", "right"])
        body = {"side": side, "reps": random.randint(6, 14), "load_kg": "12.5", "pause_s": 1}
        r = await self.timed(
            "POST /api/v1/sets",
            "POST",
            "/api/v1/sets",
            json=body,
            headers={"X-CSRF-Token": self.csrf},
        )
        if r is not None and r.status_code == 201:
            self.stats.sets_acked[self.index].add(int(r.json()["id"]))

    async def upload(self, clip: Path) -> None:
        data = clip.read_bytes()
        t0 = time.perf_counter()
        r = await self.timed(
            "POST /api/v1/analyses",
            "POST",
            f"/api/v1/analyses?filename={clip.name}",
            content=data,
            headers={"X-CSRF-Token": self.csrf, "Content-Type": "video/mp4"},
        )
        if r is not None and r.status_code == 202:
            self.stats.jobs_acked.append((self.index, r.json()["id"], t0))

    async def run(self, until: float, clip: Path | None, ramp_s: float) -> None:
        await asyncio.sleep(random.uniform(0, ramp_s))  # people do not all arrive at once
        while not await self.sign_in():
            if time.monotonic() >= until:
                return
            await asyncio.sleep(1)
        if clip is not None:
            await self.upload(clip)
        actions = [
            (self.log_set, 3),
            (lambda: self.timed("GET /today", "GET", "/today"), 3),
            (lambda: self.timed("GET /progress", "GET", "/progress"), 2),
            (lambda: self.timed("GET /api/v1/sets", "GET", "/api/v1/sets?limit=20"), 2),
            (lambda: self.timed("GET /guide", "GET", "/guide"), 1),
            (lambda: self.timed("GET /log", "GET", "/log"), 1),
        ]
        funcs = [a for a, _ in actions]
        weights = [w for _, w in actions]
        while time.monotonic() < until:
            await asyncio.sleep(random.uniform(0.5, 1.5))
            if self.stats.down:
                continue
            if not self.csrf:  # a sign-in cut off by the restart: sign in again first
                await self.sign_in()
                continue
            if random.random() < 0.02:  # now and then someone signs out and in again
                await self.timed("POST /logout", "POST", "/logout", data={"csrf_token": self.csrf})
                self.csrf = ""
                await self.sign_in()
                continue
            await random.choices(funcs, weights)[0]()

    async def close(self) -> None:
        await self.client.aclose()


async def _verify(base: str, users: list[User], stats: Stats, wait_jobs_s: float) -> dict[str, Any]:
    """After the run: every acknowledged set still there, every acknowledged job done."""
    lost_sets = 0
    for u in users:
        if not stats.sets_acked[u.index]:
            continue
        if not await u.sign_in():
            lost_sets += len(stats.sets_acked[u.index])
            continue
        have: set[int] = set()
        offset = 0
        while True:
            r = await u.client.get(f"/api/v1/sets?limit=200&offset={offset}")
            items = r.json()["items"]
            have |= {int(i["id"]) for i in items}
            offset += len(items)
            if not items or offset >= r.json()["total"]:
                break
        lost_sets += len(stats.sets_acked[u.index] - have)
    deadline = time.monotonic() + wait_jobs_s
    job_state: dict[str, dict[str, Any]] = {}
    by_user = {u.index: u for u in users}
    while time.monotonic() < deadline:
        for uid, job_id, _ in stats.jobs_acked:
            if job_state.get(job_id, {}).get("state") not in ("done", "failed"):
                r = await by_user[uid].client.get(f"/api/v1/analyses/{job_id}")
                job_state[job_id] = r.json() if r.status_code == 200 else {"state": "missing"}
        if all(j.get("state") in ("done", "failed") for j in job_state.values()):
            break
        await asyncio.sleep(1)
    states = [j.get("state") for j in job_state.values()]
    seconds = []
    for j in job_state.values():
        if j.get("state") == "done" and j.get("created_at") and j.get("finished_at"):
            import datetime as dt

            seconds.append(
                (
                    dt.datetime.fromisoformat(j["finished_at"])
                    - dt.datetime.fromisoformat(j["created_at"])
                ).total_seconds()
            )
    return {
        "sets_acked": sum(len(v) for v in stats.sets_acked.values()),
        "sets_lost": lost_sets,
        "jobs_acked": len(stats.jobs_acked),
        "jobs_done": states.count("done"),
        "jobs_failed": states.count("failed"),
        # Lost: gone or failed. Unfinished: still queued/running when the wait ran out (its
        # row is kept; on a slow machine raise --job-wait).
        "jobs_lost": sum(1 for s in states if s in ("missing", "failed")),
        "jobs_unfinished": sum(1 for s in states if s in ("queued", "running")),
        "job_seconds": seconds,
        "failures": [j.get("error") for j in job_state.values() if j.get("state") == "failed"],
    }


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def _phase(args: argparse.Namespace, db_url: str, kill: bool) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="tc-load-"))
    port = _free_port(args.port)
    base = f"http://127.0.0.1:{port}"
    server = Server(port=port, data_dir=data_dir, db_url=db_url, workers=args.workers)
    try:
        start_s = server.start()
        stats = Stats()
        emails = [f"user{i}-{uuid.uuid4().hex[:6]}@example.org" for i in range(args.users)]
        sem = asyncio.Semaphore(4)

        async def signup(email: str) -> None:
            async with sem:
                await _signup(base, email)

        await asyncio.gather(*(signup(e) for e in emails))
        users = [User(i, base, e, stats) for i, e in enumerate(emails)]
        clip = args.video if args.videos else None
        until = time.monotonic() + args.duration
        tasks = [
            asyncio.create_task(u.run(until, clip if i < args.videos else None, args.ramp))
            for i, u in enumerate(users)
        ]
        restart: dict[str, float] = {}
        load_before = os.getloadavg()
        client_cpu0, wall0 = time.process_time(), time.monotonic()
        if kill:
            await asyncio.sleep(args.duration / 2)
            stats.down = True
            server.kill()
            restart["down_at_s"] = args.duration / 2
            restart["restart_s"] = await asyncio.to_thread(server.start)
            stats.down = False
            stats.back_at = time.perf_counter()
        await asyncio.gather(*tasks)
        load_after = os.getloadavg()
        client = (time.process_time() - client_cpu0, time.monotonic() - wall0)
        verdict = await _verify(base, users, stats, wait_jobs_s=args.job_wait)
        for u in users:
            await u.close()
        return {
            "db": "postgresql" if db_url.startswith("postgresql") else "sqlite",
            "phase": "kill -9 + restart" if kill else "normal",
            "server_start_s": start_s,
            "stats": stats,
            "verdict": verdict,
            "restart": restart,
            "load": (load_before, load_after),
            "client_cpu": client,
        }

    finally:
        server.stop()


def _print(result: dict[str, Any]) -> bool:
    stats: Stats = result["stats"]
    v = result["verdict"]
    print(f"\n== {result['db']}, {result['phase']}")
    lb, la = result["load"]
    print(f"load average at start {'/'.join(f'{x:.2f}' for x in lb)}, at end ", end="")
    print("/".join(f"{x:.2f}" for x in la))
    cpu, wall = result["client_cpu"]
    share = cpu / wall / (os.cpu_count() or 1)
    print(f"the load client itself used {cpu:.0f} CPU-s in {wall:.0f} s ({share:.0%} of the CPUs)")
    if result["restart"]:
        r = result["restart"]
        print(f"server killed (SIGKILL, whole process group) at {r['down_at_s']:.0f} s; ", end="")
        print(f"back in {r['restart_s']:.1f} s; {stats.refused} requests refused meanwhile")
    head = ("route", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors")
    print(f"{head[0]:<24} " + " ".join(f"{h:>8}" for h in head[1:]))
    ok = True
    for route in sorted(stats.latencies):
        vals = stats.latencies[route]
        p95 = _pct(vals, 95)
        mark = "" if p95 < TARGET_P95_MS else "  > target"
        if route != "POST /api/v1/analyses" and p95 >= TARGET_P95_MS:
            ok = False
        print(
            f"{route:<24} {len(vals):>8} {_pct(vals, 50):>8.1f} {p95:>8.1f} {_pct(vals, 99):>8.1f} "
            f"{max(vals):>8.1f} {stats.errors.get(route, 0):>8}{mark}"
        )
    if stats.back_at is not None:
        print(f"p95 ms in the first {AFTER_RESTART_S:.0f} s after the restart | the rest:")
        for route in sorted(stats.latencies):
            near: list[float] = []
            rest: list[float] = []
            for ms, at in zip(stats.latencies[route], stats.stamps[route], strict=True):
                (near if 0 <= at - stats.back_at <= AFTER_RESTART_S else rest).append(ms)
            print(
                f"  {route:<24} {_pct(near, 95):>8.1f} (n={len(near):>4}) | "
                f"{_pct(rest, 95):>8.1f} (n={len(rest):>4})"
            )
    errors = sum(stats.errors.values())
    print(f"errors: {errors}" + (f"  e.g. {stats.error_samples[:3]}" if errors else ""))
    print(f"sets acknowledged {v['sets_acked']}, lost {v['sets_lost']}")
    secs = ", ".join(f"{s:.1f}" for s in sorted(v["job_seconds"]))
    print(
        f"videos acknowledged {v['jobs_acked']}, done {v['jobs_done']}, failed {v['jobs_failed']}, "
        f"lost {v['jobs_lost']}, unfinished at the wait bound {v['jobs_unfinished']}; "
        f"upload-to-done s: {secs or '-'}"
    )
    if v["failures"]:
        print(f"  failures: {v['failures']}")
    lost = v["sets_lost"] + v["jobs_lost"] + v["jobs_unfinished"]
    return ok and errors == 0 and lost == 0


def _postgres_url(base: str) -> str:
    import psycopg
    from sqlalchemy import make_url

    url = make_url(base)
    name = f"tc_load_{uuid.uuid4().hex[:10]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--phase", choices=["normal", "kill", "both"], default="both")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--duration", type=float, default=120.0, help="seconds of load per phase")
    p.add_argument("--ramp", type=float, default=10.0, help="users arrive over these seconds")
    p.add_argument("--videos", type=int, default=4)
    p.add_argument("--video", type=Path, default=DEFAULT_CLIP)
    p.add_argument("--workers", type=int, default=2, help="server processes (serve --workers)")
    p.add_argument("--port", type=int, default=8102)
    p.add_argument("--job-wait", type=float, default=300.0, help="max seconds to wait for jobs")
    p.add_argument("--postgres-url", default=os.environ.get("THRUSTCOACH_TEST_POSTGRES_URL"))
    args = p.parse_args()
    if args.videos and not args.video.is_file():
        print(f"no clip at {args.video}: pass --video PATH or --videos 0", file=sys.stderr)
        return 2
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    phases = [False, True] if args.phase == "both" else [args.phase == "kill"]
    print(
        f"{args.users} users (arriving over {args.ramp:.0f} s), {args.duration:.0f} s per phase, "
        f"{args.videos} videos "
        f"({args.video.name}), serve --workers {args.workers}, {os.cpu_count()} CPUs"
    )
    all_ok = True
    for db in dbs:
        if db == "postgres" and not args.postgres_url:
            print("\n== postgresql: skipped (no THRUSTCOACH_TEST_POSTGRES_URL; see --postgres-url)")
            continue
        for kill in phases:
            if db == "sqlite":
                url = f"sqlite:///{tempfile.mkdtemp(prefix='tc-load-db-')}/load.db"
            else:
                url = _postgres_url(args.postgres_url)
            result = asyncio.run(_phase(args, url, kill))
            all_ok = _print(result) and all_ok
    print("\nall targets met" if all_ok else "\nsome targets missed")
    return 0 if all_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
