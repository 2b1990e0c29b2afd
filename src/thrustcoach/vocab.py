"""The shared vocabulary: ids that data files, the analysis, the plans and the log all use.

These enums are the single source of the names. Data files refer to them by value, and a
cross-reference test checks that every name a file mentions exists here.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Exercise", "FaultCode", "MuscleId", "Side", "VariantId"]


class VariantId(StrEnum):
    """Exercise variants the knowledge base describes (the guide's VARIANT argument)."""

    SINGLE_LEG_HIP_THRUST = "single_leg_hip_thrust"  # free leg bent: the easier default
    SINGLE_LEG_HIP_THRUST_EXTENDED = "single_leg_hip_thrust_extended"  # free leg straight: harder
    SINGLE_LEG_HIP_THRUST_DUMBBELL = "single_leg_hip_thrust_dumbbell"  # dumbbell on working hip
    HIP_THRUST = "hip_thrust"  # bilateral, upper back on the bench
    GLUTE_BRIDGE = "glute_bridge"  # bilateral, from the floor
    SINGLE_LEG_GLUTE_BRIDGE = "single_leg_glute_bridge"  # one leg, from the floor


class Exercise(StrEnum):
    """What the motion analysis can recognise in a recording (bench vs floor, one vs two legs)."""

    SINGLE_LEG_HIP_THRUST = "single_leg_hip_thrust"
    HIP_THRUST = "hip_thrust"
    SINGLE_LEG_GLUTE_BRIDGE = "single_leg_glute_bridge"
    GLUTE_BRIDGE = "glute_bridge"
    NOT_RECOGNIZED = "not_recognized"


class FaultCode(StrEnum):
    """Mistake codes: the knowledge base's mistakes and the video analysis' faults share them."""

    INCOMPLETE_LOCKOUT = "incomplete_lockout"
    OVEREXTENSION = "overextension"
    FOOT_TOO_FAR = "foot_too_far"
    FOOT_TOO_CLOSE = "foot_too_close"
    SHORT_PAUSE = "short_pause"
    RUSHED_LOWERING = "rushed_lowering"
    BOUNCE = "bounce"
    PARTIAL_DEPTH = "partial_depth"
    PELVIC_ROTATION = "pelvic_rotation"
    FREE_LEG_DRIVE = "free_leg_drive"
    KNEE_CAVE = "knee_cave"
    LOAD_UNSTABLE = "load_unstable"
    NECK_ON_BENCH = "neck_on_bench"


class MuscleId(StrEnum):
    GLUTEUS_MAXIMUS = "gluteus_maximus"
    GLUTEUS_MEDIUS = "gluteus_medius"
    HAMSTRINGS = "hamstrings"
    QUADRICEPS = "quadriceps"
    CORE_LOWER_BACK = "core_lower_back"
    HIP_FLEXORS = "hip_flexors"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"

    @property
    def other(self) -> Side:
        """The opposite leg (``both`` stays ``both``)."""
        if self is Side.LEFT:
            return Side.RIGHT
        if self is Side.RIGHT:
            return Side.LEFT
        return Side.BOTH
