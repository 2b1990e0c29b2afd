"""Phase timing by one stated rule, on one rep's window of the hip angle.

A phase lasts while the hip angle moves faster than ``speed_fraction`` (10 %) of that
phase's own peak angular speed:

* the **lift** runs from the first to the last instant the rising speed exceeds 10 % of
  the lift's peak speed;
* the **lowering** likewise for the falling speed and the lowering's peak;
* the **pause** at the top runs from the end of the lift to the start of the lowering.

Instants are interpolated between rows (the speed crosses the threshold between two grid
samples). The speed comes from local polynomial (Savitzky-Golay) fits of the hip angle;
each phase uses the shortest fit window whose noise, measured where the hips rest, stays
well under its threshold, so pose jitter cannot poke through 10 % and end a slow lowering
early, while a fast lift keeps its sharp edges.

That reading still rests on the few rows around each crossing, where the phase moves
slowly and jitter is largest. So each phase is then fitted, over all its rows and the rest
on either side, by one smooth movement: a speed profile shaped like a symmetric
Beta(k, k) curve (k = 3 is the minimum-jerk movement of Flash & Hogan 1985, k ~ 2 a half
cosine; k is fitted too), blurred by the kernel the landmarks were smoothed with before it
is compared with them (the smoothed image of a movement is wider than the movement). The
10 % instants of the fitted movement are known in closed form and replace the speed's
reading. Where the fit fails, or the phase was cut by the start or end of the recording,
the speed's reading stands; where the speed's reading is jitter's (a movement of a few
degrees on a shaky recording), the fit alone decides.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import correlate1d, gaussian_filter1d
from scipy.special import betainc, betaln

from thrustcoach.analysis.online import finite_median

__all__ = [
    "PhaseTimes",
    "angular_speed",
    "braking_s",
    "fit_movement",
    "phase_speed",
    "time_phases",
]

Arr = NDArray[np.float64]


@dataclass(frozen=True)
class PhaseTimes:
    """One rep's phase instants (seconds, recording clock) and its turning points (rows)."""

    start_s: float  # lift begins
    top_s: float  # lift ends: the pause at the top begins
    pause_end_s: float  # the lowering begins
    end_s: float  # the lowering ends
    peak: int  # row of the highest hip angle
    bottom_before: int
    bottom_after: int
    lift_cut: bool  # the recording began during the lift (or pause)
    pause_cut: bool  # ...during the pause: its length is unknown
    lowering_cut: bool  # the recording ended during the lowering
    lift_peak_speed: float  # deg/s
    lowering_peak_speed: float  # deg/s (positive)


def angular_speed(angle: Arr, *, rate_hz: float, sigma_s: float) -> Arr:
    """Speed (unit/s) of ``angle`` smoothed by a Gaussian of ``sigma_s``."""
    if angle.shape[0] < 3:
        return np.zeros_like(angle)
    smooth = gaussian_filter1d(angle, sigma_s * rate_hz, mode="nearest")
    return np.asarray(np.gradient(smooth) * rate_hz, dtype=np.float64)


@lru_cache(maxsize=32)
def _slope_operators(window: int, polyorder: int) -> tuple[Arr, Arr, Arr]:
    """Savitzky-Golay first derivative as linear operators: the interior's convolution
    coefficients, and the matrices giving the first and last ``window // 2`` rows from the
    polynomial fitted to the first and last ``window`` rows (scipy's ``mode="interp"``)."""
    half = window // 2
    pos = np.arange(window, dtype=np.float64) - half  # centred: a well-conditioned fit
    powers = np.arange(polyorder + 1, dtype=np.float64)
    coefficients = np.linalg.pinv(pos[:, None] ** powers)  # window rows -> polynomial

    def slope_at(x: Arr) -> Arr:
        return np.asarray(powers * x[:, None] ** np.maximum(powers - 1.0, 0.0), dtype=np.float64)

    # The interior's slope is the fitted polynomial's linear term at the centre, reversed
    # for ``np.convolve`` (scipy's ``savgol_coeffs(window, polyorder, deriv=1)``; importing
    # scipy.signal for it cost a third of a second of every ``thrustcoach analyze``).
    return (
        np.ascontiguousarray(coefficients[1, ::-1]),
        slope_at(pos[:half]) @ coefficients,
        slope_at(pos[window - half :]) @ coefficients,
    )


