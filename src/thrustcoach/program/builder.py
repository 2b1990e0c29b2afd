"""``build_plan``: turn :class:`PlanInputs` and a block template into a dated :class:`Plan`.

The rules applied here, each from ``rules.toml`` (source in brackets):

* two single-leg sessions a week, the other glute day a bilateral hip thrust day [seed_000];
* weak side first every session; the strong side gets the same reps, never more [seed_000];
* one extra weak-side set per 4-week block ("once a month") [seed_000];
* all reps of a set on one leg before switching; sides alternate set by set, so each leg rests
  while the other works and the rest between sides is short [seed_001 + assumption];
* 1-3 s pause at the top, 2 s lowering unless the week says slower [seed_000];
* beginners: bodyweight, bent free leg, 8-12 reps per side; advanced: extended free leg [seed_000];
* deload week: fewer sets/reps from the template plus one dumbbell step off [seed_000 + assumption].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from thrustcoach.errors import PlanError
from thrustcoach.program.inputs import PlanInputs
from thrustcoach.program.loads import bilateral_day_load_kg, dumbbell_step, initial_working_load
from thrustcoach.program.notes import plan_notes, single_leg_notes
from thrustcoach.program.plan import Plan, PlannedSet, PlanSession, PlanWeek, SessionKind
from thrustcoach.program.rules import Experience, FreeLeg, Rules, load_rules
from thrustcoach.program.schedule import week_schedule
from thrustcoach.program.templates import (
    DEFAULT_TEMPLATE_ID,
    BlockTemplate,
    WeekTemplate,
    get_template,
)
from thrustcoach.vocab import Side, VariantId

__all__ = ["BlockState", "assemble_plan", "build_plan"]


@dataclass(frozen=True)
class BlockState:
    """What carries over from one block to the next."""

    working_load_kg: Decimal | None
    free_leg: FreeLeg
    weak_side: Side | None
    block_number: int
    start_date: date
    load_basis: str
    extra_notes: tuple[str, ...] = ()


def build_plan(inputs: PlanInputs, *, template: str | BlockTemplate = DEFAULT_TEMPLATE_ID) -> Plan:
    """The first block for ``inputs`` from ``template`` (an id from templates.toml or a model)."""
    rules = load_rules()
    tmpl = get_template(template) if isinstance(template, str) else template
    working, basis = initial_working_load(inputs, template=tmpl, rules=rules)
    state = BlockState(
        working_load_kg=working,
        free_leg=rules.free_leg.for_experience(inputs.experience),
        weak_side=inputs.weak_side,
        block_number=1,
        start_date=inputs.start_date,
        load_basis=basis,
    )
    return assemble_plan(inputs, template=tmpl, state=state)


def assemble_plan(inputs: PlanInputs, *, template: BlockTemplate, state: BlockState) -> Plan:
    rules = load_rules()
    _check_days(inputs, template=template)
    bilateral_load = None
    if template.bilateral is not None:
        bilateral_load = bilateral_day_load_kg(inputs, reps=template.bilateral.reps, rules=rules)
    weeks: list[PlanWeek] = []
    counter = 0
    for wk in template.weeks:
        sessions: list[PlanSession] = []
        slots = week_schedule(
            state.start_date,
            days=inputs.training_days,
            week=wk.week,
            single_leg=template.sessions_per_week,
            bilateral=template.pair_with_bilateral,
        )
        sl_index = 0
        for index, (day, kind) in enumerate(slots, start=1):
            if kind is SessionKind.BILATERAL:
                sessions.append(_bilateral_session(template, wk, day, index, bilateral_load, rules))
                continue
            sl_index += 1
            counter += 1
            extra = state.weak_side is not None and (wk.week, sl_index) == (
                template.extra_weak_set.week,
                template.extra_weak_set.session,
            )
            sessions.append(
                _single_leg_session(
                    inputs, template, wk, state, day=day, index=index, extra=extra, counter=counter
                )
            )
        weeks.append(PlanWeek(number=wk.week, deload=wk.deload, sessions=tuple(sessions)))
    return Plan(
        template_id=template.id,
        template_name=template.name,
        block_number=state.block_number,
        inputs=inputs.model_copy(update={"start_date": state.start_date}),
        weak_side=state.weak_side,
        free_leg=state.free_leg,
        working_load_kg=state.working_load_kg,
        bilateral_load_kg=bilateral_load,
        load_basis=state.load_basis,
        weeks=tuple(weeks),
        notes=plan_notes(inputs, template=template, state_notes=state.extra_notes, rules=rules),
    )


def _check_days(inputs: PlanInputs, *, template: BlockTemplate) -> None:
    need = template.sessions_per_week
    if len(inputs.training_days) < need:
        raise PlanError(
            f"{len(inputs.training_days)} training day(s) given but the {template.name!r} "
            f"needs {need} single-leg sessions a week",
            hint=f"pass at least {need} days, e.g. --days mon,thu",
        )


def _week_load(
    working: Decimal | None, wk: WeekTemplate, inputs: PlanInputs, rules: Rules
) -> Decimal | None:
    if not wk.deload or working is None:
        return working
    # Deload: one owned dumbbell lighter (rules.toml [deload]); bodyweight stays bodyweight.
    return dumbbell_step(
        working, inputs.dumbbells_kg, steps=-rules.deload.dumbbell_steps_down, rules=rules
    )


def _reps(wk: WeekTemplate, load: Decimal | None, inputs: PlanInputs, rules: Rules) -> int:
    # Beginners at bodyweight work in the 8-12 reps per side range (seed_000 FAQ).
    if load is None and inputs.experience is Experience.BEGINNER:
        bw = rules.bodyweight
        return min(max(wk.reps_per_leg, bw.reps_per_side_min), bw.reps_per_side_max)
    return wk.reps_per_leg


def _variant(load: Decimal | None, free_leg: FreeLeg, rules: Rules) -> VariantId:
    if load is not None:
        return rules.free_leg.loaded_variant
    return (
        rules.free_leg.extended_variant
        if free_leg is FreeLeg.EXTENDED
        else rules.free_leg.bent_variant
    )


def _single_leg_session(
    inputs: PlanInputs,
    template: BlockTemplate,
    wk: WeekTemplate,
    state: BlockState,
    *,
    day: date,
    index: int,
    extra: bool,
    counter: int,
) -> PlanSession:
    rules = load_rules()
    load = _week_load(state.working_load_kg, wk, inputs, rules)
    reps = _reps(wk, load, inputs, rules)
    # Weak side first [seed_000]; unknown: alternate the first leg so neither always goes fresh.
    first = state.weak_side or (Side.LEFT if counter % 2 == 1 else Side.RIGHT)
    order = [first, first.other] * wk.sets + ([first] if extra else [])
    sets = []
    for i, side in enumerate(order, start=1):
        last = i == len(order)
        rest = (
            0
            if last
            else (template.rest_between_sides_s if side is first else template.rest_between_sets_s)
        )
        sets.append(
            PlannedSet(
                order=i,
                exercise=_variant(load, state.free_leg, rules),
                side=side,
                reps=reps,
                load_kg=load,
                pause_s=wk.pause_s,
                lowering_s=wk.lowering_s,
                rest_s=rest,
                extra=extra and last,
            )
        )
    return PlanSession(
        week=wk.week,
        index=index,
        date=day,
        kind=SessionKind.SINGLE_LEG,
        title=f"Single-leg hip thrust ({template.name})",
        free_leg=state.free_leg,
        sets=tuple(sets),
        notes=single_leg_notes(
            wk,
            first=first,
            weak_known=state.weak_side is not None,
            load=load,
            extra=extra,
            free_leg=state.free_leg,
            rules=rules,
        ),
    )


def _bilateral_session(
    template: BlockTemplate,
    wk: WeekTemplate,
    day: date,
    index: int,
    base_load: Decimal | None,
    rules: Rules,
) -> PlanSession:
    day_t = template.bilateral
    assert day_t is not None
    load = base_load
    if wk.deload and base_load is not None:
        # Deload: 80 % of the working bar load, at least one plate step lighter ([deload]).
        step = rules.barbell.increment_kg
        cut = base_load * rules.deload.bilateral_load_factor / step
        load = min(cut.to_integral_value(rounding=ROUND_FLOOR) * step, base_load - step)
        load = load if load > 0 else None
    sets = tuple(
        PlannedSet(
            order=i,
            exercise=day_t.variant,
            side=Side.BOTH,
            reps=day_t.reps,
            load_kg=load,
            pause_s=day_t.pause_s,
            lowering_s=day_t.lowering_s,
            rest_s=0 if i == day_t.sets else day_t.rest_s,
        )
        for i in range(1, day_t.sets + 1)
    )
    notes = [
        "Bilateral hip thrust day: heavier loading for absolute strength; the single-leg days "
        "cover glute medius, asymmetry and athletic carry-over.",
    ]
    if load is None:
        notes.append(
            "No bilateral lift entered: use a load you can lift for the reps with 2 to spare."
        )
    if wk.deload:
        notes.append("Deload week: lighter on purpose.")
    return PlanSession(
        week=wk.week,
        index=index,
        date=day,
        kind=SessionKind.BILATERAL,
        title="Bilateral hip thrust",
        sets=sets,
        notes=tuple(notes),
    )


def next_start_date(plan: Plan) -> date:
    """The first day after ``plan``'s block window."""
    return plan.inputs.start_date + timedelta(days=7 * len(plan.weeks))
