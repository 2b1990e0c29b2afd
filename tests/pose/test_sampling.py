"""Frame sampling: a steady base rate, every frame around the moments the hip starts, stops or
turns, all frames handed back in order with landmarks to draw, any estimator (warm or not)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from tests.pose.videokit import SetVideo
from thrustcoach.errors import UsageError
from thrustcoach.pose.estimators import EstimatorSpec, FakePoseEstimator, PoseResult
from thrustcoach.pose.extract import extract_landmarks
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.sampling import (
    FrameSampler,
    SampledFrame,
    SamplingPolicy,
    hip_angle_signed_deg,
)
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.pose.video import VideoFrame

FPS = 30.0
_IMAGE = np.zeros((1, 1, 3), np.uint8)


def body_series(angle_deg: Callable[[np.ndarray], np.ndarray], seconds: float) -> LandmarkSeries:
    """A body whose midline hip angle follows ``angle_deg(t)``; 30 frames/s."""
    t = np.arange(round(seconds * FPS)) / FPS
    theta = np.radians(angle_deg(t))
    xyz = np.full((t.size, 33, 3), np.nan)
    hip = np.array([300.0, 200.0])
    for side, dz in (("left", -5.0), ("right", 5.0)):
        sh, hp, kn = (MEDIAPIPE_LANDMARKS.index(f"{side}_{j}") for j in ("shoulder", "hip", "knee"))
        xyz[:, sh, :2] = hip + np.array([-150.0, dz])
        xyz[:, hp, :2] = hip + np.array([0.0, dz])
        # The thigh turns from the torso's line by theta (180 deg = in line with it).
        xyz[:, kn, 0] = hip[0] - 120.0 * np.cos(theta)
        xyz[:, kn, 1] = hip[1] + dz + 120.0 * np.sin(theta)
    vis = np.where(np.isfinite(xyz[:, :, 0]), 1.0, 0.0)
    return LandmarkSeries(
        time_s=t, frame=np.arange(t.size), names=MEDIAPIPE_LANDMARKS, xyz=xyz, visibility=vis
    )


def sample(series: LandmarkSeries, policy: SamplingPolicy | None = None) -> list[SampledFrame]:
    policy = policy or SamplingPolicy(base_fps=10.0, edges=True)
    sampler = FrameSampler(FakePoseEstimator.from_series(series), policy)
    frames = (VideoFrame(i, float(t), _IMAGE) for i, t in enumerate(series.time_s))
    return list(sampler.run(frames))


def inferred_times(out: list[SampledFrame]) -> np.ndarray:
    return np.array([s.frame.time_s for s in out if s.inferred])


def test_hip_angle_is_signed_unwrapped_and_swap_proof() -> None:
    series = body_series(lambda t: 100.0 + 100.0 * t, 1.0)  # 100 -> 197 deg: past 180
    fake = FakePoseEstimator.from_series(series)
    angles: list[float] = []
    for t in series.time_s:
        a = hip_angle_signed_deg(
            fake.process(_IMAGE, time_s=float(t)), near_deg=angles[-1] if angles else None
        )
        assert a is not None
        angles.append(a)
    # Continuous past 180 deg (the sign only says which way the body faces).
    np.testing.assert_allclose(np.abs(angles), 100.0 + 100.0 * series.time_s, atol=1.0)
    res = fake.process(_IMAGE, time_s=0.5)
    assert res is not None
    swapped = res.xyz.copy()
    for j in ("shoulder", "hip", "knee"):
        li, ri = MEDIAPIPE_LANDMARKS.index(f"left_{j}"), MEDIAPIPE_LANDMARKS.index(f"right_{j}")
        swapped[[li, ri]] = swapped[[ri, li]]
    a = hip_angle_signed_deg(res, near_deg=None)
    b = hip_angle_signed_deg(PoseResult(swapped, res.visibility), near_deg=None)
    assert a == pytest.approx(b)
    assert hip_angle_signed_deg(None, near_deg=None) is None


def test_a_still_body_is_seen_at_the_base_rate_only() -> None:
    out = sample(body_series(lambda t: 120.0 + 0 * t, 6.0))
    assert len(out) == 180 and [s.frame.index for s in out] == list(range(180))
    assert len(inferred_times(out)) == 60  # 10 a second
    assert all(s.landmarks is not None for s in out)  # skipped frames still get a skeleton


def test_the_default_is_a_steady_rate() -> None:
    moving = body_series(lambda t: 145.0 + 35.0 * np.cos(np.pi * t / 1.5), 6.0)
    out = sample(moving, SamplingPolicy())
    times = inferred_times(out)
    assert len(times) == 108  # 18 a second, whatever the hip does
    assert np.diff(times).max() <= 2.01 / 30


def test_frames_are_added_where_the_hip_starts_stops_and_turns() -> None:
    # Rest at 110 deg, lift to 180 over 1 s (smooth), hold 2 s, lower over 2 s, rest.
    def angle(t: np.ndarray) -> np.ndarray:
        up = np.clip(t - 1.0, 0, 1.0)
        down = np.clip(t - 4.0, 0, 2.0) / 2.0
        ease = lambda x: 0.5 - 0.5 * np.cos(np.pi * x)  # noqa: E731
        return 110.0 + 70.0 * ease(up) - 70.0 * ease(down)

    out = sample(body_series(angle, 8.0))
    times = inferred_times(out)
    dense = [t for t in times if np.min(np.abs(times[times != t] - t)) < 0.05]

    def near(edge: float) -> bool:
        return any(abs(t - edge) < 0.2 for t in dense)

    assert all(near(e) for e in (1.0, 2.0, 4.0, 6.0))  # the four phase edges
    assert not any(2.5 < t < 3.5 for t in dense)  # not during the hold
    assert not any(t < 0.6 or t > 7.0 for t in dense)  # nor in the rests
    assert len(times) < 0.6 * len(out)
    # Every frame back exactly once, in order; inferred ones carry the model's result.
    assert [s.frame.index for s in out] == list(range(240))
    assert all(s.landmarks is s.result for s in out if s.inferred)


def test_a_bounce_without_rest_is_filled() -> None:
    # Lowering straight into the next lift: speed never drops below "moving" for long.
    out = sample(body_series(lambda t: 145.0 + 35.0 * np.cos(np.pi * t / 1.5), 6.0))
    times = inferred_times(out)
    for turn in (1.5, 3.0, 4.5):  # bottoms and tops of the cosine
        near = times[np.abs(times - turn) < 0.2]
        assert len(near) >= 8  # every frame there


def test_the_moment_someone_appears_is_found() -> None:
    full = body_series(lambda t: 120.0 + 0 * t, 4.0)
    present = full.time_s >= 1.52
    series = full.take(present)
    out = sample(
        LandmarkSeries(
            time_s=full.time_s,
            frame=full.frame,
            names=full.names,
            xyz=np.where(present[:, None, None], full.xyz, np.nan),
            visibility=np.where(present[:, None], full.visibility, 0.0),
        )
    )
    found = [s.frame.time_s for s in out if s.inferred and s.result is not None]
    assert min(found) == pytest.approx(series.time_s[0])


def test_frames_beyond_the_rate_cap_are_drawn_never_inferred() -> None:
    series = body_series(lambda t: 120.0 + 20 * t, 2.0)
    sampler = FrameSampler(FakePoseEstimator.from_series(series), SamplingPolicy.every_frame())
    out: list[SampledFrame] = []
    for i, t in enumerate(series.time_s):
        out += sampler.push(VideoFrame(i, float(t), _IMAGE), eligible=i % 2 == 0)
    out += sampler.finish()
    assert [s.inferred for s in out] == [i % 2 == 0 for i in range(len(out))]
    middle = out[11]
    assert middle.landmarks is not None and out[10].result is not None
    assert out[12].result is not None
    # Halfway between its neighbours.
    np.testing.assert_allclose(
        middle.landmarks.xyz, (out[10].result.xyz + out[12].result.xyz) / 2, equal_nan=True
    )


def test_policy_checks_its_values() -> None:
    with pytest.raises(UsageError):
        SamplingPolicy(base_fps=0)
    with pytest.raises(UsageError):
        SamplingPolicy(base_fps=float("nan"))
    with pytest.raises(UsageError):
        SamplingPolicy(lookahead=0)
    assert "every frame" in SamplingPolicy.every_frame().label()


def test_a_warm_estimator_is_reset_and_left_open(set_video: SetVideo) -> None:
    fake = EstimatorSpec.fake(set_video.series).create()
    assert isinstance(fake, FakePoseEstimator)
    closed: list[bool] = []
    fake.close = lambda: closed.append(True)  # type: ignore[method-assign]
    first = extract_landmarks(set_video.path, estimator=fake)
    second = extract_landmarks(set_video.path, estimator=fake)
    assert fake.resets == 2 and not closed
    np.testing.assert_allclose(first.series.xyz, second.series.xyz, equal_nan=True)
    built = extract_landmarks(set_video.path, spec=EstimatorSpec.fake(set_video.series), workers=1)
    np.testing.assert_array_equal(built.series.frame, first.series.frame)
    assert fake.calls == 2 * first.frames_inferred


def test_series_states_the_rate_its_frames_came_from(set_video: SetVideo) -> None:
    s = set_video.series.take(np.arange(0, set_video.series.n_frames, 3))
    assert s.fps == pytest.approx(10.0, rel=0.05)
    assert s.with_meta(nominal_fps="30").fps == 30.0
    for bad in ("", "abc", "nan", "-5", "inf", "1e9"):
        assert s.with_meta(nominal_fps=bad).fps == pytest.approx(10.0, rel=0.05)
