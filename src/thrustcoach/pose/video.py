"""Video decoding: streamed frames with container timestamps, upright, at a capped rate.

OpenCV's FFmpeg backend does the decoding. Three things matter for phone videos:

* **timestamps**: phones record at a variable frame rate, so every frame's time comes from the
  container (``CAP_PROP_POS_MSEC`` after each read), never from ``index / fps``;
* **rotation**: portrait clips are stored landscape with a display-matrix rotation; we ask OpenCV
  to apply it and rotate ourselves if a build ignores the request;
* **memory**: frames are yielded one by one; nothing holds more than the current frame.

A stride caps the analysed rate (``max_fps``, 30 by default): a frame is kept when it is the first
one in its ``1 / max_fps`` time slot. Slots depend only on the timestamp, so a video cut into
chunks keeps exactly the frames the whole video would keep.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from thrustcoach.errors import InputFileError, VideoError
from thrustcoach.pose.io.detect import FileKind, archive_error, detect_kind

# Silence FFmpeg's own stderr chatter about damaged packets; we report problems ourselves.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
import cv2  # after the environment variables on purpose

cv2.setLogLevel(2)  # errors only: "can't open by name" warnings become our VideoError

__all__ = ["MIN_SIDE_PX", "RateCap", "VideoFrame", "VideoInfo", "iter_frames", "probe_video"]

logger = logging.getLogger(__name__)

MIN_SIDE_PX = 64  # below this a person is a few pixels tall: no pose model can work on it
_SEEK_MARGIN_S = 1.0  # seek this much before a chunk start, then decode forward to it
# Keep every frame when the source is at most this much faster than max_fps: phone videos at
# a nominal 30 fps jitter around it and must not lose frames to a 30 fps cap.
_STRIDE_SLACK = 1.15

Image = NDArray[np.uint8]


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a video (dimensions are after rotation)."""

    path: Path
    width: int
    height: int
    fps: float
    frame_count: int
    duration_s: float
    rotation_deg: int
    # Rotation OpenCV did not apply itself (a build without CAP_PROP_ORIENTATION_AUTO).
    manual_rotation_deg: int = 0

    @property
    def resolution(self) -> str:
        return f"{self.width}x{self.height}"


@dataclass(frozen=True)
class VideoFrame:
    """One decoded frame: its index in the source, its container time and the BGR image."""

    index: int
    time_s: float
    image: Image
    in_rate: bool = True  # kept by the rate cap (False: decoded only for the annotated video)


def _open(path: Path) -> cv2.VideoCapture:
    kind = detect_kind(path)  # raises InputFileError for missing/unreadable paths
    if kind is FileKind.EMPTY:
        raise VideoError(f"{path} is empty", hint="copy the video again")
    if kind in (FileKind.LANDMARK_CSV, FileKind.TRC):
        raise VideoError(
            f"{path} is a landmark file, not a video",
            hint=f"run 'thrustcoach analyze {path}' to analyse it",
        )
    if kind is FileKind.IMAGE:
        raise VideoError(f"{path} is a picture, not a video", hint="film the whole set")
    if kind is FileKind.ARCHIVE:
        err = archive_error(path)
        raise VideoError(err.message, hint=err.hint)
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not cap.isOpened():
        raise VideoError(
            f"{path} is not a video we can open (unknown format, or the file is damaged)",
            hint="record with the phone's camera app (MP4/MOV) or re-export the video",
        )
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return cap


def _upright(image: object, rotation_deg: int) -> Image:
    """Rotate a frame that a build of OpenCV returned without applying the rotation."""
    frame = np.asarray(image, dtype=np.uint8)
    if rotation_deg % 360 == 0:
        return frame
    code = {
        90: cv2.ROTATE_90_CLOCKWISE,
        180: cv2.ROTATE_180,
        270: cv2.ROTATE_90_COUNTERCLOCKWISE,
    }.get(rotation_deg % 360)
    return frame if code is None else np.ascontiguousarray(cv2.rotate(frame, code))


def probe_video(path: str | Path) -> VideoInfo:
    """Open a video, decode its first frame and return its properties.

    Raises :class:`VideoError` for files that are not videos, cannot be decoded, or are too
    small to hold a person, and :class:`InputFileError` for paths that cannot be read.
    """
    path = Path(path)
    cap = _open(path)
    try:
        ok, first = cap.read()
        if not ok or first is None:
            raise VideoError(
                f"{path} holds no frame we can decode (truncated or corrupt file)",
                hint="copy the original video from the phone again",
            )
        rotation = round(float(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0.0)) % 360
        applied = float(cap.get(cv2.CAP_PROP_ORIENTATION_AUTO) or 0.0) == 1.0
        manual = 0 if applied else rotation
        height, width = _upright(first, manual).shape[:2]
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    finally:
        cap.release()
    if min(width, height) < MIN_SIDE_PX:
        raise VideoError(
            f"{path} is only {width}x{height} pixels: too small to find a person",
            hint=f"use a video at least {MIN_SIDE_PX} px on each side (720p is ideal)",
        )
    if not math.isfinite(fps) or fps <= 0:
        fps = 30.0
        logger.warning("%s does not state its frame rate; assuming 30 fps", path)
    duration_s = count / fps if count > 0 else 0.0
    return VideoInfo(
        path=path,
        width=width,
        height=height,
        fps=fps,
        frame_count=max(count, 0),
        duration_s=duration_s,
        rotation_deg=rotation,
        manual_rotation_deg=manual,
    )


