"""Live coaching: the page, its WebSocket (frames in, landmarks, events and cues out) and
the one-tap log of the finished set.

The socket protocol (JSON text messages, frames as binary messages):

* page -> server: ``{"type": "hello", "session": id|null, "takeover": bool}`` first; then
  frames: 8 bytes capture time (ms, float64 little-endian), 4 bytes sequence number
  (uint32), the JPEG; and commands ``{"type": "end"}`` (finish the set: a summary comes
  back), ``{"type": "new_set"}`` (start counting again; an unlogged set with reps is stored
  first), ``{"type": "plan", "pause_s": .., "lowering_s": ..}`` (tempo without a plan).
* server -> page: ``ready`` (session id, counts, the planned set, ``resumed``), ``status``,
  ``frame`` (per processed frame: its sequence number, landmarks, events, cues, counts,
  phase, a framing hint, frames/s and frames dropped), ``summary``, ``busy`` (another tab
  or device has the session: reconnect with ``takeover``), ``taken_over``, ``error``.

Frames are never queued: while the pose model works on one frame, a newer one replaces the
waiting one (the page also sends at most two unanswered frames). The pose model and the
engine run on two threads of the session, so the model starts on frame n+1 while the engine,
the coach and the answer take frame n; the engine sees the frames in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import struct
import time
from collections import deque
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

import numpy as np
from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from thrustcoach.config import Settings
from thrustcoach.errors import ConflictError, NotFoundError, ThrustCoachError, UsageError
from thrustcoach.live import SetOutcome, SetPlan, StoredSet, form_flags
from thrustcoach.log.db import session_scope
from thrustcoach.log.models import User
from thrustcoach.pose.annotate import BONES
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.web import lan
from thrustcoach.web.db import app_engine, commit
from thrustcoach.web.deps import CsrfProtect, Db, PageUser, connection_user
from thrustcoach.web.live import (
    LiveEntry,
    LiveHub,
    PlannedLiveSet,
    log_outcome,
    next_planned_set,
)
from thrustcoach.web.templating import render, units_of

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

_HEADER = struct.Struct("<dI")
HELLO_TIMEOUT_S = 10.0
# Close codes the page understands (4000-4999 are the application's).
CLOSE_ERROR, CLOSE_TAKEN_OVER, CLOSE_BUSY, CLOSE_AUTH, CLOSE_ORIGIN = 4000, 4001, 4009, 4401, 4403
# The camera may be used on this page only (the rest of the app keeps camera=()).
PERMISSIONS = "camera=(self), microphone=(), geolocation=()"


def _hub(conn: Request | WebSocket) -> LiveHub:
    hub: LiveHub = conn.app.state.live
    return hub


def _bones() -> list[list[int]]:
    idx = {n: i for i, n in enumerate(MEDIAPIPE_LANDMARKS)}
    return [[idx[a], idx[b]] for a, b in BONES]


@router.get("/live")
def live_page(request: Request, db: Db, user: PageUser) -> Response:
    units = units_of(request)
    planned = next_planned_set(db, athlete_id=user.athlete_id) if user.athlete_id else None
    phone = None
    if request.url.scheme == "https":
        port = request.url.port or 443
        urls = [f"https://{a}:{port}/live" for a in lan.lan_addresses()]
        phone = [{"url": u, "qr": lan.qr_svg(u)} for u in urls[:2]]
    ctx: dict[str, Any] = {
        "planned": planned.as_dict(load_text=units.load(planned.planned.load_kg))
        if planned
        else None,
        "can_log": user.athlete_id is not None,
        "bones": json.dumps(_bones()),
        "phone": phone,
        "secure": request.url.scheme == "https"
        or request.url.hostname in ("127.0.0.1", "localhost"),
        "load_value": units.number(planned.planned.load_kg) if planned else "",
    }
    response = render(request, "live.html", ctx)
    response.headers["permissions-policy"] = PERMISSIONS
    return response


# -- one-tap log ---------------------------------------------------------------------------


class LogIn(BaseModel):
    session: str = Field(max_length=64)
    load: str = Field(default="", max_length=20)
    rpe: str = Field(default="", max_length=4)


def _entry_of(request: Request, user: User, session_id: str) -> LiveEntry:
    entry = _hub(request).entry_for(user.id)
    if entry is None or entry.id != session_id:
        raise NotFoundError(
            "this live session has ended (the page was away longer than the grace period)",
            hint="a set with reps was stored unlogged; log it by hand on the Today page",
        )
    return entry


@router.post("/live/log", dependencies=[CsrfProtect])
async def live_log(
    request: Request, db: Db, user: PageUser, body: Annotated[LogIn, Body()]
) -> JSONResponse:
    """Finish the set (if still counting), log it (one set per leg) with its analysis."""
    if user.athlete_id is None:
        raise ConflictError("only an athlete account can log sets")
    hub = _hub(request)
    entry = _entry_of(request, user, body.session)
    session = entry.session
    if session is None:
        raise ConflictError("the camera has not started yet", hint="start the camera first")
    async with entry.logging:
        if session.counting and not any(session.counts.values()):
            # (also a second tap after the set was logged: the next set has no reps yet)
            raise UsageError(
                "no reps have been counted in this set yet, so there is nothing to log",
                hint="do the set in view of the camera; the count shows on the page",
            )
        outcome: SetOutcome = await entry.run(session.finish_set)
        if entry.stored is None:
            entry.stored = await entry.run(
                lambda: hub.store.save(outcome, athlete_id=entry.athlete_id, logged=False)
            )
        stored: StoredSet = entry.stored
        units = units_of(request)
        athlete_id = user.athlete_id

        def write() -> list[dict[str, Any]]:
            # (the request's own database session: it already holds SQLite's write lock)
            logged = log_outcome(
                db,
                athlete_id=athlete_id,
                document=stored.document,
                source_name=f"live {time.strftime('%Y-%m-%d %H:%M')}",
                load=units.typed(body.load) if body.load.strip() else None,
                rpe=body.rpe,
            )
            commit(db)
            return [x.as_dict() for x in logged]

        logged = await run_in_threadpool(write)
        await entry.run(hub.store.mark_logged, stored)
        parts = [f"{x['reps']} reps {x['side']}" for x in logged]
        entry.last_log = {
            "logged": logged,
            "message": f"Logged {' and '.join(parts)}, with the camera's analysis.",
            "live_set": stored.id,
        }
        answer = entry.last_log
    nxt = await run_in_threadpool(lambda: next_planned_set(db, athlete_id=athlete_id))
    await _next_set(entry, nxt)
    return JSONResponse(answer)


async def _next_set(entry: LiveEntry, nxt: PlannedLiveSet | None) -> None:
    """Count the next planned set (or another one at the same tempo) and tell the page."""
    if nxt is not None:
        entry.planned, entry.plan = nxt, nxt.set_plan()
    else:
        entry.planned = None
    session = entry.session
    if session is not None:
        await entry.run(session.new_set, entry.plan)
    entry.stored, entry.last_log = None, None
    if entry.ws is not None:
        await _send(entry, _ready(entry, resumed=True, units_unit=entry.unit))


# -- the socket ---------------------------------------------------------------------------


def _planned_dict(entry: LiveEntry) -> dict[str, Any] | None:
    if entry.planned is None:
        return None
    from thrustcoach.web.units import Units

    units = Units(entry.unit)
    return entry.planned.as_dict(load_text=units.load(entry.planned.planned.load_kg))


def _ready(entry: LiveEntry, *, resumed: bool, units_unit: str) -> dict[str, Any]:
    session = entry.session
    return {
        "type": "ready",
        "session": entry.id,
        "resumed": resumed,
        "counting": session.counting if session else True,
        "counts": session.counts if session else {},
        "phase": session.phase if session else "rest",
        "planned": _planned_dict(entry),
        "tempo": {"pause_s": entry.plan.pause_s, "lowering_s": entry.plan.lowering_s},
    }


async def _send(entry: LiveEntry, message: dict[str, Any], ws: WebSocket | None = None) -> None:
    target = ws or entry.ws
    if target is None or target.application_state != WebSocketState.CONNECTED:
        return
    async with entry.send_lock:
        # The page may go away mid-send: the receiver notices and detaches.
        with contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError):
            await target.send_text(json.dumps(message))


def _same_origin(ws: WebSocket) -> bool:
    """Browsers send Origin with every WebSocket handshake: refuse other sites' pages."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True  # not a browser (tests, scripts): the session cookie still decides
    return urlsplit(origin).netloc == ws.headers.get("host", "")


