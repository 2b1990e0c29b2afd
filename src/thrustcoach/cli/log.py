"""``thrustcoach log``: keep a per-leg training log (add, show, edit, delete, attach, import...).

Every value is checked by the log package (one-line errors, exit code 2); every command runs
in one transaction, so a failed command changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from thrustcoach.cli.log_common import athlete_option_help, db_session, parse_date, resolve_athlete
from thrustcoach.cli.log_plan import register_plan_commands
from thrustcoach.cli.log_prompt import interactive_add
from thrustcoach.cli.outputs import check_output_dir
from thrustcoach.cli.safe import plain
from thrustcoach.errors import InputFileError, NotFoundError, UsageError
from thrustcoach.files import configured_limit, read_text_limited
from thrustcoach.log import commit_and_yield, repo
from thrustcoach.log.analyses import attach_analysis, set_records
from thrustcoach.log.analytics import side_summaries
from thrustcoach.log.io import export_csv, import_workouts
from thrustcoach.log.models import MAX_ROW_ID, SetEntry
from thrustcoach.log.planview import PlanView, match_planned_set
from thrustcoach.log.symmetry import infer_weak_side, weekly_symmetry
from thrustcoach.text import shorten
from thrustcoach.vocab import Side

__all__ = ["register"]

console = Console(highlight=False)
log_app = typer.Typer(
    name="log",
    help="Keep a per-leg training log: add, show, edit, delete, attach, import, export.",
    no_args_is_help=True,
)

ATHLETE = typer.Option(None, "--athlete", "-a", help=athlete_option_help)
VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v"}


def _flag_values(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@log_app.command("athlete")
def athlete_cmd(
    name: str = typer.Argument(..., help="Athlete name (created if new, else updated)."),
    weak_side: str | None = typer.Option(None, "--weak-side", help="left or right."),
    body_mass: str | None = typer.Option(None, "--body-mass", help="Body mass in kg today."),
    bilateral: str | None = typer.Option(
        None, "--bilateral", help="Recent bilateral hip thrust set as LOADxREPS, e.g. 80x8."
    ),
    date: str | None = typer.Option(None, "--date", help="Date of the body mass (YYYY-MM-DD)."),
) -> None:
    """Create or update an athlete (weak side, body mass history, bilateral reference lift)."""
    load, reps = _parse_bilateral(bilateral)
    with db_session() as s:
        try:
            athlete = repo.find_athlete(s, ref=name)
        except NotFoundError:
            athlete = repo.create_athlete(
                s,
                name=name,
                weak_side=weak_side,
                bilateral_ref_load_kg=load,
                bilateral_ref_reps=reps,
            )
            verb = "created"
        else:
            repo.update_athlete(
                s,
                athlete_id=athlete.id,
                weak_side=weak_side,
                bilateral_ref_load_kg=load,
                bilateral_ref_reps=reps,
            )
            verb = "updated"
        if body_mass is not None:
            repo.record_body_mass(
                s, athlete_id=athlete.id, mass_kg=body_mass, measured_on=parse_date(date)
            )
        console.print(
            f"athlete {athlete.id} {plain(repr(athlete.name))} {verb} "
            f"(weak side: {athlete.weak_side or 'unknown'})"
        )


def _parse_bilateral(text: str | None) -> tuple[str | None, int | None]:
    if text is None:
        return None, None
    parts = text.lower().replace("×", "x").split("x")
    reps = parts[1].strip() if len(parts) == 2 else ""
    if not (reps.isascii() and reps.isdigit()) or len(reps) > 3:
        raise UsageError(
            f"--bilateral {shorten(text)} is not LOADxREPS", hint="e.g. 80x8 or 80,5x6"
        )
    return parts[0].strip(), int(reps)


@log_app.command("add")
def add_cmd(
    athlete: str | None = ATHLETE,
    date: str | None = typer.Option(None, "--date", help="Day of the set (default today)."),
    variant: str = typer.Option("single_leg_hip_thrust", "--variant", help="Exercise variant."),
    side: str | None = typer.Option(None, "--side", help="left, right or both."),
    reps: int | None = typer.Option(None, "--reps", help="Reps done (per leg)."),
    target_reps: int | None = typer.Option(None, "--target-reps", help="Reps planned."),
    load: str | None = typer.Option(None, "--load", help="External load: 12.5, 12,5, '25 lb'."),
    pause: float | None = typer.Option(None, "--pause", help="Top pause in s."),
    lowering: float | None = typer.Option(None, "--lowering", help="Lowering time in s."),
    rpe: float | None = typer.Option(None, "--rpe", help="Rating of perceived exertion 1-10."),
    rir: int | None = typer.Option(None, "--rir", help="Reps in reserve."),
    bench_contact: bool | None = typer.Option(None, "--bench-contact/--no-bench-contact"),
    pelvis_level: bool | None = typer.Option(None, "--pelvis-level/--no-pelvis-level"),
    full_range: bool | None = typer.Option(None, "--full-range/--no-full-range"),
    pain: bool | None = typer.Option(None, "--pain/--no-pain", help="Any pain during the set."),
    notes: str | None = typer.Option(None, "--notes", help="Free text."),
    feel: int | None = typer.Option(None, "--feel", help="How the session felt, 1-5."),
    interactive: bool | None = typer.Option(
        None,
        "--interactive/--no-interactive",
        "-i",
        help="Walk through today's planned sets, weak side first (default when in a terminal "
        "and --side/--reps are not given).",
    ),
) -> None:
    """Log a set with flags, or walk through today's planned sets interactively."""
    day = parse_date(date)
    prompt = (
        interactive
        if interactive is not None
        else (side is None and reps is None and sys.stdin.isatty())
    )
    with db_session() as s:
        who = resolve_athlete(s, athlete)
        if prompt:
            interactive_add(s, athlete=who, day=day, console=console)
            return
        if side is None or reps is None:
            raise UsageError("log add needs --side and --reps", hint="or run it with -i")
        row = repo.add_set(
            s,
            athlete_id=who.id,
            performed_on=day,
            variant=variant,
            side=side,
            reps=reps,
            **_flag_values(
                target_reps=target_reps,
                load_kg=load,
                pause_s=pause,
                lowering_s=lowering,
                rpe=rpe,
                rir=rir,
                bench_contact=bench_contact,
                pelvis_level=pelvis_level,
                full_range=full_range,
                pain=pain,
                notes=notes,
            ),
        )
        if target_reps is None:
            _prefill_targets(s, row)
        if feel is not None:
            repo.update_session(s, session_id=row.session_id, feel=feel)
        console.print(f"logged set {row.id}: {_describe(row)}")


