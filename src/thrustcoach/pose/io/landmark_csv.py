"""Our landmark CSV: ``frame,time_s,landmark,x,y,z,visibility``, one row per frame and landmark.

Format (documented in the README, section "Landmark files"):

* optional ``# key=value`` comment lines at the top (``width``, ``height``, ``source``, ...);
* a header naming at least ``time_s``, ``landmark``, ``x`` and ``y`` (``frame``, ``z`` and
  ``visibility`` are optional columns; other columns are ignored);
* ``landmark``: MediaPipe Pose names in lower snake case (``left_hip``); ``x``/``y`` in image
  pixels, origin top-left, ``y`` down; ``z`` may be empty; ``visibility`` in [0, 1], empty = 1;
* a row with an empty ``landmark`` records a frame in which no person was found.

Parsing uses numpy's C ``loadtxt`` (small Python converters only for the landmark names and
the empty-able cells): 36,000 frames x 33 landmarks (1.2 million rows) read in about 2 s.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import IO

import numpy as np
from numpy.typing import NDArray

from thrustcoach.errors import InputFileError, UnsupportedFormatError
from thrustcoach.files import configured_limit, open_text_limited
from thrustcoach.pose.io.checks import check_times
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.series import FloatArray, LandmarkSeries
from thrustcoach.text import shorten, strip_controls

__all__ = ["CSV_COLUMNS", "read_landmark_csv", "write_landmarks_csv"]

logger = logging.getLogger(__name__)

CSV_COLUMNS: tuple[str, ...] = ("frame", "time_s", "landmark", "x", "y", "z", "visibility")
_REQUIRED = ("time_s", "landmark", "x", "y")
# Coordinates beyond a million pixels are not an image position but a broken export.
_MAX_ABS_COORD = 1e6
# A frame number beyond a billion is not a frame of one recording (and overflows int64 later).
_MAX_FRAME = 1e9


def _not_utf8(path: Path) -> UnsupportedFormatError:
    return UnsupportedFormatError(
        f"{path} is not a UTF-8 text file", hint="export the landmark CSV as UTF-8 text"
    )


def _split_header(stream: IO[str], path: Path) -> tuple[dict[str, str], list[str]]:
    """Comment metadata and the header's column names; leaves ``stream`` at the first row."""
    meta: dict[str, str] = {}
    for line in iter(stream.readline, ""):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, sep, value = stripped.lstrip("#").partition("=")
            if sep and key.strip():
                meta[key.strip()] = value.strip()
            continue
        return meta, [c.strip().strip('"').lower() for c in stripped.split(",")]
    raise InputFileError(f"{path} has no header line", hint="the first line must name the columns")


def _bad_row(path: Path, bad: NDArray[np.bool_], what: str) -> InputFileError:
    row = int(np.flatnonzero(bad)[0]) + 1
    return InputFileError(
        f"{path}: data row {row}: {what}", hint="fix or remove that row (see 'Landmark files')"
    )


def _float_or_nan(text: str) -> float:
    return float(text) if text.strip() else math.nan


class _LandmarkLookup:
    """loadtxt converter: landmark name -> index into MEDIAPIPE_LANDMARKS (-1: empty cell)."""

    def __init__(self) -> None:
        self.index = {n: float(i) for i, n in enumerate(MEDIAPIPE_LANDMARKS)}
        self.index[""] = -1.0
        self.unknown: list[str] = []

    def __call__(self, text: str) -> float:
        found = self.index.get(text)
        if found is not None:
            return found
        cleaned = text.strip().strip('"').lower().replace(" ", "_")
        if cleaned in self.index:
            return self.index[cleaned]
        self.unknown.append(text)
        return math.nan


_NOT_A_NUMBER = re.compile(r"could not convert string (.*) to \w+ at row (\d+), column (\d+)")
_SHORT_ROW = re.compile(r"invalid column index \d+ at row (\d+) with (\d+) columns")


def _parse_error(path: Path, message: str, header: list[str]) -> InputFileError:
    """numpy's loadtxt message in our words: which data row and column, and what to do."""
    hint = (
        "every row needs frame,time_s,landmark,x,y,z,visibility with numbers in the numeric columns"
    )
    found = _NOT_A_NUMBER.search(message)
    if found:
        column = int(found[3])
        name = header[column - 1] if 0 < column <= len(header) else f"column {column}"
        value = found[1].strip().strip("'\"")
        return InputFileError(
            f"{path}: data row {int(found[2]) + 1}: {name} {shorten(value)} is not a number",
            hint=hint,
        )
    short = _SHORT_ROW.search(message)
    if short:
        return InputFileError(
            f"{path}: data row {short[1]} has {short[2]} values, the header names "
            f"{len(header)} columns",
            hint=hint,
        )
    return InputFileError(f"{path}: a data row cannot be read as numbers", hint=hint)


