"""The landmarks of a live set, kept so the finished set can be stored and re-analysed.

Only frames with a person are kept (as ``thrustcoach pose`` writes them), in float32, up to
``max_frames`` (30 minutes at 60 fps by default: about 30 MB); past that the oldest frames
stay and the newest are not kept (the engine still counts them).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.series import LandmarkSeries

__all__ = ["LandmarkRecorder"]

N = len(MEDIAPIPE_LANDMARKS)


class LandmarkRecorder:
    def __init__(self, *, max_frames: int) -> None:
        self.max_frames = max_frames
        self._t: list[float] = []
        self._xyz: list[NDArray[np.float32]] = []
        self._vis: list[NDArray[np.float32]] = []
        self.width = 0
        self.height = 0
        self.full = False

    def __len__(self) -> int:
        return len(self._t)

    def add(
        self,
        time_s: float,
        xyz: NDArray[np.float64],
        visibility: NDArray[np.float64],
        *,
        width: int,
        height: int,
    ) -> None:
        if len(self._t) >= self.max_frames:
            self.full = True
            return
        if self._t and time_s <= self._t[-1]:
            return
        self._t.append(float(time_s))
        self._xyz.append(np.asarray(xyz, dtype=np.float32).reshape(N, 3))
        self._vis.append(np.asarray(visibility, dtype=np.float32).reshape(N))
        self.width, self.height = width, height

    def series(self) -> LandmarkSeries | None:
        """The kept frames as a series (pixels of the frames as received), or None."""
        if not self._t:
            return None
        n = len(self._t)
        return LandmarkSeries(
            time_s=np.asarray(self._t, dtype=np.float64),
            frame=np.arange(n, dtype=np.int64),
            names=MEDIAPIPE_LANDMARKS,
            xyz=np.stack(self._xyz).astype(np.float64),
            visibility=np.stack(self._vis).astype(np.float64),
            meta={
                "source": "live",
                "width": str(self.width),
                "height": str(self.height),
                "units": "px",
            },
        )