def phase_speed(angle: Arr, *, rate_hz: float, window_s: float, polyorder: int) -> Arr:
    """Speed (unit/s) from a Savitzky-Golay fit over ``window_s``: a local polynomial
    keeps a phase's peak speed and the width of its speed profile, where a low-pass of the
    same noise reduction would flatten the peak and spread the profile (longer phases).
    The same numbers as ``scipy.signal.savgol_filter(..., deriv=1, mode="interp")``, from
    cached operators: it runs for every rep under several windows (20x faster)."""
    n = angle.shape[0]
    window = round(window_s * rate_hz) | 1
    if window >= n:
        window = (n - 1) | 1 if n > 2 else 1
        if window >= n:
            window -= 2
    if window <= polyorder + 1:
        return np.asarray(np.gradient(angle) * rate_hz, dtype=np.float64) if n > 1 else angle * 0
    interior, first, last = _slope_operators(window, polyorder)
    half = window // 2
    x = np.asarray(angle, dtype=np.float64)
    fit = np.empty(n)
    fit[half : n - half] = np.convolve(x, interior, mode="valid")
    fit[:half] = first @ x[:window]
    fit[n - half :] = last @ x[n - window :]
    return fit * rate_hz


def _crossing(v: Arr, i_below: int, i_above: int, thr: float) -> float:
    """Fractional row where ``v`` passes ``thr`` between two neighbouring rows."""
    a, b = float(v[i_below]), float(v[i_above])
    frac = (thr - a) / (b - a) if b != a else 0.0
    return i_below + float(np.clip(frac, 0.0, 1.0)) * (i_above - i_below)


def _edge(v: Arr, i_peak: int, thr: float, *, step: int, lo: int, hi: int, close: int) -> float:
    """Walk from the phase's fastest row (``v`` signed so the phase is positive) outward by
    ``step`` until ``v`` stays at or under ``thr`` for ``close`` rows; returns the
    fractional row of the crossing, or the boundary row if the walk reaches it."""
    i = i_peak
    while True:
        j = i + step
        if j < lo or j > hi:
            return float(i)
        if v[j] > thr:
            i = j
            continue
        # A dip: does the phase resume within `close` rows?
        k, resumed = j, False
        for _ in range(close):
            k += step
            if k < lo or k > hi:
                break
            if v[k] > thr:
                resumed = True
                break
        if not resumed:
            return _crossing(v, j, i, thr)
        i = k


def _robust_sd(x: Arr) -> float:
    x = x[np.isfinite(x)]
    if x.size < 5:
        return float("inf")
    return float(1.4826 * finite_median(np.abs(x - finite_median(x))))


def _pick_speed(
    speeds: list[Arr],
    flat: NDArray[np.bool_],
    *,
    lo: int,
    hi: int,
    positive: bool,
    frac: float,
    noise_factor: float,
) -> tuple[Arr, bool]:
    """The least smoothed speed whose noise (measured where the hips rest) stays well
    under the phase's threshold: a fast lift keeps its sharp edges, a slow lowering of a
    noisy recording is smoothed enough that jitter cannot end it early. False with the
    smoothest when even its noise reaches the threshold: its reading is jitter's."""
    for v in speeds:
        seg = v[lo : hi + 1] if positive else -v[lo : hi + 1]
        peak = float(np.max(seg)) if seg.size else 0.0
        if noise_factor * _robust_sd(v[flat]) <= frac * peak:
            return v, True
    return speeds[-1], False


def _beta_share(k: float, frac: float) -> float:
    """The share of its duration after which a movement whose speed profile is a symmetric
    Beta(k, k) curve first moves at ``frac`` of its peak speed (and before which, from the
    end, it last does)."""
    c = frac ** (1.0 / (k - 1.0))
    return float((1.0 - np.sqrt(max(1.0 - c, 0.0))) / 2.0)


