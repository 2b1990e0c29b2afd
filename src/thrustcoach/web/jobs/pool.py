"""Where jobs run: a pool of warm local processes, or Ray actors (see :mod:`.ray_pool`).

A pool has a fixed number of *slots*; the dispatcher hands one :class:`JobTask` to one idle
slot and reads :class:`PoolEvent` s back (progress, a finished job, a slot that died). Each
local slot is one long-lived process holding a :class:`WarmWorker`, so a job never pays for a
process start or a model load. One crashed or stuck job costs only its own slot: the process
is replaced and the other jobs go on.

Worker processes run in the background CPU class (Linux ``SCHED_IDLE``, else ``nice``), so
pages stay quick while clips are analysed, and they exit when the server process that owns them dies
(Linux parent-death signal, and a check of the parent between jobs).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Protocol

from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.web.jobs.worker import JobOutcome, JobTask, WarmWorker

__all__ = ["LocalPool", "Pool", "PoolEvent", "run_in_background"]

logger = logging.getLogger(__name__)

WORKER_NICE = 10  # where SCHED_IDLE is missing: below the web server
_PROGRESS_MIN_STEP = 0.01
_PROGRESS_MIN_INTERVAL_S = 0.25


@dataclass(frozen=True)
class PoolEvent:
    """``kind``: ready | progress | done | died."""

    kind: str
    slot: int
    job_id: str | None = None
    progress: float = 0.0
    message: str = ""
    outcome: JobOutcome | None = None


class Pool(Protocol):
    backend: str
    slots: int

    def start(self) -> None: ...

    def submit(self, slot: int, task: JobTask) -> None: ...

    def events(self, timeout_s: float) -> list[PoolEvent]: ...

    def restart_slot(self, slot: int) -> None:
        """Kill the slot's worker (a job over its time limit) and start a fresh one."""
        ...

    def close(self) -> None: ...


