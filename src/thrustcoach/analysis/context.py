"""What the recording shows as a whole: the camera view, the lifter's proportions, bench or
floor, lying back or upright, and whether the points describe a body at all.

Everything here is read from a bounded history of per-row features (see
:class:`thrustcoach.analysis.online.Reservoir`), so it is known live after a second or two
and settles as the recording goes on.

* **View**: seen from the side the two shoulders (and hips) overlap; turning the camera
  toward the feet spreads them by ``sin(yaw)`` while the torso shortens by ``cos(yaw)``.
* **Upright** bodies (standing, squatting, lunging, walking) are not a hip thrust or a
  bridge: their knees hang below their hips; lying back the knees are level or higher.
* **Bench or floor**: on a bench the shoulders rest well above the hips' lowest point; on
  the floor shoulders and hips both lie on it.
* **A body**: segment lengths of a person stay put from frame to frame; random points or a
  tracker stuck at the origin do not.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.config import ExerciseConfig, ViewConfig
from thrustcoach.analysis.legs import point_index
from thrustcoach.analysis.online import finite_median

__all__ = ["FEATURES", "BodyContext", "ViewInfo", "read_context", "row_features", "row_scale"]

Arr = NDArray[np.float64]
ViewName = Literal["side", "oblique", "front"]
Facing = Literal["left", "right", "toward_camera"]

FEATURES = (
    "torso",
    "width",
    "shin_l",
    "shin_r",
    "thigh_l",
    "thigh_r",
    "upright",
    "shoulder_y",
    "hip_y",
    "feet_dx",
    "hip_width",
    "ankle_gap",
    "jump",
)
_F = {n: i for i, n in enumerate(FEATURES)}


def _p(xy: Arr, side: str, joint: str) -> Arr:
    return xy[:, point_index(side, joint)]


def _dist(a: Arr, b: Arr) -> Arr:
    return np.asarray(np.linalg.norm(a - b, axis=-1))


def row_features(xy: Arr, jump: Arr) -> Arr:
    """Per-row features ``(m, len(FEATURES))`` of smoothed points ``(m, 12, 2)`` and the
    recorded points' median move since the previous row (``jump``, pixels)."""
    sh_l, sh_r = _p(xy, "left", "shoulder"), _p(xy, "right", "shoulder")
    hip_l, hip_r = _p(xy, "left", "hip"), _p(xy, "right", "hip")
    kn_l, kn_r = _p(xy, "left", "knee"), _p(xy, "right", "knee")
    an_l, an_r = _p(xy, "left", "ankle"), _p(xy, "right", "ankle")
    sh_mid, hip_mid = (sh_l + sh_r) / 2, (hip_l + hip_r) / 2
    thigh_l, thigh_r = _dist(hip_l, kn_l), _dist(hip_r, kn_r)
    with np.errstate(invalid="ignore", divide="ignore"):
        upright = ((kn_l[:, 1] - hip_l[:, 1]) / thigh_l + (kn_r[:, 1] - hip_r[:, 1]) / thigh_r) / 2
    cols = {
        "torso": _dist(sh_mid, hip_mid),
        "width": (_dist(sh_l, sh_r) + _dist(hip_l, hip_r)) / 2,
        "shin_l": _dist(kn_l, an_l),
        "shin_r": _dist(kn_r, an_r),
        "thigh_l": thigh_l,
        "thigh_r": thigh_r,
        "upright": upright,
        "shoulder_y": sh_mid[:, 1],
        "hip_y": hip_mid[:, 1],
        "feet_dx": (an_l[:, 0] + an_r[:, 0]) / 2 - sh_mid[:, 0],
        "hip_width": np.abs(hip_l[:, 0] - hip_r[:, 0]),
        "ankle_gap": an_l[:, 1] - an_r[:, 1],
        "jump": jump,
    }
    return np.stack([cols[n] for n in FEATURES], axis=1)


@dataclass(frozen=True)
class ViewInfo:
    view: ViewName
    facing: Facing
    yaw_deg: float  # estimated camera yaw away from a pure side view

    @property
    def feet_sign(self) -> float:
        """+1 when the feet point to the image right, -1 to the left (front: +1)."""
        return -1.0 if self.facing == "left" else 1.0

    @property
    def stretch(self) -> float:
        """Undo the oblique camera's foreshortening of the body's length (image x)."""
        return 1.0 / max(float(np.cos(np.radians(self.yaw_deg))), 0.5)


