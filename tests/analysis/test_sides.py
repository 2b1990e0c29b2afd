"""The working leg per rep, robust to the left/right label swaps of pose tools."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import SIDE, run
from thrustcoach.pose.synthetic import Camera
from thrustcoach.vocab import Side


@pytest.mark.parametrize("order", [(Side.LEFT, Side.RIGHT), (Side.RIGHT, Side.LEFT)])
@pytest.mark.parametrize("camera", [SIDE, Camera(yaw_deg=5.0, side=-1, mirror=True)])
def test_side_switch_with_label_swaps(order: tuple[Side, Side], camera: Camera) -> None:
    synth, res = run(
        sides=order, reps_per_side=5, camera=camera, swap_rate_per_min=10.0, seed=7, noise_px=1.5
    )
    assert [r.side for r in res.reps] == [t.side for t in synth.truth.reps]
    assert [s.side for s in res.sets] == list(order)


def test_bilateral_reps_are_both() -> None:
    from thrustcoach.vocab import Exercise

    _, res = run(exercise=Exercise.HIP_THRUST, reps_per_side=4, swap_rate_per_min=10.0, seed=8)
    assert {r.side for r in res.reps} == {Side.BOTH}
