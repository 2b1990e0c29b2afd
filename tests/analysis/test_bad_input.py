"""Bad or thin input: one clear error or a warning, never a crash."""

from __future__ import annotations

import numpy as np
import pytest

from tests.analysis.helpers import out_of_view
from thrustcoach.analysis import analyze
from thrustcoach.errors import AnalysisError, NoPersonError
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.pose.synthetic import SyntheticSet, generate


def _series() -> LandmarkSeries:
    return generate(SyntheticSet(reps_per_side=3, seed=51)).series


def test_missing_required_landmarks_is_an_analysis_error() -> None:
    s = _series()
    keep = [i for i, n in enumerate(s.names) if "ankle" not in n]
    thin = LandmarkSeries(
        s.time_s.copy(),
        s.frame.copy(),
        tuple(s.names[i] for i in keep),
        s.xyz[:, keep].copy(),
        s.visibility[:, keep].copy(),
    )
    with pytest.raises(AnalysisError, match="ankle"):
        analyze(thin)


def test_too_few_frames_is_no_person() -> None:
    with pytest.raises(NoPersonError):
        analyze(_series().take(np.arange(5)))


def test_invisible_landmarks_are_no_person() -> None:
    s = _series()
    with pytest.raises(NoPersonError):
        analyze(
            LandmarkSeries(
                s.time_s.copy(), s.frame.copy(), s.names, s.xyz.copy(), np.zeros_like(s.visibility)
            )
        )


def test_a_long_gap_inside_a_rep_is_reported() -> None:
    synth = generate(SyntheticSet(reps_per_side=3, seed=52))
    rep = synth.truth.reps[1]
    s = synth.series
    gap = (s.time_s > rep.top_s - 0.5) & (s.time_s < rep.top_s + 0.8)
    res = analyze(s.take(~gap))
    assert len(res.reps) == 3
    assert any("gap" in w and "rep 2" in w for w in res.warnings)


def test_standing_still_counts_nothing() -> None:
    s = _series()
    still = LandmarkSeries(
        s.time_s.copy(),
        s.frame.copy(),
        s.names,
        np.repeat(s.xyz[:1], s.n_frames, axis=0),
        s.visibility.copy(),
    )
    res = analyze(still)
    assert res.reps == ()
    assert any("no reps" in w for w in res.warnings)


def test_a_rep_with_its_points_hidden_raises_no_numpy_warning() -> None:
    """A front-view set whose lifter leaves the picture for 2.6 s mid-set: the rep metrics
    over rows with nothing seen are left unknown without numpy's "Mean of empty slice"
    RuntimeWarning (the CLI printed it on stderr)."""
    import warnings

    from thrustcoach.pose.synthetic import Camera

    s = generate(SyntheticSet(camera=Camera(yaw_deg=80.0), reps_per_side=8, seed=0)).series
    end = float(s.time_s[-1])
    hidden = out_of_view(s, (0.5 * end, 0.5 * end + 2.6))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = analyze(hidden)
    assert result.reps
