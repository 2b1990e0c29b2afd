"""Live coaching speed: frames per second one live session sustains, and its delays.

Starts the web app (uvicorn, loopback only) with a throwaway data folder, signs up, and
plays a clip to the Live page's WebSocket the way the page does: frames at the clip's own
pace, downscaled JPEGs (480 px long side, quality 70), at most two unanswered (a frame that
finds two in flight is dropped at the sender, as the page does). Prints:

* frames/s analysed (target >= 25 at 30 fps input) and the share dropped;
* frame -> answer: from sending a frame to its landmarks/events arriving (p50/p95);
* frame -> event: the same, for the frames whose answer carried engine events
  (target p95 <= 300 ms); and the engine's own delay (known_at - time of the event);
* rep end -> spoken count: from the moment the lowering ended (on the clip's clock,
  wall-aligned) to the count cue arriving at the page (target p95 <= 0.5 s);
* the server-side cost of one frame (JPEG decode + MediaPipe + engine), measured alone.

Clip: ../shared/clips/palfitness_hip_thrust.mp4 through MediaPipe when both are there,
else a generated set through the fake estimator (then only the transport is measured).

    flock /tmp/tc-bench.lock .venv/bin/python benchmarks/live_latency.py [--clip FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import struct
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

CLIPS = Path(__file__).resolve().parents[2] / "shared" / "clips"
MAX_SIDE = 480
QUALITY = 70
MAX_IN_FLIGHT = 2


def _frames(path: Path | None) -> tuple[list[tuple[float, bytes]], Any, str]:
    """(clip time, JPEG) pairs as the page would send them; the fake series if generated."""
    from thrustcoach.pose.video import iter_frames, probe_video

    series = None
    if path is None:
        from tests.pose.videokit import make_set_video

        video = make_set_video(Path(tempfile.mkdtemp()) / "set.mp4", reps=3)
        path, series = video.path, video.series
    out = []
    t0 = None
    for f in iter_frames(probe_video(path), max_fps=None):
        img = f.image
        k = min(1.0, MAX_SIDE / max(img.shape[:2]))
        if k < 1:
            img = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        ok, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
        t0 = f.time_s if t0 is None else t0
        out.append((f.time_s - t0, bytes(jpg)))
    return out, series, str(path)


class WsClient:
    """A minimal blocking WebSocket client on wsproto (the server's own library)."""

    def __init__(self, host: str, port: int, path: str, cookie: str) -> None:
        from wsproto import WSConnection
        from wsproto.connection import ConnectionType
        from wsproto.events import Request

        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.lock = threading.Lock()
        headers = [(b"cookie", cookie.encode())]
        self._send_raw(
            self.ws.send(Request(host=f"{host}:{port}", target=path, extra_headers=headers))
        )
        self._wait_accept()

    def _wait_accept(self) -> None:
        from wsproto.events import AcceptConnection, RejectConnection

        while True:
            self.ws.receive_data(self.sock.recv(65536))
            for event in self.ws.events():
                if isinstance(event, AcceptConnection):
                    return
                if isinstance(event, RejectConnection):
                    raise RuntimeError(f"the server refused the socket: {event.status_code}")

    def _send_raw(self, data: bytes) -> None:
        with self.lock:
            self.sock.sendall(data)

    def send(self, message: str | bytes) -> None:
        from wsproto.events import BytesMessage, TextMessage

        event = (
            TextMessage(data=message) if isinstance(message, str) else BytesMessage(data=message)
        )
        self._send_raw(self.ws.send(event))

    def messages(self) -> Any:
        from wsproto.events import AcceptConnection, CloseConnection, Ping, TextMessage

        buf = ""
        while True:
            data = self.sock.recv(65536)
            if not data:
                return
            self.ws.receive_data(data)
            for event in self.ws.events():
                if isinstance(event, TextMessage):
                    buf += event.data
                    if event.message_finished:
                        yield buf
                        buf = ""
                elif isinstance(event, Ping):
                    self._send_raw(self.ws.send(event.response()))
                elif isinstance(event, CloseConnection):
                    return
                elif isinstance(event, AcceptConnection):
                    continue

    def close(self) -> None:
        self.sock.close()


def _server(data_dir: Path, series: Any) -> tuple[Any, int, Any]:
    import uvicorn

    from thrustcoach.config import Settings
    from thrustcoach.pose.estimators import EstimatorSpec
    from thrustcoach.web import create_app

    app = create_app(Settings(data_dir=data_dir))
    if series is not None:
        app.state.live.pose_spec = EstimatorSpec.fake(series, tolerance_s=0.02)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return app, port, server


def _sign_up(port: int) -> str:
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signup").text)
        assert token
        client.post(
            "/signup",
            data={
                "email": "bench@example.org",
                "password": "correct horse battery",
                "name": "Bench",
                "role": "athlete",
                "csrf_token": token.group(1),
            },
        )
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _stream(port: int, cookie: str, frames: list[tuple[float, bytes]]) -> dict[str, Any]:
    client = WsClient("127.0.0.1", port, "/live/ws", cookie)
    client.send(json.dumps({"type": "hello", "session": None}))
    incoming = client.messages()
    for text in incoming:
        if json.loads(text)["type"] == "ready":
            break
    sent_at: dict[int, float] = {}
    answers: list[dict[str, Any]] = []
    in_flight = [0]
    cond = threading.Condition()
    done = threading.Event()

    def receive() -> None:
        for text in incoming:
            msg = json.loads(text)
            now = time.monotonic()
            if msg["type"] == "frame":
                msg["_at"] = now
                answers.append(msg)
                with cond:
                    in_flight[0] = max(0, in_flight[0] - 1)
                    cond.notify_all()
            elif msg["type"] == "summary":
                answers.append(msg)
                done.set()
                return

    reader = threading.Thread(target=receive, daemon=True)
    reader.start()
    start = time.monotonic()
    skipped = 0
    for seq, (t, jpg) in enumerate(frames):
        wait = start + t - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        with cond:
            if in_flight[0] >= MAX_IN_FLIGHT:
                skipped += 1  # the page would not send it either
                continue
            in_flight[0] += 1
        sent_at[seq] = time.monotonic()
        client.send(struct.pack("<dI", t * 1000.0, seq) + jpg)
    with cond:
        cond.wait_for(lambda: in_flight[0] == 0, timeout=5)
    end = time.monotonic()
    client.send(json.dumps({"type": "end"}))
    done.wait(timeout=30)
    client.close()
    return {
        "start": start,
        "end": end,
        "answers": answers,
        "sent_at": sent_at,
        "skipped": skipped,
    }


def _server_cost(frames: list[tuple[float, bytes]], series: Any) -> tuple[float, float, float]:
    """Median ms per frame of decode + pose + engine (and of pose, engine alone)."""
    from thrustcoach.live import LiveSession
    from thrustcoach.pose.estimators import EstimatorSpec

    spec = EstimatorSpec.fake(series, tolerance_s=0.02) if series is not None else EstimatorSpec()
    session = LiveSession(spec.create())
    costs, pose_ms, engine_ms = [], [], []
    for t, jpg in frames:
        t0 = time.perf_counter()
        img = cv2.imdecode(np.frombuffer(jpg, np.uint8), cv2.IMREAD_COLOR)
        t1 = time.perf_counter()
        pose = session.estimator.process(img, time_s=t)
        t2 = time.perf_counter()
        session.feed(t, pose, width=img.shape[1], height=img.shape[0])
        t3 = time.perf_counter()
        costs.append((t3 - t0) * 1000)
        pose_ms.append((t2 - t1) * 1000)
        engine_ms.append((t3 - t2) * 1000)
    session.close()
    return tuple(float(np.median(c[5:])) for c in (costs, pose_ms, engine_ms))  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clip", type=Path, default=None, help="a video (default: palfitness)")
    args = parser.parse_args()
    clip = args.clip
    if clip is None and (CLIPS / "palfitness_hip_thrust.mp4").is_file():
        clip = CLIPS / "palfitness_hip_thrust.mp4"
    try:
        import mediapipe  # noqa: F401
    except ImportError:
        clip = None
    frames, series, name = _frames(clip)
    duration = frames[-1][0]
    print(
        f"clip: {name} ({len(frames)} frames, {duration:.1f} s, {len(frames) / duration:.1f} fps)"
    )
    print(f"pose: {'fake estimator (transport only)' if series is not None else 'MediaPipe full'}")
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    cost, pose_ms, engine_ms = _server_cost(frames, series)
    print(
        f"server cost of one frame, alone: median {cost:.1f} ms "
        f"(pose model {pose_ms:.1f} ms, engine + coach {engine_ms:.1f} ms)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        app, port, server = _server(Path(tmp), series)
        cookie = _sign_up(port)
        run = _stream(port, cookie, frames)
        server.should_exit = True
    answers = [a for a in run["answers"] if a.get("type") == "frame" and not a.get("skipped")]
    summary = next((a for a in run["answers"] if a.get("type") == "summary"), None)
    span = run["end"] - run["start"]
    fps = len(answers) / span
    dropped_server = answers[-1]["dropped"] if answers else 0
    lat = [
        (a["_at"] - run["sent_at"][a["seq"]]) * 1000 for a in answers if a["seq"] in run["sent_at"]
    ]
    with_events = [
        (a["_at"] - run["sent_at"][a["seq"]]) * 1000
        for a in answers
        if a["events"] and a["seq"] in run["sent_at"]
    ]
    engine_delay = [
        (e["known_at_s"] - e["time_s"]) * 1000
        for a in answers
        for e in a["events"]
        if e["kind"] == "rep"
    ]
    # Rep end -> count cue: the rep's end on the session clock (clip time minus the first
    # frame's) plus the stream's start gives when it happened on the wall clock.
    t_first = frames[0][0]
    spoken = [
        (a["_at"] - (run["start"] + c["time_s"] + t_first)) * 1000
        for a in answers
        for c in a["cues"]
        if c["kind"] == "count"
    ]
    print(
        f"frames/s analysed: {fps:.1f} of {len(frames) / duration:.1f} sent "
        f"({run['skipped']} not sent: two in flight; {dropped_server} dropped at the server)"
    )
    print(f"frame -> answer: p50 {_pct(lat, 50):.0f} ms, p95 {_pct(lat, 95):.0f} ms (n={len(lat)})")
    print(
        f"frame -> event:  p50 {_pct(with_events, 50):.0f} ms, p95 {_pct(with_events, 95):.0f} ms "
        f"(n={len(with_events)}; target p95 <= 300 ms)"
    )
    print(f"engine delay of a rep event (known_at - end): median {_pct(engine_delay, 50):.0f} ms")
    print(
        f"rep end -> spoken count at the page: p50 {_pct(spoken, 50) / 1000:.2f} s, "
        f"p95 {_pct(spoken, 95) / 1000:.2f} s (n={len(spoken)}; target p95 <= 0.5 s)"
    )
    if summary is not None:
        print(f"reps counted: {summary['counts']}")
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
