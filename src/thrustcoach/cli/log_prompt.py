"""The interactive side of ``thrustcoach log``: today's planned sets, weak side first, and
analysing a video or landmark file before attaching it."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.prompt import Confirm, Prompt
from sqlalchemy.orm import Session

from thrustcoach.cli.safe import plain
from thrustcoach.errors import DependencyMissingError, ThrustCoachError, UsageError
from thrustcoach.log import parse_load_kg, repo
from thrustcoach.log.models import Athlete
from thrustcoach.log.planview import PlannedSetView, PlanView
from thrustcoach.vocab import Side

__all__ = ["analyse_file", "interactive_add", "weak_side_first"]


def weak_side_first(sets: tuple[PlannedSetView, ...], weak: Side | None) -> list[PlannedSetView]:
    """Planned sets with the weak side's sets first (plan order kept within a side)."""
    if weak is None:
        return sorted(sets, key=lambda s: s.order)
    return sorted(sets, key=lambda s: (s.side is not weak, s.order))


def _ask(prompt: str, default: Any, parse: Any, console: Console) -> Any:
    """Ask until the answer parses (the log's own validation gives the message)."""
    while True:
        answer = Prompt.ask(
            prompt, default=str(default) if default is not None else None, console=console
        )
        try:
            return parse(answer)
        except ThrustCoachError as exc:
            console.print(f"[red]{plain(exc)}[/red]")


def _whole_number(text: str) -> int:
    """Reps typed at the prompt: a whole number 0-1000 (the log's bounds)."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 4 or int(value) > 1000:
        raise UsageError(f"{value[:20]!r} is not a whole number of reps 0-1000")
    return int(value)


def interactive_add(session: Session, *, athlete: Athlete, day: dt.date, console: Console) -> None:
    """Walk through the planned sets of ``day`` (weak side first, targets pre-filled)."""
    stored = repo.latest_plan(session, athlete_id=athlete.id)
    planned = PlanView.model_validate_json(stored.plan_json).session_on(day) if stored else None
    if stored is None or planned is None:
        console.print(f"no planned session on {day}: logging a single set")
        _one_free_set(session, athlete=athlete, day=day, console=console)
        return
    weak = Side(athlete.weak_side) if athlete.weak_side else None
    parent = repo.get_or_create_session(
        session,
        athlete_id=athlete.id,
        performed_on=day,
        plan_id=stored.id,
        plan_week=planned.week,
        plan_session_index=planned.index,
    )
    ordered = weak_side_first(planned.sets, weak)
    console.print(
        f"{plain(planned.title or 'planned session')} (week {planned.week}, session "
        f"{planned.index}): {len(ordered)} sets, weak side first"
    )
    logged = 0
    for n, ps in enumerate(ordered, start=1):
        load = ps.load_kg or 0
        console.print(
            f"set {n}/{len(ordered)}: [bold]{ps.side.value}[/bold] {ps.exercise.value}"
            f" {ps.reps} reps @ {load} kg, pause {ps.pause_s} s, lowering "
            f"{ps.lowering_s} s"
        )
        choice = Prompt.ask("log it?", choices=["y", "skip", "quit"], default="y", console=console)
        if choice == "quit":
            break
        if choice == "skip":
            continue
        _log_planned(session, athlete, parent.id, ps, console)
        logged += 1
    console.print(f"logged {logged} of {len(ordered)} planned sets")


def _log_planned(
    session: Session, athlete: Athlete, session_id: int, ps: PlannedSetView, console: Console
) -> None:
    reps = _ask("reps done", ps.reps, _whole_number, console)
    load = _ask("load kg", ps.load_kg or 0, parse_load_kg, console)
    rpe_text = Prompt.ask("RPE (1-10, empty to skip)", default="", console=console)
    clean = Confirm.ask(
        "bench contact, level pelvis and full range on every rep?", default=True, console=console
    )
    pain = Confirm.ask("any pain?", default=False, console=console)
    row = repo.add_set(
        session,
        athlete_id=athlete.id,
        session_id=session_id,
        variant=ps.exercise.value,
        side=ps.side.value,
        reps=reps,
        target_reps=ps.reps,
        load_kg=load,
        target_load_kg=ps.load_kg,
        pause_s=ps.pause_s,
        lowering_s=ps.lowering_s,
        rpe=rpe_text or None,
        bench_contact=clean,
        pelvis_level=clean,
        full_range=clean,
        pain=pain,
    )
    console.print(f"  logged set {row.id}")


def _one_free_set(session: Session, *, athlete: Athlete, day: dt.date, console: Console) -> None:
    weak = athlete.weak_side or "left"
    side = Prompt.ask("side", choices=["left", "right", "both"], default=weak, console=console)
    reps = _ask("reps", 10, _whole_number, console)
    load = _ask("load kg (0 = bodyweight)", 0, parse_load_kg, console)
    row = repo.add_set(
        session,
        athlete_id=athlete.id,
        performed_on=day,
        variant="single_leg_hip_thrust",
        side=side,
        reps=reps,
        load_kg=load,
    )
    console.print(f"logged set {row.id}")


def _extract_with_progress(extract: Any, path: Path) -> Any:
    """Pose estimation over the video with a progress bar on stderr."""
    with Progress(
        TextColumn("pose {task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(path.name, total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return extract(path, on_progress=report).series


def analyse_file(path: Path, *, video: bool) -> dict[str, Any]:
    """Run the analysis pipeline on a video or landmark file; the ``--json`` document."""
    try:
        analysis = importlib.import_module("thrustcoach.analysis")
        analyze, options_cls = analysis.analyze, analysis.AnalysisOptions
        if video:
            extract = importlib.import_module("thrustcoach.pose.extract").extract_landmarks
            series = _extract_with_progress(extract, path)
        else:
            series = importlib.import_module("thrustcoach.pose.io").read_landmarks(path)
    except (ImportError, AttributeError) as exc:
        raise DependencyMissingError(
            f"cannot analyse {path.name} here: the analysis pipeline is not available ({exc})",
            hint="run 'thrustcoach analyze FILE --json OUT.json' and attach OUT.json",
        ) from exc
    options = options_cls(source_path=str(path), source_kind="video" if video else "landmarks")
    result: dict[str, Any] = analyze(series, options=options).to_json_dict()
    return result
