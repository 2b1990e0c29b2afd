"""``thrustcoach report``: per-leg progress charts (PNG) and the HTML page that shows them."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from thrustcoach.cli.log_common import athlete_option_help, db_session, resolve_athlete
from thrustcoach.cli.outputs import check_output_dir
from thrustcoach.cli.safe import plain
from thrustcoach.log.report import build_report

__all__ = ["register"]

console = Console(highlight=False)


def report(
    out: Path = typer.Option(..., "--out", help="Folder for index.html and the PNG charts."),
    athlete: str | None = typer.Option(None, "--athlete", "-a", help=athlete_option_help),
    weeks: int = typer.Option(8, "--weeks", min=1, max=520, help="How many weeks back (1-520)."),
) -> None:
    """Write the per-leg report: load and e1RM per side, symmetry vs 90 %, volume, form."""
    check_output_dir(out, flag="--out")
    with db_session(read_only=True) as s:
        who = resolve_athlete(s, athlete)
        result = build_report(s, athlete_id=who.id, out_dir=out, weeks=weeks)
    console.print(
        f"report for {plain(who.name)}: {result.sets} sets over {weeks} weeks -> "
        f"{plain(result.html)}"
    )
    for flag in result.flags:
        if flag.flagged:
            console.print(
                f"[bold red]flag:[/] {flag.metric} symmetry below 90 % for "
                f"{flag.weeks_below} weeks (latest {flag.latest_pct} %)"
            )
    if result.trend and result.trend.slope_pct_per_week is not None:
        state = "closing" if result.trend.closing else "not closing"
        console.print(
            f"e1RM gap trend: {result.trend.slope_pct_per_week:+.2f} points/week ({state})"
        )


def register(app: typer.Typer) -> None:
    app.command("report")(report)
