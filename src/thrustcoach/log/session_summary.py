"""The end-of-session summary: per-side volume, symmetry, records and what to change next time.

A pure function of the session's sets and the sets before it. "What to change" follows the
plan's own rules, so the summary never contradicts the next block: the weak side sets the reps
(seed_000), load goes up only when form holds from the first rep to the last (seed_001), sets
stop about two reps short of failure (rules.toml ``reps_in_reserve``), and pain ends the
exercise until a professional has looked at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from thrustcoach.log.analytics import SetRecord, SideSummary, side_summaries
from thrustcoach.log.records import BrokenRecord, broken_records
from thrustcoach.log.settings import load_analytics_settings
from thrustcoach.log.symmetry import lsi
from thrustcoach.vocab import Side

__all__ = ["PAIN_ADVICE", "SessionSummary", "summarise_session"]

PAIN_ADVICE = (
    "You logged pain. Stop this exercise if the pain is sharp, sits in a joint or is still "
    "there after the set, and see a physiotherapist or doctor before training it again."
)
_FLAG_NAMES = {
    "bench_contact": "bench contact",
    "pelvis_level": "level pelvis",
    "full_range": "full range",
}


@dataclass(frozen=True)
class SessionSummary:
    sides: dict[Side, SideSummary]
    weak_side: Side | None
    reps_lsi: float | None  # weak / strong x 100, this session only
    e1rm_lsi: float | None
    targets: dict[Side, tuple[int, int]]  # side -> (reps done, reps planned) where planned
    records: tuple[BrokenRecord, ...]
    advice: tuple[str, ...]


def _targets(sets: Sequence[SetRecord]) -> dict[Side, tuple[int, int]]:
    out: dict[Side, tuple[int, int]] = {}
    for side in Side:
        planned = [r for r in sets if r.side is side and r.target_reps is not None]
        if planned:
            out[side] = (sum(r.reps for r in planned), sum(r.target_reps or 0 for r in planned))
    return out


def _advice(
    sets: Sequence[SetRecord],
    *,
    sides: dict[Side, SideSummary],
    weak: Side | None,
    targets: dict[Side, tuple[int, int]],
    rpes: Sequence[float],
    reps_lsi: float | None,
) -> list[str]:
    cfg = load_analytics_settings()
    out: list[str] = []
    if any(r.pain for r in sets):
        out.append(PAIN_ADVICE)
    slipped = [
        name for key, name in _FLAG_NAMES.items() if any(getattr(r, key) is False for r in sets)
    ]
    if slipped:
        out.append(
            f"Form slipped ({', '.join(slipped)}): keep this load next time and fix that first."
        )
    short = {side: t for side, t in targets.items() if t[0] < t[1]}
    if weak is not None and weak in short:
        done, planned = short[weak]
        out.append(
            f"The {weak.value} side did {done} of {planned} planned reps: repeat this load next "
            "session."
        )
    if weak is not None and weak in sides and weak.other in sides:
        extra = sides[weak.other].reps - sides[weak].reps
        if extra > 0:
            out.append(
                f"The {weak.other.value} side did {extra} more reps than the {weak.value} side: "
                f"stop it at the reps the {weak.value} side managed."
            )
    if reps_lsi is not None and reps_lsi < cfg.symmetry.threshold_pct and weak is not None:
        out.append(
            f"The {weak.value} side did {reps_lsi:g} % of the other side's reps: keep it first."
        )
    if rpes and max(rpes) >= cfg.summary.near_failure_rpe:
        out.append(
            f"Your hardest set was RPE {max(rpes):g}: stop about two reps short of failure; "
            "keep the load until it feels easier."
        )
    if not out and targets:
        out.append(
            "Every planned rep done with form held: keep going, the next block adds load "
            "if it keeps holding."
        )
    return out


def summarise_session(
    session: Sequence[SetRecord],
    *,
    history: Sequence[SetRecord],
    weak_side: Side | None,
    rpes: Sequence[float] = (),
) -> SessionSummary:
    """Summarise one session's sets against the ``history`` before it (see the module doc).

    ``rpes``: the RPE of each set that has one (the analytics records do not carry it).
    """
    sides = side_summaries(session)
    weak = weak_side
    reps_lsi = e1rm_lsi = None
    if weak is not None and weak in sides and weak.other in sides:
        w, s = sides[weak], sides[weak.other]
        reps_lsi = lsi(w.reps, s.reps)
        e1rm_lsi = lsi(w.best_e1rm_kg, s.best_e1rm_kg)
    targets = _targets(session)
    advice = _advice(session, sides=sides, weak=weak, targets=targets, rpes=rpes, reps_lsi=reps_lsi)
    return SessionSummary(
        sides=sides,
        weak_side=weak,
        reps_lsi=reps_lsi,
        e1rm_lsi=e1rm_lsi,
        targets=targets,
        records=tuple(broken_records(history, session)),
        advice=tuple(advice),
    )