def _ws_user(ws: WebSocket, settings: Settings) -> tuple[int, int | None, str] | None:
    with session_scope(app_engine(settings)) as db:
        user = connection_user(ws, db)
        if user is None:
            return None
        return user.id, user.athlete_id, user.weight_unit or "kg"


async def _refuse(ws: WebSocket, code: int, message: str, kind: str = "error") -> None:
    await ws.send_text(json.dumps({"type": kind, "message": message}))
    await ws.close(code=code)


@router.websocket("/live/ws")
async def live_socket(ws: WebSocket) -> None:
    hub = _hub(ws)
    settings: Settings = ws.app.state.settings
    if not _same_origin(ws):
        await ws.close(code=CLOSE_ORIGIN)
        return
    who = await run_in_threadpool(_ws_user, ws, settings)
    await ws.accept()
    if who is None:
        await _refuse(ws, CLOSE_AUTH, "Please log in again: your session has ended.")
        return
    user_id, athlete_id, unit = who
    if athlete_id is None:
        await _refuse(
            ws, CLOSE_AUTH, "Live coaching needs an athlete account (coaches watch only)."
        )
        return
    try:
        hello = json.loads(await asyncio.wait_for(ws.receive_text(), HELLO_TIMEOUT_S))
    except (TimeoutError, ValueError, KeyError, WebSocketDisconnect):
        await _refuse(ws, CLOSE_ERROR, "The page did not say hello: reload it.")
        return
    entry = await _attach(ws, hub, settings, user_id, athlete_id, unit, hello)
    if entry is None:
        return
    try:
        await _serve(ws, hub, entry)
    finally:
        hub.detach(entry, ws)


