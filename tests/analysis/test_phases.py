"""Phase timing (``analysis.phases``) on hand-made hip-angle curves, where the rule's
answer is known exactly: a minimum-jerk phase moves faster than 10 % of its peak speed for
the middle 82.8 % of its duration."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.ndimage import convolve1d

from thrustcoach.analysis.online import gaussian_kernel
from thrustcoach.analysis.phases import PhaseTimes, phase_speed, time_phases

RATE = 30.0
INSIDE = 0.9142  # a minimum-jerk phase falls under 10 % of its peak speed from here on


def _phases(
    t: NDArray[np.float64],
    angle: NDArray[np.float64],
    speeds: list[NDArray[np.float64]],
    shape_k: tuple[float, float] | None = (1.5, 6.0),
    blur: NDArray[np.float64] | None = None,
) -> PhaseTimes:
    """The rep between a rest before 0.5 s and the end, its top near 2.5 s."""
    return time_phases(
        t,
        angle,
        speeds,
        peak=round(2.5 * RATE),
        bottom_before=round(0.5 * RATE),
        bottom_after=t.size - 1,
        speed_fraction=0.1,
        close_rows=0,
        noise_factor=2.0,
        at_recording_start=False,
        at_recording_end=False,
        shape_k=shape_k,
        blur=blur,
    )


def _min_jerk(x: NDArray[np.float64]) -> NDArray[np.float64]:
    x = np.clip(x, 0.0, 1.0)
    return np.asarray(10 * x**3 - 15 * x**4 + 6 * x**5)


@pytest.mark.parametrize(("where", "depth_deg"), [(0.8, 6.0), (0.85, 4.0)])
def test_a_jittery_low_point_before_the_bottom_does_not_end_the_lowering(
    where: float, depth_deg: float
) -> None:
    """One row near the end of a slow lowering reads lower than the rest to come (pose
    jitter): the lowering's tail, still falling per the speed fit, is timed past it."""
    t = np.arange(0.0, 8.0, 1.0 / RATE)
    start, lowering = 3.3, 2.5
    angle = 110 + 70 * _min_jerk((t - 1.0) / 0.8) - 70 * _min_jerk((t - start) / lowering)
    dip = round((start + where * lowering) * RATE)
    angle[dip] -= depth_deg
    assert int(np.argmin(angle[round(2.5 * RATE) :])) + round(2.5 * RATE) == dip
    speed = phase_speed(angle, rate_hz=RATE, window_s=1.0, polyorder=4)
    ph = _phases(t, angle, [speed])
    assert ph.end_s == pytest.approx(start + INSIDE * lowering, abs=0.08)
    assert ph.pause_end_s == pytest.approx(start + (1 - INSIDE) * lowering, abs=0.08)


def _half_cosine(x: NDArray[np.float64]) -> NDArray[np.float64]:
    x = np.clip(x, 0.0, 1.0)
    return np.asarray((1.0 - np.cos(np.pi * x)) / 2.0)


@pytest.mark.parametrize(
    ("shape", "inside"),
    [(_min_jerk, INSIDE), (_half_cosine, 1.0 - float(np.arcsin(0.1) / np.pi))],
    ids=["minimum-jerk", "half-cosine"],
)
def test_phases_of_a_jittery_rep_are_read_off_a_fitted_movement(
    shape: object, inside: float
) -> None:
    """1 deg of jitter on a 40 deg rep (a lift of 0.8 s, a lowering of 3 s): over 20 draws
    each instant lands within 0.06 s of the rule's on average, whatever the shape of the
    speed profile, and closer than the speed's own 10 % crossings put it."""
    assert callable(shape)
    t = np.arange(0.0, 9.0, 1.0 / RATE)
    clean = 110 + 40 * shape((t - 1.0) / 0.8) - 40 * shape((t - 3.3) / 3.0)
    want = np.array([1.0 + (1 - inside) * 0.8, 1.0 + inside * 0.8, 3.3, 3.3])
    want[2:] += np.array([1 - inside, inside]) * 3.0
    errors: dict[str, list[NDArray[np.float64]]] = {"fitted": [], "speed only": []}
    for seed in range(20):
        angle = clean + np.random.default_rng(seed).normal(0.0, 1.0, t.size)
        speeds = [
            phase_speed(angle, rate_hz=RATE, window_s=w, polyorder=4)
            for w in (0.3, 0.4, 0.5, 0.65, 0.8, 1.0)
        ]
        for name, shape_k in (("fitted", (1.5, 6.0)), ("speed only", None)):
            ph = _phases(t, angle, speeds, shape_k)
            got = np.array([ph.start_s, ph.top_s, ph.pause_end_s, ph.end_s])
            errors[name].append(np.abs(got - want))
    fitted = np.mean(errors["fitted"], axis=0)
    speed_only = np.mean(errors["speed only"], axis=0)
    assert np.all(fitted < 0.06), fitted
    assert np.all(fitted < speed_only), (fitted, speed_only)


