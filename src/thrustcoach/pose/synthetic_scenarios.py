"""Random but plausible synthetic sets: the population the accuracy benchmark draws from.

Each scenario picks an exercise, tempo, camera, recording quality and at most one injected
fault that its view can show, with a magnitude clearly past the fault's threshold.
"""

from __future__ import annotations

import numpy as np

from thrustcoach.pose.synthetic import Camera, SyntheticSet
from thrustcoach.vocab import Exercise, FaultCode, Side

__all__ = ["FAULT_MAGNITUDES", "FAULT_VIEWS", "random_set"]

# Magnitude ranges (see synthetic.FAULT_UNITS), each clearly past the rule's threshold.
FAULT_MAGNITUDES: dict[FaultCode, tuple[float, float]] = {
    FaultCode.INCOMPLETE_LOCKOUT: (22.0, 35.0),
    FaultCode.OVEREXTENSION: (30.0, 40.0),
    FaultCode.FOOT_TOO_FAR: (30.0, 40.0),
    FaultCode.FOOT_TOO_CLOSE: (30.0, 38.0),
    FaultCode.SHORT_PAUSE: (0.0, 0.3),
    FaultCode.RUSHED_LOWERING: (0.5, 0.9),
    FaultCode.BOUNCE: (0.0, 0.0),
    FaultCode.PARTIAL_DEPTH: (32.0, 40.0),
    FaultCode.PELVIC_ROTATION: (16.0, 25.0),
    FaultCode.FREE_LEG_DRIVE: (30.0, 45.0),
    FaultCode.KNEE_CAVE: (0.07, 0.10),
}
# A bridge only moves ~45 deg: smaller faults there keep a rep a rep.
FLOOR_MAGNITUDES = {
    FaultCode.PARTIAL_DEPTH: (22.0, 28.0),
    FaultCode.INCOMPLETE_LOCKOUT: (15.0, 20.0),
}

# Views in which each fault can be seen (what the analysis promises).
FAULT_VIEWS: dict[FaultCode, tuple[str, ...]] = {
    FaultCode.INCOMPLETE_LOCKOUT: ("side", "oblique"),
    FaultCode.OVEREXTENSION: ("side", "oblique"),
    FaultCode.FOOT_TOO_FAR: ("side", "oblique"),
    FaultCode.FOOT_TOO_CLOSE: ("side", "oblique"),
    FaultCode.SHORT_PAUSE: ("side", "oblique", "front"),
    FaultCode.RUSHED_LOWERING: ("side", "oblique", "front"),
    FaultCode.BOUNCE: ("side", "oblique", "front"),
    FaultCode.PARTIAL_DEPTH: ("side", "oblique"),
    FaultCode.PELVIC_ROTATION: ("oblique", "front"),
    FaultCode.FREE_LEG_DRIVE: ("side", "oblique"),
    FaultCode.KNEE_CAVE: ("front",),
}
# Oblique covers 35-62 deg: from a three-quarter view to a camera near the feet off to one
# side (front-oblique), where both feet down must still read as a bilateral set.
_YAW = {"side": (0.0, 15.0), "oblique": (35.0, 60.0), "front": (75.0, 88.0)}
_EXERCISES = [e for e in Exercise if e is not Exercise.NOT_RECOGNIZED]


def _camera(rng: np.random.Generator, view: str) -> Camera:
    lo, hi = _YAW[view]
    return Camera(
        yaw_deg=float(rng.uniform(lo, hi)),
        elevation_deg=float(rng.uniform(0.0, 15.0)),
        distance_m=float(rng.uniform(2.5, 4.0)),
        side=int(rng.choice([-1, 1])),
        mirror=bool(rng.random() < 0.5),
    )


def _fault(rng: np.random.Generator, exercise: Exercise, view: str) -> dict[FaultCode, float]:
    single = exercise in (Exercise.SINGLE_LEG_HIP_THRUST, Exercise.SINGLE_LEG_GLUTE_BRIDGE)
    # On the floor the hips meet the floor sooner when the foot is far: foot faults there
    # also shrink the range of motion, so they are only generated on a bench.
    bench = exercise in (Exercise.SINGLE_LEG_HIP_THRUST, Exercise.HIP_THRUST)
    codes = [
        c
        for c, views in FAULT_VIEWS.items()
        if view in views
        and (single or c is not FaultCode.FREE_LEG_DRIVE)
        and (bench or c not in (FaultCode.FOOT_TOO_FAR, FaultCode.FOOT_TOO_CLOSE))
    ]
    code = codes[int(rng.integers(len(codes)))]
    lo, hi = FAULT_MAGNITUDES[code]
    if not bench and code in FLOOR_MAGNITUDES:
        lo, hi = FLOOR_MAGNITUDES[code]
    return {code: float(rng.uniform(lo, hi))}


def random_set(seed: int, *, negatives: float = 0.08, fault_share: float = 0.5) -> SyntheticSet:
    """One scenario, fully determined by ``seed``."""
    rng = np.random.default_rng(seed)
    if rng.random() < negatives:
        return SyntheticSet(
            motion="squat" if rng.random() < 0.5 else "walk",
            reps_per_side=4,
            camera=_camera(rng, "side"),
            noise_px=1.0,
            seed=seed,
        )
    exercise = _EXERCISES[int(rng.integers(len(_EXERCISES)))]
    view = str(rng.choice(["side", "oblique", "front"], p=[0.55, 0.3, 0.15]))
    sides = [(Side.LEFT,), (Side.RIGHT,), (Side.LEFT, Side.RIGHT), (Side.RIGHT, Side.LEFT)]
    faults = _fault(rng, exercise, view) if rng.random() < fault_share else {}
    n = int(rng.integers(3, 9))
    # Side views: the far leg is partly hidden (more jitter, wandering confidence); now and
    # then a plate over the hips hides them (barbell thrust from the side).
    far_noise = float(rng.uniform(1.0, 2.5)) if view == "side" else 1.0
    occlude = bool(view == "side" and rng.random() < 0.08)
    subset = None
    if faults and rng.random() < 0.5:
        subset = tuple(int(i) for i in rng.choice(2 * n, size=max(1, n // 2), replace=False))
    return SyntheticSet(
        exercise=exercise,
        sides=sides[int(rng.integers(4))],
        reps_per_side=n,
        concentric_s=float(rng.uniform(0.8, 1.5)),
        pause_s=float(rng.uniform(0.9, 2.0)),
        eccentric_s=float(rng.uniform(1.7, 3.0)),
        bottom_s=float(rng.uniform(0.3, 1.2)),
        start=str(rng.choice(["bottom", "partway", "top"], p=[0.7, 0.15, 0.15])),  # type: ignore[arg-type]
        end=str(rng.choice(["bottom", "lowering"], p=[0.8, 0.2])),  # type: ignore[arg-type]
        free_leg=str(rng.choice(["bent", "extended"])),  # type: ignore[arg-type]
        free_leg_raise_deg=float(rng.uniform(0.0, 15.0)),
        far_noise_factor=far_noise,
        occlude_hips=occlude,
        faults=faults,
        fault_reps=subset,
        camera=_camera(rng, view),
        fps=float(rng.choice([24.0, 30.0, 60.0])),
        fps_jitter=float(rng.uniform(0.0, 0.15)),
        noise_px=float(rng.uniform(0.5, 2.5)),
        dropout_rate=float(rng.uniform(0.0, 0.05)),
        swap_rate_per_min=float(rng.uniform(0.0, 6.0)),
        seed=seed,
    )
