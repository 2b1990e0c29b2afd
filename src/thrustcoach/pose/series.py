"""The landmark series: body points over time, carrying its own timestamps.

Like pyomeca's labelled arrays, a :class:`LandmarkSeries` carries everything a processing
function needs (time stamps, landmark names, image size, units), so no function asks for
``fps`` separately. Coordinates follow the image convention whatever the source: ``x`` right,
``y`` **down**; readers of y-up formats (TRC) flip on the way in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from thrustcoach.errors import UsageError

__all__ = ["FloatArray", "LandmarkSeries"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class LandmarkSeries:
    """Landmarks of one person over ``T`` frames.

    Attributes:
        time_s: (T,) seconds, strictly increasing; steps may be uneven (variable frame rate).
        frame: (T,) source frame numbers (gaps where no person was found).
        names: the ``L`` landmark names, MediaPipe lower snake case.
        xyz: (T, L, 3) coordinates; NaN where a landmark is missing; z NaN when unknown.
        visibility: (T, L) confidence in [0, 1]; 0 where missing.
        meta: free ``key -> value`` strings (``width``, ``height``, ``source``, ``units``).
    """

    time_s: FloatArray
    frame: NDArray[np.int64]
    names: tuple[str, ...]
    xyz: FloatArray
    visibility: FloatArray
    meta: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.time_s.shape[0]
        n_lm = len(self.names)
        if self.time_s.ndim != 1 or self.frame.shape != (n,):
            raise UsageError("time_s and frame must be 1-D arrays of the same length")
        if self.xyz.shape != (n, n_lm, 3) or self.visibility.shape != (n, n_lm):
            raise UsageError(
                f"xyz must be (T, L, 3) and visibility (T, L) with T={n}, L={n_lm}; "
                f"got {self.xyz.shape} and {self.visibility.shape}"
            )
        if len(set(self.names)) != n_lm:
            raise UsageError("landmark names must be unique")
        if n > 1 and not bool(np.all(np.diff(self.time_s) > 0)):
            raise UsageError("time_s must be strictly increasing", hint="sort frames by time")
        for arr in (self.time_s, self.xyz, self.visibility):
            arr.setflags(write=False)
        self.frame.setflags(write=False)
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    # --- shape and timing -------------------------------------------------------------
    @property
    def n_frames(self) -> int:
        return int(self.time_s.shape[0])

    @property
    def duration_s(self) -> float:
        return float(self.time_s[-1] - self.time_s[0]) if self.n_frames > 1 else 0.0

    @property
    def fps(self) -> float:
        """Nominal frame rate: the rate the frames were taken from.

        A series whose frames were sampled from a faster stream (the pose stage runs the model
        on a subset of frames, see :mod:`thrustcoach.pose.sampling`) states that stream's rate
        in ``meta["nominal_fps"]``; otherwise it is the reciprocal of the median time step
        (robust to gaps).
        """
        stated = _positive_float(self.meta.get("nominal_fps"))
        if stated is not None:
            return stated
        if self.n_frames < 2:
            return 0.0
        return float(1.0 / np.median(np.diff(self.time_s)))

    # --- access ---------------------------------------------------------------------
    def has(self, name: str) -> bool:
        return name in self.names

    def index(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise UsageError(
                f"landmark {name!r} is not in this series",
                hint=f"it has: {', '.join(self.names)}",
            ) from None

    def xy(self, name: str) -> FloatArray:
        """(T, 2) image coordinates of one landmark (NaN where missing)."""
        return self.xyz[:, self.index(name), :2]

    def vis(self, name: str) -> FloatArray:
        return self.visibility[:, self.index(name)]

    # --- derived series -------------------------------------------------------------
    def take(self, mask_or_index: NDArray[np.bool_] | NDArray[np.int64]) -> LandmarkSeries:
        """A new series with the selected frames (boolean mask or integer indices)."""
        return LandmarkSeries(
            time_s=self.time_s[mask_or_index].copy(),
            frame=self.frame[mask_or_index].copy(),
            names=self.names,
            xyz=self.xyz[mask_or_index].copy(),
            visibility=self.visibility[mask_or_index].copy(),
            meta=dict(self.meta),
        )

    def between(self, start_s: float, end_s: float) -> LandmarkSeries:
        """Frames with ``start_s <= time_s < end_s``."""
        return self.take((self.time_s >= start_s) & (self.time_s < end_s))

    def shifted(self, offset_s: float) -> LandmarkSeries:
        """The same series with every timestamp moved by ``offset_s``."""
        return LandmarkSeries(
            time_s=self.time_s + offset_s,
            frame=self.frame.copy(),
            names=self.names,
            xyz=self.xyz.copy(),
            visibility=self.visibility.copy(),
            meta=dict(self.meta),
        )

    def with_meta(self, **meta: str) -> LandmarkSeries:
        return LandmarkSeries(
            time_s=self.time_s.copy(),
            frame=self.frame.copy(),
            names=self.names,
            xyz=self.xyz.copy(),
            visibility=self.visibility.copy(),
            meta={**self.meta, **meta},
        )


def _positive_float(text: str | None) -> float | None:
    """A rate written in metadata, or None when absent or not a sane positive number."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 < value <= 10_000 else None
