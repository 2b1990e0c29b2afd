"""The failures the independent check and real clips exposed, as generated cases.

* an extended free leg whose foot hovers near the floor at the bottom is never the working
  leg (both sides, with a switch, far-leg jitter and label swaps);
* a bilateral set filmed from a front-oblique angle stays bilateral;
* hips hidden under a plate: reps still counted, hip-angle metrics and their faults left out
  with a warning that names the hips;
* foot placement limits: the real demonstrations (74 / 90 / 116 deg) read close / fine / far;
* phase instants follow the stated 10 % rule;
* points that are not a body are not analysed as a hip thrust;
* around a side switch, a free foot held low and still (set down at the top of the side's
  last rep, or not yet lifted at the next side's first) does not make those reps bilateral,
  and shuffling the legs between the sides is no rep.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tests.analysis.helpers import run
from thrustcoach.analysis import analyze
from thrustcoach.analysis.faults import FaultContext, detect_faults
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.pose.synthetic import Camera, SyntheticSet, generate
from thrustcoach.vocab import Exercise, FaultCode, Side

SIDE_HIGH = Camera(yaw_deg=6.0, elevation_deg=12.0)
HIP_FAULTS = {FaultCode.INCOMPLETE_LOCKOUT, FaultCode.OVEREXTENSION, FaultCode.PARTIAL_DEPTH}


@pytest.mark.parametrize("order", [(Side.LEFT, Side.RIGHT), (Side.RIGHT, Side.LEFT)])
@pytest.mark.parametrize("seed", [11, 12])
def test_extended_free_leg_near_the_floor_is_never_the_working_leg(
    order: tuple[Side, Side], seed: int
) -> None:
    synth, res = run(
        free_leg="extended",
        sides=order,
        reps_per_side=5,
        camera=SIDE_HIGH,
        noise_px=2.0,
        far_noise_factor=2.5,
        swap_rate_per_min=6.0,
        seed=seed,
    )
    # The generator really puts the free foot at or below the planted one at the bottom.
    s = synth.series
    first = synth.truth.reps[0]
    bottom = np.argmin(np.abs(s.time_s - (first.start_s - 0.2)))
    work, free = ("left", "right") if first.side is Side.LEFT else ("right", "left")
    y = {n: s.xyz[bottom, s.index(f"{n}_ankle"), 1] for n in (work, free)}
    shin = float(
        np.median(
            np.linalg.norm(
                s.xyz[:, s.index(f"{work}_knee"), :2] - s.xyz[:, s.index(f"{work}_ankle"), :2],
                axis=1,
            )
        )
    )
    assert abs(y[free] - y[work]) < 0.35 * shin  # the free foot hovers near floor level
    assert res.exercise is Exercise.SINGLE_LEG_HIP_THRUST
    assert [r.side for r in res.reps] == [t.side for t in synth.truth.reps]
    assert [s.side for s in res.sets] == list(order)


@pytest.mark.parametrize("yaw", [40.0, 55.0, 60.0])
@pytest.mark.parametrize("exercise", [Exercise.HIP_THRUST, Exercise.GLUTE_BRIDGE])
def test_bilateral_set_from_an_oblique_or_front_oblique_angle_stays_bilateral(
    yaw: float, exercise: Exercise
) -> None:
    synth, res = run(
        exercise=exercise,
        reps_per_side=5,
        camera=Camera(yaw_deg=yaw, elevation_deg=10.0, distance_m=3.2),
        noise_px=1.5,
        swap_rate_per_min=4.0,
        seed=int(yaw),
    )
    assert res.exercise is exercise
    assert {r.side for r in res.reps} == {Side.BOTH}
    assert len(res.reps) == len(synth.truth.reps)


@pytest.mark.parametrize("fault", [None, FaultCode.INCOMPLETE_LOCKOUT])
def test_hidden_hips_still_count_but_judge_nothing_read_from_them(
    fault: FaultCode | None,
) -> None:
    faults = {fault: 25.0} if fault else {}
    synth, res = run(occlude_hips=True, reps_per_side=5, faults=faults, seed=31)
    assert len(res.reps) == len(synth.truth.reps) == 5
    for rep in res.reps:
        assert rep.peak_hip_angle_deg is None
        assert rep.pause_s is None  # phase times come from the hips
        assert not {f.code for f in rep.faults} & HIP_FAULTS
    assert any("hip" in w and "not judged" in w for w in res.warnings)


@pytest.mark.parametrize("seed", [301, 302, 303, 304, 305, 306])
@pytest.mark.parametrize("free_leg", ["bent", "extended"])
def test_reps_under_a_plate_are_counted_whatever_the_hips_guess(seed: int, free_leg: str) -> None:
    # Hips hidden the whole set, noisy points and dropouts: the wandering guesses must
    # neither split a rep nor merge two (counting uses what is reliable).
    synth, res = run(
        occlude_hips=True,
        free_leg=free_leg,
        reps_per_side=6,
        noise_px=2.0,
        dropout_rate=0.03,
        far_noise_factor=2.0,
        seed=seed,
    )
    assert [r.side for r in res.reps] == [r.side for r in synth.truth.reps]


def test_hips_in_plain_view_are_judged() -> None:
    _, res = run(reps_per_side=4, seed=31, noise_px=1.5)
    assert all(r.peak_hip_angle_deg is not None and r.pause_s is not None for r in res.reps)
    assert not any("not judged" in w for w in res.warnings)


@pytest.mark.parametrize(
    ("knee_deg", "expected"),
    [(74.0, FaultCode.FOOT_TOO_CLOSE), (90.0, None), (116.0, FaultCode.FOOT_TOO_FAR)],
)
def test_foot_limits_read_the_real_demonstrations(
    knee_deg: float, expected: FaultCode | None
) -> None:
    ctx = FaultContext(view="side", on_bench=True, single_leg=False, pause_s=1, lowering_s=2)
    codes = {
        f.code
        for f in detect_faults(
            {"knee_angle_top_deg": knee_deg, "peak_hip_angle_deg": 182.0}, ctx=ctx
        )
    }
    assert codes == ({expected} if expected else set())


@pytest.mark.parametrize(
    ("shin_deg", "expected"),
    [(-18.0, FaultCode.FOOT_TOO_CLOSE), (0.0, None), (26.0, FaultCode.FOOT_TOO_FAR)],
)
def test_foot_placement_from_generated_sets(shin_deg: float, expected: FaultCode | None) -> None:
    _, res = run(shin_angle_deg=shin_deg, reps_per_side=3, seed=41, noise_px=1.0)
    for rep in res.reps:
        foot = {f.code for f in rep.faults} & {FaultCode.FOOT_TOO_CLOSE, FaultCode.FOOT_TOO_FAR}
        assert foot == ({expected} if expected else set()), rep.knee_angle_top_deg


def test_phase_instants_follow_the_ten_percent_rule() -> None:
    synth, res = run(
        reps_per_side=5, concentric_s=1.0, pause_s=2.0, eccentric_s=2.5, seed=9, noise_px=1.0
    )
    for truth, rep in zip(synth.truth.reps, res.reps, strict=True):
        for name in ("start_s", "top_s", "pause_end_s", "end_s"):
            assert getattr(rep, name) == pytest.approx(getattr(truth, name), abs=0.1), name


@pytest.mark.parametrize("far_noise", [1.0, 2.5])
@pytest.mark.parametrize("free_leg", ["bent", "extended"])
def test_far_leg_jitter_does_not_read_as_a_free_leg_swing(far_noise: float, free_leg: str) -> None:
    _, res = run(
        free_leg=free_leg,
        sides=(Side.LEFT, Side.RIGHT),
        reps_per_side=4,
        noise_px=2.0,
        far_noise_factor=far_noise,
        seed=17,
    )
    assert FaultCode.FREE_LEG_DRIVE not in res.summary.faults


def test_a_free_leg_swing_is_still_found() -> None:
    _, res = run(
        reps_per_side=4, faults={FaultCode.FREE_LEG_DRIVE: 38.0}, far_noise_factor=2.5, seed=17
    )
    assert res.summary.faults.get(FaultCode.FREE_LEG_DRIVE, 0) >= 3


def _noise_like(series: LandmarkSeries, xyz: np.ndarray) -> LandmarkSeries:
    return LandmarkSeries(
        series.time_s.copy(), series.frame.copy(), series.names, xyz, series.visibility.copy()
    )


@pytest.mark.parametrize("kind", ["random", "zeros"])
def test_points_that_are_not_a_body_are_not_recognised(kind: str) -> None:
    s = generate(SyntheticSet(reps_per_side=4, seed=5)).series
    rng = np.random.default_rng(0)
    xyz = rng.uniform(0, 1280, s.xyz.shape) if kind == "random" else np.zeros_like(s.xyz)
    res = analyze(_noise_like(s, xyz))
    assert res.exercise is Exercise.NOT_RECOGNIZED
    assert res.reps == ()
    assert any("not a hip thrust" in w and "body" in w for w in res.warnings)


def test_a_free_foot_set_down_during_a_rep_does_not_make_it_bilateral() -> None:
    # A floor bridge with partial depth and a bent free leg raised only ~10 deg: at the
    # left side's last rep the free foot comes to rest at the top, at the right side's first
    # reps the left foot is still low. Those reps were dropped (both feet "planted", then
    # too little rise in the short window left): 6 of 8 counted.
    synth, res = run(
        exercise=Exercise.SINGLE_LEG_GLUTE_BRIDGE,
        sides=(Side.LEFT, Side.RIGHT),
        reps_per_side=4,
        concentric_s=1.22,
        pause_s=1.15,
        eccentric_s=2.73,
        bottom_s=0.79,
        free_leg="bent",
        free_leg_raise_deg=10.5,
        faults={FaultCode.PARTIAL_DEPTH: 27.0},
        camera=Camera(yaw_deg=14.7, elevation_deg=14.5, distance_m=3.84),
        fps=24.0,
        fps_jitter=0.025,
        noise_px=1.25,
        dropout_rate=0.044,
        swap_rate_per_min=1.26,
        far_noise_factor=1.6,
        seed=171,
    )
    assert [r.side for r in res.reps] == [t.side for t in synth.truth.reps]


def test_shuffling_the_legs_at_a_side_switch_is_no_rep() -> None:
    # The hips move a little while the legs change over; with no reps on the new leg yet,
    # the left leg's reps of the same set show how far a real lockout rises.
    synth, res = run(
        sides=(Side.LEFT, Side.RIGHT),
        reps_per_side=6,
        concentric_s=1.4111,
        pause_s=1.5318,
        eccentric_s=2.4891,
        bottom_s=0.9765,
        free_leg="extended",
        free_leg_raise_deg=9.3077,
        camera=Camera(yaw_deg=3.4111, elevation_deg=7.5287, distance_m=3.6746, mirror=True),
        fps=24.0,
        fps_jitter=0.0979,
        noise_px=2.3066,
        dropout_rate=0.0370,
        swap_rate_per_min=1.6278,
        far_noise_factor=1.8972,
        seed=133,
    )
    assert [r.side for r in res.reps] == [t.side for t in synth.truth.reps]


@pytest.mark.parametrize("seed", [51, 52])
def test_a_sag_in_a_long_hold_is_still_the_pause(seed: int) -> None:
    """The hips sag by more than a rep's minimum range in the middle of a long hold and
    come back up (a wobble, or jitter on a noisy recording): still one rep, whose lowering
    is the real one that follows, not a short lowering at the sag."""
    synth = generate(SyntheticSet(reps_per_side=3, pause_s=3.0, noise_px=1.0, seed=seed))
    s = synth.series
    hips = [s.index("left_hip"), s.index("right_hip")]
    shin = float(
        np.median(
            np.linalg.norm(
                s.xyz[:, s.index("right_knee"), :2] - s.xyz[:, s.index("right_ankle"), :2], axis=1
            )
        )
    )
    xyz = s.xyz.copy()
    rep = synth.truth.reps[1]
    mid = 0.5 * (rep.top_s + rep.pause_end_s)
    bump = np.clip(1.0 - np.abs(s.time_s - mid) / 0.35, 0.0, None)  # 0.7 s, peak in the hold
    xyz[:, hips, 1] += 0.14 * shin * bump[:, None]  # image y grows downwards: hips sag
    res = analyze(replace(s, xyz=xyz))
    assert res.curves is not None
    t, hip = np.asarray(res.curves.time_s), np.asarray(res.curves.hip_angle_deg)
    hold = (t > rep.top_s + 0.3) & (t < rep.pause_end_s - 0.3)
    # Deeper than a rep's minimum range, far shallower than partial depth (30-45 % of the rise).
    assert 11.0 < np.nanmax(hip[hold]) - np.nanmin(hip[hold]) < 18.0
    assert len(res.reps) == 3
    got = res.reps[1]
    assert abs(got.pause_s - rep.pause_s) < 0.25
    assert abs(got.eccentric_s - rep.eccentric_s) < 0.25
    assert FaultCode.PARTIAL_DEPTH not in {f.code for f in got.faults}
