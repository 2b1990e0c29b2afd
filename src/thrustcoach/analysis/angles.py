"""Joint angles from image points (``y`` down), defined as data in ``data/angles.toml``."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.config import AngleDef, load_angle_defs

__all__ = ["angle_deg", "compute_angles", "line_angle_deg"]

Arr = NDArray[np.float64]


def angle_deg(a: Arr, b: Arr, c: Arr, *, signed: bool) -> Arr:
    """Angle a-b-c in degrees for (T, 2) image points.

    Unsigned angles lie in [0, 180]. Signed angles read 360 - angle when ``b`` lies above the
    line a-c in the image (smaller ``y``): for the hip, above 180 when the hips rise past the
    shoulder-knee line.
    """
    u, w = a - b, c - b
    norm = np.linalg.norm(u, axis=-1) * np.linalg.norm(w, axis=-1)
    cos = np.sum(u * w, axis=-1) / np.where(norm > 0, norm, np.nan)
    ang = np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), dtype=np.float64)
    if not signed:
        return ang
    line = c - a
    t = np.sum((b - a) * line, axis=-1) / np.maximum(np.sum(line * line, axis=-1), 1e-12)
    proj_y = a[..., 1] + t * line[..., 1]
    return np.where(b[..., 1] < proj_y, 360.0 - ang, ang)


def line_angle_deg(p: Arr, q: Arr) -> Arr:
    """Tilt of the line p-q from the image horizontal in [-90, 90], whichever end is which."""
    d = q - p
    dx = np.where(d[..., 0] < 0, -d[..., 0], d[..., 0])
    dy = np.where(d[..., 0] < 0, -d[..., 1], d[..., 1])
    return np.asarray(np.degrees(np.arctan2(-dy, np.maximum(dx, 1e-9))), dtype=np.float64)


def compute_angles(
    chains: Mapping[str, Mapping[str, Arr]], *, defs: tuple[AngleDef, ...] | None = None
) -> dict[str, Arr]:
    """Every defined angle over time from the ``work``/``free`` chains of joint points."""
    out: dict[str, Arr] = {}
    for d in defs if defs is not None else load_angle_defs():
        chain = chains[d.chain]
        a, b, c = (chain[p] for p in d.points)
        out[d.name] = angle_deg(a, b, c, signed=d.signed)
    return out
