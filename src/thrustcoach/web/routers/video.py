"""Video check: streamed upload, background analysis with progress, report, attach to a set."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.config import Settings
from thrustcoach.errors import (
    ConflictError,
    InputFileError,
    NotFoundError,
    PermissionDeniedError,
    ThrustCoachError,
    UsageError,
)
from thrustcoach.kb import load_knowledge_base
from thrustcoach.log import jobqueue, repo
from thrustcoach.log.analyses import attach_analysis
from thrustcoach.log.models import MAX_ROW_ID, User
from thrustcoach.pose.video import probe_video
from thrustcoach.web import report_view
from thrustcoach.web.access import own_athlete, visible_athlete_ids
from thrustcoach.web.db import commit
from thrustcoach.web.deps import ApiUser, CsrfProtect, Db, PageUser
from thrustcoach.web.jobs import Job, JobStore, JobWorkers
from thrustcoach.web.multipart import MultipartUpload
from thrustcoach.web.plans import planned_session_for, stored_plan
from thrustcoach.web.schemas import Page, Paging, paging
from thrustcoach.web.security import CSRF_FIELD, verify_csrf_value
from thrustcoach.web.templating import flash, render
from thrustcoach.web.uploads import store_upload

__all__ = ["api_router", "router"]

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["analyses"])


class AttachIn(BaseModel):
    set_id: int = Field(ge=1, le=MAX_ROW_ID)


class TooManyJobsError(ThrustCoachError):
    http_status = 429
    title = "Too many analyses at once"


class ClipTooLongError(ThrustCoachError):
    http_status = 422
    title = "Clip too long"


def _store(request: Request) -> JobStore:
    store: JobStore = request.app.state.jobs
    return store


def _workers(request: Request) -> JobWorkers:
    workers: JobWorkers = request.app.state.job_workers
    return workers


def _visible_job(request: Request, db: Session, user: User, job_id: str) -> Job:
    job = _store(request).load(db, job_id)
    if job.athlete_id not in visible_athlete_ids(db, user):
        raise NotFoundError(f"analysis {job_id} not found")
    return job


def _job_json(store: JobStore, job: Job) -> dict[str, Any]:
    data = job.public()
    data["result"] = store.read_json(job.id, "result.json") if job.state == "done" else None
    data["report_url"] = f"/video/{job.id}"
    return data


async def _start_job(
    request: Request,
    db: Session,
    user: User,
    *,
    filename: str | None,
    options: dict[str, Any],
    csrf_from_form: bool = False,
) -> Job:
    """Stream the upload (raw body or multipart) to a new job folder and queue the analysis."""
    athlete = own_athlete(db, user)
    settings: Settings = request.app.state.settings
    store = _store(request)
    cap = settings.max_active_jobs_per_user
    if jobqueue.count_active_jobs(db, user_id=user.id) >= cap:
        raise TooManyJobsError(
            f"you already have {cap} analyses waiting or running",
            hint="wait for one to finish, then upload the next clip",
        )
    # End the transaction before the upload streams in: a clip can take seconds to arrive
    # and must not hold the database (SQLite's write lock) meanwhile.
    await run_in_threadpool(db.commit)
    content_type = request.headers.get("content-type", "")
    length = request.headers.get("content-length")
    chunks: AsyncIterator[bytes] = request.stream()
    if content_type.startswith("multipart/form-data"):
        form = MultipartUpload(chunks, content_type=content_type)
        await form.read_until_file()
        if csrf_from_form:
            verify_csrf_value(request, form.fields.get(CSRF_FIELD))
        options = {**_tempo(form.fields), **options}
        filename = filename or form.filename
        chunks = form.file_chunks()
    elif csrf_from_form:
        raise UsageError("send the form as multipart/form-data")
    if not filename:
        raise UsageError("the upload has no file name", hint="add ?filename=clip.mp4 to the URL")
    job_id, folder = store.new_dir()
    try:
        stored = await store_upload(
            chunks,
            dest_dir=folder,
            filename=filename,
            content_length=int(length)
            if length and length.isascii() and length.isdigit() and len(length) < 19
            else None,
            max_bytes=settings.max_upload_mb * 1024 * 1024,
        )
        if stored.kind == "video":
            await run_in_threadpool(_check_duration, stored.path, settings.max_video_s)
        job = await run_in_threadpool(
            _create_job,
            db,
            store,
            job_id=job_id,
            athlete_id=athlete.id,
            user_id=user.id,
            display_name=stored.display_name,
            kind=stored.kind,
            input_name=stored.path.name,
            options={k: v for k, v in options.items() if v},
        )
    except BaseException:
        store.remove_dir(job_id)
        raise
    _workers(request).wake()
    return job


def _create_job(db: Session, store: JobStore, **fields: Any) -> Job:
    """The job's row, committed: visible to the job runner (maybe in another process)."""
    job = store.create(db, **fields)
    commit(db)
    return job


