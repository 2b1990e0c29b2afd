"""Slow and stalled clients against a real uvicorn server, over raw sockets: a request that
promises more body than it sends, headers that never end, a body dripped byte by byte."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from thrustcoach.config import Settings
from thrustcoach.log import dispose_engines
from thrustcoach.web import create_app
from thrustcoach.web.timeouts import GuardedH11Protocol

LIMIT_S = 0.5  # the header and body limits of the server under test
WAIT_S = 15.0  # how long a test waits before calling it a hang


@pytest.fixture
def port(tmp_path: Path) -> Iterator[int]:
    settings = Settings(
        data_dir=tmp_path / "data",
        body_idle_timeout_s=LIMIT_S,
        body_min_rate_kib_s=1,
        header_timeout_s=LIMIT_S,
    )
    app = create_app(settings)
    config = uvicorn.Config(app, http=GuardedH11Protocol, log_level="warning", lifespan="off")
    config.header_timeout_s = LIMIT_S  # type: ignore[attr-defined]  # read by the protocol
    server = uvicorn.Server(config)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the test server did not start"
    yield sock.getsockname()[1]
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    dispose_engines()


def _connect(port: int) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
    conn.settimeout(WAIT_S)
    return conn


def _read_until_closed(conn: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a hang fails the test)."""
    data = b""
    try:
        while chunk := conn.recv(65536):
            data += chunk
    except TimeoutError:
        pytest.fail(f"the server held the connection for {WAIT_S} s (got {data[:80]!r})")
    except ConnectionResetError:
        pass
    return data


def test_a_body_that_never_arrives_gets_408_and_the_connection_closed(port: int) -> None:
    conn = _connect(port)
    started = time.monotonic()
    conn.sendall(
        b"POST /login HTTP/1.1\r\nHost: test\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 100000\r\n\r\nemail=a%40b.org"
    )
    answer = _read_until_closed(conn)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"did not arrive" in answer or b"stopped arriving" in answer
    assert time.monotonic() - started < WAIT_S


def test_headers_that_never_end_are_cut_off(port: int) -> None:
    conn = _connect(port)
    started = time.monotonic()
    conn.sendall(b"GET / HTTP/1.1\r\nHost: test\r\nX-Slow: ")
    for _ in range(3):  # a byte now and then does not keep the connection open
        time.sleep(LIMIT_S / 3)
        try:
            conn.sendall(b"a")
        except OSError:
            break
    assert _read_until_closed(conn) == b""
    assert time.monotonic() - started < WAIT_S


def test_a_body_dripped_too_slowly_gets_408(port: int) -> None:
    conn = _connect(port)
    conn.sendall(
        b"POST /login HTTP/1.1\r\nHost: test\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 100000\r\n\r\n"
    )
    answer = b""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:  # one byte every 0.1 s: never idle, far too slow
        try:
            conn.sendall(b"a")
        except OSError:
            break
        time.sleep(0.1)
        conn.setblocking(False)
        try:
            answer += conn.recv(65536)
        except BlockingIOError:
            pass
        finally:
            conn.setblocking(True)
        if answer:
            break
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]


def test_prompt_clients_are_served_and_kept_alive(port: int) -> None:
    conn = _connect(port)
    for _ in range(2):  # two requests on one connection, the second after the first's answer
        conn.sendall(b"GET /login HTTP/1.1\r\nHost: test\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(65536)
        assert head.startswith(b"HTTP/1.1 200"), head[:100]
        length = int(head.split(b"content-length: ")[1].split(b"\r\n")[0])
        body = head.split(b"\r\n\r\n", 1)[1]
        while len(body) < length:
            body += conn.recv(65536)
        time.sleep(LIMIT_S / 2)
    conn.sendall(
        b"POST /login HTTP/1.1\r\nHost: test\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 30\r\n\r\n"
    )
    time.sleep(LIMIT_S / 2)  # a short pause in the body is fine
    conn.sendall(b"email=a%40b.org&password=xxxxx")
    answer = conn.recv(65536)
    assert answer.startswith(b"HTTP/1.1 403"), answer[:100]  # no CSRF token: refused, not 408
