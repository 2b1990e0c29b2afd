"""Time limits for slow or stalled clients, so one cannot hold a worker for ever.

* **Headers** (:class:`GuardedH11Protocol`, the HTTP protocol ``thrustcoach serve`` runs):
  uvicorn waits without end for a request's headers (its keep-alive timer is cancelled by the
  first byte). A connection must deliver complete headers within ``header_timeout_s`` of
  connecting (or of its previous response), or it is closed.
* **Body** (:class:`RequestTimeoutMiddleware`): a request that promises more body than it
  sends (``Content-Length: 1000000`` and ten bytes) used to keep its handler waiting for ever.
  Now the body may pause at most ``idle_timeout_s`` between chunks, and after that first
  allowance it must keep up an average of ``min_rate_bytes_s``; otherwise the client gets
  ``408 Request Timeout`` and the connection is closed. The handler sees a
  :class:`RequestTimeoutError` and stops.

Both limits are settings (``header_timeout_s``, ``body_idle_timeout_s``,
``body_min_rate_kib_s``). Waiting for the app itself (a slow analysis) is not limited here.
"""

from __future__ import annotations

import asyncio
import json
import time
from functools import cache
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from thrustcoach.errors import ThrustCoachError

__all__ = ["GuardedH11Protocol", "RequestTimeoutError", "RequestTimeoutMiddleware"]


class RequestTimeoutError(ThrustCoachError):
    http_status = 408
    title = "Request timeout"


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length" and value.isdigit() and len(value) < 19:
            return int(value)
    return None


class RequestTimeoutMiddleware:
    """Bounds the time a request may take to deliver its body (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, idle_timeout_s: float, min_rate_bytes_s: float) -> None:
        self.app = app
        self.idle_timeout_s = idle_timeout_s
        self.min_rate_bytes_s = min_rate_bytes_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        started = time.monotonic()
        state = {"received": 0, "body_done": False, "timed_out": False, "responded": False}

        def wait_limit() -> float:
            """Seconds the next body chunk may take: the idle limit, or less if the body as a
            whole has fallen behind the minimum rate."""
            received = int(state["received"])
            due_by = started + self.idle_timeout_s + received / self.min_rate_bytes_s
            return min(self.idle_timeout_s, due_by - time.monotonic())

        async def guarded_receive() -> Message:
            if state["timed_out"]:
                return {"type": "http.disconnect"}
            if state["body_done"]:
                return await receive()  # only a disconnect can come now: no limit
            try:
                message = await asyncio.wait_for(receive(), timeout=max(wait_limit(), 0.0))
            except TimeoutError:
                state["timed_out"] = True
                if not state["responded"]:
                    await _send_408(send, scope, received=int(state["received"]), declared=declared)
                raise RequestTimeoutError(
                    "the request body did not arrive in time", hint="send the request again"
                ) from None
            if message["type"] == "http.request":
                state["received"] = int(state["received"]) + len(message.get("body", b""))
                state["body_done"] = not message.get("more_body", False)
            else:
                state["body_done"] = True
            return message

        async def guarded_send(message: Message) -> None:
            if state["timed_out"]:
                return  # the 408 has gone out; the handler's own answer has nobody to go to
            if message["type"] == "http.response.start":
                state["responded"] = True
            await send(message)

        await self.app(scope, guarded_receive, guarded_send)


async def _send_408(send: Send, scope: Scope, *, received: int, declared: int | None) -> None:
    of = f" of {declared}" if declared is not None else ""
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Request timeout",
            "status": 408,
            "detail": f"the request body stopped arriving ({received}{of} bytes received)",
            "hint": "check the connection and send the request again",
            "instance": scope.get("path", ""),
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 408,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@cache
def _configured_header_timeout_s() -> float:
    from thrustcoach.config import load_settings

    return load_settings().header_timeout_s


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for the headers of every request.

    The deadline is ``config.header_timeout_s`` if the uvicorn config carries one (tests),
    else the ``header_timeout_s`` setting (read once per process: ``serve --workers``
    spawns processes that import this class afresh).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        configured = getattr(self.config, "header_timeout_s", None)
        self.header_timeout_s = float(configured or _configured_header_timeout_s())
        self._header_timer: asyncio.TimerHandle | None = None

    def _arm_header_timer(self) -> None:
        self._disarm_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _waiting_for_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._waiting_for_headers() and not self.transport.is_closing():
            self.logger.info("closing a connection whose request headers did not arrive in time")
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle and not self._waiting_for_headers():
            self._disarm_header_timer()  # a request's headers are complete

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self._waiting_for_headers():
            self._arm_header_timer()  # the next request on this connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)