def _check_duration(path: Path, max_s: float) -> None:
    """Refuse a clip longer than a job may analyse now, not after it waited in the queue.
    (A file that cannot be read is the job's to report, with the reason.)"""
    try:
        info = probe_video(path)
    except ThrustCoachError:
        return
    if info.duration_s > max_s:
        raise ClipTooLongError(
            f"the clip lasts {info.duration_s:.0f} s; a video check takes at most {max_s:.0f} s",
            hint="trim the clip to the set and upload it again",
        )


def _tempo(fields: dict[str, str]) -> dict[str, float]:
    """Prescribed pause/lowering from form fields (empty = the analysis' defaults)."""
    out: dict[str, float] = {}
    for key in ("pause_s", "lowering_s"):
        text = fields.get(key, "").strip().replace(",", ".")
        if text:
            try:
                value = float(text)
            except ValueError:
                raise UsageError(f"{key} must be seconds, got {text!r}") from None
            if not 0 <= value <= 30:
                raise UsageError(f"{key} must be between 0 and 30 s")
            out[key] = value
    return out


@api_router.post(
    "/analyses",
    status_code=202,
    summary="Upload a clip and start its analysis",
    description=(
        "Either the file as the raw request body (curl --data-binary @clip.mp4 "
        "'.../api/v1/analyses?filename=clip.mp4') or multipart/form-data (curl -F "
        "clip=@clip.mp4 .../api/v1/analyses); streamed to disk either way. MP4, MOV, WebM, MKV "
        "or AVI videos, or landmark CSV/TRC files. 413 above the size limit, 415 for other "
        "types. Poll GET /api/v1/analyses/{id} for progress."
    ),
)
async def upload(
    request: Request,
    db: Db,
    user: ApiUser,
    filename: Annotated[
        str | None, Query(max_length=255, description="the clip's file name")
    ] = None,
    pause_s: Annotated[float | None, Query(ge=0, le=30)] = None,
    lowering_s: Annotated[float | None, Query(ge=0, le=30)] = None,
) -> JSONResponse:
    options = {k: v for k, v in {"pause_s": pause_s, "lowering_s": lowering_s}.items() if v}
    job = await _start_job(request, db, user, filename=filename, options=options)
    return JSONResponse(
        _job_json(_store(request), job),
        status_code=202,
        headers={"location": f"/api/v1/analyses/{job.id}"},
    )


@api_router.get("/analyses", summary="Your analyses (and your athletes'), newest first")
def list_jobs(
    request: Request, db: Db, user: ApiUser, page: Annotated[Paging, Depends(paging)]
) -> Page[dict[str, Any]]:
    jobs, total = _store(request).list_for(
        db, visible_athlete_ids(db, user), limit=page.limit, offset=page.offset
    )
    return Page(items=[j.public() for j in jobs], total=total, limit=page.limit, offset=page.offset)


@api_router.get("/analyses/{job_id}", summary="State, progress and (when done) the result")
def get_job(request: Request, db: Db, user: ApiUser, job_id: str) -> dict[str, Any]:
    job = _visible_job(request, db, user, job_id)
    return _job_json(_store(request), job)