class _EventPipe:
    """A worker's own channel back to the server.

    One pipe per worker process, never a shared ``multiprocessing.Queue``: a queue has one
    write lock for all its writers, and a worker killed while it holds it (a job stopped at
    its time limit in the middle of a progress message) leaves it held for good. Every later
    worker's events then block, and the retried job runs into its limit. A killed worker
    breaks only its own pipe here; its replacement gets a new one.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    def put(self, event: PoolEvent) -> None:
        with self._lock:
            self._conn.send(event)


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no orphaned workers)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _quiet_stderr() -> None:
    # MediaPipe's native logs go straight to fd 2; results and errors travel by pipe.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = Path(os.devnull).open("w")  # noqa: SIM115 - lives as long as the worker


def run_in_background(nice: int = WORKER_NICE) -> None:
    """Put this process (and the threads it starts from now on) below every web request.

    ``nice`` alone is not enough: at nice 10 a pose worker still holds about a tenth of a core
    a web process wants, and a woken request often waits for the worker's time slice. In
    ``benchmarks/load.py`` (50 users, 4 videos) that doubled page latencies. ``SCHED_IDLE``
    tasks run only on CPU time nobody else wants, so a request takes the core at once; videos
    still finish, a little later (about 6 % in that benchmark), on the CPU the web leaves free.
    """
    with contextlib.suppress(OSError):  # absolute, not os.nice's increment: callable again
        if os.getpriority(os.PRIO_PROCESS, 0) < nice:
            os.setpriority(os.PRIO_PROCESS, 0, nice)
    if hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def _worker_main(
    slot: int,
    tasks: Connection,
    event_conn: Connection,
    warm_spec: EstimatorSpec | None,
    nice: int,
) -> None:
    _die_with_parent()
    events = _EventPipe(event_conn)
    parent_pid = os.getppid()  # the server, or the forkserver that dies with it
    _quiet_stderr()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the server's to handle
    run_in_background(nice)
    worker = WarmWorker()
    if warm_spec is not None:  # (None: build the model at the first video instead)
        worker.warm(warm_spec)
    events.put(PoolEvent("ready", slot))
    while True:
        if not tasks.poll(1.0):
            if os.getppid() != parent_pid:
                return  # the server is gone
            continue
        try:
            task: JobTask | None = tasks.recv()
        except EOFError:
            return
        if task is None:
            worker.close()
            return
        outcome = worker.run(task, _Throttled(events, slot, task.job_id))
        events.put(PoolEvent("done", slot, task.job_id, outcome=outcome))


class _Throttled:
    """Progress of one job, sent at most every 1 % or 0.25 s."""

    def __init__(self, events: _EventPipe, slot: int, job_id: str) -> None:
        self.events, self.slot, self.job_id = events, slot, job_id
        self.value, self.when = 0.0, 0.0

    def __call__(self, value: float, message: str) -> None:
        now = time.monotonic()
        if value - self.value < _PROGRESS_MIN_STEP and now - self.when < _PROGRESS_MIN_INTERVAL_S:
            return
        self.value, self.when = value, now
        self.events.put(PoolEvent("progress", self.slot, self.job_id, value, message))


def _mp_context() -> Any:
    # The server has threads: fork could copy a lock another thread holds. A forkserver
    # forks each worker from a clean process with thrustcoach already imported.
    methods = mp.get_all_start_methods()
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["thrustcoach.web.jobs.pool", "thrustcoach.web.pipeline"])
        return ctx
    return mp.get_context("spawn")


class LocalPool:
    """``slots`` warm processes on this machine."""

    backend = "local"

    def __init__(
        self, slots: int, *, warm_spec: EstimatorSpec | None = None, nice: int = WORKER_NICE
    ) -> None:
        self.slots = max(1, slots)
        self._warm_spec = warm_spec
        self._nice = nice
        self._ctx = _mp_context()
        self._procs: list[Any] = [None] * self.slots
        self._conns: list[Connection | None] = [None] * self.slots
        self._event_conns: list[Connection | None] = [None] * self.slots
        self._jobs: list[str | None] = [None] * self.slots

    def _spawn(self, slot: int) -> None:
        self._close_events(slot)
        task_recv, task_send = self._ctx.Pipe(duplex=False)
        event_recv, event_send = self._ctx.Pipe(duplex=False)
        proc = self._ctx.Process(
            target=_worker_main,
            args=(slot, task_recv, event_send, self._warm_spec, self._nice),
            name=f"thrustcoach-job-{slot}",
            daemon=True,
        )
        proc.start()
        task_recv.close()
        event_send.close()
        self._procs[slot], self._conns[slot], self._jobs[slot] = proc, task_send, None
        self._event_conns[slot] = event_recv

    def _close_events(self, slot: int) -> None:
        conn = self._event_conns[slot]
        if conn is not None:
            conn.close()
            self._event_conns[slot] = None

    def start(self) -> None:
        for slot in range(self.slots):
            self._spawn(slot)

    def submit(self, slot: int, task: JobTask) -> None:
        conn = self._conns[slot]
        assert conn is not None
        self._jobs[slot] = task.job_id
        conn.send(task)

    def events(self, timeout_s: float) -> list[PoolEvent]:
        out: list[PoolEvent] = []
        open_conns = [c for c in self._event_conns if c is not None]
        if not open_conns:  # every worker is being replaced: the liveness check below does it
            time.sleep(timeout_s)
        for conn in wait(open_conns, timeout=timeout_s) if open_conns else []:
            assert isinstance(conn, Connection)
            try:
                while conn.poll():
                    out.append(conn.recv())
            except (EOFError, OSError):  # its worker is gone: the liveness check below says so
                slot = self._event_conns.index(conn)
                self._close_events(slot)
        for event in out:
            if event.kind == "done":
                self._jobs[event.slot] = None
        for slot, proc in enumerate(self._procs):
            if proc is not None and not proc.is_alive():
                logger.warning("job worker %d exited with code %s", slot, proc.exitcode)
                out.append(PoolEvent("died", slot, self._jobs[slot]))
                self._spawn(slot)
        return out

    def restart_slot(self, slot: int) -> None:
        proc = self._procs[slot]
        if proc is not None and proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
        self._spawn(slot)

    def close(self) -> None:
        for conn in self._conns:
            with contextlib.suppress(OSError, ValueError):
                if conn is not None:
                    conn.send(None)
        deadline = time.monotonic() + 3
        for proc in self._procs:
            if proc is not None:
                proc.join(timeout=max(0.0, deadline - time.monotonic()))
                if proc.is_alive():
                    proc.kill()
                    proc.join(timeout=2)
        for conn in self._conns:
            if conn is not None:
                conn.close()
        for slot in range(self.slots):
            self._close_events(slot)
