"""Video-check jobs: state on disk (survives reloads and restarts), work on a thread pool.

Each job is a folder ``<data_dir>/jobs/<32 hex>/`` holding ``status.json`` (owner, state,
progress 0..1, message), the upload, and the outputs (``result.json``, ``curves.json``,
``annotated.mp4`` when the video pipeline can draw it). Job ids are random, checked against
a strict pattern before any path is built from them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from thrustcoach.errors import NotFoundError, ThrustCoachError
from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.web.pipeline import run_analysis

__all__ = ["Job", "JobStore"]

logger = logging.getLogger(__name__)

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
OUTPUT_FILES = {"result.json", "curves.json", "annotated.mp4", "annotated.vtt"}


@dataclass
class Job:
    id: str
    athlete_id: int
    user_id: int
    display_name: str
    kind: str  # video | landmarks
    input_name: str
    state: str = "queued"  # queued | running | done | failed
    progress: float = 0.0
    message: str = "waiting to start"
    error: str | None = None
    hint: str | None = None
    created_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    set_id: int | None = None
    analysis_id: int | None = None

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("input_name")
        data.pop("user_id")
        return data


class JobStore:
    def __init__(self, root: Path, *, executor: Executor) -> None:
        self.root = root
        self.executor = executor
        # None = the default estimator (MediaPipe); tests put a fake estimator's spec here.
        self.pose_spec: EstimatorSpec | None = None

    def _dir(self, job_id: str) -> Path:
        if not _JOB_ID.match(job_id):
            raise NotFoundError(f"analysis {job_id[:40]!r} not found")
        return self.root / job_id

    def new_dir(self) -> tuple[str, Path]:
        job_id = uuid.uuid4().hex
        path = self.root / job_id
        path.mkdir(parents=True, exist_ok=False)
        return job_id, path

    def save(self, job: Job) -> None:
        path = self._dir(job.id) / "status.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(job)), encoding="utf-8")
        tmp.replace(path)  # atomic: a reader never sees half a file

    def load(self, job_id: str) -> Job:
        path = self._dir(job_id) / "status.json"
        try:
            return Job(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            raise NotFoundError(f"analysis {job_id} not found") from exc

    def list_for(self, athlete_ids: list[int]) -> list[Job]:
        jobs = []
        if self.root.is_dir():
            for child in self.root.iterdir():
                if _JOB_ID.match(child.name) and (child / "status.json").is_file():
                    try:
                        job = self.load(child.name)
                    except NotFoundError:
                        continue
                    if job.athlete_id in athlete_ids:
                        jobs.append(job)
        return sorted(jobs, key=lambda j: j.created_at, reverse=True)

    def file(self, job_id: str, name: str) -> Path:
        if name not in OUTPUT_FILES:
            raise NotFoundError(f"no file {name[:40]!r} in this analysis")
        path = self._dir(job_id) / name
        if not path.is_file():
            raise NotFoundError(f"{name} is not available for this analysis")
        return path

    def read_json(self, job_id: str, name: str) -> Any:
        return json.loads(self.file(job_id, name).read_text(encoding="utf-8"))

    def delete(self, job_id: str) -> None:
        """Remove a finished or failed job and its files (the upload included)."""
        folder = self._dir(job_id)
        for child in folder.iterdir():
            child.unlink(missing_ok=True)
        folder.rmdir()

    def submit(self, job: Job, *, options: dict[str, Any]) -> None:
        self.save(job)
        self.executor.submit(self._run, job.id, options)

    def mark_interrupted(self) -> None:
        """Jobs left running by a stopped server are failed, not stuck at 40 % forever."""
        if not self.root.is_dir():
            return
        for child in self.root.iterdir():
            if not _JOB_ID.match(child.name):
                continue
            try:
                job = self.load(child.name)
            except NotFoundError:
                continue
            if job.state in ("queued", "running"):
                job.state, job.error = "failed", "the server stopped while this analysis ran"
                job.hint = "upload the clip again"
                self.save(job)

    def _run(self, job_id: str, options: dict[str, Any]) -> None:
        job = self.load(job_id)
        folder = self._dir(job_id)

        def progress(fraction: float, message: str) -> None:
            value = round(min(max(fraction, 0.0), 1.0), 3)
            # Save at most every 1 %: the page polls once a second, the disk need not hear more.
            if job.state == "running" and value - job.progress < 0.01:
                return
            job.state, job.progress, job.message = "running", value, message
            self.save(job)

        try:
            progress(0.02, "starting")
            run_analysis(
                folder / job.input_name,
                kind=job.kind,
                out_dir=folder,
                display_name=job.display_name,
                options=options,
                progress=progress,
                pose_spec=self.pose_spec,
            )
        except ThrustCoachError as exc:
            job.state, job.error, job.hint = "failed", exc.message, exc.hint
        except Exception as exc:  # a job must end in a state the page can show
            logger.exception("analysis job %s failed", job_id)
            job.state, job.error = "failed", f"internal error ({type(exc).__name__})"
            job.hint = "try again; if it keeps failing, report it"
        else:
            job.state, job.progress, job.message = "done", 1.0, "done"
        self.save(job)
