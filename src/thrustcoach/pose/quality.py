"""Checks on what the pose model saw: nobody, a black picture, legs cut off, two people.

Fatal problems raise (:class:`NoPersonError`, :class:`VideoError`); doubtful ones become
warnings that the CLI prints and the analysis JSON carries.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from thrustcoach.errors import NoPersonError, VideoError
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.series import FloatArray

__all__ = ["check_pose_quality"]

_BLACK_LEVEL = 12.0  # mean grey level (0-255) under which a frame is too dark to see anyone
_VISIBLE = 0.5  # MediaPipe visibility above which a landmark counts as seen
_CUT_OFF_FATAL = 0.5  # share of frames with knees seen but ankles not: the legs are cut off
_CUT_OFF_WARN = 0.15
_FEW_FRAMES_WARN = 0.5  # person found in fewer than half the frames
# A hip centre moving more than this many torso lengths between neighbouring frames is not a
# movement but the model switching to someone else.
_JUMP_TORSO = 0.6
_JUMP_MAX_DT_S = 0.25

_IDX = {name: i for i, name in enumerate(MEDIAPIPE_LANDMARKS)}


def _seen(
    xyz: FloatArray, vis: FloatArray, names: tuple[str, ...], width: int, height: int
) -> NDArray[np.bool_]:
    cols = [_IDX[n] for n in names]
    x, y = xyz[:, cols, 0], xyz[:, cols, 1]
    inside = (x >= 0) & (x < width) & (y >= 0) & (y < height)
    return np.asarray((vis[:, cols] > _VISIBLE) & inside, dtype=bool)


def check_pose_quality(
    *,
    time_s: FloatArray,
    xyz: FloatArray,
    visibility: FloatArray,
    frames_analysed: int,
    brightness_max: float,
    width: int,
    height: int,
    source: str,
) -> list[str]:
    """Raise for videos nobody can analyse; return warnings for doubtful ones.

    ``xyz``/``visibility`` hold the frames in which the model found a person, all 33
    MediaPipe landmarks, in pixels.
    """
    found = int(time_s.shape[0])
    if found == 0:
        if brightness_max < _BLACK_LEVEL:
            raise VideoError(
                f"{source}: the video is black or far too dark ({frames_analysed} frames)",
                hint="film in good light with the lens uncovered",
            )
        raise NoPersonError(
            f"{source}: no person found in any of {frames_analysed} frames",
            hint="film the whole body from the side, about 3 m away, in good light",
        )
    warnings: list[str] = []
    if frames_analysed and found < _FEW_FRAMES_WARN * frames_analysed:
        warnings.append(
            f"{source}: a person was found in only {found} of {frames_analysed} frames; "
            "results may miss reps (film the whole body, in good light)"
        )
    knees = _seen(xyz, visibility, ("left_knee", "right_knee"), width, height).any(axis=1)
    ankles = _seen(xyz, visibility, ("left_ankle", "right_ankle"), width, height).any(axis=1)
    cut = float(np.mean(knees & ~ankles))
    if cut > _CUT_OFF_FATAL:
        raise NoPersonError(
            f"{source}: the feet are outside the picture in {cut:.0%} of frames "
            "(the person is cut off at the knees)",
            hint="move the camera back so the whole body, feet included, is in the picture",
        )
    if cut > _CUT_OFF_WARN:
        warnings.append(
            f"{source}: the feet are outside the picture in {cut:.0%} of frames; "
            "foot and shin measures may be missing"
        )
    jumps = _identity_jumps(time_s, xyz)
    if jumps.size >= 1:
        warnings.append(
            f"{source}: the tracked body jumps to another place {jumps.size} times "
            f"(first at {jumps[0]:.1f} s): is a second person in the picture? "
            "Film one person at a time for reliable results"
        )
    return warnings


def _identity_jumps(time_s: FloatArray, xyz: FloatArray) -> FloatArray:
    """Times at which the hip centre leaps more than a fraction of a torso between frames."""
    hips = xyz[:, [_IDX["left_hip"], _IDX["right_hip"]], :2].mean(axis=1)
    shoulders = xyz[:, [_IDX["left_shoulder"], _IDX["right_shoulder"]], :2].mean(axis=1)
    torso = np.nanmedian(np.linalg.norm(shoulders - hips, axis=1))
    if not np.isfinite(torso) or torso <= 0 or time_s.size < 3:
        return np.empty(0)
    step = np.linalg.norm(np.diff(hips, axis=0), axis=1)
    close = np.diff(time_s) <= _JUMP_MAX_DT_S
    with np.errstate(invalid="ignore"):
        jump = close & (step > _JUMP_TORSO * torso)
    return np.asarray(time_s[1:][jump], dtype=np.float64)