class RateCap:
    """Caps a stream's frame rate at ``max_fps``: keeps the first frame of each ``1/max_fps``
    time slot. Slots depend only on the timestamp, so a chunk of a video keeps exactly the
    frames the whole video would; ``None`` (or a source no faster than the cap, give or take
    phone jitter) keeps every frame. Feed it every frame's time in order."""

    def __init__(self, max_fps: float | None, *, source_fps: float) -> None:
        slack = max_fps is None or source_fps <= max_fps * _STRIDE_SLACK
        self.max_fps = None if slack else max_fps
        self._source_fps = source_fps
        self._last_slot: int | None = None

    def keep(self, time_s: float) -> bool:
        if self.max_fps is None:
            return True
        # Shifting by half a source frame keeps timestamps rounded to milliseconds (0.033 for
        # 1/30 s) in the slot their true time belongs to.
        slot = math.floor(time_s * self.max_fps + 0.5 * self.max_fps / self._source_fps)
        new = slot != self._last_slot
        self._last_slot = slot
        return new


def iter_frames(
    info: VideoInfo,
    *,
    max_fps: float | None = 30.0,
    start_s: float = 0.0,
    end_s: float | None = None,
    warnings: list[str] | None = None,
    every_frame: bool = False,
) -> Iterator[VideoFrame]:
    """Yield upright frames with ``start_s <= time_s < end_s``, at most ``max_fps`` per second.

    ``max_fps=None`` (or a source no faster than ``max_fps``) keeps every frame;
    ``every_frame=True`` yields the others too, marked ``in_rate=False``. When decoding
    stops well before the container's stated length, the frames before the damage are still
    yielded and a message is appended to ``warnings`` (and logged).
    """
    if max_fps is not None and max_fps <= 0:
        raise InputFileError(f"max_fps must be positive, got {max_fps}")
    rate_cap = RateCap(max_fps, source_fps=info.fps)
    cap = _open(info.path)
    index = 0
    last_time = -math.inf
    try:
        if start_s > _SEEK_MARGIN_S:
            cap, index = _seek(cap, info, start_s)
        while True:
            if not cap.grab():
                break
            time_s = float(cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
            this_index = index
            index += 1
            if time_s <= last_time:  # broken timestamp: keep order with the nominal step
                time_s = last_time + 1.0 / info.fps
            last_time = time_s
            in_rate = rate_cap.keep(time_s)
            if not (in_rate or every_frame) or time_s < start_s - 1e-9:
                continue
            if end_s is not None and time_s >= end_s - 1e-9:
                return
            ok, image = cap.retrieve()
            if not ok or image is None:
                break
            image = _upright(image, info.manual_rotation_deg)
            yield VideoFrame(this_index, time_s, image, in_rate)
        _check_complete(info, last_time, end_s, warnings)
    finally:
        cap.release()


def _seek(cap: cv2.VideoCapture, info: VideoInfo, start_s: float) -> tuple[cv2.VideoCapture, int]:
    """Position ``cap`` a little before ``start_s``; returns it and the next frame's index.

    Container seeks land on a keyframe before the target; should one land after it (a
    broken index), the chunk would lose frames, so we fall back to decoding from the start.
    """
    target_ms = (start_s - _SEEK_MARGIN_S) * 1000.0
    cap.set(cv2.CAP_PROP_POS_MSEC, target_ms)
    if cap.grab() and float(cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0 <= start_s:
        cap.set(cv2.CAP_PROP_POS_MSEC, target_ms)  # back to the same spot for the caller
        return cap, max(int(cap.get(cv2.CAP_PROP_POS_FRAMES)), 0)
    logger.info("%s: seeking to %.1f s overshot; decoding from the start", info.path, start_s)
    cap.release()
    return _open(info.path), 0


def _check_complete(
    info: VideoInfo, last_time_s: float, end_s: float | None, warnings: list[str] | None
) -> None:
    """Warn when decoding stopped well before the end the container announced."""
    stated_end = info.duration_s if end_s is None else min(end_s, info.duration_s)
    if stated_end <= 0 or last_time_s < 0:
        return
    missing_s = stated_end - last_time_s
    if missing_s > max(0.5, 5.0 / info.fps) and missing_s > 0.05 * info.duration_s:
        message = (
            f"{info.path.name}: the video stops decoding at {last_time_s:.1f} s of "
            f"{info.duration_s:.1f} s (truncated or damaged file); only the frames before "
            "that are analysed"
        )
        logger.warning(message)
        if warnings is not None and message not in warnings:
            warnings.append(message)
