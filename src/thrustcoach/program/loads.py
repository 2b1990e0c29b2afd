"""Load prescription: per-side single-leg loads, dumbbell rounding and steps, bilateral-day load.

The 50-60 % rule (rules.toml [load], seed_000 FAQ "How heavy should I single-leg hip thrust?")
is applied to SYSTEM loads, i.e. external load + the share of body mass the hips lift
(``moved_body_mass_fraction`` x body mass, the same share for one or two legs):

    bilateral e1RM (system)   = Epley(bar load + body share, reps)
    single-leg e1RM (system)  = fraction x bilateral e1RM (system)         fraction = 0.50 at start
    set load (system)         = inverse Epley(single-leg e1RM, reps + reps in reserve)
    dumbbell                  = set load (system) - body share, rounded DOWN to a dumbbell owned

A result at or below zero, or below the lightest dumbbell owned, means bodyweight.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from thrustcoach.program.inputs import (
    Equipment,
    PlanInputs,
    epley_e1rm,
    epley_load_for_reps,
)
from thrustcoach.program.rules import Experience, Rules
from thrustcoach.program.templates import BlockTemplate

__all__ = [
    "bilateral_day_load_kg",
    "body_share_kg",
    "dumbbell_step",
    "first_dumbbell_kg",
    "initial_working_load",
    "round_down_to_owned",
    "single_leg_target_kg",
]


def body_share_kg(inputs: PlanInputs, *, rules: Rules) -> Decimal:
    """Body mass the hips lift in a (single-leg or bilateral) hip thrust."""
    return inputs.body_mass_kg * rules.load.model.moved_body_mass_fraction


def _bilateral_e1rm_system(inputs: PlanInputs, *, rules: Rules) -> Decimal | None:
    if inputs.bilateral is None:
        return None
    body = body_share_kg(inputs, rules=rules)
    return epley_e1rm(inputs.bilateral.load_kg + body, inputs.bilateral.reps)


def single_leg_target_kg(
    inputs: PlanInputs, *, reps: int, fraction: Decimal, rules: Rules
) -> Decimal | None:
    """Unrounded external per-side load for ``reps`` reps, or None without a bilateral lift."""
    e1rm = _bilateral_e1rm_system(inputs, rules=rules)
    if e1rm is None:
        return None
    side_e1rm = fraction * e1rm
    system = epley_load_for_reps(side_e1rm, reps + rules.load.model.reps_in_reserve)
    return system - body_share_kg(inputs, rules=rules)


def round_down_to_owned(target_kg: Decimal, owned_kg: tuple[Decimal, ...]) -> Decimal | None:
    """The heaviest dumbbell owned that does not exceed ``target_kg`` (None = bodyweight)."""
    fitting = [kg for kg in owned_kg if kg <= target_kg]
    return max(fitting) if fitting else None


def first_dumbbell_kg(owned_kg: tuple[Decimal, ...], *, rules: Rules) -> Decimal | None:
    """First load once bodyweight is easy: "light dumbbells (5-15 kg)" (seed_000 FAQ).

    The lightest owned dumbbell inside 5-15 kg; failing that, the lightest owned below 15 kg
    (a gentler start); if every dumbbell is heavier than 15 kg, stay at bodyweight.
    """
    lo, hi = rules.dumbbells.first_load_min_kg, rules.dumbbells.first_load_max_kg
    in_range = [kg for kg in owned_kg if lo <= kg <= hi]
    if in_range:
        return min(in_range)
    lighter = [kg for kg in owned_kg if kg < lo]
    return min(lighter) if lighter else None


def dumbbell_step(
    current_kg: Decimal | None, owned_kg: tuple[Decimal, ...], *, steps: int, rules: Rules
) -> Decimal | None:
    """Move ``steps`` owned dumbbells up (+) or down (-); bodyweight sits below the lightest.

    Up from bodyweight goes to :func:`first_dumbbell_kg`; the top stays at the heaviest owned.
    """
    ladder: list[Decimal | None] = [None, *owned_kg]
    if current_kg is None and steps > 0:
        first = first_dumbbell_kg(owned_kg, rules=rules)
        if first is None:
            return None
        current_kg, steps = first, steps - 1
    position = ladder.index(current_kg) if current_kg in ladder else 0
    position = min(max(position + steps, 0), len(ladder) - 1)
    return ladder[position]


def initial_working_load(
    inputs: PlanInputs, *, template: BlockTemplate, rules: Rules
) -> tuple[Decimal | None, str]:
    """The first block's single-leg working load per side and why (None = bodyweight)."""
    if (
        inputs.experience is Experience.BEGINNER
        and rules.bodyweight.beginners_start_with_bodyweight
    ):
        return None, (
            f"beginner: bodyweight, {rules.bodyweight.reps_per_side_min}-"
            f"{rules.bodyweight.reps_per_side_max} reps per side, until "
            f"{rules.dumbbells.easy_when_reps_per_side} clean reps on both sides are easy"
        )
    if inputs.equipment is Equipment.BODYWEIGHT:
        return None, "bodyweight only: progress by reps, pause and the extended free leg"
    working = _working_from_dumbbells(inputs, template=template, rules=rules)
    if template.load == "light":
        owned = inputs.dumbbells_kg
        light = owned[0] if working[0] is not None and owned[0] <= working[0] else None
        return light, "light load for activation/finisher work: lightest dumbbell owned"
    return working


def _working_from_dumbbells(
    inputs: PlanInputs, *, template: BlockTemplate, rules: Rules
) -> tuple[Decimal | None, str]:
    owned = inputs.dumbbells_kg
    if inputs.bilateral is None:
        first = first_dumbbell_kg(owned, rules=rules)
        return first, (
            f"bodyweight is easy and no bilateral lift given: lightest dumbbell owned in the "
            f"{rules.dumbbells.first_load_min_kg}-{rules.dumbbells.first_load_max_kg} kg range"
        )
    reps = max(w.reps_per_leg for w in template.weeks if not w.deload)
    fraction = rules.load.model.start_fraction
    target = single_leg_target_kg(inputs, reps=reps, fraction=fraction, rules=rules)
    assert target is not None  # bilateral is set
    chosen = round_down_to_owned(target, owned)
    pct = int(fraction * 100)
    return chosen, (
        f"{pct} % of the bilateral hip thrust per side (system load incl. "
        f"{int(rules.load.model.moved_body_mass_fraction * 100)} % of body mass, Epley e1RM, "
        f"{reps} reps + {rules.load.model.reps_in_reserve} in reserve): "
        f"{target.quantize(Decimal('0.1'))} kg target, rounded down to a dumbbell you own"
    )


def bilateral_day_load_kg(
    inputs: PlanInputs, *, reps: int, rules: Rules, factor: Decimal = Decimal(1)
) -> Decimal | None:
    """Barbell load for the bilateral day's sets of ``reps`` (None without a bilateral lift)."""
    e1rm = _bilateral_e1rm_system(inputs, rules=rules)
    if e1rm is None:
        return None
    system = epley_load_for_reps(e1rm, reps + rules.load.model.reps_in_reserve)
    external = (system - body_share_kg(inputs, rules=rules)) * factor
    step = rules.barbell.increment_kg
    rounded = (external / step).to_integral_value(rounding=ROUND_FLOOR) * step
    return rounded if rounded > 0 else None
