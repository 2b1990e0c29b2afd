"""Progression gated by form: ``next_block(previous_plan, results) -> Plan``.

"Only increase resistance when you can keep the bench contact, pelvis position, and range of
motion consistent from the first rep to the last" (seed_001). Each logged single-leg session
carries :class:`FormFlags`; :func:`decide` turns them into increase / repeat / decrease using
``rules.toml [progression.steps]``. The next block is built from the same template, so its
deload week stays a deload (one step lighter than the working weeks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from thrustcoach.errors import PlanError
from thrustcoach.program.builder import BlockState, assemble_plan
from thrustcoach.program.inputs import PlanInputs
from thrustcoach.program.loads import dumbbell_step, single_leg_target_kg
from thrustcoach.program.plan import Plan, PlannedSet, PlanSession, SessionKind
from thrustcoach.program.rules import Experience, FreeLeg, Rules, load_rules
from thrustcoach.program.templates import BlockTemplate, get_template
from thrustcoach.vocab import FaultCode, Side

__all__ = [
    "Decision",
    "FormFlags",
    "ProgressionAction",
    "SessionResult",
    "decide",
    "next_block",
    "strong_side_targets",
]


class FormFlags(BaseModel):
    """Did the form hold over the session? True = held (from the log or a video analysis)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bench_contact: bool = True  # upper back stayed on the bench edge
    pelvis_level: bool = True  # no rotation or drop toward the free-leg side
    full_range: bool = True  # full lockout and full depth on every rep
    no_drift: bool = True  # last reps looked like the first ones

    @property
    def held(self) -> bool:
        return self.bench_contact and self.pelvis_level and self.full_range and self.no_drift

    @classmethod
    def from_fault_codes(cls, codes: Iterable[FaultCode], *, drift: bool = False) -> FormFlags:
        """Map video-analysis fault codes onto the form checks (``drift``: faults grew late)."""
        found = set(codes)
        return cls(
            bench_contact=FaultCode.NECK_ON_BENCH not in found,
            pelvis_level=FaultCode.PELVIC_ROTATION not in found,
            full_range=not found & {FaultCode.INCOMPLETE_LOCKOUT, FaultCode.PARTIAL_DEPTH},
            no_drift=not drift,
        )