@api_router.get(
    "/analyses/{job_id}/files/{name}",
    summary="result.json, curves.json, annotated.mp4, annotated.vtt (its captions)",
)
def get_file(request: Request, db: Db, user: ApiUser, job_id: str, name: str) -> FileResponse:
    job = _visible_job(request, db, user, job_id)
    path = _store(request).file(job.id, name)
    media = {".mp4": "video/mp4", ".vtt": "text/vtt"}.get(path.suffix, "application/json")
    return FileResponse(path, media_type=media)


def _attach(request: Request, db: Session, user: User, job_id: str, set_id: int) -> Job:
    store = _store(request)
    job = _visible_job(request, db, user, job_id)
    athlete = own_athlete(db, user)
    if job.athlete_id != athlete.id or job.state != "done":
        raise NotFoundError(f"no finished analysis {job_id} of yours to attach")
    row = attach_analysis(
        db,
        set_id=set_id,
        document=store.read_json(job.id, "result.json"),
        source_name=job.display_name,
        athlete_id=athlete.id,
    )
    jobqueue.set_job_attachment(db, job_id=job.id, set_id=set_id, analysis_id=row.id)
    commit(db)
    job.set_id, job.analysis_id = set_id, row.id
    return job


@api_router.post("/analyses/{job_id}/attach", summary="Attach a finished analysis to a set")
def attach_api(
    request: Request, db: Db, user: ApiUser, job_id: str, body: AttachIn
) -> dict[str, Any]:
    return _attach(request, db, user, job_id, body.set_id).public()


def _delete(request: Request, db: Session, user: User, job_id: str) -> None:
    job = _visible_job(request, db, user, job_id)
    if job.athlete_id != user.athlete_id:
        raise PermissionDeniedError("only the athlete who uploaded a clip can delete it")
    if job.state in ("queued", "running"):
        raise ConflictError("the analysis is still running", hint="delete it when it has finished")
    _store(request).delete(db, job.id)
    commit(db)


def _retry(request: Request, db: Session, user: User, job_id: str) -> Job:
    job = _visible_job(request, db, user, job_id)
    if job.athlete_id != user.athlete_id:
        raise PermissionDeniedError("only the athlete who uploaded a clip can run it again")
    if job.state != "failed":
        raise ConflictError(f"the analysis is {job.state}, not failed", hint="nothing to retry")
    if not (_store(request).folder(job.id) / job.input_name).is_file():
        raise NotFoundError("the uploaded clip is gone", hint="upload it again")
    jobqueue.retry_job(db, job_id=job.id)
    commit(db)
    _workers(request).wake()
    return _store(request).load(db, job.id)


@api_router.post("/analyses/{job_id}/retry", status_code=202, summary="Run a failed analysis again")
def retry_api(request: Request, db: Db, user: ApiUser, job_id: str) -> dict[str, Any]:
    return _retry(request, db, user, job_id).public()


@api_router.delete("/analyses/{job_id}", status_code=204, summary="Delete an analysis and its clip")
def delete_api(request: Request, db: Db, user: ApiUser, job_id: str) -> Response:
    _delete(request, db, user, job_id)
    return Response(status_code=204)


# -- pages ----------------------------------------------------------------------------------


@router.get("/video")
def video_page(request: Request, db: Db, user: PageUser) -> Response:
    jobs, _ = _store(request).list_for(db, visible_athlete_ids(db, user), limit=20)
    settings: Settings = request.app.state.settings
    ctx: dict[str, Any] = {
        "jobs": jobs,
        "max_mb": settings.max_upload_mb,
        "can_upload": user.athlete_id is not None,
        "tempo": None,
    }
    # Judge the clip against the tempo planned for today (or the next session), if any.
    row = repo.latest_plan(db, athlete_id=user.athlete_id) if user.athlete_id else None
    if row is not None:
        sess, _ = planned_session_for(stored_plan(row), on=dt.date.today())
        if sess is not None:
            ctx["tempo"] = {"pause_s": sess.sets[0].pause_s, "lowering_s": sess.sets[0].lowering_s}
    return render(request, "video.html", ctx)