def test_a_small_slow_lowering_under_jitter_is_timed_by_the_fit() -> None:
    """A rep that stops short at both ends (an incomplete lockout, then a partial lowering
    of 6 deg over 2 s) under 1.5 deg of jitter: the lowering's peak speed (~4 deg/s) is
    below the jitter of every speed estimate, whose 10 % crossings then time a wiggle. The
    fitted movement over all the rows after the top times the real one: over 20 draws,
    its start and end within 0.25 s of the rule's on average."""
    t = np.arange(0.0, 8.0, 1.0 / RATE)
    clean = 110 + 50 * _min_jerk((t - 1.0) / 0.8) - 6 * _min_jerk((t - 3.5) / 2.0)
    want = np.array([3.5 + (1 - INSIDE) * 2.0, 3.5 + INSIDE * 2.0])
    errors = []
    for seed in range(20):
        angle = clean + np.random.default_rng(seed).normal(0.0, 1.5, t.size)
        speeds = [
            phase_speed(angle, rate_hz=RATE, window_s=w, polyorder=4)
            for w in (0.3, 0.4, 0.5, 0.65, 0.8, 1.0)
        ]
        ph = _phases(t, angle, speeds)
        errors.append(np.abs(np.array([ph.pause_end_s, ph.end_s]) - want))
    mean = np.mean(errors, axis=0)
    assert np.all(mean < 0.25), mean


@pytest.mark.parametrize(("lift", "lowering"), [(0.4, 0.5), (0.8, 1.0)])
def test_the_fit_times_the_movement_not_its_smoothed_image(lift: float, lowering: float) -> None:
    """The engine smooths landmark positions (a Gaussian of 0.045 s), which widens every
    movement: read off the smoothed angle, each phase starts early and ends late (the
    pause shrinks by 0.03-0.04 s on a quick rep). Fitting the movement blurred by the same
    kernel gives the rule's instants within 5 ms."""
    t = np.arange(0.0, 8.0, 1.0 / RATE)
    clean = 110 + 60 * _min_jerk((t - 1.8) / lift) - 60 * _min_jerk((t - 4.0) / lowering)
    kernel = gaussian_kernel(0.045 * RATE, 2.0)
    smooth = convolve1d(clean, kernel, mode="nearest")
    speeds = [
        phase_speed(smooth, rate_hz=RATE, window_s=w, polyorder=4)
        for w in (0.3, 0.4, 0.5, 0.65, 0.8, 1.0)
    ]
    want = np.array([1.8, 1.8, 4.0, 4.0])
    want += np.array([1 - INSIDE, INSIDE, 0, 0]) * lift
    want += np.array([0, 0, 1 - INSIDE, INSIDE]) * lowering
    for blur, tol in ((kernel, 0.005), (None, None)):
        ph = _phases(t, smooth, speeds, blur=blur)
        error = np.array([ph.start_s, ph.top_s, ph.pause_end_s, ph.end_s]) - want
        if tol is not None:
            assert np.all(np.abs(error) < tol), error
        else:  # the smoothed image: every phase wider
            assert error[0] < -0.008 and error[1] > 0.008, error
            assert error[2] < -0.008 and error[3] > 0.008, error


