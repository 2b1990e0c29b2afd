"""The annotated video plays in browsers (H.264, yuv420p, even, faststart) and shows the set."""

from __future__ import annotations

from pathlib import Path

import av

from tests.pose.videokit import SetVideo
from thrustcoach.pose.annotate import _overlay_at, _reps, annotate_video
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


def test_annotated_video_is_browser_playable(set_video: SetVideo, tmp_path: Path) -> None:
    out = annotate_video(set_video.path, set_video.series, RESULT, tmp_path / "a.mp4")
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert stream.width % 2 == 0 and stream.height % 2 == 0
    head = out.read_bytes()[:4096]
    assert 0 <= head.find(b"moov") < 4096  # faststart: the index comes first
    src, dst = probe_video(set_video.path), probe_video(out)
    assert dst.frame_count == src.frame_count
    assert abs(dst.duration_s - src.duration_s) < 0.1
    # Frame 75 (2.5 s) has the skeleton drawn (coloured pixels on the grey background).
    frame = next(f for f in iter_frames(dst, max_fps=None) if f.index == 75).image
    spread = frame.astype(int).max(axis=2) - frame.astype(int).min(axis=2)
    assert (spread > 60).sum() > 100
    assert frame[:40, :120].mean() < 60  # the darkened text panel at the top left
