"""Which leg works: the planted foot per frame, per rep and per set.

Pose tools swap the left and right labels in side views now and then. The planted leg is
recognised by what it does (its ankle is on the floor, the free one hangs above it), so a
frame's working chain follows the planted ankle whatever its label. The *side* of a rep is
the label that holds the planted ankle for most of the rep, and a rep whose side disagrees
with both neighbours on the same set is outvoted (a swap that lasted a whole rep).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.config import SidesConfig
from thrustcoach.analysis.tracks import JOINTS
from thrustcoach.vocab import Side

__all__ = ["ankle_gap_shins", "build_chains", "planted_left", "rep_sides", "shin_length_px"]

Arr = NDArray[np.float64]
BoolArr = NDArray[np.bool_]


def shin_length_px(tracks: Mapping[str, Arr]) -> float:
    """Typical shin length in pixels (the longer of the two, robust to occlusion)."""
    lengths = [
        float(np.median(np.linalg.norm(tracks[f"{s}_knee"] - tracks[f"{s}_ankle"], axis=-1)))
        for s in ("left", "right")
    ]
    return max(max(lengths), 1e-6)


def ankle_gap_shins(tracks: Mapping[str, Arr]) -> Arr:
    """Left ankle minus right ankle height in shin lengths (+: left lower, i.e. planted)."""
    return (tracks["left_ankle"][:, 1] - tracks["right_ankle"][:, 1]) / shin_length_px(tracks)


def _carry_forward(decided: BoolArr, values: BoolArr) -> BoolArr:
    """Fill undecided frames with the last decided value (the first decided one before)."""
    if not decided.any():
        return np.ones_like(values)
    idx = np.where(decided, np.arange(decided.shape[0]), 0)
    np.maximum.accumulate(idx, out=idx)
    first = int(np.argmax(decided))
    idx[:first] = first
    return np.asarray(values[idx], dtype=np.bool_)


def planted_left(tracks: Mapping[str, Arr], *, cfg: SidesConfig) -> BoolArr:
    """Per frame: is the left-labelled ankle the planted one?"""
    gap = ankle_gap_shins(tracks)
    decided = np.abs(gap) >= cfg.planted_margin_shins
    return _carry_forward(decided, gap > 0)


def build_chains(
    tracks: Mapping[str, Arr], *, left_planted: BoolArr, single_leg: bool
) -> dict[str, dict[str, Arr]]:
    """Working and free leg chains (joint -> (T, 2)); bilateral sets average both legs.

    The ``shoulder`` of a chain is the shoulder midpoint shifted sideways like its hip, so the
    three points of the hip angle lie in one body plane in any view and shoulder label swaps
    do not matter.
    """
    sh_mid = (tracks["left_shoulder"] + tracks["right_shoulder"]) / 2
    hip_mid = (tracks["left_hip"] + tracks["right_hip"]) / 2
    chains: dict[str, dict[str, Arr]] = {"work": {}, "free": {}}
    lp = left_planted[:, None]
    for joint in JOINTS[1:]:
        left, right = tracks[f"left_{joint}"], tracks[f"right_{joint}"]
        if single_leg:
            chains["work"][joint] = np.where(lp, left, right)
            chains["free"][joint] = np.where(lp, right, left)
        else:
            chains["work"][joint] = chains["free"][joint] = (left + right) / 2
    for name in ("work", "free"):
        chains[name]["shoulder"] = sh_mid + (chains[name]["hip"] - hip_mid)
    return chains


def rep_sides(left_planted: BoolArr, *, spans: list[tuple[int, int]]) -> list[Side]:
    """The working side of each rep (by majority), with lone outliers outvoted."""
    if not spans:
        return []
    csum = np.concatenate([[0], np.cumsum(left_planted.astype(np.int64))])
    starts = np.asarray([s for s, _ in spans])
    ends = np.asarray([e for _, e in spans]) + 1
    share = (csum[ends] - csum[starts]) / np.maximum(ends - starts, 1)
    left = share >= 0.5
    if left.size >= 3:
        lone = (left[1:-1] != left[:-2]) & (left[1:-1] != left[2:])
        left[1:-1] = np.where(lone, left[:-2], left[1:-1])
    return [Side.LEFT if v else Side.RIGHT for v in left]