async def _attach(
    ws: WebSocket,
    hub: LiveHub,
    settings: Settings,
    user_id: int,
    athlete_id: int,
    unit: str,
    hello: dict[str, Any],
) -> LiveEntry | None:
    await hub.sweep()
    entry = hub.entry_for(user_id)
    if entry is not None and entry.ws is not None:
        if not hello.get("takeover"):
            counts = entry.session.counts if entry.session else {}
            so_far = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no reps yet"
            await _refuse(
                ws,
                CLOSE_BUSY,
                "Live coaching is already running in another tab or on another device "
                f"({so_far}). Take over here to continue the same set.",
                kind="busy",
            )
            return None
        old = entry.ws
        entry.ws = None
        await _send(
            entry,
            {
                "type": "taken_over",
                "message": "Live coaching moved to another tab or device; this one has "
                "stopped. Reload to take it back.",
            },
            ws=old,
        )
        with contextlib.suppress(RuntimeError):
            await old.close(code=CLOSE_TAKEN_OVER)
    if entry is None:
        try:
            entry = hub.create(user_id=user_id, athlete_id=athlete_id)
        except ThrustCoachError as exc:
            await _refuse(ws, CLOSE_BUSY, str(exc))
            return None

        def planned() -> Any:
            with session_scope(app_engine(settings)) as db:
                return next_planned_set(db, athlete_id=athlete_id)

        nxt = await run_in_threadpool(planned)
        if nxt is not None:
            entry.planned, entry.plan = nxt, nxt.set_plan()
    resumed = entry.session is not None and hello.get("session") == entry.id
    entry.ws, entry.disconnected_at, entry.unit = ws, None, unit
    if entry.session is None:
        await _send(entry, {"type": "status", "message": "Starting the pose model…"})
        try:
            await entry.run_pose(hub.build_session, entry)
        except ThrustCoachError as exc:
            hub.entries.pop(user_id, None)
            entry.shutdown()
            await _refuse(ws, CLOSE_ERROR, f"The server cannot track poses: {exc}")
            return None
    session = entry.session
    assert session is not None
    await entry.run(session.clock.reanchor)
    await _send(entry, _ready(entry, resumed=resumed, units_unit=unit))
    return entry


