"""Camera view (side, oblique, front) and the direction the feet point in the image."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.config import ViewConfig
from thrustcoach.analysis.tracks import Tracks

__all__ = ["ViewInfo", "detect_view"]

ViewName = Literal["side", "oblique", "front"]
Facing = Literal["left", "right", "toward_camera"]


@dataclass(frozen=True)
class ViewInfo:
    view: ViewName
    facing: Facing
    yaw_deg: float  # estimated camera yaw away from a pure side view

    @property
    def feet_sign(self) -> float:
        """+1 when the feet point to the image right, -1 to the left (front: +1)."""
        return -1.0 if self.facing == "left" else 1.0


def _dist(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(np.linalg.norm(a - b, axis=-1))


def detect_view(tracks: Tracks, *, cfg: ViewConfig) -> ViewInfo:
    """Estimate the yaw from how wide the shoulders and hips look next to the torso.

    Seen from the side the two shoulders (and hips) overlap; turning the camera toward the
    feet spreads them apart by ``sin(yaw)`` while the torso shortens by ``cos(yaw)``.
    """
    sh_mid = (tracks["left_shoulder"] + tracks["right_shoulder"]) / 2
    hip_mid = (tracks["left_hip"] + tracks["right_hip"]) / 2
    torso = np.median(_dist(sh_mid, hip_mid))
    width = np.median(
        (
            _dist(tracks["left_shoulder"], tracks["right_shoulder"])
            + _dist(tracks["left_hip"], tracks["right_hip"])
        )
        / 2
    )
    ratio = float(width / max(torso, 1e-6))
    yaw = float(np.degrees(np.arctan(ratio / cfg.width_to_torso)))
    view: ViewName = "side"
    if yaw >= cfg.front_min_yaw_deg:
        view = "front"
    elif yaw > cfg.side_max_yaw_deg:
        view = "oblique"
    ank_mid = (tracks["left_ankle"] + tracks["right_ankle"]) / 2
    dx = float(np.median(ank_mid[:, 0] - sh_mid[:, 0]))
    facing: Facing = "right" if dx >= 0 else "left"
    if view == "front":
        facing = "toward_camera"
    return ViewInfo(view=view, facing=facing, yaw_deg=yaw)
