"""Plan exports: Markdown, a standalone HTML page (Jinja2) and iCalendar (``icalendar``).

Each session is rendered as its sets in the order they are done; consecutive identical sets on
the same side are NOT merged, so the order weak -> strong -> weak ... stays visible.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from importlib import resources

import icalendar
import jinja2

from thrustcoach.program.plan import Plan, PlannedSet, PlanSession

__all__ = ["describe_set", "format_load", "plan_to_html", "plan_to_ics", "plan_to_markdown"]


def format_load(load_kg: Decimal | None) -> str:
    if load_kg is None:
        return "bodyweight"
    return f"{load_kg.normalize():f} kg"


def describe_set(
    s: PlannedSet, *, extra_label: bool = True, load: Callable[[Decimal | None], str] | None = None
) -> str:
    """One line, e.g. ``2. left: 10 reps @ 12.5 kg, 1 s pause, 2 s lowering, rest 45 s``.

    ``extra_label=False`` leaves out "(extra weak-side set)" for callers that mark it themselves;
    ``load`` formats the load (another unit), :func:`format_load` by default.
    """
    load = load or format_load
    extra = " (extra weak-side set)" if s.extra and extra_label else ""
    rest = f", rest {s.rest_s} s" if s.rest_s else ""
    return (
        f"{s.order}. {s.side.value}: {s.reps} reps @ {load(s.load_kg)}, "
        f"{s.pause_s} s pause, {s.lowering_s} s lowering{rest}{extra}"
    )


def _session_heading(sess: PlanSession) -> str:
    return f"{sess.date.isoformat()} ({sess.date.strftime('%a')}): {sess.title}"


def plan_to_markdown(plan: Plan) -> str:
    lines = [
        f"# {plan.template_name} (block {plan.block_number})",
        "",
        f"- Weak side: {plan.weak_side.value if plan.weak_side else 'unknown'}",
        f"- Free leg: {plan.free_leg.value}",
        f"- Single-leg working load: {format_load(plan.working_load_kg)} ({plan.load_basis})",
    ]
    if plan.bilateral_load_kg is not None:
        lines.append(f"- Bilateral day load: {format_load(plan.bilateral_load_kg)}")
    lines += [f"- {n}" for n in plan.notes]
    for week in plan.weeks:
        lines += ["", f"## Week {week.number}" + (" (deload)" if week.deload else "")]
        for sess in week.sessions:
            lines += ["", f"### {_session_heading(sess)}", ""]
            lines += [
                "| # | Exercise | Side | Reps | Load | Pause (s) | Lowering (s) | Rest (s) |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for s in sess.sets:
                mark = " (extra)" if s.extra else ""
                lines.append(
                    f"| {s.order} | {s.exercise.value} | {s.side.value}{mark} | {s.reps} | "
                    f"{format_load(s.load_kg)} | {s.pause_s} | {s.lowering_s} | {s.rest_s} |"
                )
            if sess.notes:
                lines.append("")
                lines += [f"- {n}" for n in sess.notes]
    return "\n".join(lines) + "\n"


def _jinja_env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _load_template(name: str) -> str:
    return resources.files("thrustcoach.program").joinpath("data", name).read_text("utf-8")


def plan_to_html(plan: Plan) -> str:
    """A standalone HTML page (no scripts, inline CSS)."""
    template = _jinja_env().get_template("plan.html")
    return template.render(plan=plan, format_load=format_load)


def plan_to_ics(plan: Plan) -> bytes:
    """An iCalendar file: one all-day event per session, the sets per side in the description."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//ThrustCoach//plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"ThrustCoach: {plan.template_name}")
    for sess in plan.sessions():
        event = icalendar.Event()
        event.add("uid", _uid(plan, sess))
        event.add("summary", f"Week {sess.week}: {sess.title}")
        event.add("dtstart", sess.date)
        event.add("dtend", sess.date + timedelta(days=1))
        event.add("dtstamp", _stamp(plan))
        body = [*_per_side_summary(sess), "", *map(describe_set, sess.sets), "", *sess.notes]
        event.add("description", "\n".join(body).strip())
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def _per_side_summary(sess: PlanSession) -> list[str]:
    """E.g. ``left (first): 4 sets, 12+12+12+12 reps @ 22.5 kg``, one line per side."""
    lines = []
    for side in dict.fromkeys(s.side for s in sess.sets):
        sets = sess.sets_for(side)
        first = " (first)" if side is sess.sets[0].side and side.value != "both" else ""
        reps = "+".join(str(s.reps) for s in sets)
        loads = ", ".join(dict.fromkeys(format_load(s.load_kg) for s in sets))
        lines.append(f"{side.value}{first}: {len(sets)} sets, {reps} reps @ {loads}")
    return lines


def _uid(plan: Plan, sess: PlanSession) -> str:
    # Stable across re-exports of the same plan, so calendar apps update instead of duplicating.
    return (
        f"{plan.template_id}-b{plan.block_number}-{plan.inputs.start_date.isoformat()}-"
        f"w{sess.week}s{sess.index}@thrustcoach"
    )


def _stamp(plan: Plan) -> datetime:
    # Deterministic (golden-testable): the block's start, not the time of export.
    return datetime.combine(plan.inputs.start_date, time(0), tzinfo=UTC)
