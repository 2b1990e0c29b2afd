"""``thrustcoach batch DIR_OR_GLOB --out DIR``: analyse many videos, resumable, local or on Ray."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from thrustcoach.batch import BatchOptions, ItemResult, find_videos, run_batch
from thrustcoach.cli.analyze import check_tempo
from thrustcoach.cli.outputs import check_output_dir
from thrustcoach.cli.pose import check_workers, max_fps_option
from thrustcoach.cli.safe import plain
from thrustcoach.errors import InputFileError
from thrustcoach.pose.extract import default_workers

__all__ = ["register"]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def _table(items: list[ItemResult]) -> Table:
    table = Table(title="batch results")
    for col in ("video", "status", "exercise", "reps L/R/both", "faults", "time s"):
        table.add_column(col)
    for it in sorted(items, key=lambda i: i.video):
        status = {"done": "[green]done", "skipped": "[cyan]skipped", "failed": "[red]failed"}[
            it.status
        ]
        table.add_row(
            plain(Path(it.video).name),
            status,
            it.exercise if it.status != "failed" else "(see below)",
            f"{it.reps_left}/{it.reps_right}/{it.reps_both}" if it.status != "failed" else "",
            it.faults.replace(";", ", "),
            f"{it.elapsed_s:.1f}" if it.status == "done" else "",
        )
    return table


def batch_command(
    source: str = typer.Argument(..., help="A folder of videos or a glob ('clips/**/*.mp4')."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the results."),
    force: bool = typer.Option(False, "--force", help="Redo videos already analysed."),
    ray: str | None = typer.Option(
        None, "--ray", help="Run as Ray tasks: a cluster address, or 'local' for a local Ray."
    ),
    jobs: int = typer.Option(
        default_workers(), "--jobs", "-j", help="Videos analysed at once (local pool)."
    ),
    max_fps: float = typer.Option(30.0, "--max-fps", help="Frames per second analysed (0: all)."),
    pause: float | None = typer.Option(None, "--pause", help="Prescribed top pause, s."),
    lowering: float | None = typer.Option(None, "--lowering", help="Prescribed lowering, s."),
    annotate: bool = typer.Option(True, "--annotate/--no-annotate", help="Annotated videos."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or table."),
) -> None:
    """Analyse every video: per video a JSON, a plot, an annotated video and the landmark CSV,
    plus summary.csv. A failing video is reported and the others go on; a re-run skips videos
    already done (same content, same options) unless --force."""
    check_workers(jobs, flag="--jobs")
    check_output_dir(out, flag="--out")
    check_tempo(pause=pause, lowering=lowering)
    videos = find_videos(source)
    options = BatchOptions(
        max_fps=max_fps_option(max_fps), pause_s=pause, lowering_s=lowering, annotate=annotate
    )
    progress = Progress(
        TextColumn("[bold]batch"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("videos"),
        TimeRemainingColumn(),
        console=err_console,
        disable=quiet,
    )
    task = progress.add_task("batch", total=len(videos))
    with progress:
        items = run_batch(
            videos,
            out,
            options=options,
            jobs=jobs,
            force=force,
            ray_address=ray,
            on_item=lambda _item: progress.advance(task),
        )
    if not quiet:
        console.print(_table(items))
        console.print(f"summary: {out / 'summary.csv'}")
    failed = [i for i in items if i.status == "failed"]
    for it in failed:
        err_console.print(f"[red]failed:[/] {plain(Path(it.video).name)}: {plain(it.error)}")
    if failed:
        raise InputFileError(
            f"{len(failed)} of {len(items)} videos failed",
            hint=f"see the messages above and {out / 'summary.csv'}",
        )


def register(app: typer.Typer) -> None:
    app.command("batch", help="Analyse many videos (local process pool or Ray).")(batch_command)
