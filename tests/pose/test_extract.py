"""Video -> landmarks with the fake estimator: chunked workers, quality errors and warnings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.pose.videokit import SetVideo, write_plain_video
from thrustcoach.errors import NoPersonError, VideoError
from thrustcoach.pose.estimators import EstimatorSpec, FakePoseEstimator, PoseResult
from thrustcoach.pose.extract import Parallel, extract_landmarks
from thrustcoach.pose.io import read_landmarks, write_landmarks_csv
from thrustcoach.pose.series import LandmarkSeries


def _edit(series: LandmarkSeries, xyz: np.ndarray) -> LandmarkSeries:
    return LandmarkSeries(
        time_s=series.time_s,
        frame=series.frame,
        names=series.names,
        xyz=xyz,
        visibility=series.visibility,
        meta=dict(series.meta),
    )


def test_one_worker_records_what_the_estimator_saw(set_video: SetVideo) -> None:
    progress: list[tuple[int, int]] = []
    run = extract_landmarks(
        set_video.path,
        spec=EstimatorSpec.fake(set_video.series),
        workers=1,
        sampling=None,
        on_progress=lambda done, total: progress.append((done, total)),
    )
    s = run.series
    assert run.frames_analysed == set_video.series.n_frames == run.frames_with_person
    assert run.frames_inferred == run.frames_analysed and "nominal_fps" not in s.meta
    np.testing.assert_allclose(s.time_s, set_video.series.time_s, atol=1e-6)
    np.testing.assert_allclose(s.xyz, set_video.series.xyz, equal_nan=True)
    assert s.meta["width"] == "320" and s.meta["source"] == "set.mp4"
    assert progress and progress[-1][0] == run.frames_analysed
    assert run.warnings == ()


@pytest.mark.parametrize("parallel", ["threads", "processes"])
def test_two_workers_merge_to_the_same_series(set_video: SetVideo, parallel: Parallel) -> None:
    spec = EstimatorSpec.fake(set_video.series)
    one = extract_landmarks(set_video.path, spec=spec, workers=1, sampling=None).series
    two_run = extract_landmarks(
        set_video.path, spec=spec, workers=2, sampling=None, parallel=parallel
    )
    assert two_run.workers == 2
    two = two_run.series
    np.testing.assert_array_equal(two.frame, one.frame)
    np.testing.assert_allclose(two.time_s, one.time_s)
    np.testing.assert_allclose(two.xyz, one.xyz, equal_nan=True)


def test_sampled_frames_give_the_same_answer(set_video: SetVideo) -> None:
    from thrustcoach.analysis import analyze

    spec = EstimatorSpec.fake(set_video.series)
    full = extract_landmarks(set_video.path, spec=spec, workers=1, sampling=None)
    runs = [extract_landmarks(set_video.path, spec=spec, workers=w) for w in (1, 2)]
    for run in runs:
        assert run.frames_analysed == full.frames_analysed
        assert run.frames_inferred == run.series.n_frames < 0.8 * full.frames_inferred
        assert run.series.fps == pytest.approx(30.0, abs=0.01)  # the rate frames came from
        # Every frame the model saw is a recorded one, with its recorded landmarks.
        idx = np.searchsorted(full.series.time_s, run.series.time_s)
        np.testing.assert_allclose(run.series.xyz, full.series.xyz[idx], equal_nan=True)
    # The chunk border may add a few frames; the steady 10 frames/s are the same.
    base = [set(np.floor(r.series.time_s * 10 + 1e-6).astype(int)) for r in runs]
    assert base[0] == base[1]
    answers = [analyze(r.series) for r in (full, *runs)]
    counts = {a.summary.rep_count["right"] for a in answers}
    assert counts == {set_video.reps}
    for a in answers[1:]:
        for rep, ref in zip(a.reps, answers[0].reps, strict=True):
            assert abs(rep.top_s - ref.top_s) < 0.1


def test_written_csv_feeds_the_analysis(set_video: SetVideo, tmp_path: Path) -> None:
    run = extract_landmarks(set_video.path, spec=EstimatorSpec.fake(set_video.series), workers=1)
    back = read_landmarks(write_landmarks_csv(run.series, tmp_path / "l.csv"))
    from thrustcoach.analysis import analyze

    result = analyze(back)
    assert result.summary.rep_count["right"] == set_video.reps


def test_no_person_and_black_video(tmp_path: Path) -> None:
    times = np.arange(40) / 30
    nobody = EstimatorSpec.fake(
        LandmarkSeries(
            time_s=np.array([100.0]),
            frame=np.array([0]),
            names=("left_hip",),
            xyz=np.zeros((1, 1, 3)),
            visibility=np.ones((1, 1)),
        )
    )
    grey = write_plain_video(tmp_path / "grey.mp4", times, level=120)
    with pytest.raises(NoPersonError, match="no person found in any of 40 frames") as err:
        extract_landmarks(grey, spec=nobody, workers=1, sampling=None)
    assert err.value.exit_code == 5
    # Sampled, the model looks at 18 frames a second (24 of the 40).
    with pytest.raises(NoPersonError, match="no person found in any of 24 frames"):
        extract_landmarks(grey, spec=nobody, workers=1)
    black = tmp_path / "black.mp4"
    from thrustcoach.pose.video_writer import H264Writer

    with H264Writer(black, width=96, height=80, fps=30) as out:
        for t in times:
            out.write(np.zeros((80, 96, 3), np.uint8), time_s=float(t))
    with pytest.raises(VideoError, match="black or far too dark"):
        extract_landmarks(black, spec=nobody, workers=1)


def test_person_cut_off_at_the_knees(set_video: SetVideo) -> None:
    xyz = set_video.series.xyz.copy()
    names = set_video.series.names
    for part in ("ankle", "heel", "foot_index"):
        for side in ("left", "right"):
            xyz[:, names.index(f"{side}_{part}"), 1] = 300.0  # below the 240 px picture
    spec = EstimatorSpec.fake(_edit(set_video.series, xyz))
    with pytest.raises(NoPersonError, match="cut off at the knees"):
        extract_landmarks(set_video.path, spec=spec, workers=1)


def test_tracker_jumping_between_two_people_is_flagged(set_video: SetVideo) -> None:
    xyz = set_video.series.xyz.copy()
    xyz[100:110, :, 0] -= 150.0  # the model latches onto someone else for a moment
    spec = EstimatorSpec.fake(_edit(set_video.series, xyz))
    run = extract_landmarks(set_video.path, spec=spec, workers=1)
    assert any("second person" in w for w in run.warnings)


def test_fake_estimator_replays_by_time() -> None:
    series = LandmarkSeries(
        time_s=np.array([0.0, 0.5]),
        frame=np.array([0, 1]),
        names=("left_hip", "nose"),
        xyz=np.array([[[1.0, 2, 0], [3, 4, 0]], [[5, 6, 0], [np.nan, np.nan, np.nan]]]),
        visibility=np.array([[1.0, 0.5], [0.9, 0.0]]),
    )
    fake = FakePoseEstimator.from_series(series)
    image = np.zeros((8, 8, 3), np.uint8)
    first = fake.process(image, time_s=0.001)
    assert first is not None and first.xyz[23, 0] == 1.0 and first.visibility[0] == 0.5
    assert fake.process(image, time_s=0.25) is None  # nothing recorded near that time
    assert fake.calls == 2


class _Centre:
    """Sees a body at the centre of whatever image it gets (records the sizes)."""

    name = "centre"

    def __init__(self) -> None:
        self.sizes: set[tuple[int, int]] = set()

    def process(self, image_bgr: np.ndarray, *, time_s: float) -> PoseResult | None:
        h, w = image_bgr.shape[:2]
        self.sizes.add((w, h))
        xyz = np.tile([w / 2, h / 2, 0.0], (33, 1))
        return PoseResult(xyz=xyz, visibility=np.ones(33))

    def reset(self) -> None:
        return None

    def close(self) -> None:
        return None


def test_frames_beyond_1920_px_are_halved_and_landmarks_stay_in_video_pixels(
    tmp_path: Path,
) -> None:
    wide = write_plain_video(tmp_path / "wide.mp4", np.arange(12) / 30, width=2400, height=128)
    centre = _Centre()
    run = extract_landmarks(wide, estimator=centre, sampling=None)
    assert centre.sizes == {(1200, 64)}
    np.testing.assert_allclose(run.series.xyz[:, 0, :2], np.tile([1200.0, 64.0], (12, 1)))