def _bounded_step(
    system: Arr, grad: Arr, x: Arr, lower: Arr, upper: Arr, free: NDArray[np.bool_]
) -> Arr:
    """The damped Gauss-Newton step of the ``free`` parameters (``system @ step = -grad``).
    A parameter the step would carry past its bound stops on it, and the others are solved
    again knowing that move: clipping it alone would leave them fitted to a move it did not
    make (a rejected step, and more damping). NaN where the system is singular."""
    step = np.zeros_like(x)
    try:
        if free.all():  # the usual case: no parameter held at a bound
            step = np.linalg.solve(system, -grad)
        else:
            step[free] = np.linalg.solve(system[free][:, free], -grad[free])
        out = free & ((x + step < lower) | (x + step > upper))
        if out.any():
            step[out] = np.minimum(np.maximum(x + step, lower), upper)[out] - x[out]
            rest = free & ~out
            step[rest] = 0.0
            if rest.any():
                rows = system[rest]
                rhs = -grad[rest] - rows[:, out] @ step[out]
                step[rest] = np.linalg.solve(rows[:, rest], rhs)
    except np.linalg.LinAlgError:
        step[:] = np.nan
    return step


def _robust_fit(
    evaluate: Callable[[Arr], tuple[Arr, Arr]],
    x0: Arr,
    lower: Arr,
    upper: Arr,
    *,
    ftol: float = 1e-8,
    xtol: float = 1e-8,
    step_tol: Arr | None = None,
    max_evals: int = 200,
) -> tuple[Arr, float] | None:
    """Bounded least squares under the soft-L1 loss (``rho(z) = 2 (sqrt(1 + z) - 1)``, as
    scipy's ``least_squares(loss="soft_l1")``): Levenberg-Marquardt steps on the reweighted
    normal equations (weights ``rho'(r^2)``, whose fixed point is the robust minimum), a
    parameter held at a bound while the cost's gradient pushes it out. ``evaluate(p)`` gives
    the residuals and their Jacobian. It stops when the cost falls by less than ``ftol`` of
    itself, the step is under ``xtol`` relative to the parameters, or a step would move
    every parameter less than its ``step_tol`` (absolute: what precision the caller needs;
    that last step is taken without evaluating it). Returns the parameters and the cost
    (at the last point evaluated), or None when it does not converge within ``max_evals``
    evaluations.

    Hand-written because scipy's general solver spends ~0.3 ms of bookkeeping an
    iteration, which for this five-parameter fit run twice per rep was most of the
    analysis time (issue 3's budget). It finds scipy's answer (``test_phases.py``); on the
    1,370 fits of the sample and its hard variants it lands on scipy's minimum or a lower
    one in all but 2."""

    x = np.minimum(np.maximum(np.asarray(x0, dtype=np.float64), lower), upper)
    r, jac = evaluate(x)
    root = np.sqrt(1.0 + r * r)  # the loss is sum(root - 1); its weights are 1 / root
    cost, evals, damping = float(root.sum()) - r.size, 1, 1e-3
    while evals < max_evals:
        weighted = jac / root[:, None]
        grad = weighted.T @ r
        free = ~(((x <= lower) & (grad > 0.0)) | ((x >= upper) & (grad < 0.0)))
        if not free.any():
            return x, cost
        normal = jac.T @ weighted
        scale = normal.diagonal()
        scale = np.maximum(scale, 1e-12 * float(scale[free].max()) + 1e-300)
        while True:
            step = _bounded_step(normal + damping * np.diag(scale), grad, x, lower, upper, free)
            if np.isfinite(step).all():
                trial = np.minimum(np.maximum(x + step, lower), upper)
                if step_tol is not None and bool(np.all(np.abs(step) <= step_tol)):
                    return trial, cost  # a step this small: evaluating it would only confirm
                r_trial, jac_trial = evaluate(trial)
                evals += 1
                root_trial = np.sqrt(1.0 + r_trial * r_trial)
                trial_cost = float(root_trial.sum()) - r_trial.size
                if trial_cost < cost:  # (False for NaN)
                    break
            damping *= 10.0
            if damping > 1e12:  # no step lowers the cost: this is the minimum
                return x, cost
            if evals >= max_evals:
                return None
        moved = math.sqrt(float((trial - x) @ (trial - x)))
        gain = cost - trial_cost
        x, cost, r, jac, root = trial, trial_cost, r_trial, jac_trial, root_trial
        damping = max(damping / 10.0, 1e-9)
        if gain <= ftol * (cost + gain) or moved <= xtol * (xtol + math.sqrt(float(x @ x))):
            return x, cost
    return None


