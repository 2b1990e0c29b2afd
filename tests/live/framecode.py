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
BLOCK = 10  # px per bit
NONE = (1 << BITS) - 1


def stamp(image: NDArray[np.uint8], index: int) -> NDArray[np.uint8]:
    """Draw ``index`` (or NONE) into the top-left corner of ``image`` in place."""
    for bit in range(BITS):
        on = (index >> bit) & 1
        image[0:BLOCK, bit * BLOCK : (bit + 1) * BLOCK] = 255 if on else 0
    return image


def read(image: NDArray[np.uint8]) -> int:
    gray = image.mean(axis=2) if image.ndim == 3 else image
    value = 0
    for bit in range(BITS):
        block = gray[2 : BLOCK - 2, bit * BLOCK + 2 : (bit + 1) * BLOCK - 2]
        if float(block.mean()) > 127:
            value |= 1 << bit
    return value


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
        if index == NONE or index >= self.series.n_frames:
            return None
        if self._looped or index < self._max - 30:
            self._looped = True
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
