"""Stages on their own threads with bounded queues between them.

Decoding (FFmpeg), the pose model (MediaPipe's native threads) and encoding the annotated
video (x264) all run outside the GIL, so a chunk's decoder can fill the next frames and its
encoder can compress the last ones while the model works on the current one. The queues
hold a few frames each: memory stays bounded whatever the video's length.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

__all__ = ["BackgroundSink", "read_ahead"]

T = TypeVar("T")
_POLL_S = 0.1


def read_ahead(items: Iterator[T], *, depth: int, name: str = "read-ahead") -> Iterator[T]:
    """Iterate ``items`` on a thread, at most ``depth`` items ahead of the consumer.

    Exceptions raised by ``items`` come out of this iterator; stopping early (``close()``, an
    exception in the consumer) stops and closes ``items`` on its own thread.
    """
    box: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(kind: str, value: object) -> bool:
        while not stop.is_set():
            try:
                box.put((kind, value), timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put("item", item):
                    break
            else:
                put("end", None)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            put("error", exc)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()
    try:
        while True:
            kind, value = box.get()
            if kind == "end":
                return
            if kind == "error":
                assert isinstance(value, BaseException)
                raise value
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


class BackgroundSink(Generic[T]):
    """Calls ``consume`` on a thread for every ``put`` item, in order; ``close`` waits for the
    last one and raises what ``consume`` raised."""

    def __init__(self, consume: Callable[[T], None], *, depth: int, name: str = "sink") -> None:
        self._consume = consume
        self._box: queue.Queue[tuple[bool, T | None]] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            more, item = self._box.get()
            if not more:
                return
            if self._error is None:
                try:
                    self._consume(item)  # type: ignore[arg-type]
                except BaseException as exc:  # noqa: BLE001 - raised on close()
                    self._error = exc

    def put(self, item: T) -> None:
        if self._error is not None:
            raise self._error
        self._box.put((True, item))

    def close(self) -> None:
        self._box.put((False, None))
        self._thread.join()
        if self._error is not None:
            raise self._error