def fit_movement(
    angle: Arr,
    *,
    lo: int,
    hi: int,
    first: float,
    last: float,
    rising: bool,
    frac: float,
    shape_k: tuple[float, float],
    search_wide: bool = False,
    blur: Arr | None = None,
) -> tuple[float, float] | None:
    """Rows (fractional) where one phase of ``angle`` between rows ``lo`` and ``hi`` first
    and last moves faster than ``frac`` of its peak speed, read off a smooth movement
    fitted to all those rows: the angle goes from one level to another along the
    regularised incomplete beta function I(x; k, k), whose speed is the Beta(k, k)
    profile. ``first``/``last`` are the instants the speed read (the starting guess);
    ``search_wide``: that reading may be jitter's, so a start spanning the rows is tried
    too. ``blur``: the (odd, normalised) kernel ``angle`` was smoothed by; the movement is
    blurred by it too before it is compared, so the fit times the movement itself and not
    its smoothed, wider image. None when there is too little to fit or the fitted movement
    goes the wrong way."""
    kernel = np.ones(1) if blur is None else np.asarray(blur, dtype=np.float64)
    half = (kernel.size - 1) // 2
    y = angle[lo : hi + 1]
    seen = np.isfinite(y)
    y = y[seen]
    if y.size < 8 or last <= first:
        return None
    # The movement is evaluated `half` rows beyond both ends, so that blurring it gives
    # every row lo..hi; then only the rows with data are compared.
    rows = np.arange(lo - half, hi + half + 1, dtype=np.float64)
    first_row = float(lo - half)

    all_seen = bool(seen.all())

    def blurred(v: Arr) -> Arr:
        """``v`` (rows along axis 0) blurred, at the rows with data."""
        if half:
            v = correlate1d(v, kernel, axis=0)[half:-half]  # (the kernel is symmetric)
        return v if all_seen else np.asarray(v[seen], dtype=np.float64)

    k_lo, k_hi = shape_k
    k0 = float(np.clip(3.0, k_lo, k_hi))
    share = _beta_share(k0, frac)
    span = float(hi - lo)
    lower = np.array([-np.inf, -np.inf, lo - span, 2.0, k_lo])
    upper = np.array([np.inf, np.inf, float(hi), 2.0 * span + 2.0, k_hi])

    def start(first: float, last: float) -> Arr:
        d0 = max((last - first) / (1.0 - 2.0 * share), 3.0)
        x0 = [float(finite_median(y[:3])), float(finite_median(y[-3:])), first - share * d0, d0, k0]
        return np.clip(np.array(x0), lower, upper)

    def evaluate(p: Arr) -> tuple[Arr, Arr]:
        """Residuals and their Jacobian. d/dx of I(x; k, k) is the Beta(k, k) density;
        only d/dk is taken numerically. Blurring is linear, so the columns that differ by a
        factor are blurred once: the shape, the density, density * x and d/dk. The movement
        runs over the rows between ``t0`` and ``t0 + d`` (a slice: rows increase)."""
        a, b, t0, d, k = p.tolist()  # (plain floats: cheaper scalar arithmetic)
        i0 = min(max(math.floor(t0 - first_row) + 1, 0), rows.size)
        i1 = min(max(math.ceil(t0 + d - first_row), i0), rows.size)
        xi = (rows[i0:i1] - t0) / d
        dk = 1e-4 * max(k, 1.0)
        both = np.array([[k], [k + dk]])
        shape_in, shape_dk = betainc(both, both, xi)  # one call for I at k and at k + dk
        density_in = np.exp((k - 1.0) * np.log(xi * (1.0 - xi)) - betaln(k, k))
        parts = np.zeros((rows.size, 4))
        parts[i1:, 0] = 1.0  # I(x; k, k) is 0 before the movement, 1 after it
        parts[i0:i1, 0] = shape_in
        parts[i0:i1, 1] = density_in
        parts[i0:i1, 2] = density_in * xi
        parts[i0:i1, 3] = (shape_dk - shape_in) / dk
        parts = blurred(parts)
        shape, rise = parts[:, 0], b - a
        jac = np.empty((shape.size, 5))
        jac[:, 0] = 1.0 - shape
        jac[:, 1] = shape
        jac[:, 2:4] = (-rise / d) * parts[:, 1:3]
        jac[:, 4] = rise * parts[:, 3]
        return a + rise * shape - y, jac

    # The fit is local: when the speed's reading may be jitter's (a small, slow movement),
    # a start spanning the rows is tried too, and the fit with the lower cost stands.
    starts = [start(first, last)]
    if search_wide and last - first < 0.5 * span:
        starts.append(start(lo + 0.1 * span, hi - 0.1 * span))
    # Done when a step moves the levels by under 0.01 deg, the start and the duration by
    # under 0.01 row and the shape by under 0.001. Against ten times finer steps, the
    # instants of the sample's 1,535 fits moved by at most 0.09 row (3 ms at 30 rows a
    # second), 99 % of them by under 0.01 row, for a fifth to a third fewer evaluations.
    precision = np.array([1e-2, 1e-2, 1e-2, 1e-2, 1e-3])
    best: tuple[Arr, float] | None = None
    for x0 in starts:
        if not np.all(np.isfinite(x0)):  # no reading to start from
            continue
        # soft_l1: a jitter spike or a label swap the filters let through pulls the fit less.
        with np.errstate(all="ignore"):
            fit = _robust_fit(evaluate, x0, lower, upper, step_tol=precision)
        if fit is not None and np.all(np.isfinite(fit[0])) and (best is None or fit[1] < best[1]):
            best = fit
    if best is None:  # keep the speed's reading
        return None
    a, b, t0, d, k = (float(v) for v in best[0])
    if (b - a > 0) != rising:
        return None
    share = _beta_share(k, frac)
    return t0 + share * d, t0 + (1.0 - share) * d


