"""One engine, two feeds: a recording fed a frame at a time gives what ``analyze`` gives."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.analysis.helpers import out_of_view
from thrustcoach.analysis import AnalysisOptions, Engine, InputInfo, analyze, final_result
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.pose.synthetic import Camera, SyntheticSet, generate
from thrustcoach.vocab import FaultCode, Side

CASES = {
    "switch, swaps": SyntheticSet(
        sides=(Side.LEFT, Side.RIGHT), reps_per_side=4, swap_rate_per_min=6.0, noise_px=2.0, seed=3
    ),
    "extended, oblique": SyntheticSet(
        free_leg="extended", camera=Camera(yaw_deg=45.0), reps_per_side=4, seed=4
    ),
    "filmed from the top, ends lowering": SyntheticSet(
        start="top", end="lowering", reps_per_side=4, dropout_rate=0.04, seed=5
    ),
    "bounce": SyntheticSet(reps_per_side=5, faults={FaultCode.BOUNCE: 0.0}, seed=6),
    # Past the first minute the context is re-read only now and then, and rows between two
    # readings are processed as one block offline.
    "two minutes, switch": SyntheticSet(
        sides=(Side.LEFT, Side.RIGHT), reps_per_side=14, noise_px=1.5, seed=7
    ),
}


def _live(series: LandmarkSeries, chunk: int) -> tuple[list[str], object]:
    engine = Engine(series.names, options=AnalysisOptions())
    kinds: list[str] = []
    for i in range(0, series.n_frames, chunk):
        sl = slice(i, i + chunk)
        kinds += [
            e.kind for e in engine.feed(series.time_s[sl], series.xyz[sl], series.visibility[sl])
        ]
    kinds += [e.kind for e in engine.finish()]
    info = InputInfo(
        path="",
        kind="landmarks",
        frames=series.n_frames,
        duration_s=series.duration_s,
        fps=series.fps,
    )
    return kinds, final_result(engine, info)


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("chunk", [1, 7])
def test_frame_by_frame_equals_the_whole_recording(name: str, chunk: int) -> None:
    series = generate(CASES[name]).series
    offline = analyze(series)
    kinds, live = _live(series, chunk)
    assert live.exercise is offline.exercise
    assert [(r.side, r.index) for r in live.reps] == [(r.side, r.index) for r in offline.reps]
    for a, b in zip(live.reps, offline.reps, strict=True):
        for name_ in ("start_s", "top_s", "pause_end_s", "end_s"):
            assert getattr(a, name_) == pytest.approx(getattr(b, name_), abs=0.05)
        assert {f.code for f in a.faults} == {f.code for f in b.faults}
    assert kinds.count("rep") == len(offline.reps)
    assert kinds[-1] == "set_ended"


def test_a_rep_is_reported_within_half_a_second_of_its_lowering_ending() -> None:
    series = generate(CASES["switch, swaps"]).series
    engine = Engine(series.names)
    delays = []
    for i in range(series.n_frames):
        for e in engine.feed(
            series.time_s[i : i + 1], series.xyz[i : i + 1], series.visibility[i : i + 1]
        ):
            if e.kind == "rep" and e.rep is not None:
                delays.append(float(series.time_s[i]) - e.rep.end_s)
    assert delays and max(delays) <= 0.5, delays


def test_memory_stays_bounded_on_a_long_session() -> None:
    base = generate(SyntheticSet(reps_per_side=8, seed=8)).series
    engine = Engine(base.names)
    offset = 0.0
    for _ in range(12):  # ~6 minutes of reps, fed in 1 s chunks
        for i in range(0, base.n_frames, 30):
            sl = slice(i, i + 30)
            engine.feed(base.time_s[sl] + offset, base.xyz[sl], base.visibility[sl])
        offset += float(base.time_s[-1]) + 1.0
    rows_kept = engine._rows.t.shape[0]
    assert rows_kept <= 90 * engine.rate, rows_kept
    assert np.isfinite(engine._rows.t).all()


def test_the_context_is_reread_each_time_the_history_grows_by_a_twelfth() -> None:
    """After the first few seconds the context is re-read as the history grows by about a
    twelfth: some 28 reads for each tenfold growth, not one every few seconds (whose cost
    grows with the history: a long recording would cost its square)."""
    from thrustcoach.analysis.engine import CONTEXT_EVERY_BLOCKS, _context_due

    first = CONTEXT_EVERY_BLOCKS
    assert all(_context_due(b) for b in range(1, first + 1))
    for lo, hi, slack in ((first, 10 * first, 0.01), (10 * first, 100 * first, 0.0)):
        due = [b for b in range(lo + 1, hi + 1) if _context_due(b)]
        assert 25 <= len(due) <= 30
        growth = np.array(due[1:]) / np.array(due[:-1])
        # (whole blocks: a little less even while there are few of them)
        assert growth.min() > 1.06 - slack and growth.max() < 1.11 + slack


def _rep_signal_by_row(engine: Engine, xy: np.ndarray, since: np.ndarray) -> np.ndarray:
    """The rep signal's definition, a row at a time: the leg whose foot has been still
    longer (both when set down within ``tie_s``; the current leg when neither is still),
    its hip angle, plus an offset that keeps the signal continuous where the leg changes."""
    import math

    from thrustcoach.analysis.angles import compute_angles
    from thrustcoach.analysis.signals import every_leg_chains

    legs = ("left", "right", "both")
    hip = compute_angles(every_leg_chains(xy), defs=engine._signal_angles)["hip"]
    seen_before = set(engine._legs_seen)
    first = {
        leg: next((i for i in range(len(xy)) if np.isfinite(hip[j, i])), len(xy))
        for j, leg in enumerate(legs)
    }
    current, offset, out = engine._leg, engine._offset, []
    for i, (s_l, s_r) in enumerate(since.tolist()):
        if math.isfinite(s_l) and math.isfinite(s_r):
            tie = abs(s_l - s_r) < engine.cfg.legs.tie_s
            leg = "both" if tie else ("left" if s_l < s_r else "right")
        elif math.isfinite(s_l) or math.isfinite(s_r):
            leg = "left" if math.isfinite(s_l) else "right"
        else:
            leg = current
        value = float(hip[legs.index(leg), i])
        if leg != current and math.isfinite(value):
            had = current in seen_before or first[current] < i
            before = float(hip[legs.index(current), i])
            if had and math.isfinite(before):
                offset += before - value
            current = leg
        out.append(value + offset)
    return np.asarray(out)


@pytest.mark.parametrize("seed", range(6))
def test_the_rep_signal_follows_its_row_by_row_definition(seed: int) -> None:
    """The rep signal is computed for a block of rows at once; it must be what the row by
    row definition gives, over blocks, with changes of leg, ties, rows with neither foot
    still and legs not seen."""
    rng = np.random.default_rng(seed)
    series = generate(
        SyntheticSet(sides=(Side.LEFT, Side.RIGHT), reps_per_side=2, seed=seed)
    ).series
    engine = Engine(series.names, options=AnalysisOptions())
    engine._kind = "angle"
    m = 400
    xy = 300.0 + 60.0 * rng.standard_normal((m, 12, 2))
    xy[rng.random((m, 12)) < 0.05] = np.nan  # points not seen: some legs' angles missing
    # Runs of "still since" per foot: changes, ties, NaN (moving).
    starts = np.sort(rng.choice(m, 30, replace=False))
    since = np.full((m, 2), np.nan)
    for a, b in itertools.pairwise(starts.tolist()):
        for foot in range(2):
            pick = rng.random()
            since[a:b, foot] = np.nan if pick < 0.3 else float(rng.integers(0, 50)) * 0.05
    cuts = [0, *sorted(rng.choice(np.arange(1, m), 5, replace=False).tolist()), m]
    for a, b in itertools.pairwise(cuts):
        want = _rep_signal_by_row(engine, xy[a:b], since[a:b])
        got, _, _ = engine._rep_signal(xy[a:b], since[a:b], engine._context())
        np.testing.assert_array_equal(got, want)


def _set_ends(series: LandmarkSeries, chunk: int) -> list[tuple[str, float]]:
    """The reps and set ends the engine reports as the frames come, ``chunk`` at a time."""
    engine = Engine(series.names)
    said = []
    for i in range(0, series.n_frames, chunk):
        sl = slice(i, i + chunk)
        for e in engine.feed(series.time_s[sl], series.xyz[sl], series.visibility[sl]):
            if e.kind in ("set_ended", "rep"):
                said.append((e.kind, round(e.time_s, 6)))
    return said


@pytest.mark.parametrize(("hidden_s", "breaks"), [(3.5, 1), (1.0, 0)])
def test_a_lifter_out_of_view_longer_than_break_s_ends_the_set(
    hidden_s: float, breaks: int
) -> None:
    """Hips unseen for longer than ``break_s`` (2 s) close the set as it happens, whether
    the frames come one at a time, in chunks or all at once; a shorter gap does not."""
    series = generate(SyntheticSet(reps_per_side=6, seed=11)).series
    series = out_of_view(series, (12.0, 12.0 + hidden_s))
    whole = _set_ends(series, series.n_frames)
    ends = [t for kind, t in whole if kind == "set_ended"]
    assert len(ends) == breaks
    assert all(12.0 <= t <= 12.0 + hidden_s for t in ends)
    assert _set_ends(series, 1) == whole
    assert _set_ends(series, 13) == whole


def test_two_stretches_out_of_view_in_a_long_recording_end_sets_alike_however_fed() -> None:
    """After the first minute rows are processed offline in long blocks; a second stretch
    out of view inside one block must still close the set where the live feed closes it
    (the rep before it keeps its lowering: it once ended 2 s late offline)."""
    series = generate(
        SyntheticSet(
            sides=(Side.LEFT, Side.RIGHT),
            reps_per_side=12,
            noise_px=1.5,
            dropout_rate=0.03,
            swap_rate_per_min=4.0,
            seed=4,
        )
    ).series
    end = float(series.time_s[-1])
    series = out_of_view(series, (0.3 * end, 0.3 * end + 3.0), (0.7 * end, 0.7 * end + 2.5))
    assert end > 80.0  # the second stretch lies past the first minute
    whole = _set_ends(series, series.n_frames)
    assert [kind for kind, _ in whole].count("set_ended") == 2
    assert _set_ends(series, 17) == whole
    kinds, live = _live(series, 17)
    offline = analyze(series)
    assert [(r.side, r.start_s, r.top_s, r.end_s) for r in live.reps] == [
        (r.side, r.start_s, r.top_s, r.end_s) for r in offline.reps
    ]
