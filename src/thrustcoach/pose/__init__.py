"""Landmark series, file readers/writers, pose estimators and video I/O."""

from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS, REQUIRED_LANDMARKS
from thrustcoach.pose.series import LandmarkSeries

__all__ = ["MEDIAPIPE_LANDMARKS", "REQUIRED_LANDMARKS", "LandmarkSeries"]
