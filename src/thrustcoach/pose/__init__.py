"""Landmark series, file readers/writers, pose estimators and video I/O."""

from thrustcoach.pose.io import (
    FileKind,
    detect_kind,
    read_landmark_csv,
    read_landmarks,
    read_trc,
    write_landmarks_csv,
)
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS, REQUIRED_LANDMARKS
from thrustcoach.pose.series import LandmarkSeries

__all__ = [
    "MEDIAPIPE_LANDMARKS",
    "REQUIRED_LANDMARKS",
    "FileKind",
    "LandmarkSeries",
    "detect_kind",
    "read_landmark_csv",
    "read_landmarks",
    "read_trc",
    "write_landmarks_csv",
]
