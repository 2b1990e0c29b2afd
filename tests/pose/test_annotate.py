"""The annotated video plays in browsers (H.264, yuv420p, even, faststart), is drawn while the
pose runs, and its captions tell the set (reps per leg, phase, hip angle, cues)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from tests.pose.videokit import SetVideo, write_plain_video
from thrustcoach.pose.annotate import (
    SkeletonVideo,
    _overlay_at,
    _reps,
    captions_path,
    write_captions,
)
from thrustcoach.pose.estimators import EstimatorSpec, PoseResult
from thrustcoach.pose.extract import extract_landmarks
from thrustcoach.pose.video import iter_frames, probe_video

RESULT = {
    "sets": [
        {
            "side": "right",
            "reps": [
                {
                    "index": 0,
                    "side": "right",
                    "start_s": 1.0,
                    "top_s": 2.0,
                    "end_s": 5.0,
                    "pause_s": 1.0,
                    "faults": [{"code": "short_pause", "cue": "Hold it: one, two."}],
                },
                {
                    "index": 1,
                    "side": "right",
                    "start_s": 5.5,
                    "top_s": 6.5,
                    "end_s": 9.5,
                    "pause_s": 1.0,
                    "faults": [],
                },
            ],
        }
    ]
}


def test_overlay_counts_phases_and_cues() -> None:
    reps = _reps(RESULT)
    assert _overlay_at(reps, 0.5).phase == "set-up / rest"
    at_lift = _overlay_at(reps, 1.5)
    assert at_lift.phase == "lift" and at_lift.counts["right"] == 0
    at_top = _overlay_at(reps, 2.5)
    assert at_top.phase == "top pause" and at_top.counts["right"] == 1
    assert at_top.cues == ("Hold it: one, two.",) and at_top.cue_rep == "right leg rep 1"
    assert _overlay_at(reps, 4.0).phase == "lowering"
    assert _overlay_at(reps, 5.2).phase == "bottom"
    assert _overlay_at(reps, 9.0).counts["right"] == 2
    assert _overlay_at(reps, 8.5).cues == ()  # cues shown within 3 s after the faulty rep


def _coloured_pixels(image: np.ndarray) -> int:
    spread = image.astype(int).max(axis=2) - image.astype(int).min(axis=2)
    return int((spread > 60).sum())


@pytest.mark.parametrize("workers", [1, 2])
def test_annotated_video_is_drawn_during_the_pose_and_plays_in_browsers(
    set_video: SetVideo, tmp_path: Path, workers: int
) -> None:
    # A grey video with the set's frame times: every coloured pixel is our drawing.
    grey = write_plain_video(
        tmp_path / "grey.mp4", set_video.series.time_s, width=320, height=240, level=90
    )
    out = tmp_path / "a.mp4"
    run = extract_landmarks(
        grey, spec=EstimatorSpec.fake(set_video.series), workers=workers, annotate=out
    )
    assert run.annotated == out and run.frames_inferred < run.frames_analysed
    assert not list(tmp_path.glob(".*part*"))  # chunk segments joined and removed
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert stream.width % 2 == 0 and stream.height % 2 == 0
    head = out.read_bytes()[:4096]
    assert 0 <= head.find(b"moov") < 4096  # faststart: the index comes first
    src, dst = probe_video(grey), probe_video(out)
    assert dst.frame_count == src.frame_count  # every frame, also those the model skipped
    assert abs(dst.duration_s - src.duration_s) < 0.1
    frames = list(iter_frames(dst, max_fps=None))
    times = np.array([f.time_s for f in frames])
    assert np.allclose(times, set_video.series.time_s, atol=0.002)  # recorded times kept
    # The skeleton is on every frame, the ones the model ran on and the ones it skipped
    # (interpolated between its neighbours) alike.
    drawn = [_coloured_pixels(f.image) for f in frames]
    assert min(drawn) > 100


def test_skeleton_video_draws_only_where_landmarks_are(tmp_path: Path) -> None:
    info = probe_video(write_plain_video(tmp_path / "grey.mp4", [0.0, 1 / 30, 2 / 30]))
    xyz = np.full((33, 3), 40.0)
    xyz[:, 0] = np.linspace(10, 80, 33)
    body = PoseResult(xyz=xyz, visibility=np.ones(33))
    with SkeletonVideo(tmp_path / "s.mp4", info=info) as video:
        for k, frame in enumerate(iter_frames(info, max_fps=None)):
            video.write(frame, body if k == 1 else None)
    images = [f.image for f in iter_frames(probe_video(tmp_path / "s.mp4"), max_fps=None)]
    assert [_coloured_pixels(i) > 20 for i in images] == [False, True, False]


def test_captions_tell_the_set(tmp_path: Path) -> None:
    vtt = write_captions(
        RESULT,
        tmp_path / "a.vtt",
        duration_s=10.0,
        hip_curve=([0.0, 10.0], [100.0, 200.0]),
    ).read_text()
    assert vtt.startswith("WEBVTT\n\n")
    blocks = vtt.split("\n\n")[1:]
    timed = [b.split("\n", 1) for b in blocks if "-->" in b]
    assert len(timed) == len(blocks)
    # The status line at the top left: phase, reps per leg, the measured hip angle.
    lift = next(text for head, text in timed if head.startswith("00:00:01.500"))
    assert "lift (right leg)" in lift and "right leg 0" in lift and "hip angle 115 deg" in lift
    top = next(text for head, text in timed if head.startswith("00:00:02.500"))
    assert "top pause" in top and "right leg 1" in top
    # The faulty rep's cue at the bottom from its lockout until 3 s after it ends.
    cue = next(head for head, text in timed if "Hold it" in text)
    assert cue.startswith("00:00:02.000 --> 00:00:08.000")
    assert "right leg rep 1: Hold it: one, two." in vtt
    assert all("line:0" in head for head, text in timed if "phase" not in text and "reps" in text)
    assert captions_path(tmp_path / "x.annotated.mp4") == tmp_path / "x.annotated.vtt"
