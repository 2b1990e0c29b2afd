"""The terminal view of a plan: one rich table per week, sessions grouped, notes below."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from thrustcoach.program import Plan, PlanSession, PlanWeek
from thrustcoach.program.render import format_load

__all__ = ["render_table"]


def _session_table(sess: PlanSession) -> Table:
    exercises = sorted({s.exercise.value.replace("_", " ") for s in sess.sets})
    leg = f", free leg {sess.free_leg.value}" if sess.free_leg else ""
    title = f"{sess.date.strftime('%a')} {sess.date.isoformat()}  {', '.join(exercises)}{leg}"
    table = Table(title=title, title_justify="left", title_style="bold", min_width=len(title))
    table.add_column("#", justify="right")
    table.add_column("Side")
    for name in ("Reps", "Load", "Pause s", "Lower s", "Rest s"):
        table.add_column(name, justify="right", no_wrap=True)
    for s in sess.sets:
        side = s.side.value + (" (extra)" if s.extra else "")
        table.add_row(
            str(s.order),
            side,
            str(s.reps),
            format_load(s.load_kg),
            str(s.pause_s),
            str(s.lowering_s),
            str(s.rest_s),
            style="bold" if s.extra else None,
        )
    return table


def _print_week(week: PlanWeek, console: Console, seen: set[str]) -> None:
    console.rule(f"Week {week.number}" + (" (deload)" if week.deload else ""))
    for sess in week.sessions:
        console.print(_session_table(sess))
        # Notes the reader has not seen yet (the first session shows all; later ones what changed).
        for note in sess.notes:
            if note not in seen or "extra" in note.lower() or "deload" in note.lower():
                console.print(f"  - {note}", markup=False, style="dim")
                seen.add(note)


def render_table(plan: Plan, *, console: Console) -> None:
    weak = plan.weak_side.value if plan.weak_side else "unknown (alternates)"
    console.print(f"[bold]{plan.template_name}[/] - block {plan.block_number}")
    console.print(
        f"Weak side: {weak} | free leg: {plan.free_leg.value} | single-leg load: "
        f"{format_load(plan.working_load_kg)} ({plan.load_basis})"
    )
    if plan.bilateral_load_kg is not None:
        console.print(f"Bilateral day load: {format_load(plan.bilateral_load_kg)}")
    seen: set[str] = set()
    for week in plan.weeks:
        _print_week(week, console, seen)
    console.print("[bold]Notes[/]")
    for note in plan.notes:
        console.print(f"- {note}", markup=False)
