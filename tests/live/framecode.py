"""A test double for the pose estimator that reads the frame number drawn into the picture.

Live frames reach the server with the browser's clock, not the clip's, so the replaying
:class:`~thrustcoach.pose.estimators.FakePoseEstimator` (which matches by time) cannot
know which frame it got. Here every test frame carries its index as 16 black or white
blocks along the top edge (big enough to survive JPEG); the estimator reads it and returns
that frame's recorded landmarks. Frames without a code (the lead-in and tail of a clip)
and frames after the clip looped (a fake camera plays its file in a loop) have nobody.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from thrustcoach.pose.estimators import ESTIMATORS, PoseResult
from thrustcoach.pose.series import LandmarkSeries

BITS = 16
NONE = (1 << BITS) - 1
# Blocks are a share of the width, so the code reads the same at any size the browser
# delivers or shrinks the picture to; a parity bit catches a misread.
SLOTS = BITS + 1


def _span(width: int, slot: int) -> tuple[float, float]:
    size = width / (2 * SLOTS)  # the code fills the left half of the top edge
    return slot * size, (slot + 1) * size


def stamp(image: NDArray[np.uint8], index: int) -> NDArray[np.uint8]:
    """Draw ``index`` (or NONE) along the top-left edge of ``image`` in place."""
    w = image.shape[1]
    height = round(w / (2 * SLOTS))
    bits = [(index >> bit) & 1 for bit in range(BITS)]
    bits.append(sum(bits) % 2)
    for slot, on in enumerate(bits):
        x0, x1 = _span(w, slot)
        image[0:height, round(x0) : round(x1)] = 255 if on else 0
    return image


def read(image: NDArray[np.uint8]) -> int | None:
    """The stamped index, or None when the code does not check out."""
    gray = image.mean(axis=2) if image.ndim == 3 else image
    w = image.shape[1]
    size = w / (2 * SLOTS)
    m = size / 4
    bits = []
    for slot in range(SLOTS):
        x0, x1 = _span(w, slot)
        block = gray[round(m) : round(size - m), round(x0 + m) : round(x1 - m)]
        mean = float(block.mean())
        if 70 < mean < 185:
            return None  # a blurred edge: not sure
        bits.append(int(mean > 127))
    if sum(bits[:BITS]) % 2 != bits[BITS]:
        return None
    return sum(bit << k for k, bit in enumerate(bits[:BITS]))


class FrameCodeEstimator:
    name = "framecode"

    def __init__(self, *, series: LandmarkSeries, delay_s: float = 0.0) -> None:
        self.series = series
        self.delay_s = delay_s
        self.calls = 0
        self.seen: list[int] = []
        self._max = -1
        self._looped = False

    def process(self, image_bgr: NDArray[np.uint8], *, time_s: float) -> PoseResult | None:
        import time

        self.calls += 1
        if self.delay_s:
            time.sleep(self.delay_s)
        index = read(image_bgr)
        if index is None or index == NONE or index >= self.series.n_frames:
            return None
        if self._max >= 0 and index > self._max + 90:
            return None  # a misread far ahead: a camera skips frames, not seconds
        if self._looped or index < self._max - 30:
            self._looped = True  # the fake camera started its file again
            return None
        self._max = max(self._max, index)
        self.seen.append(index)
        return PoseResult(
            xyz=np.asarray(self.series.xyz[index]),
            visibility=np.asarray(self.series.visibility[index]),
        )

    def reset(self) -> None:
        return None

    def close(self) -> None:
        return None


def register() -> None:
    def factory(**params: Any) -> FrameCodeEstimator:
        return FrameCodeEstimator(**params)

    ESTIMATORS["framecode"] = factory