@router.post("/video/upload")
async def upload_page(request: Request, db: Db, user: PageUser) -> Response:
    """The upload form without JavaScript (multipart; CSRF token as the first field)."""
    job = await _start_job(request, db, user, filename=None, options={}, csrf_from_form=True)
    return RedirectResponse(f"/video/{job.id}", status_code=303)


def _report(
    request: Request,
    db: Session,
    user: User,
    job: Job,
    *,
    compare: str | None = None,
) -> Response:
    store = _store(request)
    ctx: dict[str, Any] = {"job": job, "result": None, "sets": []}
    if job.state == "done":
        result = store.read_json(job.id, "result.json")
        reps = [r for s in result["sets"] for r in s["reps"]]
        ctx.update(
            result=result,
            reps=reps,
            faults=report_view.rank_faults(result, load_knowledge_base()),
            refs=report_view.references(result),
            metrics=report_view.METRICS,
            in_range=report_view.in_range,
            timeline=report_view.timeline(result),
            sides=report_view.side_comparison(result),
            has_video=store.has_file(job.id, "annotated.mp4"),
            has_curves=store.has_file(job.id, "curves.json"),
            has_captions=store.has_file(job.id, "annotated.vtt"),
            earlier=[
                j
                for j in store.list_for(db, [job.athlete_id], limit=40)[0]
                if j.state == "done" and j.id != job.id
            ][:20],
        )
        if compare:
            other = _visible_job(request, db, user, compare)
            if other.state == "done" and other.athlete_id == job.athlete_id:
                ctx["compared"] = other
                ctx["comparison"] = report_view.compare_checks(
                    result, store.read_json(other.id, "result.json")
                )
        if user.athlete_id == job.athlete_id:
            sides = {r["side"] for r in reps}
            sets = list(reversed(repo.list_sets(db, athlete_id=job.athlete_id)))[:30]
            ctx["sets"] = sets
            ctx["matching_sets"] = [x for x in sets if x.side in sides]
            ctx["other_sets"] = [x for x in sets if x.side not in sides]
    return render(request, "video_report.html", ctx)


@router.get("/video/{job_id}")
def report_page(
    request: Request,
    db: Db,
    user: PageUser,
    job_id: str,
    compare: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    job = _visible_job(request, db, user, job_id)
    return _report(request, db, user, job, compare=compare)


@router.post("/video/{job_id}/attach", dependencies=[CsrfProtect])
def attach_page(
    request: Request, db: Db, user: PageUser, job_id: str, set_id: Annotated[int, Form()]
) -> Response:
    try:
        _attach(request, db, user, job_id, set_id)
    except (UsageError, NotFoundError, InputFileError) as exc:
        # Back to the report, the reason beside the form: pick another set or fix the log.
        db.rollback()
        _visible_job(request, db, user, job_id)
        flash(
            request, str(exc) + (f": {exc.hint}" if exc.hint else ""), kind="error", where="attach"
        )
        return RedirectResponse(f"/video/{job_id}#attach", status_code=303)
    flash(request, f"Analysis attached to set {set_id}.", kind="success")
    return RedirectResponse(f"/video/{job_id}", status_code=303)


@router.post("/video/{job_id}/retry", dependencies=[CsrfProtect])
def retry_page(request: Request, db: Db, user: PageUser, job_id: str) -> Response:
    _retry(request, db, user, job_id)
    flash(request, "The analysis is queued again.", kind="success")
    return RedirectResponse(f"/video/{job_id}", status_code=303)


@router.post("/video/{job_id}/delete", dependencies=[CsrfProtect])
def delete_page(request: Request, db: Db, user: PageUser, job_id: str) -> Response:
    _delete(request, db, user, job_id)
    flash(request, "The clip and its analysis are deleted.", kind="success")
    return RedirectResponse("/video", status_code=303)
