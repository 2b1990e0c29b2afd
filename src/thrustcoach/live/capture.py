"""Frames for ``thrustcoach live``: a webcam, or a video file played at its own speed.

Both run a reader thread that keeps only the newest frame: when the pose model falls
behind, frames are dropped (and counted), never queued, so what is analysed stays close to
what happens now. A file is paced by its own timestamps (``realtime=True``) as a camera
would deliver it; ``realtime=False`` hands over every frame as fast as they are used
(the same frames ``thrustcoach analyze`` reads: useful to check a recording).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from thrustcoach.errors import InputFileError, UsageError

__all__ = ["Frame", "FrameSource", "camera_source", "video_source"]

Image = NDArray[np.uint8]


@dataclass(frozen=True)
class Frame:
    time_s: float  # from the start of the source
    image: Image


class FrameSource:
    """The newest frame of a producer thread; ``dropped`` counts frames nobody took."""

    def __init__(self, produce: Iterator[Frame], *, latest_only: bool) -> None:
        self._produce = produce
        self._latest_only = latest_only
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._done = False
        self._error: BaseException | None = None
        self.dropped = 0
        self.delivered = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-capture", daemon=True)

    def __enter__(self) -> FrameSource:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        try:
            for frame in self._produce:
                with self._cond:
                    if not self._latest_only:
                        while self._frame is not None and not self._stop.is_set():
                            self._cond.wait(0.1)
                    if self._stop.is_set():
                        return
                    if self._frame is not None:
                        self.dropped += 1
                    self._frame = frame
                    self._cond.notify_all()
        except Exception as exc:  # noqa: BLE001 - re-raised in the consumer's thread
            self._error = exc
        finally:
            close = getattr(self._produce, "close", None)
            if close is not None:
                close()  # a camera is released here
            with self._cond:
                self._done = True
                self._cond.notify_all()

    def frames(self) -> Iterator[Frame]:
        while True:
            with self._cond:
                while self._frame is None and not self._done:
                    self._cond.wait(0.2)
                frame, self._frame = self._frame, None
                self._cond.notify_all()
                if frame is None:
                    if self._error is not None:
                        raise self._error
                    return
            self.delivered += 1
            yield frame


def _paced(frames: Iterator[tuple[float, Image]]) -> Iterator[Frame]:
    start = time.monotonic()
    first: float | None = None
    for t, image in frames:
        first = t if first is None else first
        wait = (t - first) - (time.monotonic() - start)
        if wait > 0:
            time.sleep(wait)
        yield Frame(t - first, image)


def video_source(path: Path, *, realtime: bool = True) -> FrameSource:
    from thrustcoach.pose.video import iter_frames, probe_video

    info = probe_video(path)

    def decoded() -> Iterator[tuple[float, Image]]:
        for f in iter_frames(info, max_fps=None):
            yield f.time_s, f.image

    produce = _paced(decoded()) if realtime else (Frame(t, im) for t, im in decoded())
    return FrameSource(produce, latest_only=realtime)


def camera_source(index: int, *, width: int = 640, height: int = 480) -> FrameSource:
    import cv2

    cap = cv2.VideoCapture(index)
    if not cap.isOpened():
        raise UsageError(
            f"cannot open camera {index}",
            hint="check that it is plugged in and not used by another program, or try --camera 1",
        )
    cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
    cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)

    def produce() -> Iterator[Frame]:
        start = time.monotonic()
        misses = 0
        try:
            while True:
                ok, image = cap.read()
                if not ok:
                    misses += 1
                    if misses > 30:
                        raise InputFileError(
                            f"camera {index} stopped delivering frames",
                            hint="check the cable, or close other programs using it",
                        )
                    time.sleep(0.05)
                    continue
                misses = 0
                yield Frame(time.monotonic() - start, np.asarray(image, dtype=np.uint8))
        finally:
            cap.release()

    return FrameSource(produce(), latest_only=True)
