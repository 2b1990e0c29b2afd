"""H.264 MP4 writing with PyAV (bundled FFmpeg + libx264), playable in Chromium and Firefox.

OpenCV's own writer cannot produce H.264, and browsers do not play MPEG-4 Part 2. We write
H.264 High profile, ``yuv420p`` (the only chroma layout browsers decode), even dimensions
(a 4:2:0 requirement) and ``+faststart`` (the index first, so playback starts while loading).
Frame times may be given per frame, which keeps a variable-frame-rate source's timing.
"""

from __future__ import annotations

import logging
import os
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import numpy as np
from numpy.typing import NDArray

from thrustcoach.errors import InputFileError

__all__ = ["H264Writer"]

logger = logging.getLogger(__name__)

_TIME_BASE = Fraction(1, 1000)  # millisecond timestamps: exact for phone VFR video


class H264Writer:
    """Write BGR frames to an H.264 MP4. Use as a context manager.

    >>> with H264Writer(path, width=1280, height=720, fps=30) as out:
    ...     out.write(frame_bgr, time_s=0.0)
    """

    def __init__(
        self,
        path: str | Path,
        *,
        width: int,
        height: int,
        fps: float,
        crf: int = 23,
        preset: str = "veryfast",
        threads: int = 0,
    ) -> None:
        """``threads``: encoder threads (0: FFmpeg's choice, one per core and then some);
        parallel chunks each writing a segment pass 1 so they do not fight over the cores."""
        self.path = Path(path)
        # 4:2:0 needs even sizes: drop the last row/column if odd.
        self.width = width - width % 2
        self.height = height - height % 2
        self.fps = fps
        # FFmpeg opens the file only with the first frame: check the folder now, so a bad path
        # fails before a whole pose run instead of after it.
        folder = self.path.parent
        if not folder.is_dir():
            raise InputFileError(
                f"cannot write {self.path}: the folder {folder} does not exist",
                hint="create the folder or choose another path",
            )
        if not os.access(folder, os.W_OK):
            raise InputFileError(
                f"cannot write {self.path}: the folder {folder} is not writable",
                hint="choose a folder you can write to",
            )
        try:
            self._container = av.open(
                str(self.path), mode="w", format="mp4", options={"movflags": "+faststart"}
            )
        except (OSError, av.error.FFmpegError) as exc:
            raise InputFileError(
                f"cannot write {self.path}: {exc}", hint="check the folder exists and is writable"
            ) from None
        rate = Fraction(round(fps * 1000), 1000) if fps > 0 else Fraction(30)
        self._stream = self._container.add_stream(
            "libx264", rate=rate, options={"crf": str(crf), "preset": preset}
        )
        self._stream.codec_context.thread_count = threads
        self._stream.width = self.width
        self._stream.height = self.height
        self._stream.pix_fmt = "yuv420p"
        self._stream.codec_context.time_base = _TIME_BASE
        self._last_pts = -1
        self._count = 0
        self.frames_written = 0

    def write(self, image_bgr: NDArray[np.uint8], *, time_s: float | None = None) -> None:
        """Add one frame; ``time_s`` defaults to ``index / fps``."""
        if image_bgr.shape[0] != self.height or image_bgr.shape[1] != self.width:
            image_bgr = np.ascontiguousarray(image_bgr[: self.height, : self.width])
        t = self._count / self.fps if time_s is None else time_s
        pts = max(round(t / _TIME_BASE), self._last_pts + 1)
        frame = av.VideoFrame.from_ndarray(image_bgr, format="bgr24")
        frame.pts = pts
        frame.time_base = _TIME_BASE
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self._last_pts = pts
        self._count += 1
        self.frames_written += 1

    def close(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