def _parse_rows(
    stream: IO[str], header: list[str], path: Path
) -> tuple[FloatArray, _LandmarkLookup]:
    """(N, len(CSV_COLUMNS)) floats in CSV_COLUMNS order; absent columns are NaN."""
    present = [c for c in CSV_COLUMNS if c in header]
    usecols = [header.index(c) for c in present]
    lookup = _LandmarkLookup()
    converters: dict[int | str, Callable[[str], float]] = {
        header.index(c): _float_or_nan for c in ("x", "y", "z", "visibility") if c in header
    }
    converters[header.index("landmark")] = lookup
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "input contained no data"
            raw = np.loadtxt(
                stream,
                delimiter=",",
                comments="#",
                usecols=usecols,
                converters=converters,
                dtype=np.float64,
                encoding="utf-8",
                quotechar='"',
                ndmin=2,
            )
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except ValueError as exc:
        raise _parse_error(path, str(exc), header) from None
    out = np.full((raw.shape[0], len(CSV_COLUMNS)), np.nan)
    for j, c in enumerate(present):
        out[:, CSV_COLUMNS.index(c)] = raw[:, j]
    return out, lookup


def _frame_table(
    frame_num: NDArray[np.int64], time_s: FloatArray, path: Path
) -> tuple[NDArray[np.int64], FloatArray, NDArray[np.int64]]:
    """Unique frames sorted by time, their times, and each row's frame index."""
    uniq, row_frame = np.unique(frame_num, return_inverse=True)
    order = np.argsort(row_frame, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(row_frame[order])) + 1]
    t_sorted = time_s[order]
    t_min = np.minimum.reduceat(t_sorted, starts)
    t_max = np.maximum.reduceat(t_sorted, starts)
    clash = t_max - t_min > 1e-9
    if clash.any():
        f = int(uniq[np.flatnonzero(clash)[0]])
        raise InputFileError(
            f"{path}: frame {f} has rows with different time_s values",
            hint="every row of one frame must carry the same time_s",
        )
    by_time = np.argsort(t_min, kind="stable")
    frames, times = uniq[by_time], t_min[by_time]
    same = np.diff(times) <= 0
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise InputFileError(
            f"{path}: frames {frames[i]} and {frames[i + 1]} share time_s {times[i]:g}",
            hint="time_s must increase from frame to frame",
        )
    if not np.array_equal(by_time, np.arange(by_time.size)):
        logger.warning("%s: frame numbers are not in time order; ordering by time_s", path)
    rank = np.empty_like(by_time)
    rank[by_time] = np.arange(by_time.size)
    return frames.astype(np.int64), times, rank[row_frame]


def _validate(path: Path, table: FloatArray, present: NDArray[np.bool_]) -> None:
    time_s, xy, vis = table[:, 1], table[:, 3:5], table[:, 6]
    if not np.isfinite(time_s).all():
        raise _bad_row(path, ~np.isfinite(time_s), "time_s is missing or not a finite number")
    bad_xy = present & (~np.isfinite(xy) | (np.abs(xy) > _MAX_ABS_COORD)).any(axis=1)
    if bad_xy.any():
        raise _bad_row(path, bad_xy, "x and y must be pixel positions (finite, within 1e6)")
    bad_vis = present & ~((vis >= 0) & (vis <= 1)) & ~np.isnan(vis)
    if bad_vis.any():
        raise _bad_row(path, bad_vis, "visibility must be between 0 and 1 (or empty)")
    frame = table[:, 0]
    bad_frame = ~np.isnan(frame) & ((frame < 0) | (frame > _MAX_FRAME) | (frame != np.round(frame)))
    if bad_frame.any() or (np.isnan(frame).any() and not np.isnan(frame).all()):
        raise _bad_row(
            path, bad_frame | np.isnan(frame), f"frame must be a whole number 0-{_MAX_FRAME:.0e}"
        )


def _read_table(
    path: Path, max_bytes: int | None
) -> tuple[dict[str, str], list[str], FloatArray, _LandmarkLookup]:
    """Metadata, header and parsed rows, streamed from the file within the size limit."""
    limit = configured_limit("max_landmark_mb") if max_bytes is None else max_bytes
    with open_text_limited(
        path, max_bytes=limit, what="a landmark file", setting="max_landmark_mb"
    ) as stream:
        try:
            meta, header = _split_header(stream, path)
        except UnicodeDecodeError:
            raise _not_utf8(path) from None
        missing = [c for c in _REQUIRED if c not in header]
        if missing:
            raise UnsupportedFormatError(
                f"{path} is a CSV without the landmark columns {', '.join(missing)} "
                f"(found: {strip_controls(', '.join(header))[:200]})",
                hint="a landmark CSV has columns " + ",".join(CSV_COLUMNS),
            )
        table, lookup = _parse_rows(stream, header, path)
    return meta, header, table, lookup


