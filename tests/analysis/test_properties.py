"""Invariants (hypothesis): mirroring sides, shifting time, filters keeping length."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thrustcoach.analysis import analyze
from thrustcoach.analysis.online import CenteredSmoother, Resampler
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
    sigma=st.floats(0.3, 5.0),
    holes=st.floats(0.0, 0.5),
    cut=st.integers(1, 50),
)
def test_smoother_keeps_length_and_gives_the_same_rows_however_the_input_is_split(
    n: int, sigma: float, holes: float, cut: int
) -> None:
    """Live (a row at a time) and offline (all at once) feeds get the same numbers."""
    rng = np.random.default_rng(n)
    values = rng.normal(size=(n, 3))
    values[rng.random(n) < holes, 0] = np.nan

    def run(chunks: list[np.ndarray]) -> np.ndarray:
        sm = CenteredSmoother(n_channels=3, sigma_rows=sigma)
        return np.concatenate([*(sm.push(c) for c in chunks), sm.flush()])

    whole = run([values])
    pieces = run([values[i : i + cut] for i in range(0, n, cut)])
    assert whole.shape == values.shape
    np.testing.assert_allclose(whole, pieces, equal_nan=True, atol=1e-9)
    assert np.isfinite(whole[:, 1:]).all()  # channels with data everywhere stay whole


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 300), rate=st.floats(10.0, 60.0), cut=st.integers(1, 40))
def test_resampler_gives_the_same_grid_however_the_frames_arrive(
    n: int, rate: float, cut: int
) -> None:
    rng = np.random.default_rng(n)
    t = np.cumsum(rng.uniform(0.01, 0.08, n))
    v = np.stack([np.sin(t), np.cos(t)], axis=1)
    v[rng.random(n) < 0.1, 1] = np.nan

    def run(step: int) -> tuple[np.ndarray, np.ndarray]:
        r = Resampler(n_channels=2, rate_hz=rate, max_gap_s=0.3)
        parts = [r.push(t[i : i + step], v[i : i + step]) for i in range(0, n, step)]
        parts.append(r.flush())
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    g1, a = run(n)
    g2, b = run(cut)
    np.testing.assert_allclose(g1, g2)
    np.testing.assert_allclose(a, b, equal_nan=True, atol=1e-9)


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


@FAST
@given(
    rows=st.integers(0, 40),
    hidden=st.floats(0.0, 1.0),
    axis=st.sampled_from([0, 1, 2]),
    seed=st.integers(0, 2**16),
)
def test_finite_median_is_numpys_nanmedian(rows: int, hidden: float, axis: int, seed: int) -> None:
    """The one-partition median (context, jitter, foot homes, frame jumps) gives numpy's
    ``nanmedian`` along any axis, ties and all-missing slices included."""
    import warnings

    from thrustcoach.analysis.online import finite_median

    rng = np.random.default_rng(seed)
    arr = rng.normal(100.0, 30.0, (rows, 5, 3)).round(1)  # ties too
    arr[rng.random(arr.shape) < hidden] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices
        want = (
            np.nanmedian(arr, axis=axis)
            if arr.size
            else np.full(np.delete(arr.shape, axis), np.nan)
        )
    np.testing.assert_array_equal(finite_median(arr, axis=axis), want)
    flat = arr.ravel()  # one dimension: a number
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        np.testing.assert_array_equal(
            finite_median(flat), np.nanmedian(flat) if flat.size else np.nan
        )


@FAST
@given(rows=st.integers(1, 30), seed=st.integers(0, 2**16))
def test_every_leg_chains_stacks_each_legs_chains(rows: int, seed: int) -> None:
    """The engine's rep signal reads all three leg choices' chains at once: the same points
    as building each leg's chains alone, NaN (unseen points) included."""
    from thrustcoach.analysis.signals import LegChoice, build_chains, every_leg_chains

    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, 500.0, (rows, 12, 2))
    xy[rng.random((rows, 12)) < 0.1] = np.nan
    stacked = every_leg_chains(xy)
    legs: tuple[LegChoice, ...] = ("left", "right", "both")
    for i, leg in enumerate(legs):
        alone = build_chains(xy, leg)
        for chain, points in alone.items():
            for joint, value in points.items():
                np.testing.assert_array_equal(stacked[chain][joint][i], value)


@FAST
@given(n=st.integers(2, 200), gappy=st.floats(0.0, 0.5), seed=st.integers(0, 10_000))
def test_resampler_channels_do_not_affect_each_other(n: int, gappy: float, seed: int) -> None:
    """A channel's grid values are the same resampled with others (some gapless, some
    with gaps: the resampler shares work between gapless ones) as on its own."""
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.uniform(0.01, 0.08, n))
    v = rng.normal(size=(n, 4))
    v[rng.random((n, 4)) < gappy * np.array([0.0, 1.0, 0.0, 1.0])] = np.nan

    def run(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = Resampler(n_channels=values.shape[1], rate_hz=30.0, max_gap_s=0.2)
        parts = [r.push(t, values), r.flush()]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    grid, together = run(v)
    for ch in range(4):
        np.testing.assert_array_equal(together[:, ch], run(v[:, [ch]])[1][:, 0])
    for ch in (0, 2):  # gapless, frames closer than max_gap_s: a straight line between them
        np.testing.assert_allclose(together[:, ch], np.interp(grid, t, v[:, ch]), atol=1e-9)