@dataclass(frozen=True)
class BodyContext:
    """The recording as a whole, from the history so far."""

    view: ViewInfo
    shin_px: float  # typical shin length (the longer leg: robust to occlusion)
    scale_px: float  # the longest typical body length: no single view foreshortens them all
    hip_width_px: float
    upright: float  # knee below hip in thigh lengths (about 0.9 standing, < 0.2 lying)
    shoulder_height_shins: float
    ankle_gap_shins: float
    body_problem: str | None  # why the points are not a body, or None

    def is_upright(self, cfg: ExerciseConfig) -> bool:
        return self.upright >= cfg.upright_min

    def on_bench(self, cfg: ExerciseConfig) -> bool:
        return self.shoulder_height_shins >= cfg.bench_min_shoulder_height_shins


def _medians(arr: Arr) -> dict[str, float]:
    """Each feature's median over its finite rows (0 where it has none)."""
    med = np.nan_to_num(finite_median(arr, axis=0), nan=0.0)
    return dict(zip(FEATURES, med.tolist(), strict=True))


def row_scale(features: Arr) -> Arr:
    """Per row, the longest of shin, thigh, torso and shoulder/hip width (pixels)."""
    names = ("shin_l", "shin_r", "thigh_l", "thigh_r", "torso", "width")
    cols = features[:, [_F[n] for n in names]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows with nothing seen
        return np.asarray(np.nanmax(cols, axis=1), dtype=np.float64)


def _body_problem(arr: Arr, medians: dict[str, float]) -> str | None:
    """Why these rows cannot be a person's body, or None (``medians``: each feature's)."""
    names = ("torso", "shin_l", "shin_r", "thigh_l", "thigh_r")
    lengths = arr[:, [_F[n] for n in names]]
    ok = np.isfinite(lengths).all(axis=1)
    if ok.sum() < 5:
        return "too few frames show the shoulders, hips, knees and ankles"
    if ok.all():  # the usual case: the rows with every length are all the rows
        med = np.array([medians[n] for n in names])
    else:
        lengths = lengths[ok]
        med = finite_median(lengths, axis=0)
    if not (med > 1e-6 * max(float(np.max(np.abs(lengths))), 1e-12)).all() or med.min() <= 0:
        return "the points do not move apart: no body segments (a tracker stuck at one spot?)"
    # A body moves a few percent of a shin from one 1/30 s row to the next; random points
    # land anywhere in the picture every frame.
    jumps = int(np.isfinite(arr[:, _F["jump"]]).sum())
    shin = float(max(med[1], med[2]))
    if jumps >= 5 and medians["jump"] > 0.3 * shin:
        return "the points jump across the picture from frame to frame: they are not one body"
    return None


def read_context(arr: Arr, *, view_cfg: ViewConfig) -> BodyContext:
    """Context from reservoir rows ``(n, len(FEATURES))``."""
    med = _medians(arr)
    torso, width = med["torso"], med["width"]
    ratio = width / torso if torso > 0 else 0.0
    yaw = float(np.degrees(np.arctan(ratio / view_cfg.width_to_torso))) if ratio == ratio else 0.0
    view: ViewName = "side"
    if yaw >= view_cfg.front_min_yaw_deg:
        view = "front"
    elif yaw > view_cfg.side_max_yaw_deg:
        view = "oblique"
    dx = med["feet_dx"]
    facing: Facing = "right" if not dx < 0 else "left"
    if view == "front":
        facing = "toward_camera"
    shin = max(med["shin_l"], med["shin_r"], 1e-6)
    hip_y = arr[:, _F["hip_y"]]
    hip_y = hip_y[np.isfinite(hip_y)]
    height = (
        (float(np.percentile(hip_y, 90)) - med["shoulder_y"]) / shin if hip_y.size else float("nan")
    )
    gaps = np.abs(arr[:, _F["ankle_gap"]])
    gaps = gaps[np.isfinite(gaps)]
    return BodyContext(
        view=ViewInfo(view=view, facing=facing, yaw_deg=yaw),
        shin_px=shin,
        scale_px=max(
            shin,
            med["thigh_l"],
            med["thigh_r"],
            med["torso"],
            med["width"],
        ),
        hip_width_px=max(med["hip_width"], 1e-6),
        upright=med["upright"],
        shoulder_height_shins=height,
        ankle_gap_shins=float(finite_median(gaps)) / shin if gaps.size else 0.0,
        body_problem=_body_problem(arr, med),
    )
