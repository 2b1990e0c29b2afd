"""Plausibility checks shared by the landmark file readers.

Frame times must be seconds of one recording. A file whose times span days (a broken
export, milliseconds written as seconds) would make the analysis build a uniform time grid of
billions of samples; times beyond ±1e10 s lose the precision needed to tell 1/30 s steps apart.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from thrustcoach.errors import InputFileError
from thrustcoach.pose.series import FloatArray

__all__ = ["MAX_ABS_TIME_S", "MAX_RECORDING_S", "check_times"]

# One recording of a set, or of a whole session filmed in one go: at most 3 hours.
MAX_RECORDING_S = 3 * 3600.0
MAX_ABS_TIME_S = 1e10


def check_times(path: Path, time_s: FloatArray) -> None:
    """Raise :class:`InputFileError` unless ``time_s`` (any order) looks like one recording."""
    if time_s.size == 0:
        return
    if not np.isfinite(time_s).all() or float(np.abs(time_s).max()) > MAX_ABS_TIME_S:
        raise InputFileError(
            f"{path}: time_s holds values beyond ±{MAX_ABS_TIME_S:g} s",
            hint="time_s must be seconds (not milliseconds or a date stamp)",
        )
    span = float(time_s.max() - time_s.min())
    if span > MAX_RECORDING_S:
        raise InputFileError(
            f"{path}: the frame times span {span:.3g} s; one recording lasts at most "
            f"{MAX_RECORDING_S / 3600:g} hours",
            hint="check the time_s column (seconds), or split the file into recordings",
        )
