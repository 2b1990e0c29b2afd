"""A long-lived process keeps its estimators built between videos (the web server's jobs)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest

from tests.pose.videokit import SetVideo
from thrustcoach.pose import estimators
from thrustcoach.pose.estimators import EstimatorSpec, FakePoseEstimator, PoseResult
from thrustcoach.pose.extract import extract_landmarks
from thrustcoach.pose.warm import WarmEstimators, warm_estimators


class Counting:
    """A fake whose spec is plain values (so it may be kept), replaying a shared recording."""

    built: ClassVar[list[Counting]] = []
    series: Any = None
    name = "counting"

    def __init__(self, **params: Any) -> None:
        self.inner = FakePoseEstimator.from_series(Counting.series)
        self.resets = 0
        self.closed = False
        Counting.built.append(self)

    def process(self, image_bgr: np.ndarray, *, time_s: float) -> PoseResult | None:
        return self.inner.process(image_bgr, time_s=time_s)

    def reset(self) -> None:
        self.resets += 1

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def counting(set_video: SetVideo, monkeypatch: pytest.MonkeyPatch) -> EstimatorSpec:
    Counting.built, Counting.series = [], set_video.series
    monkeypatch.setitem(estimators.ESTIMATORS, "counting", lambda **p: Counting(**p))
    yield EstimatorSpec(kind="counting", params={"model": 1})
    warm_estimators().close()


def test_pool_hands_out_distinct_reset_estimators(counting: EstimatorSpec) -> None:
    pool = WarmEstimators(max_idle=1)
    a, b = pool.borrow(counting), pool.borrow(counting)
    assert a is not b and len(Counting.built) == 2
    pool.give_back(counting, a)
    pool.give_back(counting, b)  # the pool is full: closed
    assert isinstance(b, Counting) and b.closed
    again = pool.borrow(counting)
    assert again is a and isinstance(a, Counting) and a.resets == 1 and not a.closed
    pool.give_back(counting, again)
    pool.close()
    assert a.closed


def test_recordings_are_never_kept(set_video: SetVideo) -> None:
    pool = WarmEstimators()
    spec = EstimatorSpec.fake(set_video.series)
    fake = pool.borrow(spec)
    pool.give_back(spec, fake)
    assert pool.borrow(spec) is not fake


def test_videos_after_the_first_reuse_the_estimators(
    set_video: SetVideo, counting: EstimatorSpec
) -> None:
    first = extract_landmarks(set_video.path, spec=counting, workers=2, keep_warm=True)
    assert first.workers == 2 and len(Counting.built) == 2
    second = extract_landmarks(set_video.path, spec=counting, workers=2, keep_warm=True)
    assert len(Counting.built) == 2  # nothing built for the second video
    assert all(e.resets >= 1 and not e.closed for e in Counting.built)
    np.testing.assert_array_equal(first.series.frame, second.series.frame)
    # A given (warm) estimator takes the first chunk; the other comes from the pool.
    mine = Counting()
    extract_landmarks(set_video.path, spec=counting, estimator=mine, workers=2)
    assert mine.resets == 1 and not mine.closed and len(Counting.built) == 3
