"""Decoding: container timestamps, stride, rotation, damaged files, refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.pose.videokit import set_rotation, write_plain_video
from thrustcoach.errors import InputFileError, VideoError
from thrustcoach.pose.video import iter_frames, probe_video


def test_variable_frame_rate_keeps_container_times(tmp_path: Path) -> None:
    times = [0.0, 0.030, 0.070, 0.100, 0.141, 0.170, 0.205, 0.260, 0.300, 0.333]
    info = probe_video(write_plain_video(tmp_path / "vfr.mp4", times))
    got = [f.time_s for f in iter_frames(info, max_fps=None)]
    np.testing.assert_allclose(got, times, atol=1e-6)


def test_max_fps_halves_a_60fps_clip_with_exact_times(tmp_path: Path) -> None:
    times = np.arange(120) / 60
    info = probe_video(write_plain_video(tmp_path / "60.mp4", np.round(times, 3)))
    frames = list(iter_frames(info, max_fps=30))
    assert len(frames) == 60
    assert [f.index for f in frames] == list(range(0, 120, 2))
    np.testing.assert_allclose([f.time_s for f in frames], np.round(times[::2], 3), atol=1e-6)
    # A 30 fps cap keeps every frame of a 30 fps clip, and chunks keep the same frames.
    assert len(list(iter_frames(info, max_fps=None))) == 120
    first = [f.index for f in iter_frames(info, max_fps=30, end_s=1.0)]
    second = [f.index for f in iter_frames(info, max_fps=30, start_s=1.0)]
    assert first + second == list(range(0, 120, 2))


@pytest.mark.parametrize("degrees", [90, 270])
def test_portrait_phone_video_comes_out_upright(tmp_path: Path, degrees: int) -> None:
    path = set_rotation(
        write_plain_video(tmp_path / "p.mp4", [0, 0.033], width=160, height=96), degrees
    )
    info = probe_video(path)
    assert (info.width, info.height, info.rotation_deg) == (96, 160, degrees)
    image = next(iter(iter_frames(info))).image
    assert image.shape[:2] == (160, 96)
    # The block stored top-left lands top-right after 90 deg clockwise, bottom-left after 270.
    corner = image[:10, -10:] if degrees == 90 else image[-10:, :10]
    assert corner.mean() > 200


def test_truncated_file_yields_the_frames_before_the_damage(tmp_path: Path) -> None:
    path = write_plain_video(tmp_path / "whole.mp4", np.arange(300) / 30, width=160, height=120)
    cut = tmp_path / "cut.mp4"
    data = path.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    info = probe_video(cut)
    warnings: list[str] = []
    frames = list(iter_frames(info, warnings=warnings))
    assert 30 < len(frames) < 300
    assert warnings and "truncated or damaged" in warnings[0]


@pytest.mark.parametrize(
    ("content", "error", "match"),
    [
        (b"", VideoError, "is empty"),
        (b"frame,time_s,landmark,x,y\n0,0,left_hip,1,2\n", VideoError, "landmark file"),
        (b"\xff\xd8\xff\xe0" + bytes(200), VideoError, "picture"),
        (b"PK\x03\x04" + bytes(200), VideoError, "zip archive: unpack it first"),
        (b"\x00\x00\x00\x18ftypmp42" + bytes(2000), VideoError, "not a video we can open"),
        (b"just some notes\n", VideoError, "not a video we can open"),
    ],
)
def test_not_a_video(tmp_path: Path, content: bytes, error: type[Exception], match: str) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    with pytest.raises(error, match=match):
        probe_video(path)


def test_unreadable_and_tiny(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        probe_video(tmp_path / "missing.mp4")
    with pytest.raises(InputFileError, match="is a directory"):
        probe_video(tmp_path)
    tiny = write_plain_video(tmp_path / "tiny.mp4", [0, 0.033], width=48, height=32)
    with pytest.raises(VideoError, match="too small"):
        probe_video(tiny)
