"""Video-check jobs: state in the database, files on disk.

A job's row (:class:`thrustcoach.log.models.AnalysisJob`, through
:mod:`thrustcoach.log.jobqueue`) holds owner, state, progress, message, error and warnings,
so every server process sees the same queue and a restart loses nothing. Its folder
``<data_dir>/jobs/<32 hex>/`` holds the upload and the outputs (``result.json``,
``curves.json``, ``annotated.mp4``). Job ids are random, checked against a strict pattern
before any path is built from them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from thrustcoach.errors import NotFoundError
from thrustcoach.log import jobqueue
from thrustcoach.log.models import AnalysisJob, VideoAnalysis
from thrustcoach.pose.estimators import EstimatorSpec

__all__ = ["OUTPUT_FILES", "Job", "JobStore", "valid_job_id"]

logger = logging.getLogger(__name__)

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
OUTPUT_FILES = {"result.json", "curves.json", "annotated.mp4", "annotated.vtt"}


def valid_job_id(job_id: str) -> bool:
    return bool(_JOB_ID.match(job_id))


@dataclass
class Job:
    """What pages and the API show of a job (a plain copy of its row)."""

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
    warnings: list[str] = field(default_factory=list)
    attempts: int = 0
    created_at: str = ""
    started_at: str | None = None
    finished_at: str | None = None
    set_id: int | None = None
    analysis_id: int | None = None
    pose_frames: int | None = None  # frames through the pose model
    pose_s: float | None = None  # seconds the pose model took

    @classmethod
    def from_row(cls, row: AnalysisJob) -> Job:
        def iso(value: dt.datetime | None) -> str | None:
            return value.replace(tzinfo=dt.UTC).isoformat() if value is not None else None

        return cls(
            id=row.id,
            athlete_id=row.athlete_id,
            user_id=row.user_id,
            display_name=row.display_name,
            kind=row.kind,
            input_name=row.input_name,
            state=row.state,
            progress=row.progress,
            message=row.message,
            error=row.error,
            hint=row.hint,
            warnings=list(json.loads(row.warnings_json or "[]")),
            attempts=row.attempts,
            created_at=iso(row.created_at) or "",
            started_at=iso(row.started_at),
            finished_at=iso(row.finished_at),
            set_id=row.set_id,
            analysis_id=row.analysis_id,
            pose_frames=row.frames,
            pose_s=row.pose_s,
        )

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "athlete_id": self.athlete_id,
            "display_name": self.display_name,
            "kind": self.kind,
            "state": self.state,
            "progress": self.progress,
            "message": self.message,
            "error": self.error,
            "hint": self.hint,
            "warnings": self.warnings,
            "attempts": self.attempts,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "set_id": self.set_id,
            "analysis_id": self.analysis_id,
            "pose_frames": self.pose_frames,
            "pose_s": self.pose_s,
        }


class JobStore:
    """Job folders under ``root`` and job rows in the request's database session."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # None = the default estimator (MediaPipe); tests put a fake estimator's spec here.
        self.pose_spec: EstimatorSpec | None = None

    def folder(self, job_id: str) -> Path:
        if not valid_job_id(job_id):
            raise NotFoundError(f"analysis {job_id[:40]!r} not found")
        return self.root / job_id

    def new_dir(self) -> tuple[str, Path]:
        job_id = uuid.uuid4().hex
        path = self.root / job_id
        path.mkdir(parents=True, exist_ok=False)
        return job_id, path

    def remove_dir(self, job_id: str) -> None:
        shutil.rmtree(self.folder(job_id), ignore_errors=True)

    def create(
        self,
        db: Session,
        *,
        job_id: str,
        athlete_id: int,
        user_id: int,
        display_name: str,
        kind: str,
        input_name: str,
        options: dict[str, Any],
    ) -> Job:
        row = jobqueue.create_job(
            db,
            job_id=job_id,
            athlete_id=athlete_id,
            user_id=user_id,
            display_name=display_name,
            kind=kind,
            input_name=input_name,
            options=options,
        )
        return Job.from_row(row)

    def load(self, db: Session, job_id: str) -> Job:
        row = jobqueue.get_job(db, job_id=job_id) if valid_job_id(job_id) else None
        if row is None:
            raise NotFoundError(f"analysis {job_id[:40]} not found")
        return Job.from_row(row)

    def list_for(
        self, db: Session, athlete_ids: list[int], *, limit: int = 20, offset: int = 0
    ) -> tuple[list[Job], int]:
        rows, total = jobqueue.list_jobs(db, athlete_ids=athlete_ids, limit=limit, offset=offset)
        return [Job.from_row(r) for r in rows], total

    def file(self, job_id: str, name: str) -> Path:
        if name not in OUTPUT_FILES:
            raise NotFoundError(f"no file {name[:40]!r} in this analysis")
        path = self.folder(job_id) / name
        if not path.is_file():
            raise NotFoundError(f"{name} is not available for this analysis")
        return path

    def has_file(self, job_id: str, name: str) -> bool:
        return name in OUTPUT_FILES and (self.folder(job_id) / name).is_file()

    def read_json(self, job_id: str, name: str) -> Any:
        return json.loads(self.file(job_id, name).read_text(encoding="utf-8"))

    def delete(self, db: Session, job_id: str) -> None:
        """Remove a finished or failed job: its row, then its files (the upload included)."""
        jobqueue.delete_job(db, job_id=job_id)
        db.flush()
        self.remove_dir(job_id)

    def import_legacy(self, db: Session) -> int:
        """Folders of the file-based job store (``status.json``) become rows, once."""
        if not self.root.is_dir():
            return 0
        count = 0
        for status in self.root.glob("*/status.json"):
            job_id = status.parent.name
            if not valid_job_id(job_id) or jobqueue.get_job(db, job_id=job_id) is not None:
                continue
            try:
                old = json.loads(status.read_text(encoding="utf-8"))
                row = jobqueue.create_job(
                    db,
                    job_id=job_id,
                    athlete_id=int(old["athlete_id"]),
                    user_id=int(old["user_id"]),
                    display_name=str(old["display_name"]),
                    kind=str(old["kind"]),
                    input_name=str(old["input_name"]),
                    options={},
                )
            except (OSError, ValueError, KeyError, TypeError) as exc:
                logger.warning("old job folder %s not imported: %s", job_id, exc)
                continue
            if old.get("state") == "done":
                row.state, row.progress, row.message = "done", 1.0, "done"
            else:
                row.state, row.message = "failed", "failed"
                row.error = old.get("error") or "the server stopped while this analysis ran"
                row.hint = old.get("hint") or "press Retry to run it again"
            if old.get("analysis_id") and db.get(VideoAnalysis, old["analysis_id"]) is not None:
                row.set_id, row.analysis_id = old.get("set_id"), old["analysis_id"]
            with contextlib.suppress(KeyError, TypeError, ValueError):
                created = dt.datetime.fromisoformat(old["created_at"])
                row.created_at = created.astimezone(dt.UTC).replace(tzinfo=None)
            with contextlib.suppress(OSError):
                status.rename(status.with_name("status.json.imported"))
            count += 1
        return count
