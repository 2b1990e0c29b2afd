"""Phase timing (``analysis.phases``) on hand-made hip-angle curves, where the rule's
answer is known exactly: a minimum-jerk phase moves faster than 10 % of its peak speed for
the middle 82.8 % of its duration."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from thrustcoach.analysis.phases import phase_speed, time_phases

RATE = 30.0
INSIDE = 0.9142  # a minimum-jerk phase falls under 10 % of its peak speed from here on


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
    ph = time_phases(
        t,
        angle,
        [speed],
        peak=round(2.5 * RATE),
        bottom_before=round(0.5 * RATE),
        bottom_after=t.size - 1,
        speed_fraction=0.1,
        close_rows=0,
        noise_factor=2.0,
        at_recording_start=False,
        at_recording_end=False,
    )
    assert ph.end_s == pytest.approx(start + INSIDE * lowering, abs=0.08)
    assert ph.pause_end_s == pytest.approx(start + (1 - INSIDE) * lowering, abs=0.08)