def _prefill_targets(s: Session, row: SetEntry) -> None:
    """Targets from the planned session this set belongs to (the nth set of its side)."""
    parent = row.session
    if parent.plan_id is None:
        return
    planned = PlanView.model_validate_json(repo.get_plan(s, plan_id=parent.plan_id).plan_json)
    day = planned.session_on(parent.performed_on)
    nth = sum(1 for x in parent.sets if x.side == row.side and x.variant == row.variant)
    match = match_planned_set(day, variant=row.variant, side=row.side, nth=nth) if day else None
    if match is not None:
        repo.update_set(s, set_id=row.id, target_reps=match.reps, target_load_kg=match.load_kg)


def _describe(row: SetEntry) -> str:
    load = f"{row.load_kg} kg" if row.load_kg else "bodyweight"
    return f"{row.side} {row.variant} {row.reps} reps @ {load}"


@log_app.command("show")
def show_cmd(
    athlete: str | None = ATHLETE,
    weeks: int = typer.Option(4, "--weeks", min=1, max=520, help="How many weeks back."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Show the sets of the last weeks per day and side, with per-side totals and symmetry."""
    since = dt.date.today() - dt.timedelta(weeks=weeks)
    with db_session(read_only=True) as s:
        who = resolve_athlete(s, athlete)
        sets = repo.list_sets(s, athlete_id=who.id, since=since)
        if as_json:
            typer.echo(json.dumps([_set_json(x) for x in sets], indent=2))
            return
        _print_sets(who.name, sets)
        records = set_records(s, athlete_id=who.id, since=since)
        declared = Side(who.weak_side) if who.weak_side else None
        weak = infer_weak_side(records, declared=declared)
        for side, summary in side_summaries(records).items():
            console.print(
                f"{side.value}{' (weak)' if side is weak else ''}: {summary.sets} sets, "
                f"{summary.reps} reps, volume {summary.volume_kg} kg, best e1RM "
                f"{summary.best_e1rm_kg or '-'} kg"
            )
        if weak is not None:
            for week in weekly_symmetry(records, weak_side=weak)[-1:]:
                vals = ", ".join(
                    f"{k} {v if v is not None else '-'} %" for k, v in week.values.items()
                )
                console.print(f"symmetry week of {week.week}: {vals}")


def _set_json(x: SetEntry) -> dict[str, Any]:
    return {
        "id": x.id,
        "date": x.session.performed_on.isoformat(),
        "session_id": x.session_id,
        "order": x.order_index,
        "variant": x.variant,
        "side": x.side,
        "reps": x.reps,
        "target_reps": x.target_reps,
        "load_kg": str(x.load_kg),
        "pause_s": x.pause_s,
        "lowering_s": x.lowering_s,
        "rpe": str(x.rpe) if x.rpe is not None else None,
        "rir": x.rir,
        "bench_contact": x.bench_contact,
        "pelvis_level": x.pelvis_level,
        "full_range": x.full_range,
        "pain": x.pain,
        "notes": x.notes,
    }


def _print_sets(name: str, sets: list[SetEntry]) -> None:
    if not sets:
        console.print(
            f"no sets logged for {plain(name)} in this period (add one with 'thrustcoach log add')"
        )
        return
    table = Table(title=f"{plain(name)}: logged sets")
    for col in ("id", "date", "#", "side", "variant", "reps", "target", "load kg", "RPE", "form"):
        table.add_column(col, no_wrap=col in ("id", "date", "load kg"))
    for x in sets:
        flags = [
            n
            for n, v in (
                ("bench", x.bench_contact),
                ("pelvis", x.pelvis_level),
                ("range", x.full_range),
            )
            if v is False
        ]
        form = "pain" if x.pain else (", ".join(f"no {f}" for f in flags) or "")
        table.add_row(
            str(x.id),
            x.session.performed_on.isoformat(),
            str(x.order_index),
            x.side,
            x.variant,
            str(x.reps),
            str(x.target_reps or ""),
            str(x.load_kg),
            str(x.rpe or ""),
            form,
        )
    console.print(table)


@log_app.command("edit")
def edit_cmd(
    set_id: int = typer.Argument(
        ..., min=1, max=MAX_ROW_ID, help="Id of the set (see 'log show')."
    ),
    athlete: str | None = ATHLETE,
    variant: str | None = typer.Option(None, "--variant"),
    side: str | None = typer.Option(None, "--side"),
    reps: int | None = typer.Option(None, "--reps"),
    target_reps: int | None = typer.Option(None, "--target-reps"),
    load: str | None = typer.Option(None, "--load"),
    pause: float | None = typer.Option(None, "--pause"),
    lowering: float | None = typer.Option(None, "--lowering"),
    rpe: float | None = typer.Option(None, "--rpe"),
    rir: int | None = typer.Option(None, "--rir"),
    bench_contact: bool | None = typer.Option(None, "--bench-contact/--no-bench-contact"),
    pelvis_level: bool | None = typer.Option(None, "--pelvis-level/--no-pelvis-level"),
    full_range: bool | None = typer.Option(None, "--full-range/--no-full-range"),
    pain: bool | None = typer.Option(None, "--pain/--no-pain"),
    notes: str | None = typer.Option(None, "--notes"),
) -> None:
    """Change fields of a logged set (only the flags you give)."""
    changes = _flag_values(
        variant=variant,
        side=side,
        reps=reps,
        target_reps=target_reps,
        load_kg=load,
        pause_s=pause,
        lowering_s=lowering,
        rpe=rpe,
        rir=rir,
        bench_contact=bench_contact,
        pelvis_level=pelvis_level,
        full_range=full_range,
        pain=pain,
        notes=notes,
    )
    if not changes:
        raise UsageError("nothing to change", hint="give at least one flag, e.g. --reps 9")
    with db_session() as s:
        who = resolve_athlete(s, athlete)
        row = repo.update_set(s, set_id=set_id, athlete_id=who.id, **changes)
        console.print(f"set {row.id} is now: {_describe(row)}")


@log_app.command("delete")
def delete_cmd(
    set_id: int = typer.Argument(
        ..., min=1, max=MAX_ROW_ID, help="Id of the set (see 'log show')."
    ),
    athlete: str | None = ATHLETE,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a logged set (asks first)."""
    with db_session() as s:
        who = resolve_athlete(s, athlete)
        row = repo.get_set(s, set_id=set_id, athlete_id=who.id)
        if not yes and not typer.confirm(f"delete set {row.id} ({_describe(row)})?"):
            console.print("nothing deleted")
            return
        repo.delete_set(s, set_id=set_id, athlete_id=who.id)
        console.print(f"deleted set {set_id}")


@log_app.command("attach")
def attach_cmd(
    file: Path = typer.Argument(
        ..., help="Analysis JSON ('thrustcoach analyze --json'), landmark file or video."
    ),
    set_id: int = typer.Option(..., "--set", min=1, max=MAX_ROW_ID, help="Id of the logged set."),
    athlete: str | None = ATHLETE,
) -> None:
    """Attach a video analysis to a set (a video or landmark file is analysed first)."""
    document = _analysis_document(file)
    with db_session() as s:
        who = resolve_athlete(s, athlete)
        row = attach_analysis(
            s, set_id=set_id, document=document, source_name=file.name, athlete_id=who.id
        )
        console.print(f"attached analysis {row.id} ({len(row.reps)} reps) to set {set_id}")


def _analysis_document(file: Path) -> str:
    if not file.is_file():
        raise InputFileError(f"{file} does not exist or is not a file")
    if file.suffix.lower() == ".json":
        return read_text_limited(
            file,
            max_bytes=configured_limit("max_json_mb"),
            what="an analysis JSON",
            setting="max_json_mb",
        )
    from thrustcoach.cli.log_prompt import analyse_file

    return json.dumps(analyse_file(file, video=file.suffix.lower() in VIDEO_SUFFIXES))


@log_app.command("export")
def export_cmd(
    out: Path = typer.Option(..., "--out", help="Folder for the CSV files."),
    athlete: str | None = typer.Option(None, "--athlete", "-a", help="Only this athlete."),
) -> None:
    """Export the whole log as CSV files (one per table; accounts are never exported)."""
    check_output_dir(out, flag="--out")
    with db_session(read_only=True) as s:
        athlete_id = resolve_athlete(s, athlete).id if athlete else None
        paths = export_csv(s, out_dir=out, athlete_id=athlete_id)
    console.print(f"wrote {len(paths)} files to {plain(out)}: " + ", ".join(p.name for p in paths))


@log_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="CSV export of Strong or Hevy."),
    athlete: str | None = ATHLETE,
    unit: str = typer.Option("kg", "--unit", help="Weight unit of a Strong export: kg or lb."),
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="Import the good rows even if some are invalid."
    ),
) -> None:
    """Import a Strong or Hevy CSV export (again importing the same file adds nothing)."""
    with db_session() as s:
        who = resolve_athlete(s, athlete)
        report = import_workouts(
            s,
            path=file,
            athlete_id=who.id,
            weight_unit=unit,
            skip_invalid=skip_invalid,
            checkpoint=lambda: commit_and_yield(s),  # batches: other writers get in between
        )
    for line in report.lines():
        console.print(plain(line))


register_plan_commands(log_app)


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")
