"""The Live page's socket: counts and cues for frames, the one-tap log with its analysis,
reconnection, a second tab, bad frames and a flood, and a page that never comes back."""

from __future__ import annotations

import datetime as dt
import json
import struct
from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tests.live.conftest import synthetic_set
from tests.live.framecode import NONE, register, stamp
from tests.web.helpers import Account
from thrustcoach.log import repo, session_scope
from thrustcoach.log.models import SetEntry, VideoAnalysis
from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.web.db import app_engine

SERIES = synthetic_set()


@pytest.fixture
def live_app(app: FastAPI) -> Iterator[FastAPI]:
    register()
    app.state.live.pose_spec = EstimatorSpec(kind="framecode", params={"series": SERIES})
    yield app


def _jpeg(index: int) -> bytes:
    img = np.full((240, 320, 3), 90, np.uint8)
    ok, buf = cv2.imencode(".jpg", stamp(img, index))
    assert ok
    return bytes(buf)


def _frame(t_s: float, seq: int, index: int) -> bytes:
    return struct.pack("<dI", t_s * 1000.0, seq) + _jpeg(index)


def _hello(ws: Any, session: str | None = None, *, takeover: bool = False) -> dict[str, Any]:
    ws.send_text(json.dumps({"type": "hello", "session": session, "takeover": takeover}))
    while True:
        msg = json.loads(ws.receive_text())
        if msg["type"] != "status":
            return msg


def _stream(ws: Any, frames: range, *, t0_ms: float = 5000.0) -> tuple[list[str], dict[str, Any]]:
    said: list[str] = []
    last: dict[str, Any] = {}
    for i in frames:
        ws.send_bytes(_frame(t0_ms / 1000 + float(SERIES.time_s[i]), i, i))
        msg = json.loads(ws.receive_text())
        while msg["type"] != "frame":
            msg = json.loads(ws.receive_text())
        said += [c["text"] for c in msg["cues"]]
        last = msg
    return said, last


def _plan_today(app: FastAPI, athlete_id: int) -> None:
    """A block whose first session is today: left (weak) side first."""
    from thrustcoach.program import PlanInputs, build_plan

    today = dt.date.today()
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    inputs = PlanInputs.checked(
        experience="beginner",
        body_mass_kg=68,
        weak_side="right",
        equipment="bodyweight",
        start_date=today,
        training_days=(days[today.weekday()], days[(today.weekday() + 3) % 7]),
    )
    plan = build_plan(inputs, template="unilateral_4wk")
    with session_scope(app_engine(app.state.settings)) as s:
        repo.save_plan(s, athlete_id=athlete_id, plan_json=plan.to_json(), name="block")


def test_a_set_is_counted_spoken_and_logged_in_one_tap(live_app: FastAPI, ann: Account) -> None:
    assert ann.athlete_id is not None
    _plan_today(live_app, ann.athlete_id)
    page = ann.client.get("/live")
    assert page.status_code == 200 and "Set 1 of" in page.text and "right leg" in page.text
    assert "camera=(self)" in page.headers["permissions-policy"]
    with ann.client.websocket_connect("/live/ws") as ws:
        ready = _hello(ws)
        assert ready["type"] == "ready" and ready["planned"]["side"] == "right"
        said, last = _stream(ws, range(SERIES.n_frames))
        assert last["counts"]["right"] == 3 and last["landmarks"] is not None
        assert [s for s in said if s.endswith("right")] == ["1 right", "2 right", "3 right"]
        assert "hold" in said
        session = ready["session"]
        r = ann.client.post("/live/log", json={"session": session, "rpe": "8"}, headers=ann.h)
        assert r.status_code == 200, r.text
        assert r.json()["logged"][0]["reps"] == 3 and r.json()["logged"][0]["order"] == 1
        # a second tap does not log twice: the next set has no reps yet
        again = ann.client.post("/live/log", json={"session": session}, headers=ann.h)
        assert again.status_code == 400 and "no reps" in again.json()["detail"]
        nxt = json.loads(ws.receive_text())
        assert nxt["type"] == "ready" and nxt["planned"]["order"] == 2
    with session_scope(app_engine(live_app.state.settings)) as s:
        sets = s.scalars(select(SetEntry)).all()
        assert [(x.side, x.reps, x.order_index, x.rpe) for x in sets] == [("right", 3, 1, 8)]
        assert sets[0].target_reps is not None and sets[0].full_range is True
        analysis = s.scalars(select(VideoAnalysis)).one()
        doc = json.loads(analysis.analysis_json)
        assert doc["summary"]["rep_count"]["right"] == 3 and doc["live"]["landmarks_file"]
    folder = live_app.state.settings.data_dir / doc["live"]["landmarks_file"]
    assert folder.is_file()
    from thrustcoach.analysis import analyze
    from thrustcoach.pose import read_landmarks

    again_counts = analyze(read_landmarks(folder)).summary.rep_count
    assert again_counts[next(iter(again_counts))] is not None
    assert sum(again_counts.values()) == 3


