"""Fault rules (``data/faults.toml``) applied to a rep's metrics, with the KB's cues."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import lru_cache

from thrustcoach.analysis.config import Condition, FaultRule, load_fault_rules
from thrustcoach.analysis.result import FaultFinding
from thrustcoach.errors import ThrustCoachError
from thrustcoach.vocab import FaultCode

__all__ = ["FaultContext", "cue_for", "detect_faults"]

log = logging.getLogger(__name__)


class FaultContext:
    """What the rules need besides the metrics: view, bench/floor, legs, prescribed tempo."""

    def __init__(
        self, *, view: str, on_bench: bool, single_leg: bool, pause_s: float, lowering_s: float
    ) -> None:
        self.view = view
        self.on_bench = on_bench
        self.single_leg = single_leg
        self.prescribed = {"pause": pause_s, "lowering": lowering_s}


@lru_cache(maxsize=32)
def cue_for(code: FaultCode) -> tuple[str, str]:
    """The knowledge base's (cue, title) for a fault; empty strings if the KB lacks it."""
    try:
        from thrustcoach.kb import load_knowledge_base

        mistake = load_knowledge_base().mistake(code)
    except (ImportError, ThrustCoachError, KeyError, AttributeError) as exc:
        log.warning("no knowledge-base cue for %s: %s", code.value, exc)
        return "", ""
    return mistake.cue, mistake.title


def _threshold(rule: FaultRule, ctx: FaultContext) -> tuple[float | None, float | None]:
    below, above = rule.below, rule.above
    if not ctx.on_bench:
        below = rule.floor_below if rule.floor_below is not None else below
        above = rule.floor_above if rule.floor_above is not None else above
    if rule.of_prescribed is not None:
        base = ctx.prescribed[rule.of_prescribed]
        below = None if below is None else below * base
        return below, None if above is None else above * base
    return below, above


def _holds(cond: Condition, metrics: Mapping[str, float | None], ctx: FaultContext) -> bool:
    value = metrics.get(cond.metric)
    limit = cond.below * (ctx.prescribed[cond.of_prescribed] if cond.of_prescribed else 1.0)
    return value is not None and value < limit


def detect_faults(
    metrics: Mapping[str, float | None],
    *,
    ctx: FaultContext,
    rules: tuple[FaultRule, ...] | None = None,
) -> tuple[FaultFinding, ...]:
    found: list[FaultFinding] = []
    for rule in rules if rules is not None else load_fault_rules():
        value = metrics.get(rule.metric)
        if (
            value is None
            or ctx.view not in rule.views
            or (rule.single_leg_only and not ctx.single_leg)
        ):
            continue
        if any(f.code in rule.unless or f.code is rule.code for f in found):
            continue
        if rule.when is not None and not _holds(rule.when, metrics, ctx):
            continue
        below, above = _threshold(rule, ctx)
        hit = (below is not None and value < below, above is not None and value > above)
        if any(hit):
            threshold = below if hit[0] else above
            assert threshold is not None
            cue, title = cue_for(rule.code)
            found.append(
                FaultFinding(
                    code=rule.code,
                    value=round(value, 3),
                    threshold=round(threshold, 3),
                    cue=cue,
                    title=title,
                )
            )
    return tuple(found)
