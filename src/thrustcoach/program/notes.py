"""Per-session and per-plan notes: the coaching text that goes with the numbers.

Numbers come from the rules and the week; the wording is ThrustCoach's own.
"""

from __future__ import annotations

from decimal import Decimal

from thrustcoach.program.inputs import PlanInputs
from thrustcoach.program.rules import FreeLeg, Rules
from thrustcoach.program.templates import BlockTemplate, WeekTemplate
from thrustcoach.vocab import Side

__all__ = ["plan_notes", "single_leg_notes"]


def single_leg_notes(
    wk: WeekTemplate,
    *,
    first: Side,
    weak_known: bool,
    load: Decimal | None,
    extra: bool,
    free_leg: FreeLeg,
    rules: Rules,
) -> tuple[str, ...]:
    notes = []
    if weak_known:
        notes.append(
            f"Weak side ({first.value}) first. The {first.other.value} side stops at the reps "
            f"the {first.value} side managed in the same round."
        )
    else:
        notes.append(
            f"Weak side not known yet: start with the {first.value} leg today (alternates each "
            "session) and log reps per leg so the next block can put the weak side first."
        )
    notes.append("Finish every rep of a set on one leg before switching legs.")
    lowering = f"lower in {wk.lowering_s} s" + (" (slow lowering week)" if wk.slow_lowering else "")
    notes.append(f"Hold {wk.pause_s} s at the top with a hard glute squeeze, then {lowering}.")
    if free_leg is FreeLeg.BENT:
        notes.append("Free leg bent, knee toward the chest: easier to balance.")
    else:
        notes.append("Free leg extended: its hip flexors work to hold it up; keep it quiet.")
    if load is not None:
        notes.append(f"One {load} kg dumbbell in the crease of the working hip, both hands on it.")
    if extra:
        notes.append(f"Extra set for the weak ({first.value}) side today: once per block.")
    if wk.deload:
        notes.append("Deload week: lighter on purpose. Do not add load or reps this week.")
    return tuple(notes)


def plan_notes(
    inputs: PlanInputs, *, template: BlockTemplate, state_notes: tuple[str, ...], rules: Rules
) -> tuple[str, ...]:
    notes = list(state_notes)
    checks = ", ".join(c.replace("_", " ") for c in rules.progression.form_checks)
    notes.append(
        "Add load only when bench contact, pelvis position and range of motion stay the same "
        f"from the first rep to the last (form checks: {checks}); otherwise repeat or step back."
    )
    if template.pair_with_bilateral:
        n_days = len(inputs.training_days)
        if n_days <= template.sessions_per_week:
            notes.append(
                "Do a bilateral hip thrust on another glute day this week: add a third training "
                "day to get it scheduled."
            )
        elif n_days > template.sessions_per_week + 1:
            notes.append("Training days beyond the three used here are free for other work.")
    purpose = rules.use[template.purpose]
    notes.append(f"Template purpose: {template.purpose.replace('_', ' ')} ({purpose.load} load).")
    return tuple(notes)