class SessionResult(BaseModel):
    """What happened in one planned single-leg session (``week``/``session`` as in the plan)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    week: int = Field(ge=1)
    session: int = Field(ge=1, description="PlanSession.index within the week")
    form: FormFlags = FormFlags()
    reps_done: dict[Side, tuple[int, ...]] = Field(
        default_factory=dict, description="reps per set, per leg (optional)"
    )


class ProgressionAction(StrEnum):
    INCREASE = "increase"
    REPEAT = "repeat"
    DECREASE = "decrease"


class Decision(BaseModel):
    model_config = ConfigDict(frozen=True)
    action: ProgressionAction
    reason: str


def _planned(plan: Plan, result: SessionResult) -> PlanSession:
    for sess in plan.sessions():
        if (sess.week, sess.index) == (result.week, result.session):
            if sess.kind is not SessionKind.SINGLE_LEG:
                break
            return sess
    raise PlanError(
        f"result for week {result.week} session {result.session} matches no single-leg session",
        hint="use the week and session numbers shown in the plan",
    )


def _reps_short(sess: PlanSession, result: SessionResult) -> bool:
    for side, done in result.reps_done.items():
        planned = sum(s.reps for s in sess.sets_for(side))
        if sum(done) < planned:
            return True
    return False


def decide(plan: Plan, results: Sequence[SessionResult], *, rules: Rules | None = None) -> Decision:
    """Increase only when every logged session held form and all reps; else repeat/decrease."""
    rules = rules or load_rules()
    if not results:
        return Decision(action=ProgressionAction.REPEAT, reason="no sessions logged: repeat")
    pairs = [(_planned(plan, r), r) for r in results]
    lapsed = [r for _, r in pairs if not r.form.held]
    deload_weeks = {w.number for w in plan.weeks if w.deload}
    working = [r.week for r in results if r.week not in deload_weeks]
    last_week = max(working, default=max(r.week for r in results))
    share = Decimal(len(lapsed)) / len(results)
    if any(r.week == last_week for r in lapsed):
        return Decision(
            action=ProgressionAction.DECREASE,
            reason=f"form lapsed in the last working week (week {last_week}): step back",
        )
    if lapsed and share >= rules.progression.steps.lapse_share_for_decrease:
        return Decision(
            action=ProgressionAction.DECREASE,
            reason=f"form lapsed in {len(lapsed)} of {len(results)} sessions: step back",
        )
    if lapsed or any(_reps_short(s, r) for s, r in pairs):
        return Decision(
            action=ProgressionAction.REPEAT,
            reason="form or reps fell short earlier in the block but held at the end: repeat",
        )
    return Decision(
        action=ProgressionAction.INCREASE,
        reason="bench contact, pelvis and range held from first to last rep: add load",
    )


def strong_side_targets(
    session: PlanSession, *, reps_done: Mapping[int, tuple[Side, int]]
) -> dict[int, int]:
    """Target reps per set order: the strong side never does more than the weak side just did.

    "Match the rep count to the weak side" (seed_000). The session starts with the weak side
    (or, when it is not known, with the side the plan put first): each strong-side set is
    capped at the reps logged for the weak-side set of the same round, i.e. the latest
    weak-side set before it. The weak side itself is never capped, by its own earlier sets or
    anything else: it always goes for the planned reps. ``reps_done`` maps a set's ``order``
    to the side and reps actually logged for it; a weak-side set with nothing logged, or
    logged on another side, sets no cap.
    """
    first = session.sets[0].side
    targets: dict[int, int] = {}
    weak_set: PlannedSet | None = None
    for planned in session.sets:
        target = planned.reps
        if planned.side is first or planned.side is Side.BOTH:
            weak_set = planned
        elif weak_set is not None:
            done = reps_done.get(weak_set.order)
            if done is not None and done[0] is weak_set.side:
                target = min(target, done[1])
        targets[planned.order] = target
    return targets


def _infer_weak_side(results: Sequence[SessionResult]) -> Side | None:
    totals = {Side.LEFT: 0, Side.RIGHT: 0}
    for r in results:
        for side, done in r.reps_done.items():
            if side in totals:
                totals[side] += sum(done)
    if totals[Side.LEFT] == totals[Side.RIGHT]:
        return None
    return min(totals, key=lambda s: totals[s])


def next_block(
    previous_plan: Plan,
    results: Sequence[SessionResult],
    *,
    template: str | BlockTemplate | None = None,
    start_date: date | None = None,
) -> Plan:
    """The follow-up block: same template (unless given), load moved by the form decision.

    It starts the day after the previous block's window unless ``start_date`` says otherwise
    (someone moving on early starts it now, not weeks ahead).
    """
    rules = load_rules()
    tmpl = (
        template
        if isinstance(template, BlockTemplate)
        else get_template(template or previous_plan.template_id)
    )
    decision = decide(previous_plan, results, rules=rules)
    inputs = previous_plan.inputs
    load, free_leg = previous_plan.working_load_kg, previous_plan.free_leg
    notes = [f"Block {previous_plan.block_number + 1}: {decision.reason}."]
    if decision.action is ProgressionAction.INCREASE:
        if inputs.experience is Experience.BEGINNER:
            # Top of the bodyweight range on both sides with good form = "bodyweight is easy".
            inputs = inputs.model_copy(update={"experience": Experience.INTERMEDIATE})
            notes.append("Bodyweight is now easy: you count as intermediate.")
        up, free_leg = _harder(load, free_leg, inputs.dumbbells_kg, rules, notes)
        load = _within_ceiling(up, load, inputs=inputs, template=tmpl, rules=rules, notes=notes)
    elif decision.action is ProgressionAction.DECREASE:
        load, free_leg = _easier(load, free_leg, inputs.dumbbells_kg, rules)
    weak = previous_plan.weak_side or _infer_weak_side(results)
    if previous_plan.weak_side is None and weak is not None:
        notes.append(f"Your {weak.value} side did fewer reps: it goes first from now on.")
    start = start_date or previous_plan.inputs.start_date + timedelta(
        days=7 * len(previous_plan.weeks)
    )
    state = BlockState(
        working_load_kg=load,
        free_leg=free_leg,
        weak_side=weak,
        block_number=previous_plan.block_number + 1,
        start_date=start,
        load_basis=f"{decision.action.value} from block {previous_plan.block_number}: "
        f"{_kg(previous_plan.working_load_kg)} -> {_kg(load)}",
        extra_notes=tuple(notes),
    )
    inputs = inputs.model_copy(update={"weak_side": weak})
    return assemble_plan(inputs, template=tmpl, state=state)


def _within_ceiling(
    up: Decimal | None,
    load: Decimal | None,
    *,
    inputs: PlanInputs,
    template: BlockTemplate,
    rules: Rules,
    notes: list[str],
) -> Decimal | None:
    """Hold the load at the top of "50-60 % of the bilateral per side" until a bilateral retest."""
    if up is None or up == load or inputs.bilateral is None:
        return up
    reps = max(w.reps_per_leg for w in template.weeks if not w.deload)
    top = rules.load.single_leg_fraction_max
    ceiling = single_leg_target_kg(inputs, reps=reps, fraction=top, rules=rules)
    if ceiling is not None and up > ceiling:
        notes.append(
            f"{up} kg would pass {int(top * 100)} % of your bilateral hip thrust per side: "
            "retest the bilateral lift and build a new plan with it before adding load."
        )
        return load
    return up


def _kg(load: Decimal | None) -> str:
    return "bodyweight" if load is None else f"{load} kg"


def _harder(
    load: Decimal | None,
    free_leg: FreeLeg,
    owned: tuple[Decimal, ...],
    rules: Rules,
    notes: list[str],
) -> tuple[Decimal | None, FreeLeg]:
    up = dumbbell_step(load, owned, steps=rules.progression.steps.increase_step, rules=rules)
    if up != load:
        return up, free_leg
    if load is None and free_leg is FreeLeg.BENT:
        notes.append("No suitable dumbbell: progress to the extended free leg instead.")
        return None, FreeLeg.EXTENDED
    notes.append("No heavier dumbbell owned: same load; a heavier dumbbell is the next step.")
    return load, free_leg


def _easier(
    load: Decimal | None, free_leg: FreeLeg, owned: tuple[Decimal, ...], rules: Rules
) -> tuple[Decimal | None, FreeLeg]:
    if load is not None:
        return dumbbell_step(
            load, owned, steps=-rules.progression.steps.decrease_step, rules=rules
        ), free_leg
    return None, FreeLeg.BENT
