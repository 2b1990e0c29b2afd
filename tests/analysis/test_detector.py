"""The online rep detector on hand-made hip-angle signals (rows at 30 Hz)."""

from __future__ import annotations

import numpy as np

from thrustcoach.analysis.config import load_config
from thrustcoach.analysis.detect import DetectorEvent, RepDetector

RATE = 30.0


def _detector(**override: float) -> RepDetector:
    cfg = load_config()
    reps = cfg.reps.model_copy(update=override)
    return RepDetector.from_config(reps, cfg.occlusion, rate_hz=RATE)


def _ease(a: float, b: float, seconds: float) -> np.ndarray:
    n = round(seconds * RATE)
    return a + (b - a) * 0.5 * (1 - np.cos(np.linspace(0, np.pi, n, endpoint=False)))


def _stalled_fall(top: float, bottom: float, seconds: float) -> np.ndarray:
    """A bell-shaped fall whose speed drops to nothing for 0.1 s at 40 % of its way down."""
    n = round(seconds * RATE)
    speed = np.sin(np.linspace(0, np.pi, n))
    stall = round(0.4 * n)
    speed[stall : stall + 3] = 0.0
    way = np.cumsum(speed) / speed.sum()
    return top + (bottom - top) * way


def _bridge_with_a_stall(seed: int) -> tuple[np.ndarray, int]:
    """Floor-bridge reps (130 -> 175 deg) with jitter; each lowering stalls for 0.1 s
    well above the floor. Returns the signal and the last row of the first lowering."""
    parts: list[np.ndarray] = []
    end_row = 0
    for rep in range(2):
        parts += [np.full(30, 130.0), _ease(130, 175, 1.0), np.full(75, 175.0)]
        parts.append(_stalled_fall(175, 130, 2.5))
        if rep == 0:
            end_row = sum(p.size for p in parts)
        parts.append(np.full(30, 130.0))
    clean = np.concatenate(parts)
    jitter = np.random.default_rng(seed).normal(0.0, 1.0, clean.size)
    kernel = np.exp(-0.5 * (np.arange(-5, 6) / 2.25) ** 2)
    return clean + np.convolve(jitter, kernel / kernel.sum(), mode="same"), end_row


def _completions(det: RepDetector, signal: np.ndarray) -> list[DetectorEvent]:
    events = det.push(np.arange(signal.size, dtype=np.int64), signal)
    events += det.finish(signal.size - 1)
    return [e for e in events if e.kind == "complete"]


def test_a_stall_mid_lowering_on_a_jittery_signal_does_not_end_the_rep() -> None:
    for seed in range(5):
        signal, end_row = _bridge_with_a_stall(seed)
        done = _completions(_detector(), signal)
        assert len(done) == 2
        first = done[0]
        assert first.candidate is not None
        # Completed after the whole lowering, its low point at the floor, not at the stall.
        assert first.row >= end_row - 3
        assert first.candidate.low_value < 135.0


def test_without_the_noise_rule_the_same_stall_ends_the_rep_early() -> None:
    """The case above is a real one: waiting settle_s alone ends some of these lowerings
    at the stall."""
    early = 0
    for seed in range(5):
        signal, end_row = _bridge_with_a_stall(seed)
        done = _completions(_detector(settle_noise_ratio=0.0), signal)
        assert done and done[0].candidate is not None
        early += done[0].candidate.low_value > 145.0
    assert early >= 3


def test_a_steady_signal_is_counted_as_soon_as_the_fall_settles() -> None:
    clean = np.concatenate(
        [
            np.full(30, 130.0),
            _ease(130, 175, 1.0),
            np.full(60, 175.0),
            _ease(175, 130, 2.0),
            np.full(60, 130.0),
        ]
    )
    done = _completions(_detector(), clean)
    assert len(done) == 1
    lowering_end = 30 + 30 + 60 + 60
    settle = max(round(load_config().reps.settle_s * RATE), 1)
    assert done[0].row <= lowering_end + settle + 2


def test_a_sag_of_the_hold_is_not_a_lowering() -> None:
    hold = np.full(90, 178.0)
    hold[40:60] -= 13.0 * np.sin(np.linspace(0, np.pi, 20))  # 13 deg down and back up
    signal = np.concatenate(
        [np.full(30, 100.0), _ease(100, 178, 1.0), hold, _ease(178, 100, 2.0), np.full(40, 100.0)]
    )
    done = _completions(_detector(), signal)
    assert len(done) == 1
    assert done[0].candidate is not None
    assert done[0].candidate.low_value < 105.0