def braking_s(speed: Arr, *, lo: int, hi: int, rate_hz: float, speed_fraction: float) -> float:
    """How long a fall (``speed`` negative between rows ``lo`` and ``hi``) takes to brake:
    from the last instant it moves at half its peak speed to the end of the phase (its
    speed under ``speed_fraction`` of the peak). Controlled hips taper off; hips that drop
    onto the floor stop at once."""
    neg = -speed
    i = lo + int(np.argmax(neg[lo : hi + 1]))
    v = max(float(neg[i]), 1e-6)
    end = _edge(neg, i, speed_fraction * v, step=+1, lo=lo, hi=hi, close=0)
    half = _edge(neg, i, 0.5 * v, step=+1, lo=lo, hi=hi, close=0)
    return (end - half) / rate_hz


def time_phases(
    time_s: Arr,
    angle: Arr,
    speeds: list[Arr],
    *,
    peak: int,
    bottom_before: int,
    bottom_after: int,
    speed_fraction: float,
    close_rows: int,
    noise_factor: float,
    at_recording_start: bool,
    at_recording_end: bool,
    peak_search_rows: int = 15,
    shape_k: tuple[float, float] | None = (1.5, 6.0),
    blur: Arr | None = None,
) -> PhaseTimes:
    """Phase instants of the rep whose lockout is near row ``peak`` of the window, between
    the bottoms near ``bottom_before`` and ``bottom_after`` (rows of ``angle``). ``speeds``
    are the angle's speed under increasing smoothing; each phase uses the least smoothed
    one its noise allows, and is then refined by a fitted movement whose speed profile's
    shape parameter lies in ``shape_k`` (None: the speed's reading only); ``blur`` is the
    kernel the angle's points were smoothed by (see :func:`fit_movement`)."""
    n = angle.shape[0]
    b0 = int(np.clip(bottom_before, 0, n - 1))
    b1 = int(np.clip(bottom_after, 0, n - 1))
    last = b1  # the last row this rep's lowering may reach
    # The lockout near where the detector saw it (a jump at the window's start, where the
    # other side's set ended, is not this rep's top).
    near = max(int(peak_search_rows), 1)
    lo_p, hi_p = max(b0, peak - near), max(min(b1, peak + near), max(b0, peak - near))
    p = lo_p + int(np.argmax(angle[lo_p : hi_p + 1]))
    b0 = b0 + int(np.argmin(angle[b0 : p + 1]))
    b1 = p + int(np.argmin(angle[p : b1 + 1]))
    dt = float(time_s[1] - time_s[0]) if n > 1 else 0.0

    def at(row: float) -> float:
        return float(time_s[0] + row * dt)

    calm = speeds[-1]
    scale = max(float(np.max(np.abs(calm[b0 : b1 + 1]))), 1e-6)
    flat = np.abs(calm) < 0.05 * scale
    v_lift, lift_clear = _pick_speed(
        speeds, flat, lo=b0, hi=p, positive=True, frac=speed_fraction, noise_factor=noise_factor
    )
    v_low, low_clear = _pick_speed(
        speeds, flat, lo=p, hi=b1, positive=False, frac=speed_fraction, noise_factor=noise_factor
    )
    i_up = b0 + int(np.argmax(v_lift[b0 : p + 1]))
    v_up = max(float(v_lift[i_up]), 1e-6)
    thr_up = speed_fraction * v_up
    start = _edge(v_lift, i_up, thr_up, step=-1, lo=b0, hi=p, close=close_rows)
    top = _edge(v_lift, i_up, thr_up, step=+1, lo=b0, hi=p, close=close_rows)
    neg = -v_low
    i_dn = p + int(np.argmax(neg[p : b1 + 1]))
    v_dn = max(float(neg[i_dn]), 1e-6)
    thr_dn = speed_fraction * v_dn
    pause_end = _edge(neg, i_dn, thr_dn, step=-1, lo=int(np.floor(top)), hi=b1, close=close_rows)
    # The lowering's tail is walked past the lowest row: on a slow lowering the angle is
    # still sinking there per the fit, and jitter merely made an earlier row the lowest.
    end = _edge(neg, i_dn, thr_dn, step=+1, lo=p, hi=last, close=close_rows)
    pause_end = max(pause_end, top)
    # The recording began with the hips a third of the way up or more: the lift (and, near
    # the top, the pause) started before the first frame.
    rom = float(angle[p] - angle[b1])
    began = at_recording_start and bottom_before <= 0
    lift_cut = began and (start <= 0.0 or angle[0] > angle[b1] + 0.3 * rom)
    pause_cut = lift_cut and (top <= 0.0 or angle[0] > angle[p] - 0.2 * rom)
    if pause_cut:
        start = top = 0.0
    elif lift_cut:
        start = 0.0
    # Ending within a few rows of the last frame, the lowering may well have gone on.
    edge_rows = max(3, close_rows)
    lowering_cut = at_recording_end and b1 >= n - 1 - edge_rows and end >= n - 1 - edge_rows

    def refined(
        lo: int, hi: int, begin: float, finish: float, *, rising: bool, clear: bool
    ) -> tuple[float, float] | None:
        """The phase read ``begin``..``finish`` off the speed, refined by the fitted movement
        over rows ``lo``..``hi``. The fit stands where it times the movement the speed read,
        or where the speed's reading was jitter (a small slow movement: the fit decides)."""
        if shape_k is None:
            return None
        fit = fit_movement(
            angle,
            lo=lo,
            hi=hi,
            first=begin,
            last=finish,
            rising=rising,
            frac=speed_fraction,
            shape_k=shape_k,
            search_wide=not clear,
            blur=blur,
        )
        if fit is None or (clear and not (fit[0] < finish and fit[1] > begin)):
            return None
        return fit

    lift = (
        None
        if lift_cut
        else refined(b0, int(np.ceil(pause_end)), start, top, rising=True, clear=lift_clear)
    )
    if lift is not None:
        start = float(np.clip(lift[0], b0, p))
        top = float(np.clip(lift[1], start, pause_end))
    low = (
        None
        if lowering_cut
        else refined(int(np.floor(top)), last, pause_end, end, rising=False, clear=low_clear)
    )
    if low is not None:
        pause_end = float(np.clip(low[0], top, last))
        end = float(np.clip(low[1], pause_end, last))
    return PhaseTimes(
        start_s=at(start),
        top_s=at(top),
        pause_end_s=at(pause_end),
        end_s=at(end),
        peak=p,
        bottom_before=b0,
        bottom_after=b1,
        lift_cut=bool(lift_cut),
        pause_cut=bool(pause_cut),
        lowering_cut=bool(lowering_cut),
        lift_peak_speed=v_up,
        lowering_peak_speed=v_dn,
    )
