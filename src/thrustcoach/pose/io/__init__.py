"""Landmark files: read our landmark CSV and TRC marker files, write the landmark CSV.

:func:`read_landmarks` looks at the file's content (not its extension) and dispatches:

* landmark CSV (``frame,time_s,landmark,x,y,z,visibility``, long format): :mod:`.landmark_csv`;
* TRC marker files from Sports2D, Pose2Sim and OpenCap (``PathFileType`` header): :mod:`.trc`.

Anything else raises :class:`~thrustcoach.errors.UnsupportedFormatError` (or
:class:`~thrustcoach.errors.InputFileError` for an unreadable or empty file).
"""

from thrustcoach.pose.io.detect import FileKind, detect_kind, read_landmarks
from thrustcoach.pose.io.landmark_csv import read_landmark_csv, write_landmarks_csv
from thrustcoach.pose.io.trc import TRC_NAME_MAP, read_trc

__all__ = [
    "TRC_NAME_MAP",
    "FileKind",
    "detect_kind",
    "read_landmark_csv",
    "read_landmarks",
    "read_trc",
    "write_landmarks_csv",
]