@pytest.mark.parametrize("n", [6, 9, 40, 301])
@pytest.mark.parametrize("window_s", [0.1, 0.35, 1.0, 3.0])
@pytest.mark.parametrize("polyorder", [2, 4])
def test_phase_speed_is_scipys_savitzky_golay_slope(
    n: int, window_s: float, polyorder: int
) -> None:
    """The cached operators give scipy's ``savgol_filter(deriv=1, mode="interp")``, edges
    included, also when the window is cut to the recording's length."""
    from scipy.signal import savgol_filter

    angle = 120.0 + 3.0 * np.cumsum(np.random.default_rng(n).normal(size=n))
    got = phase_speed(angle, rate_hz=RATE, window_s=window_s, polyorder=polyorder)
    window = min(round(window_s * RATE) | 1, (n - 1) | 1 if n > 2 else 1)
    if window >= n:
        window -= 2
    if window <= polyorder + 1:
        want = np.gradient(angle) * RATE
    else:
        want = savgol_filter(angle, window, polyorder, deriv=1, mode="interp") * RATE
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("bounded", [False, True])
def test_the_robust_fit_finds_scipys_soft_l1_minimum(seed: int, bounded: bool) -> None:
    """The hand-written solver behind ``fit_movement`` reaches scipy's ``least_squares(
    loss="soft_l1")`` answer on a noisy logistic step with outliers, also when a bound
    holds a parameter (the steepness capped under its unconstrained value)."""
    from scipy.optimize import least_squares

    from thrustcoach.analysis.phases import _robust_fit

    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 10.0, 120)
    truth = np.array([2.0, 9.0, 4.0 + rng.uniform(-1, 1), 1.5])
    y = truth[0] + (truth[1] - truth[0]) / (1.0 + np.exp(-truth[3] * (t - truth[2])))
    y = y + rng.normal(0.0, 0.3, t.size)
    y[rng.choice(t.size, 6, replace=False)] += rng.choice([-5.0, 5.0], 6)  # label swaps

    def residual(p: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(p[0] + (p[1] - p[0]) / (1.0 + np.exp(-p[3] * (t - p[2]))) - y)

    def jacobian(p: NDArray[np.float64]) -> NDArray[np.float64]:
        s = 1.0 / (1.0 + np.exp(-p[3] * (t - p[2])))
        ds = s * (1.0 - s) * (p[1] - p[0])
        return np.stack([1.0 - s, s, -p[3] * ds, (t - p[2]) * ds], axis=1)

    def evaluate(p: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        return residual(p), jacobian(p)

    lower = np.array([-np.inf, -np.inf, 0.0, 0.1])
    upper = np.array([np.inf, np.inf, 10.0, 1.0 if bounded else 20.0])
    x0 = np.array([float(np.median(y[:5])), float(np.median(y[-5:])), 5.0, 0.5])
    want = least_squares(residual, x0, jac=jacobian, bounds=(lower, upper), loss="soft_l1").x
    got = _robust_fit(evaluate, x0, lower, upper)
    assert got is not None
    np.testing.assert_allclose(got[0], want, atol=1e-4)
    if bounded:
        assert got[0][3] == pytest.approx(1.0)  # held at the bound


def test_a_fit_without_a_reading_to_start_from_keeps_the_speeds_reading() -> None:
    """No instant read off the speed (NaN): the fit has nothing to start from and says so
    (None) instead of failing."""
    from thrustcoach.analysis.phases import fit_movement

    t = np.arange(0.0, 4.0, 1.0 / RATE)
    angle = 120.0 + 60.0 * np.clip((t - 1.0) / 1.0, 0.0, 1.0)
    fit = fit_movement(
        angle,
        lo=0,
        hi=t.size - 1,
        first=np.nan,
        last=np.nan,
        rising=True,
        frac=0.1,
        shape_k=(1.5, 6.0),
    )
    assert fit is None
