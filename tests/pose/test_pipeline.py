"""Stage threads: items in order, errors where the caller sees them, early stops clean up."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from thrustcoach.pose.pipeline import BackgroundSink, read_ahead


def test_read_ahead_keeps_order_and_passes_errors() -> None:
    assert list(read_ahead(iter(range(100)), depth=3)) == list(range(100))

    def broken() -> Iterator[int]:
        yield 1
        raise ValueError("damaged file")

    with pytest.raises(ValueError, match="damaged"):
        list(read_ahead(broken(), depth=2))


def test_stopping_early_closes_the_source() -> None:
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()  # e.g. the video capture is released

    it = read_ahead(endless(), depth=2)
    assert [next(it) for _ in range(5)] == [0, 1, 2, 3, 4]
    it.close()
    assert closed.wait(2.0)


def test_sink_consumes_in_order_and_reports_errors() -> None:
    seen: list[int] = []
    sink: BackgroundSink[int] = BackgroundSink(seen.append, depth=2)
    for i in range(50):
        sink.put(i)
    sink.close()
    assert seen == list(range(50))

    def fail(i: int) -> None:
        if i == 3:
            raise OSError("disk full")

    bad: BackgroundSink[int] = BackgroundSink(fail, depth=2)
    with pytest.raises(OSError, match="disk full"):
        for i in range(100):
            bad.put(i)
        bad.close()
