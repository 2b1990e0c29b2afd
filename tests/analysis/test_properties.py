"""Invariants (hypothesis): mirroring sides, shifting time, filters keeping length."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thrustcoach.analysis import analyze
from thrustcoach.analysis.config import load_config
from thrustcoach.analysis.filters import FILTERS, smooth
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.pose.synthetic import SyntheticSet, generate
from thrustcoach.vocab import Side

FAST = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _swap_labels(series: LandmarkSeries) -> LandmarkSeries:
    names = tuple(
        n.replace("left_", "@").replace("right_", "left_").replace("@", "right_")
        for n in series.names
    )
    return LandmarkSeries(
        series.time_s.copy(),
        series.frame.copy(),
        names,
        series.xyz.copy(),
        series.visibility.copy(),
        dict(series.meta),
    )


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(2, 5))
def test_swapping_left_and_right_mirrors_sides_and_asymmetry(seed: int, n: int) -> None:
    series = generate(
        SyntheticSet(sides=(Side.LEFT, Side.RIGHT), reps_per_side=n, seed=seed)
    ).series
    a, b = analyze(series), analyze(_swap_labels(series))
    assert [r.side.other for r in a.reps] == [r.side for r in b.reps]
    assert a.summary.rep_count[Side.LEFT] == b.summary.rep_count[Side.RIGHT]
    for key, diff in a.summary.left_minus_right.items():
        assert b.summary.left_minus_right[key] == -diff


@FAST
@given(seed=st.integers(0, 10_000), offset=st.floats(-1000.0, 1000.0))
def test_shifting_time_keeps_rep_counts(seed: int, offset: float) -> None:
    series = generate(SyntheticSet(reps_per_side=3, seed=seed, noise_px=1.5)).series
    a, b = analyze(series), analyze(series.shifted(offset))
    assert a.summary.rep_count == b.summary.rep_count
    for ra, rb in zip(a.reps, b.reps, strict=True):
        assert abs(ra.top_s + offset - rb.top_s) < 0.05


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 400),
    rate=st.floats(10.0, 120.0),
    kind=st.sampled_from(sorted(FILTERS)),
    holes=st.floats(0.0, 0.5),
)
def test_filters_keep_length_and_holes_only_where_nothing_was_seen(
    n: int, rate: float, kind: str, holes: float
) -> None:
    rng = np.random.default_rng(n)
    values = rng.normal(size=(n, 3, 2))
    values[rng.random(n) < holes, 0, :] = np.nan
    cfg = load_config().filtering.model_copy(update={"type": kind})
    out = smooth(values, rate_hz=rate, cfg=cfg)
    assert out.shape == values.shape
    seen = np.isfinite(values).any(axis=0)
    assert np.isfinite(out[:, seen]).all()


@FAST
@given(seed=st.integers(0, 10_000), scale=st.floats(0.001, 10.0))
def test_units_do_not_matter(seed: int, scale: float) -> None:
    """Pixels or metres (TRC files): every threshold is relative, so results agree."""
    s = generate(SyntheticSet(reps_per_side=3, seed=seed)).series
    scaled = LandmarkSeries(
        s.time_s.copy(), s.frame.copy(), s.names, s.xyz * scale, s.visibility.copy(), dict(s.meta)
    )
    a, b = analyze(s), analyze(scaled)
    assert (a.exercise, a.view, len(a.reps)) == (b.exercise, b.view, len(b.reps))
    assert [r.side for r in a.reps] == [r.side for r in b.reps]