class _Slot:
    """The newest frame waiting for the pose model (an older one waiting is dropped)."""

    def __init__(self) -> None:
        self.data: bytes | None = None
        self.ready = asyncio.Event()
        self.dropped = 0

    def put(self, data: bytes) -> None:
        if self.data is not None:
            self.dropped += 1
        self.data = data
        self.ready.set()

    async def take(self) -> tuple[bytes, int]:
        await self.ready.wait()
        self.ready.clear()
        data, self.data = self.data, None
        dropped, self.dropped = self.dropped, 0
        assert data is not None
        return data, dropped


async def _serve(ws: WebSocket, hub: LiveHub, entry: LiveEntry) -> None:
    slot = _Slot()
    worker = asyncio.create_task(_process_frames(ws, hub, entry, slot))
    try:
        while entry.ws is ws:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            data = message.get("bytes")
            if data is not None:
                entry.received += 1
                if len(data) > hub.max_frame_bytes or len(data) <= _HEADER.size:
                    await _send(
                        entry,
                        {
                            "type": "error",
                            "message": f"A frame of {len(data) // 1024} kB was dropped: "
                            f"send JPEG frames under {hub.max_frame_bytes // 1024} kB.",
                        },
                    )
                    continue
                slot.put(data)
            elif message.get("text") is not None:
                await _command(ws, hub, entry, message["text"])
    except WebSocketDisconnect:
        pass
    finally:
        worker.cancel()


async def _command(ws: WebSocket, hub: LiveHub, entry: LiveEntry, text: str) -> None:
    try:
        cmd = json.loads(text)
        kind = cmd.get("type")
    except (ValueError, AttributeError):
        await _send(entry, {"type": "error", "message": "Unreadable message from the page."})
        return
    session = entry.session
    if session is None:
        return
    if kind == "end":
        outcome: SetOutcome = await entry.run(session.finish_set)
        await _send(entry, {"type": "summary", **_summary(outcome)})
    elif kind == "new_set":
        await _store_unlogged(hub, entry)
        entry.stored, entry.last_log = None, None
        await entry.run(session.new_set, entry.plan)
        await _send(entry, _ready(entry, resumed=True, units_unit=entry.unit))
    elif kind == "plan" and entry.planned is None:
        entry.plan = SetPlan(
            pause_s=_seconds(cmd.get("pause_s")), lowering_s=_seconds(cmd.get("lowering_s"))
        )
        if session.counting and not any(session.counts.values()):
            await entry.run(session.new_set, entry.plan)
    elif kind == "ping":
        await _send(entry, {"type": "pong"})


