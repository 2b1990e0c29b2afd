"""Pose the synthetic body over time, project it and spoil it like a pose tool would."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.pose.synthetic_body import (
    ANKLE_HEIGHT_M,
    hip_angle_lookup,
    knee_from_circles,
    project,
    shoulder_height_m,
    squat_points,
    thrust_top_geometry,
    walk_points,
)
from thrustcoach.pose.synthetic_schedule import RepPlan, Schedule, evaluate
from thrustcoach.vocab import FaultCode, Side

if TYPE_CHECKING:
    from thrustcoach.pose.synthetic import SyntheticSet

__all__ = ["NAMES", "render"]

Arr = NDArray[np.float64]
NAMES: tuple[str, ...] = tuple(
    f"{side}_{part}"
    for part in ("ear", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
    for side in ("left", "right")
)
NAMES = ("nose", *NAMES)
_LEG_PARTS = ("hip", "knee", "ankle", "heel", "foot_index")


def _rot(v: Arr, deg: Arr | float) -> Arr:
    r = np.radians(deg)
    c, s = np.cos(r), np.sin(r)
    return np.stack([c * v[..., 0] - s * v[..., 1], s * v[..., 0] + c * v[..., 1]], axis=-1)


def _times(cfg: SyntheticSet, start: float, end: float, rng: np.random.Generator) -> Arr:
    n = int((end - start) * cfg.fps * 1.3) + 10
    dt = (1.0 / cfg.fps) * (1.0 + cfg.fps_jitter * rng.uniform(-1, 1, n))
    t = start + np.concatenate([[0.0], np.cumsum(dt)])
    return np.asarray(t[t <= end], dtype=np.float64)


def _per_sample(cfg: SyntheticSet, sch: Schedule, plans: list[RepPlan], t: Arr) -> dict[str, Arr]:
    angle, rep = evaluate(sch, t)
    idx = np.clip(rep, 0, len(plans) - 1)
    # Between reps, belong to the rep that just ended (for the side) and have lift 0.
    prev = np.searchsorted(np.asarray([p[0] for p in sch.phase_times]), t, side="right") - 1
    idx = np.where(rep >= 0, idx, np.clip(prev, 0, len(plans) - 1))
    bottoms = np.asarray([p.bottom_deg for p in plans])[idx]
    peaks = np.asarray([p.peak_deg for p in plans])[idx]
    lift = np.clip((angle - bottoms) / np.maximum(peaks - bottoms, 1.0), 0.0, 1.0)
    out = {"angle": angle, "lift": np.where(rep >= 0, lift, 0.0)}
    for code in (FaultCode.PELVIC_ROTATION, FaultCode.FREE_LEG_DRIVE, FaultCode.KNEE_CAVE):
        has = np.asarray([code in p.faults for p in plans])[idx]
        out[code.value] = np.where(has & (rep >= 0), cfg.faults.get(code, 0.0), 0.0)
    switches = np.asarray(sch.side_switch_s)
    n_switch = np.searchsorted(switches, t) if switches.size else np.zeros(t.shape, dtype=np.int64)
    sides = cfg.sides if cfg.single_leg else (Side.BOTH,)
    out["left_works"] = np.asarray([s is not Side.RIGHT for s in sides])[
        np.clip(n_switch, 0, len(sides) - 1)
    ].astype(float)
    gap = (
        np.min(np.abs(t[:, None] - switches[None, :]), axis=1)
        if switches.size
        else np.full(t.shape, 9.0)
    )
    out["free_lift"] = np.clip((gap - 0.3) / 0.7, 0.0, 1.0) if cfg.single_leg else np.zeros(t.shape)
    return out


def _extended_raise_deg(cfg: SyntheticSet, hip: Arr, torso: Arr) -> float:
    """How far above the torso's line the straight free leg is held: at least
    ``free_leg_raise_deg``, and enough that at the lowest point of the set the foot still
    clears the floor by a few centimetres."""
    reach = cfg.body.thigh_m + cfg.body.shin_m
    i = int(np.argmin(hip[:, 1]))
    below = np.degrees(np.arctan2(-torso[i, 1], abs(torso[i, 0])))  # torso's slope there
    clear = np.degrees(np.arcsin(np.clip((ANKLE_HEIGHT_M + 0.03 - hip[i, 1]) / reach, -1, 1)))
    return max(cfg.free_leg_raise_deg, float(below + clear))


def _thrust_world(cfg: SyntheticSet, s: dict[str, Arr]) -> dict[str, Arr]:
    """3-D joint positions (T, 3) by landmark name."""
    b = cfg.body
    ys = shoulder_height_m(cfg)
    theta_top, ankle = thrust_top_geometry(
        b, shoulder_y_m=ys, shin_angle_deg=cfg.shin_angle_deg or 0.0
    )
    table_a, table_t = hip_angle_lookup(b, shoulder_y_m=ys, ankle=ankle, theta_top=theta_top)
    theta = np.interp(s["angle"], table_a, table_t)
    n = theta.shape[0]
    sh = np.tile([0.0, ys], (n, 1))
    hip = sh + b.torso_m * np.stack([np.cos(theta), -np.sin(theta)], axis=-1)
    ank = np.tile(ankle, (n, 1))
    knee = knee_from_circles(hip, ank, thigh_m=b.thigh_m, shin_m=b.shin_m)
    heel, toe = ank + np.array([-0.05, -0.05]), ank + np.array([0.15, -0.06])
    # The free leg: bent, held at a fixed angle to the torso (knee toward the chest); or
    # extended, straight, held just above the torso's line: at the bottom of the rep the
    # foot hovers near the floor (a pose tool may take it for a planted foot: only its
    # motion with the pelvis tells it apart). Either way it moves with the torso, so only
    # FREE_LEG_DRIVE swings it relative to the torso.
    torso = (hip - sh) / b.torso_m
    drive = s[FaultCode.FREE_LEG_DRIVE.value] * (1 - s["lift"])
    bent = cfg.free_leg == "bent"
    raise_deg = 100.0 if bent else _extended_raise_deg(cfg, hip, torso)
    f_thigh = _rot(torso, raise_deg + drive)
    f_shin = _rot(f_thigh, -90.0) if bent else f_thigh
    f_knee = hip + b.thigh_m * f_thigh
    f_ank = f_knee + b.shin_m * f_shin
    f_heel, f_toe = f_ank + 0.05 * _rot(f_shin, 90.0), f_ank + 0.15 * _rot(f_shin, -90.0)
    lam = s["free_lift"][:, None]
    free = {
        k: lam * v + (1 - lam) * w
        for k, v, w in (
            ("knee", f_knee, knee),
            ("ankle", f_ank, ank),
            ("heel", f_heel, heel),
            ("foot_index", f_toe, toe),
        )
    }

    half = b.hip_width_m / 2
    z_work = np.where(s["left_works"] > 0.5, half, -half)
    roll = np.radians(s[FaultCode.PELVIC_ROTATION.value] * s["lift"])  # free side drops
    cave = s[FaultCode.KNEE_CAVE.value] * s["lift"]
    w: dict[str, tuple[Arr, Arr]] = {
        "hip": (
            np.column_stack([hip[:, 0], hip[:, 1] + half * np.sin(roll)]),
            z_work * np.cos(roll),
        ),
        "knee": (knee, z_work - np.sign(z_work) * cave),
        "ankle": (ank, z_work),
        "heel": (heel, z_work),
        "foot_index": (toe, z_work),
    }
    f: dict[str, tuple[Arr, Arr]] = {
        "hip": (
            np.column_stack([hip[:, 0], hip[:, 1] - half * np.sin(roll)]),
            -z_work * np.cos(roll),
        ),
        **{k: (free[k], -z_work) for k in ("knee", "ankle", "heel", "foot_index")},
    }
    if not cfg.single_leg:
        f = {k: (v[0] + 0.0, -z_work) for k, v in w.items() if k != "hip"} | {"hip": f["hip"]}
    out: dict[str, Arr] = {}
    left_w = (s["left_works"] > 0.5)[:, None]
    for part in _LEG_PARTS:
        pw = np.column_stack([w[part][0], w[part][1]])
        pf = np.column_stack([f[part][0], f[part][1]])
        out[f"left_{part}"] = np.where(left_w, pw, pf)
        out[f"right_{part}"] = np.where(left_w, pf, pw)
    _upper_body(out, sh, hip, b.shoulder_width_m)
    return out


def _upper_body(out: dict[str, Arr], sh: Arr, hip: Arr, width_m: float) -> None:
    n = sh.shape[0]
    for sign, side in ((1.0, "left"), (-1.0, "right")):
        z = np.full((n, 1), sign * width_m / 2)
        out[f"{side}_shoulder"] = np.column_stack([sh, z])
        out[f"{side}_elbow"] = np.column_stack([sh + np.array([0.05, -0.02]), z * 1.5])
        out[f"{side}_wrist"] = np.column_stack([hip + np.array([-0.05, 0.12]), z * 0.9])
        out[f"{side}_ear"] = np.column_stack([sh + np.array([-0.17, 0.1]), z * 0.35])
    out["nose"] = np.column_stack([sh + np.array([-0.2, 0.14]), np.zeros((n, 1))])


def _standing_world(cfg: SyntheticSet, t: Arr, rng: np.random.Generator) -> dict[str, Arr]:
    b = cfg.body
    if cfg.motion == "squat":
        pts = squat_points(
            t, b, period_s=cfg.concentric_s + cfg.eccentric_s + cfg.bottom_s, rng=rng
        )
        legs = (pts, pts)
    else:
        legs = walk_points(t, b, speed_m_s=0.9)
    out: dict[str, Arr] = {}
    for sign, side, pts in ((1.0, "left", legs[0]), (-1.0, "right", legs[1])):
        z = np.full((t.shape[0], 1), sign * b.hip_width_m / 2)
        for j, part in enumerate(("shoulder", "hip", "knee", "ankle")):
            out[f"{side}_{part}"] = np.column_stack([pts[:, j], z])
        out[f"{side}_heel"] = out[f"{side}_ankle"] + [-0.05, -ANKLE_HEIGHT_M + 0.02, 0]
        out[f"{side}_foot_index"] = out[f"{side}_ankle"] + [0.15, -ANKLE_HEIGHT_M + 0.01, 0]
        out[f"{side}_elbow"] = out[f"{side}_shoulder"] + [0.05, -0.28, 0]
        out[f"{side}_wrist"] = out[f"{side}_shoulder"] + [0.1, -0.5, 0]
        out[f"{side}_ear"] = out[f"{side}_shoulder"] + [0.02, 0.22, -sign * 0.1]
    out["nose"] = (out["left_ear"] + out["right_ear"]) / 2 + [0.1, 0, 0]
    return out


def _spoil(
    cfg: SyntheticSet, xy: Arr, vis: Arr, rng: np.random.Generator, *, far: NDArray[np.bool_]
) -> tuple[Arr, Arr, NDArray[np.bool_]]:
    n = xy.shape[0]
    # The far side is partly hidden behind the body: pose tools place it less surely, with
    # more jitter and a confidence that wanders.
    noise = np.where(far, cfg.far_noise_factor, 1.0)[..., None] * cfg.noise_px
    xy = xy + rng.normal(0.0, 1.0, xy.shape) * noise
    vis = np.where(far, np.clip(vis + rng.normal(0.0, 0.12, vis.shape), 0.05, 1.0), vis)
    if cfg.occlude_hips:
        _occlude_hips(cfg, xy, vis, rng)
    keep = np.ones(n, dtype=bool)
    if cfg.dropout_rate > 0:
        n_bursts = max(1, int(cfg.dropout_rate * n / 4))
        for s0 in rng.integers(0, n, n_bursts):
            keep[s0 : s0 + int(rng.integers(1, 8))] = False
    if cfg.swap_rate_per_min > 0:
        duration_min = n / cfg.fps / 60
        n_swaps = int(rng.poisson(cfg.swap_rate_per_min * duration_min))
        legs_only = [NAMES.index(f"left_{p}") for p in _LEG_PARTS]
        all_left = [i for i, nm in enumerate(NAMES) if nm.startswith("left_")]
        for s0 in rng.integers(0, n, n_swaps):
            s1 = s0 + int(rng.uniform(0.2, 1.2) * cfg.fps)
            cols = legs_only if rng.random() < 0.5 else all_left
            for li in cols:
                ri = NAMES.index(NAMES[li].replace("left_", "right_"))
                xy[s0:s1, [li, ri]] = xy[s0:s1, [ri, li]]
                vis[s0:s1, [li, ri]] = vis[s0:s1, [ri, li]]
    return xy, vis, keep


def _occlude_hips(cfg: SyntheticSet, xy: Arr, vis: Arr, rng: np.random.Generator) -> None:
    """A plate or bar over the hips (barbell hip thrust from the side): the hip points
    drift about where the model guesses them, with low confidence."""
    n = xy.shape[0]
    for side in ("left", "right"):
        i = NAMES.index(f"{side}_hip")
        # A slow random walk of ~a tenth of a thigh (about 40 px at 3 m), plus jitter.
        walk = np.cumsum(rng.normal(0.0, 1.0, (n, 2)), axis=0)
        walk -= np.linspace(0, 1, n)[:, None] * walk[-1]  # wander, do not run away
        scale = 40.0 / max(float(np.abs(walk).max()), 1e-6)
        xy[:, i] += walk * scale + rng.normal(0.0, 4.0 * cfg.noise_px, (n, 2))
        vis[:, i] = rng.uniform(0.05, 0.45, n)


def render(
    cfg: SyntheticSet,
    sch: Schedule,
    plans: list[RepPlan],
    *,
    start_s: float,
    end_s: float,
    rng: np.random.Generator,
) -> LandmarkSeries:
    t = _times(cfg, start_s, end_s, rng)
    if cfg.motion == "thrust":
        world = _thrust_world(cfg, _per_sample(cfg, sch, plans, t))
        centre = np.array([0.55, 0.3, 0.0])
    else:
        world = _standing_world(cfg, t - t[0], rng)
        centre = np.array([float(np.mean(world["left_hip"][:, 0])), 0.8, 0.0])
    pts = np.stack([world[n] for n in NAMES], axis=1)  # (T, L, 3)
    xy = project(pts, cfg.camera, centre=centre)
    near = np.sign(pts[..., 2]) == cfg.camera.side
    far_vis = 0.9 if cfg.camera.yaw_deg >= 65 else 0.7
    vis = np.where(near | (pts[..., 2] == 0), 0.97, far_vis).astype(float)
    far = ~near & (pts[..., 2] != 0) & (cfg.camera.yaw_deg < 65)
    xy, vis, keep = _spoil(cfg, xy, vis, rng, far=far)
    xyz = np.concatenate([xy, np.full((*xy.shape[:2], 1), np.nan)], axis=-1)
    meta = {
        "width": str(cfg.camera.width_px),
        "height": str(cfg.camera.height_px),
        "source": "synthetic",
    }
    return LandmarkSeries(
        time_s=(t - t[0])[keep],
        frame=np.arange(t.shape[0], dtype=np.int64)[keep],
        names=NAMES,
        xyz=xyz[keep],
        visibility=vis[keep],
        meta=meta,
    )
