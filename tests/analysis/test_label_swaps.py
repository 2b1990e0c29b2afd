"""``SwapCorrector`` on hand-made frames: a swap read the wrong way round while the legs
overlap is ended by where the planted foot has been, not left on for ``max_swap_s``."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from thrustcoach.analysis.legs import JOINTS, SIDES, SwapCorrector, point_index

RATE = 30.0


def _frames() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """4 s of a left-leg set seen from the side: the left foot planted, the right (free) leg
    raised except for a second at the bottom, where it lies on top of the left one. The
    labels of the legs are swapped from frame 95, where the legs coincide (no jump shows),
    to frame 101, where they have parted again (a jump: the swap's end is what shows)."""
    n = round(4 * RATE)
    t = np.arange(n) / RATE
    xy = np.zeros((n, len(SIDES) * len(JOINTS), 2))
    planted = {"hip": (300, 300), "knee": (200, 220), "ankle": (120, 400), "heel": (105, 410),
               "foot_index": (60, 410), "shoulder": (500, 280)}  # fmt: skip
    raised = {"hip": (300, 300), "knee": (230, 120), "ankle": (150, 60), "heel": (140, 50),
              "foot_index": (110, 20), "shoulder": (500, 280)}  # fmt: skip
    # The free leg comes down onto the planted one (frames 80-95) and goes up again (95-110).
    down = np.clip(1.0 - np.abs(np.arange(n) - 95) / 15.0, 0.0, 1.0)
    for j in JOINTS:
        xy[:, point_index("left", j)] = planted[j]
        a, b = np.array(raised[j], float), np.array(planted[j], float)
        xy[:, point_index("right", j)] = a + (b - a) * down[:, None]
    rng = np.random.default_rng(0)
    xy += rng.normal(0.0, 1.0, xy.shape)
    truth = xy.copy()
    legs = [j for j in JOINTS if j != "shoulder"]
    for j in legs:
        left, right = point_index("left", j), point_index("right", j)
        xy[95:101, [left, right]] = xy[95:101, [right, left]]
    return t, np.concatenate([xy[None], truth[None]])


@pytest.mark.parametrize("chunk", [None, 1], ids=["offline", "live"])
def test_a_swap_read_backwards_ends_where_the_planted_foot_is(chunk: int | None) -> None:
    t, (xy, truth) = _frames()
    fixed = SwapCorrector(max_swap_s=3.0, ratio=0.5, min_jump_shins=0.3, home_s=5.0)
    step = chunk or t.size
    out = np.concatenate(
        [fixed.push(t[i : i + step], xy[i : i + step])[0] for i in range(0, t.size, step)]
    )
    ankle = point_index("left", "ankle")
    after = slice(103, None)  # a frame or two after the legs parted
    assert np.allclose(out[after, ankle], truth[after, ankle])
    # Without the homes the backward swap holds for its full 3 s: what the check prevents.
    plain = SwapCorrector(max_swap_s=3.0, ratio=0.5, min_jump_shins=0.3)
    stuck = plain.push(t, xy)[0]
    assert not np.allclose(stuck[after, ankle], truth[after, ankle])