def read_landmark_csv(path: str | Path, *, max_bytes: int | None = None) -> LandmarkSeries:
    """Read our landmark CSV (see the module docstring) into a :class:`LandmarkSeries`.

    Files above ``max_bytes`` (default: the ``max_landmark_mb`` setting) are refused unread.
    """
    path = Path(path)
    meta, header, table, lookup = _read_table(path, max_bytes)
    if table.shape[0] == 0:
        raise InputFileError(f"{path} has a header but no data rows", hint="export it again")
    if lookup.unknown:
        raise InputFileError(
            f"{path}: unknown landmark {shorten(lookup.unknown[0])}",
            hint="landmark names are MediaPipe Pose's in lower snake case (left_hip, right_knee)",
        )
    lm_all = table[:, 2].astype(np.int64)
    present = (lm_all >= 0) & ~np.isnan(table[:, 3:5]).any(axis=1)
    _validate(path, table, present)
    if not present.any():
        raise InputFileError(f"{path} holds no landmark positions", hint="check x and y")
    time_s = table[:, 1]
    if "frame" in header:
        frame_num = table[:, 0].astype(np.int64)
    else:  # no frame column: number frames by their distinct times
        frame_num = np.unique(time_s, return_inverse=True)[1].astype(np.int64)
    check_times(path, time_s)
    frames, times, row_frame = _frame_table(frame_num, time_s, path)

    used = np.unique(lm_all[present])
    names = tuple(MEDIAPIPE_LANDMARKS[i] for i in used.tolist())
    to_col = np.full(len(MEDIAPIPE_LANDMARKS), -1, dtype=np.int64)
    to_col[used] = np.arange(used.size)
    rf, lm = row_frame[present], to_col[lm_all[present]]
    key = rf * len(names) + lm
    if np.unique(key).size != key.size:
        sorted_key = np.sort(key)
        dup = int(sorted_key[np.flatnonzero(np.diff(sorted_key) == 0)[0]])
        raise InputFileError(
            f"{path}: landmark {names[dup % len(names)]!r} appears twice in frame "
            f"{frames[dup // len(names)]}",
            hint="keep one row per frame and landmark (one person per file)",
        )
    xyz = np.full((frames.size, len(names), 3), np.nan)
    vis = np.zeros((frames.size, len(names)))
    xyz[rf, lm] = table[present, 3:6]
    vis_rows = table[present, 6]
    vis[rf, lm] = np.where(np.isnan(vis_rows), 1.0, vis_rows)  # empty visibility = 1
    meta.setdefault("units", "px")
    meta["format"] = "landmark_csv"
    return LandmarkSeries(
        time_s=times, frame=frames, names=names, xyz=xyz, visibility=vis, meta=meta
    )


def _fmt(values: FloatArray, decimals: int) -> list[str]:
    """Shortest text for each value rounded to ``decimals``; NaN -> empty."""
    rounded = np.round(values, decimals).tolist()
    return ["" if v != v else repr(v) for v in rounded]


def write_landmarks_csv(series: LandmarkSeries, path: str | Path, *, decimals: int = 3) -> Path:
    """Write ``series`` as a landmark CSV; returns the path.

    Coordinates and visibility are rounded to ``decimals`` places (a thousandth of a pixel is
    far below any pose model's precision), times to microseconds. Missing landmarks are left
    out; a frame with no landmark at all is kept as one row with an empty ``landmark``.
    """
    path = Path(path)
    present = ~np.isnan(series.xyz[:, :, :2]).any(axis=2)
    fi, li = np.nonzero(present)
    empty_frames = np.flatnonzero(~present.any(axis=1))
    frame_s = [str(f) for f in series.frame.tolist()]
    time_txt = _fmt(series.time_s, 6)
    sel = series.xyz[fi, li]
    x, y, z = (_fmt(sel[:, k], decimals) for k in range(3))
    v = _fmt(series.visibility[fi, li], decimals)
    names = series.names
    lines = [
        f"{frame_s[f]},{time_txt[f]},{names[lm]},{x[i]},{y[i]},{z[i]},{v[i]}"
        for i, (f, lm) in enumerate(zip(fi.tolist(), li.tolist(), strict=True))
    ]
    if empty_frames.size:
        order_key = np.concatenate([fi, empty_frames])
        extra = [f"{frame_s[f]},{time_txt[f]},,,,," for f in empty_frames.tolist()]
        merged = lines + extra
        lines = [merged[i] for i in np.argsort(order_key, kind="stable").tolist()]
    meta = {**series.meta}
    meta.setdefault("units", "px")
    meta_lines = [
        f"# {k}={str(val).replace(chr(10), ' ')}"
        for k, val in meta.items()
        if k not in ("format",) and "=" not in k and k.strip()
    ]
    text = "\n".join([*meta_lines, ",".join(CSV_COLUMNS), *lines]) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputFileError(
            f"cannot write {path}: {exc.strerror}", hint="check the folder exists and is writable"
        ) from None
    return path
