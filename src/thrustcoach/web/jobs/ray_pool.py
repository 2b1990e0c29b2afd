"""Jobs on a Ray cluster: one actor per slot, each holding a warm pose estimator.

Chosen when ``ray_address`` (``THRUSTCOACH_RAY_ADDRESS``) is set: ``"local"`` starts a private
Ray instance on this machine, ``"auto"`` or ``"HOST:PORT"`` joins a running cluster. The
actors may run on other machines, which need not see this server's disk or database: the
upload travels to the actor through Ray's object store and the output files come back the
same way; progress is read from the actor while it works (a threaded actor answers
``progress()`` during ``run()``).
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from thrustcoach.errors import DependencyMissingError
from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.web.jobs.pool import PoolEvent, run_in_background
from thrustcoach.web.jobs.worker import JobOutcome, JobTask, WarmWorker

__all__ = ["RayPool"]

logger = logging.getLogger(__name__)

OUTPUT_NAMES = ("result.json", "curves.json", "annotated.mp4", "annotated.vtt")
_PROGRESS_POLL_S = 0.5


class PoseActor:
    """Lives in a Ray worker process: a warm worker and the progress of its current job."""

    def __init__(self, warm_spec: EstimatorSpec | None) -> None:
        # Below the web server when the actor shares its machine (``ray_address = "local"``);
        # the model's threads, started by warm(), inherit it.
        run_in_background()
        self._worker = WarmWorker()
        if warm_spec is not None:
            self._worker.warm(warm_spec)
        self._lock = threading.Lock()
        self._progress: tuple[str | None, float, str] = (None, 0.0, "")

    def ready(self) -> bool:
        return True

    def progress(self) -> tuple[str | None, float, str]:
        with self._lock:
            return self._progress

    def run(self, task: JobTask, data: bytes) -> tuple[JobOutcome, dict[str, bytes]]:
        run_in_background()  # the scheduling class is per thread; Ray picks the thread
        with tempfile.TemporaryDirectory(prefix="thrustcoach-job-") as tmp:
            folder = Path(tmp)
            source = folder / Path(task.input_path).name
            source.write_bytes(data)
            local = replace(task, input_path=str(source), out_dir=str(folder))

            def progress(value: float, message: str) -> None:
                with self._lock:
                    self._progress = (task.job_id, value, message)

            outcome = self._worker.run(local, progress)
            files = {n: (folder / n).read_bytes() for n in OUTPUT_NAMES if (folder / n).is_file()}
        with self._lock:
            self._progress = (None, 0.0, "")
        return outcome, files


class RayPool:
    backend = "ray"

    def __init__(
        self, address: str, *, slots: int | None = None, warm_spec: EstimatorSpec | None = None
    ) -> None:
        try:
            import ray
        except ImportError:
            raise DependencyMissingError(
                "THRUSTCOACH_RAY_ADDRESS is set but Ray is not installed",
                hint="pip install 'thrustcoach[ray]' or unset THRUSTCOACH_RAY_ADDRESS",
            ) from None
        self._ray = ray
        self._address = address
        self._wanted_slots = slots
        self._warm_spec = warm_spec
        self.slots = slots or 1
        self._actors: list[Any] = []
        self._running: dict[Any, tuple[int, JobTask]] = {}  # ref -> (slot, task)
        self._by_slot: dict[int, Any] = {}
        self._last_progress: dict[int, tuple[float, str]] = {}
        self._started_ray = False

    def start(self) -> None:
        ray = self._ray
        if not ray.is_initialized():
            ray.init(
                address=None if self._address == "local" else self._address,
                log_to_driver=False,
                include_dashboard=False,
            )
            self._started_ray = True
        if self._wanted_slots is None:
            self.slots = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._actor_cls = ray.remote(num_cpus=1, max_concurrency=2)(PoseActor)
        self._actors = [self._new_actor() for _ in range(self.slots)]

    def _new_actor(self) -> Any:
        return self._actor_cls.remote(self._warm_spec)

    def submit(self, slot: int, task: JobTask) -> None:
        data = Path(task.input_path).read_bytes()
        ref = self._actors[slot].run.remote(task, data)
        self._running[ref] = (slot, task)
        self._by_slot[slot] = ref

    def events(self, timeout_s: float) -> list[PoolEvent]:
        ray = self._ray
        out: list[PoolEvent] = []
        if not self._running:
            import time

            time.sleep(timeout_s)
            return out
        ready, _ = ray.wait(
            list(self._running), num_returns=1, timeout=min(timeout_s, _PROGRESS_POLL_S)
        )
        for ref in ready:
            slot, task = self._running.pop(ref)
            self._by_slot.pop(slot, None)
            try:
                outcome, files = ray.get(ref)
            except Exception as exc:  # noqa: BLE001 - the actor or its node died
                logger.warning("Ray job %s lost its actor: %s", task.job_id, exc)
                out.append(PoolEvent("died", slot, task.job_id))
                self._actors[slot] = self._new_actor()
                continue
            folder = Path(task.out_dir)
            for name, blob in files.items():
                (folder / name).write_bytes(blob)
            out.append(PoolEvent("done", slot, task.job_id, outcome=outcome))
        for slot, ref in list(self._by_slot.items()):
            with contextlib.suppress(Exception):  # progress is best effort
                job_id, value, message = ray.get(self._actors[slot].progress.remote(), timeout=2)
                if job_id is not None and self._last_progress.get(slot) != (value, message):
                    self._last_progress[slot] = (value, message)
                    out.append(PoolEvent("progress", slot, job_id, value, message))
            del ref
        return out

    def restart_slot(self, slot: int) -> None:
        ref = self._by_slot.pop(slot, None)
        if ref is not None:
            self._running.pop(ref, None)
        with contextlib.suppress(Exception):
            self._ray.kill(self._actors[slot])
        self._actors[slot] = self._new_actor()

    def close(self) -> None:
        for actor in self._actors:
            with contextlib.suppress(Exception):
                self._ray.kill(actor)
        self._actors = []
        if self._started_ray:
            self._ray.shutdown()
