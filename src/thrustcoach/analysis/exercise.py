"""Recognise the exercise: bench or floor, one leg or two, or nothing we know.

* Upright bodies (standing, squatting, lunging, walking) are not a hip thrust or a bridge:
  their knees hang below their hips, while lying back the knees are level or higher.
* Bench versus floor: on a bench the shoulders rest well above the hips' lowest point; on
  the floor shoulders and hips both lie on it.
* Single leg versus both: the free ankle hangs well above the planted one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.config import ExerciseConfig
from thrustcoach.analysis.sides import ankle_gap_shins, shin_length_px
from thrustcoach.analysis.tracks import Tracks
from thrustcoach.vocab import Exercise

__all__ = ["ExerciseEvidence", "classify_exercise"]


@dataclass(frozen=True)
class ExerciseEvidence:
    """The exercise and the measurements it was decided from."""

    exercise: Exercise
    upright: float  # knee below hip in thigh lengths (about 0.9 standing, < 0.2 lying)
    shoulder_height_shins: float
    ankle_gap_shins: float
    reason: str

    @property
    def single_leg(self) -> bool:
        return self.exercise in (Exercise.SINGLE_LEG_HIP_THRUST, Exercise.SINGLE_LEG_GLUTE_BRIDGE)

    @property
    def on_bench(self) -> bool:
        return self.exercise in (Exercise.SINGLE_LEG_HIP_THRUST, Exercise.HIP_THRUST)


def _length(tracks: Tracks, a: str, b: str) -> NDArray[np.float64]:
    return np.asarray(np.linalg.norm(tracks[a] - tracks[b], axis=-1))


def classify_exercise(tracks: Tracks, *, cfg: ExerciseConfig) -> ExerciseEvidence:
    sh_y = (tracks["left_shoulder"][:, 1] + tracks["right_shoulder"][:, 1]) / 2
    drops = [
        (tracks[f"{s}_knee"][:, 1] - tracks[f"{s}_hip"][:, 1])
        / max(float(np.median(_length(tracks, f"{s}_hip", f"{s}_knee"))), 1e-6)
        for s in ("left", "right")
    ]
    upright = float(np.median((drops[0] + drops[1]) / 2))
    # Shoulders above the hips' lowest point: a camera looking down makes far points look
    # higher, and the hips lie much closer to the shoulders than the feet do, so this is far
    # less perspective-sensitive than comparing with the feet.
    hip_y = (tracks["left_hip"][:, 1] + tracks["right_hip"][:, 1]) / 2
    height = float((np.percentile(hip_y, 90) - np.median(sh_y)) / shin_length_px(tracks.points))
    gap = float(np.median(np.abs(ankle_gap_shins(tracks.points))))
    if upright >= cfg.upright_min:
        return ExerciseEvidence(
            Exercise.NOT_RECOGNIZED,
            upright,
            height,
            gap,
            "the body is upright (standing, squatting, lunging or walking), not lying back",
        )
    bench = height >= cfg.bench_min_shoulder_height_shins
    single = gap >= cfg.single_leg_min_ankle_gap_shins
    table = {
        (True, True): Exercise.SINGLE_LEG_HIP_THRUST,
        (True, False): Exercise.HIP_THRUST,
        (False, True): Exercise.SINGLE_LEG_GLUTE_BRIDGE,
        (False, False): Exercise.GLUTE_BRIDGE,
    }
    where = "on a bench" if bench else "on the floor"
    legs = "one foot planted" if single else "both feet planted"
    return ExerciseEvidence(
        table[(bench, single)], upright, height, gap, f"shoulders {where}, {legs}"
    )