def test_a_dropped_connection_resumes_with_the_count(live_app: FastAPI, ann: Account) -> None:
    half = SERIES.n_frames // 2
    with ann.client.websocket_connect("/live/ws") as ws:
        ready = _hello(ws)
        _, last = _stream(ws, range(half))
    before = last["counts"]["right"]
    assert before >= 1
    # the page comes back (same tab: same session id); its clock restarted
    with ann.client.websocket_connect("/live/ws") as ws:
        again = _hello(ws, ready["session"])
        assert again["resumed"] and again["counts"]["right"] == before
        _, last = _stream(ws, range(half, SERIES.n_frames), t0_ms=0.0)
        ws.send_text(json.dumps({"type": "end"}))
        summary = json.loads(ws.receive_text())
        while summary["type"] != "summary":
            summary = json.loads(ws.receive_text())
    assert summary["counts"]["right"] == 3


def test_a_second_tab_is_told_and_can_take_over(live_app: FastAPI, ann: Account) -> None:
    with ann.client.websocket_connect("/live/ws") as first:
        _hello(first)
        _stream(first, range(60))
        with ann.client.websocket_connect("/live/ws") as second:
            busy = _hello(second)
            assert busy["type"] == "busy" and "another tab" in busy["message"]
        with ann.client.websocket_connect("/live/ws") as second:
            ready = _hello(second, takeover=True)
            assert ready["type"] == "ready"
            msg = json.loads(first.receive_text())
            while msg["type"] == "frame":
                msg = json.loads(first.receive_text())
            assert msg["type"] == "taken_over"


def test_strangers_and_other_sites_are_refused(live_app: FastAPI, ann: Account) -> None:
    from fastapi.testclient import TestClient
    from starlette.websockets import WebSocketDisconnect

    with TestClient(live_app).websocket_connect("/live/ws") as ws:
        msg = json.loads(ws.receive_text())
        assert msg["type"] == "error" and "log in" in msg["message"]
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        ann.client.websocket_connect("/live/ws", headers={"origin": "https://evil.example"}) as ws,
    ):
        ws.receive_text()
    assert closed.value.code == 4403


def test_bad_frames_are_skipped_with_a_message(live_app: FastAPI, ann: Account) -> None:
    with ann.client.websocket_connect("/live/ws") as ws:
        _hello(ws)
        ws.send_bytes(struct.pack("<dI", 1000.0, 1) + b"not a jpeg")
        msgs = [json.loads(ws.receive_text()) for _ in range(2)]
        assert {m["type"] for m in msgs} == {"error", "frame"}
        ws.send_bytes(b"\0" * (live_app.state.live.max_frame_bytes + 1))
        assert "dropped" in json.loads(ws.receive_text())["message"]
        ws.send_text("{not json")
        assert json.loads(ws.receive_text())["type"] == "error"


def test_a_frame_flood_is_dropped_not_queued(live_app: FastAPI, ann: Account) -> None:
    live_app.state.live.pose_spec = EstimatorSpec(
        kind="framecode", params={"series": SERIES, "delay_s": 0.03}
    )
    with ann.client.websocket_connect("/live/ws") as ws:
        _hello(ws)
        sent = 120
        for i in range(sent):  # far faster than 30 ms a frame
            ws.send_bytes(_frame(10 + i / 30, i, i))
        answered, dropped = 0, 0
        while answered + dropped < sent:
            msg = json.loads(ws.receive_text())
            if msg["type"] == "frame":
                answered += 1
                dropped = msg["dropped"]
        assert dropped > sent // 3 and answered + dropped == sent


def test_a_page_that_never_comes_back_keeps_its_set(live_app: FastAPI, ann: Account) -> None:
    import asyncio

    hub = live_app.state.live
    with ann.client.websocket_connect("/live/ws") as ws:
        _hello(ws)
        _stream(ws, range(SERIES.n_frames))
    entry = hub.entry_for(ann.user_id)
    assert entry is not None and entry.ws is None
    asyncio.run(hub.sweep(now=(entry.disconnected_at or 0) + hub.grace_s + 1))
    assert hub.entry_for(ann.user_id) is None
    kept = list((live_app.state.settings.data_dir / "live").glob("*/result.json"))
    assert len(kept) == 1
    doc = json.loads(kept[0].read_text())
    assert doc["summary"]["rep_count"]["right"] == 3 and doc["live"]["logged"] is False
    assert (kept[0].parent / "landmarks.csv").is_file()


def test_lead_in_without_a_person_says_so(live_app: FastAPI, ann: Account) -> None:
    with ann.client.websocket_connect("/live/ws") as ws:
        _hello(ws)
        hint = None
        for i in range(40):
            ws.send_bytes(struct.pack("<dI", 1000.0 + i * 33.3, i) + _jpeg(NONE))
            msg = json.loads(ws.receive_text())
            hint = msg.get("hint") or hint
        assert hint is not None and "Nobody in view" in hint


def test_deleting_the_account_deletes_its_live_sets(live_app: FastAPI, ann: Account) -> None:
    import asyncio

    from tests.web.helpers import PASSWORD

    hub = live_app.state.live
    with ann.client.websocket_connect("/live/ws") as ws:
        _hello(ws)
        _stream(ws, range(SERIES.n_frames))
    entry = hub.entry_for(ann.user_id)
    asyncio.run(hub.sweep(now=(entry.disconnected_at or 0) + hub.grace_s + 1))
    root = live_app.state.settings.data_dir / "live"
    assert len(list(root.glob("*/landmarks.csv"))) == 1
    r = ann.client.post(
        "/account/delete", data=ann.form(password=PASSWORD, confirm="yes"), follow_redirects=False
    )
    assert r.status_code == 303
    assert list(root.glob("*/landmarks.csv")) == []
