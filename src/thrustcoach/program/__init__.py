"""Training plans: unilateral blocks with per-leg loads, weak side first, progression by form.

Data lives in ``program/data`` (``rules.toml``: every programming fact of the seeds with its
source; ``templates.toml``: the block templates). Public API::

    inputs = PlanInputs.checked(experience="intermediate", body_mass_kg=70, ...)
    plan = build_plan(inputs, template="unilateral_4wk")   # -> Plan (frozen, JSON round-trip)
    plan2 = next_block(plan, [SessionResult(week=1, session=1, form=FormFlags()), ...])
"""

from thrustcoach.program.builder import build_plan
from thrustcoach.program.inputs import (
    BilateralLift,
    Equipment,
    PlanInputs,
    Weekday,
    epley_e1rm,
    epley_load_for_reps,
)
from thrustcoach.program.plan import (
    PLAN_SCHEMA_VERSION,
    Plan,
    PlannedSet,
    PlanSession,
    PlanWeek,
    SessionKind,
)
from thrustcoach.program.progression import (
    Decision,
    FormFlags,
    ProgressionAction,
    SessionResult,
    decide,
    next_block,
    strong_side_targets,
)
from thrustcoach.program.render import plan_to_html, plan_to_ics, plan_to_markdown
from thrustcoach.program.reschedule import (
    change_training_days,
    find_session,
    move_session,
    skip_session,
    week_of,
)
from thrustcoach.program.rules import Experience, FreeLeg, Rules, load_rules
from thrustcoach.program.templates import (
    DEFAULT_TEMPLATE_ID,
    BlockTemplate,
    WeekTemplate,
    get_template,
    load_templates,
)

__all__ = [
    "DEFAULT_TEMPLATE_ID",
    "PLAN_SCHEMA_VERSION",
    "BilateralLift",
    "BlockTemplate",
    "Decision",
    "Equipment",
    "Experience",
    "FormFlags",
    "FreeLeg",
    "Plan",
    "PlanInputs",
    "PlanSession",
    "PlanWeek",
    "PlannedSet",
    "ProgressionAction",
    "Rules",
    "SessionKind",
    "SessionResult",
    "WeekTemplate",
    "Weekday",
    "build_plan",
    "change_training_days",
    "decide",
    "epley_e1rm",
    "epley_load_for_reps",
    "find_session",
    "get_template",
    "load_rules",
    "load_templates",
    "move_session",
    "next_block",
    "plan_to_html",
    "plan_to_ics",
    "plan_to_markdown",
    "skip_session",
    "strong_side_targets",
    "week_of",
]
