"""Kinematics of the synthetic body: sagittal geometry of a hip thrust or bridge, 3-D
placement of the legs, camera projection, and the two negatives (a squat and walking).

World frame: ``x`` from the shoulders toward the feet, ``y`` up, ``z`` toward the lifter's
left. Lengths in metres. Everything is vectorised over time (arrays of shape ``(T,)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from thrustcoach.pose.synthetic import SyntheticSet

__all__ = [
    "Body",
    "Camera",
    "hip_angle_lookup",
    "knee_from_circles",
    "project",
    "shoulder_height_m",
    "squat_points",
    "thrust_top_geometry",
    "walk_points",
]

Arr = NDArray[np.float64]
ANKLE_HEIGHT_M = 0.08  # ankle joint centre above the floor with the foot flat


@dataclass(frozen=True)
class Body:
    """Segment lengths (metres) of the synthetic lifter."""

    torso_m: float = 0.50  # shoulder joint to hip joint
    thigh_m: float = 0.44
    shin_m: float = 0.44
    hip_width_m: float = 0.30
    shoulder_width_m: float = 0.38


@dataclass(frozen=True)
class Camera:
    """A pinhole camera aimed at the lifter's hips.

    ``yaw_deg``: 0 = pure side view from the lifter's ``side`` (+1 left, -1 right), 90 = from
    the feet (front view). ``elevation_deg`` looks down from above. ``mirror`` flips the image
    so the feet point left instead of right.
    """

    yaw_deg: float = 0.0
    elevation_deg: float = 5.0
    distance_m: float = 3.0
    focal_px: float = 900.0
    width_px: int = 1280
    height_px: int = 720
    side: int = 1
    mirror: bool = False


def shoulder_height_m(cfg: SyntheticSet) -> float:
    """Shoulder joint height: on the bench edge, or lying on the floor."""
    return (cfg.bench_height_m if cfg.on_bench else 0.0) + 0.07


def _dir(theta: Arr) -> Arr:
    """Unit vectors at ``theta`` radians below the horizontal, pointing toward +x."""
    return np.stack([np.cos(theta), -np.sin(theta)], axis=-1)


def thrust_top_geometry(
    body: Body, *, shoulder_y_m: float, shin_angle_deg: float
) -> tuple[float, Arr]:
    """Torso angle at lockout and the planted ankle position for a shin angle at the top.

    At lockout (hip angle 180 deg) shoulder, hip and knee are in line; the ankle sits one shin
    length from the knee at ``shin_angle_deg`` from vertical (positive = ankle farther from
    the bench than the knee) and at ankle height above the floor.
    """
    phi = np.radians(shin_angle_deg)
    reach = body.torso_m + body.thigh_m
    sin_t = (shoulder_y_m - ANKLE_HEIGHT_M - body.shin_m * np.cos(phi)) / reach
    theta = float(np.arcsin(np.clip(sin_t, -0.95, 0.95)))
    ankle = np.array([reach * np.cos(theta) + body.shin_m * np.sin(phi), ANKLE_HEIGHT_M])
    return theta, ankle


def knee_from_circles(hip: Arr, ankle: Arr, *, thigh_m: float, shin_m: float) -> Arr:
    """Knee positions (T, 2): the upper intersection of the thigh and shin circles."""
    d_vec = ankle - hip
    d = np.maximum(np.linalg.norm(d_vec, axis=-1), 1e-9)
    d_c = np.minimum(d, thigh_m + shin_m - 1e-6)
    a = (thigh_m**2 - shin_m**2 + d_c**2) / (2 * d_c)
    h = np.sqrt(np.maximum(thigh_m**2 - a**2, 0.0))
    unit = d_vec / d[..., None]
    base = hip + a[..., None] * unit
    perp = np.stack([-unit[..., 1], unit[..., 0]], axis=-1)
    k1 = base + h[..., None] * perp
    k2 = base - h[..., None] * perp
    return np.where((k1[..., 1] >= k2[..., 1])[..., None], k1, k2)


def signed_angle_2d(a: Arr, b: Arr, c: Arr) -> Arr:
    """Angle a-b-c in degrees, >180 when ``b`` lies above the line a-c (world y up)."""
    u, w = a - b, c - b
    cos = np.sum(u * w, axis=-1) / np.maximum(
        np.linalg.norm(u, axis=-1) * np.linalg.norm(w, axis=-1), 1e-12
    )
    ang = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    line = c - a
    t = np.sum((b - a) * line, axis=-1) / np.maximum(np.sum(line * line, axis=-1), 1e-12)
    proj_y = a[..., 1] + t * line[..., 1]
    return np.where(b[..., 1] > proj_y, 360.0 - ang, ang)


def hip_angle_lookup(
    body: Body, *, shoulder_y_m: float, ankle: Arr, theta_top: float
) -> tuple[Arr, Arr]:
    """Monotonic table (hip angle deg ascending, torso angle rad) for one foot placement."""
    thetas = theta_top + np.radians(np.linspace(-30.0, 80.0, 881))
    shoulder = np.array([0.0, shoulder_y_m])
    hips = shoulder + body.torso_m * _dir(thetas)
    feasible = hips[:, 1] >= ANKLE_HEIGHT_M + 0.02  # the buttocks stop at the floor
    knees = knee_from_circles(hips, ankle[None, :], thigh_m=body.thigh_m, shin_m=body.shin_m)
    angles = signed_angle_2d(shoulder[None, :], hips, knees)
    # Keep the run where the angle falls steadily as the hips drop.
    ok = feasible & np.concatenate([[True], np.diff(angles) < 0])
    first_bad = int(np.argmin(ok[1:])) + 1 if not ok[1:].all() else len(ok)
    order = np.argsort(angles[:first_bad])
    return angles[:first_bad][order], thetas[:first_bad][order]


def project(points: Arr, camera: Camera, *, centre: Arr) -> Arr:
    """Project world points (..., 3) to image pixels (..., 2) with y down."""
    psi, el = np.radians(camera.yaw_deg), np.radians(camera.elevation_deg)
    back = np.array(
        [np.cos(el) * np.sin(psi), np.sin(el), camera.side * np.cos(el) * np.cos(psi)]
    )  # unit vector from the centre to the camera
    right = np.cross([0.0, 1.0, 0.0], back)
    right /= np.linalg.norm(right)
    up = np.cross(back, right)
    rel = points - centre
    depth = np.maximum(camera.distance_m - rel @ back, 0.3)
    u = camera.focal_px * (rel @ right) / depth
    v = camera.focal_px * (rel @ up) / depth
    if camera.mirror:
        u = -u
    return np.stack([camera.width_px / 2 + u, camera.height_px / 2 - v], axis=-1)


def squat_points(t: Arr, body: Body, *, period_s: float, rng: np.random.Generator) -> Arr:
    """Sagittal 2-D joints (T, 4, 2) of bodyweight squats: shoulder, hip, knee, ankle."""
    phase = 0.5 - 0.5 * np.cos(2 * np.pi * t / period_s)  # 0 standing, 1 bottom
    knee_flex = np.radians(5 + 105 * phase)
    shin_lean = np.radians(3 + 32 * phase)
    ankle = np.stack([np.zeros_like(t), np.full_like(t, ANKLE_HEIGHT_M)], axis=-1)
    knee = ankle + body.shin_m * np.stack([np.sin(shin_lean), np.cos(shin_lean)], axis=-1)
    thigh_dir = shin_lean - knee_flex  # thigh tilts back as the knee bends
    hip = knee + body.thigh_m * np.stack([np.sin(thigh_dir), np.cos(thigh_dir)], axis=-1)
    trunk = np.radians(5 + 40 * phase + rng.normal(0, 1))
    shoulder = hip + body.torso_m * np.stack([np.sin(trunk), np.cos(trunk)], axis=-1)
    return np.stack([shoulder, hip, knee, ankle], axis=1)


def walk_points(t: Arr, body: Body, *, speed_m_s: float) -> tuple[Arr, Arr]:
    """Joints (T, 4, 2) of the left and right legs of someone walking across the view."""
    out = []
    for offset in (0.0, np.pi):
        swing = np.radians(25) * np.sin(2 * np.pi * t / 1.1 + offset)
        hip = np.stack([speed_m_s * t, np.full_like(t, 0.95)], axis=-1)
        knee_flex = np.radians(10 + 30 * np.clip(np.sin(2 * np.pi * t / 1.1 + offset + 1), 0, 1))
        knee = hip + body.thigh_m * np.stack([np.sin(swing), -np.cos(swing)], axis=-1)
        shin = swing - knee_flex
        ankle = knee + body.shin_m * np.stack([np.sin(shin), -np.cos(shin)], axis=-1)
        shoulder = hip + np.array([0.02, body.torso_m])
        out.append(np.stack([shoulder, hip, knee, ankle], axis=1))
    return out[0], out[1]
