"""``thrustcoach pose VIDEO -o landmarks.csv``: pose estimation only, to our landmark CSV."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from thrustcoach.cli.outputs import check_output_file
from thrustcoach.cli.safe import plain
from thrustcoach.errors import UsageError
from thrustcoach.pose.extract import PoseRun, default_workers, extract_landmarks
from thrustcoach.pose.io import write_landmarks_csv
from thrustcoach.text import shorten

__all__ = ["max_fps_option", "pose_progress", "register", "render_pose_summary", "run_pose"]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

ProgressFn = Callable[[int, int], None]
MAX_FPS = 1000  # above any camera's frame rate
MAX_WORKERS = 256


@contextmanager
def pose_progress(label: str, *, quiet: bool) -> Iterator[ProgressFn]:
    """A rich progress bar (frames, frames/s, time left) fed by (done, total) callbacks."""
    if quiet:
        yield lambda done, total: None
        return
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("frames  {task.fields[fps]:>5.1f} fps"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )
    task = progress.add_task(label, total=None, fps=0.0)

    def update(done: int, total: int) -> None:
        elapsed = progress.tasks[0].elapsed or 0.0
        fps = done / elapsed if elapsed > 0 else 0.0
        progress.update(task, completed=done, total=total, fps=fps)

    with progress:
        yield update


def max_fps_option(value: float) -> float | None:
    if not math.isfinite(value) or value < 0 or value > MAX_FPS:
        raise UsageError(
            f"--max-fps must be 0 (every frame) or a frame rate up to {MAX_FPS}, got {value:g}"
        )
    return None if value == 0 else value


def check_workers(workers: int | None, *, flag: str = "--workers") -> None:
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise UsageError(f"{flag} must be 1-{MAX_WORKERS}, got {shorten(workers)}")


def run_pose(
    video: Path, *, workers: int | None, max_fps: float, quiet: bool, label: str = "pose"
) -> PoseRun:
    """Pose estimation with the progress bar; the shared step of pose/analyze/batch."""
    check_workers(workers)
    with pose_progress(label, quiet=quiet) as update:
        return extract_landmarks(
            video, workers=workers, max_fps=max_fps_option(max_fps), on_progress=update
        )


def render_pose_summary(run: PoseRun, *, quiet: bool) -> None:
    for w in run.warnings:
        err_console.print(f"[yellow]warning:[/] {plain(w)}")
    if quiet:
        return
    info = run.info
    speed = run.frames_per_s
    realtime = info.duration_s / run.elapsed_s if run.elapsed_s > 0 else 0.0
    console.print(
        f"{plain(info.path.name)}: {info.resolution}, {info.duration_s:.1f} s at {info.fps:.2f} fps"
        + (f", rotated {info.rotation_deg} deg" if info.rotation_deg else "")
        + f"; person found in {run.frames_with_person} of {run.frames_analysed} frames; "
        f"{speed:.1f} frames/s ({realtime:.2f}x real time) with {run.workers} worker(s)"
    )


def pose_command(
    video: Path = typer.Argument(..., help="The video of the set (MP4/MOV/...)."),
    output: Path = typer.Option(..., "--output", "-o", help="Landmark CSV to write."),
    workers: int = typer.Option(
        default_workers(), "--workers", "-w", help="Worker processes (default: CPU cores)."
    ),
    max_fps: float = typer.Option(
        30.0, "--max-fps", help="Analyse at most this many frames per second (0: every frame)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Find the body landmarks in every frame of VIDEO and write them as a landmark CSV."""
    check_output_file(output, flag="--output", inputs=(video,))
    max_fps_option(max_fps)
    check_workers(workers)
    run = run_pose(video, workers=workers, max_fps=max_fps, quiet=quiet)
    write_landmarks_csv(run.series, output)
    render_pose_summary(run, quiet=quiet)
    if not quiet:
        console.print(f"wrote {plain(output)}")


def register(app: typer.Typer) -> None:
    app.command("pose", help="Pose estimation only: VIDEO -> landmark CSV.")(pose_command)
