"""Helpers that generate small test videos on the fly (never committed) for pose and batch tests."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from thrustcoach.pose.annotate import draw_skeleton
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.pose.synthetic import Camera, SyntheticSet, generate
from thrustcoach.pose.video_writer import H264Writer
from thrustcoach.vocab import Side


@dataclass(frozen=True)
class SetVideo:
    path: Path
    series: LandmarkSeries  # what the fake estimator replays, in the video's clock and pixels
    reps: int


def full_33(series: LandmarkSeries) -> LandmarkSeries:
    idx = [MEDIAPIPE_LANDMARKS.index(n) for n in series.names]
    xyz = np.full((series.n_frames, 33, 3), np.nan)
    vis = np.zeros((series.n_frames, 33))
    xyz[:, idx] = series.xyz
    vis[:, idx] = series.visibility
    return LandmarkSeries(
        time_s=series.time_s,
        frame=series.frame,
        names=MEDIAPIPE_LANDMARKS,
        xyz=xyz,
        visibility=vis,
        meta=dict(series.meta),
    )


def write_stick_video(
    path: Path, series: LandmarkSeries, *, width: int, height: int, background: int = 90
) -> LandmarkSeries:
    """Draw ``series`` as a stick figure, one frame per sample; returns it in video time."""
    full = full_33(series)
    t = np.round((full.time_s - full.time_s[0]) * 1000) / 1000  # the container's ms clock
    with H264Writer(path, width=width, height=height, fps=full.fps) as out:
        for k in range(full.n_frames):
            img = np.full((height, width, 3), background, np.uint8)
            draw_skeleton(img, full.xyz[k, :, :2], full.visibility[k])
            out.write(img, time_s=float(t[k]))
    return LandmarkSeries(
        time_s=t,
        frame=np.arange(full.n_frames),
        names=full.names,
        xyz=full.xyz.copy(),
        visibility=full.visibility.copy(),
        meta=dict(full.meta),
    )


def write_plain_video(
    path: Path,
    times_s: list[float] | np.ndarray,
    *,
    width: int = 96,
    height: int = 80,
    level: int = 120,
) -> Path:
    with H264Writer(path, width=width, height=height, fps=30) as out:
        for t in times_s:
            img = np.full((height, width, 3), level, np.uint8)
            img[:20, :30] = 255  # a white block top-left: shows orientation
            out.write(img, time_s=float(t))
    return path


def set_rotation(path: Path, degrees: int) -> Path:
    """Give an MP4 a display-matrix rotation, the way phones store portrait clips."""
    data = bytearray(path.read_bytes())
    i = data.find(b"tkhd")
    offset = i + 4 + (40 if data[i + 4] == 0 else 52)
    one = 1 << 16
    matrix = {
        90: (0, one, 0, -one, 0, 0),
        270: (0, -one, 0, one, 0, 0),
        180: (-one, 0, 0, 0, -one, 0),
    }
    a, b, u, c, d, v = matrix[degrees]
    data[offset : offset + 36] = struct.pack(">9i", a, b, u, c, d, v, 0, 0, 1 << 30)
    path.write_bytes(bytes(data))
    return path


def make_set_video(path: Path, *, reps: int = 3, seed: int = 5) -> SetVideo:
    """A 320x240, 30 fps clip of a right-leg single-leg hip thrust (~4.6 s per rep)."""
    synth = generate(
        SyntheticSet(
            reps_per_side=reps,
            sides=(Side.RIGHT,),
            camera=Camera(width_px=320, height_px=240, focal_px=220),
            noise_px=0.0,
            seed=seed,
        )
    )
    series = write_stick_video(path, synth.series, width=320, height=240)
    return SetVideo(path=path, series=series, reps=synth.truth.rep_count(Side.RIGHT))