def _seconds(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if 0 <= v <= 30 else None


async def _store_unlogged(hub: LiveHub, entry: LiveEntry) -> None:
    """Before a set is dropped: keep it on disk if it had reps and was not logged."""
    session = entry.session
    if session is None or entry.last_log is not None or entry.stored is not None:
        return
    if session.counting and not any(session.counts.values()):
        return
    outcome: SetOutcome = await entry.run(session.finish_set)
    if outcome.result.reps:
        entry.stored = await entry.run(
            lambda: hub.store.save(outcome, athlete_id=entry.athlete_id, logged=False)
        )


def _summary(outcome: SetOutcome) -> dict[str, Any]:
    result = outcome.result
    doc = result.to_json_dict()
    reps = [
        {
            "index": r.index,
            "side": r.side.value,
            "concentric_s": r.concentric_s,
            "pause_s": r.pause_s,
            "eccentric_s": r.eccentric_s,
            "faults": [{"code": f.code.value, "cue": f.cue, "title": f.title} for f in r.faults],
        }
        for r in result.reps
    ]
    return {
        "exercise": result.exercise.value,
        "view": result.view,
        "counts": doc["summary"]["rep_count"],
        "reps": reps,
        "tempo": {
            m: doc["summary"]["metrics"].get(m, {}).get("mean")
            for m in ("concentric_s", "pause_s", "eccentric_s")
        },
        "prescribed": {
            "pause_s": result.prescribed_pause_s,
            "lowering_s": result.prescribed_lowering_s,
        },
        "faults": doc["summary"]["faults"],
        "form": form_flags(doc),
        "warnings": list(result.warnings),
        "frames": outcome.frames,
        "dropped": outcome.dropped,
    }


async def _process_frames(ws: WebSocket, hub: LiveHub, entry: LiveEntry, slot: _Slot) -> None:
    """Two stages: the pose model (pose thread), then engine + coach + answer (engine
    thread), with one estimated frame at most waiting between them."""
    session = entry.session
    assert session is not None
    handoff: asyncio.Queue[tuple[int, _Estimated | None, int]] = asyncio.Queue(maxsize=1)
    engine_stage = asyncio.create_task(_engine_stage(ws, entry, session, handoff))
    try:
        while entry.ws is ws:
            data, dropped = await slot.take()
            client_ms, seq = _HEADER.unpack_from(data)
            try:
                frame = await entry.run_pose(_estimate, session, data, client_ms)
            except Exception:  # a frame the pose model choked on must not end the session
                logger.exception("live frame %s failed", seq)
                frame = None
            await handoff.put((seq, frame, dropped))
    finally:
        engine_stage.cancel()


async def _engine_stage(
    ws: WebSocket,
    entry: LiveEntry,
    session: Any,
    handoff: asyncio.Queue[tuple[int, _Estimated | None, int]],
) -> None:
    done: deque[float] = deque(maxlen=60)
    bad_sent = False
    while entry.ws is ws:
        seq, frame, dropped = await handoff.get()
        entry.dropped += dropped
        if frame is None:
            if not bad_sent:
                bad_sent = True
                await _send(
                    entry,
                    {
                        "type": "error",
                        "message": "A frame could not be read "
                        "(not a JPEG, or older than the last one): skipped.",
                    },
                )
            await _send(entry, {"type": "frame", "seq": seq, "skipped": True})
            continue
        try:
            update = await entry.run(_feed_one, session, frame, dropped)
        except Exception:  # the engine must not end the session either
            logger.exception("live frame %s failed in the engine", seq)
            await _send(entry, {"type": "frame", "seq": seq, "skipped": True})
            continue
        entry.processed += 1
        now = time.monotonic()
        done.append(now)
        fps = (
            (len(done) - 1) / (done[-1] - done[0]) if len(done) > 1 and done[-1] > done[0] else 0.0
        )
        message = {
            "type": "frame",
            "seq": seq,
            **update,
            "fps": round(fps, 1),
            "dropped": entry.dropped,
        }
        await _send(entry, message)


@dataclass(frozen=True)
class _Estimated:
    """One decoded frame's pose (``pose`` None: nobody found) on the session clock."""

    time_s: float
    pose: Any
    width: int
    height: int


def _estimate(session: Any, data: bytes, client_ms: float) -> _Estimated | None:
    """(Pose thread.) Decode the JPEG and run the pose model; None for an unreadable frame
    or one older than the last."""
    import cv2

    image = cv2.imdecode(np.frombuffer(data, np.uint8, offset=_HEADER.size), cv2.IMREAD_COLOR)
    if image is None:
        return None
    t = session.clock.to_session(client_ms / 1000.0, wall_s=time.monotonic())
    if t is None:
        return None
    height, width = image.shape[:2]
    pose = session.estimate(np.asarray(image, dtype=np.uint8), time_s=t)
    return _Estimated(time_s=t, pose=pose, width=width, height=height)


def _feed_one(session: Any, frame: _Estimated, dropped: int) -> dict[str, Any]:
    """(Engine thread.) One estimated frame into the set: the page's answer."""
    if dropped:
        session.note_dropped(dropped)
    update = session.feed(frame.time_s, frame.pose, width=frame.width, height=frame.height)
    out: dict[str, Any] = update.as_dict()
    return out
