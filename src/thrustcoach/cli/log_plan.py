"""``thrustcoach log plan`` (store a plan) and ``log results`` (feed the plan's progression)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from thrustcoach.cli.log_common import athlete_option_help, db_session, resolve_athlete
from thrustcoach.cli.outputs import check_output_file
from thrustcoach.cli.safe import plain
from thrustcoach.errors import NotFoundError, UsageError
from thrustcoach.files import configured_limit, read_text_limited
from thrustcoach.log import repo
from thrustcoach.log.models import MAX_ROW_ID
from thrustcoach.log.results import session_results

__all__ = ["register_plan_commands"]

console = Console(highlight=False)


def plan_cmd(
    file: Path = typer.Argument(..., help="Plan JSON from 'thrustcoach plan --format json'."),
    athlete: str | None = typer.Option(None, "--athlete", "-a", help=athlete_option_help),
) -> None:
    """Store a plan: sets logged on its days link to it; 'log add -i' and the report use it."""
    text = read_text_limited(
        file, max_bytes=configured_limit("max_json_mb"), what="a plan JSON", setting="max_json_mb"
    )
    with db_session() as s:
        who = resolve_athlete(s, athlete)
        plan = repo.save_plan(s, athlete_id=who.id, plan_json=text)
        console.print(
            f"stored plan {plan.id} {plain(repr(plan.name))} for {plain(who.name)} "
            f"({plan.weeks} weeks from {plan.start_date})"
        )


def results_cmd(
    out: Path = typer.Option(..., "--out", help="Where to write the results JSON."),
    athlete: str | None = typer.Option(None, "--athlete", "-a", help=athlete_option_help),
    plan_id: int | None = typer.Option(
        None, "--plan", min=1, max=MAX_ROW_ID, help="Plan id (default: the active one)."
    ),
) -> None:
    """Write the session results of a plan for 'thrustcoach plan --next PLAN --results FILE'."""
    check_output_file(out, flag="--out")
    with db_session(read_only=True) as s:
        who = resolve_athlete(s, athlete)
        if plan_id is None:
            latest = repo.latest_plan(s, athlete_id=who.id)
            if latest is None:
                raise NotFoundError(f"{who.name!r} has no plan", hint="store one with 'log plan'")
            plan_id = latest.id
        results = session_results(s, athlete_id=who.id, plan_id=plan_id)
    try:
        out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"cannot write {out}: {exc.strerror or exc}", hint="choose a writable file path"
        ) from None
    console.print(f"wrote {len(results)} session results of plan {plan_id} to {plain(out)}")


def register_plan_commands(log_app: typer.Typer) -> None:
    log_app.command("plan")(plan_cmd)
    log_app.command("results")(results_cmd)
