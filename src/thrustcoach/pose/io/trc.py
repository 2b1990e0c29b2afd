"""TRC marker files as written by Sports2D, Pose2Sim and OpenCap (OpenSim's text format).

Layout (tab-separated)::

    PathFileType  4  (X/Y/Z)  <file name>
    DataRate  CameraRate  NumFrames  NumMarkers  Units  OrigDataRate  OrigDataStartFrame  ...
    30.0      30.0        451        26          m      30.0          0                   ...
    Frame#  Time  Hip  <tab><tab>  RHip  <tab><tab>  ...
            X1  Y1  Z1  X2  Y2  Z2  ...
    <optional blank line>
    1  0.0000  412.1  -633.0  0.0  ...

Marker names are HALPE_26 / COCO_17 / OpenPose BODY_25 style (``RHip``, ``LKnee``, ``RBigToe``,
``RSmallToe``, ``RHeel``, ``Neck``, ``Nose``), OpenCap's anatomical ``*_study`` markers, or
already MediaPipe names. We keep those that match a MediaPipe landmark (``TRC_NAME_MAP``); the
big toe stands in for MediaPipe's ``foot_index``. ``Hip``/``Neck``/``Head``/``SmallToe`` have no
MediaPipe counterpart and are dropped.

TRC is ``y`` up; we flip to ``y`` down. Sports2D's ``*_px.trc`` carries pixels under a ``m``
unit label (and older versions wrote image ``y`` down): a body taller than 50 "metres" is read
as pixels, and when the flipped knees sit below the ankles in most frames the file was already
``y`` down and is not flipped. A marker at exactly (0, 0, 0) is a gap that the writer
zero-filled; empty and NaN cells are gaps too.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np

from thrustcoach.errors import InputFileError, UnsupportedFormatError
from thrustcoach.files import configured_limit, read_limited
from thrustcoach.pose.io.checks import check_times
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.series import FloatArray, LandmarkSeries

__all__ = ["TRC_NAME_MAP", "read_trc"]

logger = logging.getLogger(__name__)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_SIDED = {
    "eye": "eye",
    "ear": "ear",
    "shoulder": "shoulder",
    "elbow": "elbow",
    "wrist": "wrist",
    "hip": "hip",
    "knee": "knee",
    "ankle": "ankle",
    "heel": "heel",
    "bigtoe": "foot_index",
}
# OpenCap's anatomical markers (normalised) -> our name. Hip joint centres are exact; the
# lateral knee/ankle markers are used when no keypoint of that joint is present.
_OPENCAP = {
    "rshoulderstudy": "right_shoulder",
    "lshoulderstudy": "left_shoulder",
    "rhjcstudy": "right_hip",
    "lhjcstudy": "left_hip",
    "rkneestudy": "right_knee",
    "lkneestudy": "left_knee",
    "ranklestudy": "right_ankle",
    "lanklestudy": "left_ankle",
    "rcalcstudy": "right_heel",
    "lcalcstudy": "left_heel",
    "rtoestudy": "right_foot_index",
    "ltoestudy": "left_foot_index",
}

TRC_NAME_MAP: dict[str, str] = {
    "nose": "nose",
    **{f"{s[0]}{k}": f"{s}_{v}" for k, v in _SIDED.items() for s in ("left", "right")},
    **{_norm(n): n for n in MEDIAPIPE_LANDMARKS},
    **_OPENCAP,
}
"""Normalised marker name (lower case, letters and digits only) -> MediaPipe landmark name."""

_UNIT_TO_M = {"m": 1.0, "mm": 1e-3, "cm": 1e-2}
_MAX_BODY_M = 50.0  # a "body" taller than this is in pixels whatever the label says


def _lines(path: Path, max_bytes: int | None) -> list[str]:
    data = read_limited(
        path,
        max_bytes=configured_limit("max_landmark_mb") if max_bytes is None else max_bytes,
        what="a landmark file",
        setting="max_landmark_mb",
    )
    return data.decode("utf-8-sig", errors="replace").splitlines()


def _header(lines: list[str], path: Path) -> tuple[dict[str, str], list[str]]:
    if len(lines) < 6:
        raise InputFileError(
            f"{path}: a TRC file needs 5 header lines and data; this one has {len(lines)} lines",
            hint="export the TRC again",
        )
    keys = lines[1].split("\t")
    values = lines[2].split("\t")
    info = {k.strip(): v.strip() for k, v in zip(keys, values, strict=False) if k.strip()}
    names_line = lines[3].split("\t") if "\t" in lines[3] else lines[3].split()
    if len(names_line) < 3 or _norm(names_line[0]) not in ("frame", "frames"):
        raise InputFileError(
            f"{path}: line 4 should start with 'Frame#  Time' and name the markers",
            hint="export the TRC again",
        )
    markers = [n.strip() for n in names_line[2:] if n.strip()]
    return info, markers


def _data(lines: list[str], n_markers: int, path: Path) -> FloatArray:
    body = [ln for ln in lines[5:] if ln.strip()]
    if not body:
        raise InputFileError(f"{path}: the TRC file has a header but no frames")
    width = 2 + 3 * n_markers
    rows = [ln.rstrip("\r\n").split("\t") if "\t" in ln else ln.split() for ln in body]
    too_long = [i for i, r in enumerate(rows) if len([c for c in r[width:] if c.strip()]) > 0]
    if too_long:
        raise InputFileError(
            f"{path}: frame line {too_long[0] + 1} has more values than the {n_markers} markers",
            hint="the marker names on line 4 must match the data columns",
        )
    padded = [(r + [""] * width)[:width] for r in rows]
    arr = np.char.strip(np.asarray(padded, dtype=str))
    arr[arr == ""] = "nan"
    try:
        return arr.astype(np.float64)
    except ValueError:
        raise InputFileError(
            f"{path}: the TRC file holds a value that is not a number", hint="export it again"
        ) from None


def _select(markers: list[str]) -> dict[str, int]:
    """Our landmark name -> index of the marker that gives it (keypoints beat study markers)."""
    chosen: dict[str, int] = {}
    for pass_study in (False, True):
        for i, marker in enumerate(markers):
            key = _norm(marker)
            if key in TRC_NAME_MAP and (key in _OPENCAP) == pass_study:
                chosen.setdefault(TRC_NAME_MAP[key], i)
    return chosen


def read_trc(path: str | Path, *, max_bytes: int | None = None) -> LandmarkSeries:
    """Read a TRC marker file into a :class:`LandmarkSeries` (y down; units in ``meta``).

    Files above ``max_bytes`` (default: the ``max_landmark_mb`` setting) are refused unread.
    """
    path = Path(path)
    lines = _lines(path, max_bytes)
    if not lines or not lines[0].startswith("PathFileType"):
        raise UnsupportedFormatError(f"{path} is not a TRC file (no 'PathFileType' line)")
    info, markers = _header(lines, path)
    data = _data(lines, len(markers), path)
    chosen = _select(markers)
    if not chosen:
        raise UnsupportedFormatError(
            f"{path}: none of its markers ({', '.join(markers[:6])}, ...) is a body landmark "
            "we know",
            hint="use HALPE/COCO/OpenPose names (RHip, LKnee, ...) or MediaPipe names",
        )
    dropped = [m for m in markers if _norm(m) not in TRC_NAME_MAP]
    if dropped:
        logger.info("%s: markers without a MediaPipe counterpart dropped: %s", path, dropped)
    names = tuple(n for n in MEDIAPIPE_LANDMARKS if n in chosen)
    xyz = np.stack([data[:, 2 + 3 * chosen[n] : 5 + 3 * chosen[n]] for n in names], axis=1)
    xyz[(xyz == 0).all(axis=2)] = np.nan  # zero-filled gaps
    time_s = data[:, 1]
    keep = np.isfinite(time_s)
    if not keep.all():
        logger.warning("%s: %d frames without a time dropped", path, int((~keep).sum()))
    time_s, xyz = time_s[keep], xyz[keep]
    frames = data[keep, 0]
    frame = np.where(np.isfinite(frames), frames, np.arange(frames.size)).astype(np.int64)
    if time_s.size == 0 or (np.diff(time_s) <= 0).any():
        raise InputFileError(
            f"{path}: the Time column must increase from frame to frame", hint="export it again"
        )
    check_times(path, time_s)

    units = info.get("Units", "m").strip().lower()
    if units in _UNIT_TO_M:
        xyz *= _UNIT_TO_M[units]
        units = "m"
        span = np.nanmax(xyz[:, :, 1]) - np.nanmin(xyz[:, :, 1]) if np.isfinite(xyz).any() else 0.0
        if span > _MAX_BODY_M:
            units = "px"  # Sports2D's *_px.trc: pixels labelled as metres
            xyz /= _UNIT_TO_M[info.get("Units", "m").strip().lower()]
    elif units not in ("px", "pixel", "pixels"):
        logger.warning("%s: unknown TRC unit %r; reading values as they are", path, units)
    else:
        units = "px"
    xyz[:, :, 1] *= -1.0  # TRC is y up; the series is y down
    if _knees_below_ankles(names, xyz):
        xyz[:, :, 1] *= -1.0
        logger.info("%s: coordinates were already y down (older Sports2D); not flipped", path)
    if np.all(np.nan_to_num(xyz[:, :, 2]) == 0):
        xyz[:, :, 2] = np.nan  # 2-D export (Sports2D): no depth
    visibility = np.where(np.isnan(xyz[:, :, :2]).any(axis=2), 0.0, 1.0)
    meta = {
        "format": "trc",
        "source": (lines[0].split("\t")[3:4] or [path.name])[0].strip() or path.name,
        "units": units,
        "data_rate_hz": info.get("DataRate", ""),
    }
    return LandmarkSeries(
        time_s=time_s.copy(), frame=frame, names=names, xyz=xyz, visibility=visibility, meta=meta
    )


def _knees_below_ankles(names: tuple[str, ...], xyz: FloatArray) -> bool:
    """True when (in y-down coordinates) the knees are lower than the ankles in most frames.

    In every movement we analyse, and in standing, the knee is above the ankle, so this means
    the file's y axis already pointed down.
    """
    votes: list[FloatArray] = []
    for side in ("left", "right"):
        if f"{side}_knee" in names and f"{side}_ankle" in names:
            knee = xyz[:, names.index(f"{side}_knee"), 1]
            ankle = xyz[:, names.index(f"{side}_ankle"), 1]
            ok = np.isfinite(knee) & np.isfinite(ankle)
            votes.append(knee[ok] > ankle[ok])
    if not votes:
        return False
    all_votes = np.concatenate(votes)
    return bool(all_votes.size and all_votes.mean() > 0.5)
