"""``thrustcoach pose VIDEO -o landmarks.csv``: pose estimation only, to our landmark CSV."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

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
from thrustcoach.pose.extract import DEFAULT_SAMPLING, PoseRun, default_workers, extract_landmarks
from thrustcoach.pose.io import write_landmarks_csv
from thrustcoach.pose.sampling import SamplingPolicy
from thrustcoach.text import shorten

__all__ = [
    "max_fps_option",
    "pose_progress",
    "register",
    "render_pose_summary",
    "run_pose",
    "sample_edges_flag",
    "sample_fps_flag",
    "sampling_option",
]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

ProgressFn = Callable[[int, int], None]
MAX_FPS = 1000  # above any camera's frame rate
MAX_WORKERS = 256
DEFAULT_SAMPLE_FPS = float(DEFAULT_SAMPLING.base_fps or 0.0)


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


def sampling_option(value: float, *, edges: bool = False) -> SamplingPolicy | None:
    """``--sample-fps``: the pose model's steady rate (0: every decoded frame);
    ``--sample-edges``: plus every frame around the phase edges."""
    if not math.isfinite(value) or value < 0 or value > MAX_FPS:
        raise UsageError(
            f"--sample-fps must be 0 (every frame) or a frame rate up to {MAX_FPS}, got {value:g}",
            hint=f"the default, {DEFAULT_SAMPLE_FPS:g}, runs the model on "
            f"{DEFAULT_SAMPLE_FPS:g} frames a second",
        )
    return None if value == 0 else replace(DEFAULT_SAMPLING, base_fps=value, edges=edges)


def run_pose(
    video: Path,
    *,
    workers: int | None,
    max_fps: float,
    quiet: bool,
    sample_fps: float = DEFAULT_SAMPLE_FPS,
    sample_edges: bool = False,
    annotate: Path | None = None,
    label: str = "pose",
) -> PoseRun:
    """Pose estimation with the progress bar; the shared step of pose/analyze/batch."""
    check_workers(workers)
    cap = max_fps_option(max_fps)
    sampling = sampling_option(sample_fps, edges=sample_edges)
    with pose_progress(label, quiet=quiet) as update:
        run = extract_landmarks(
            video,
            workers=workers,
            max_fps=cap,
            sampling=sampling,
            annotate=annotate,
            on_progress=update,
        )
    _write_stats(run)
    return run


def _write_stats(run: PoseRun) -> None:
    """For benchmarks/video_speed.py: the pose stage's own figures, when asked for by
    ``THRUSTCOACH_POSE_STATS=FILE`` (how much of a command's wall time was the model)."""
    path = os.environ.get("THRUSTCOACH_POSE_STATS")
    if not path:
        return
    stats = {
        "frames_analysed": run.frames_analysed,
        "frames_inferred": run.frames_inferred,
        "inference_s": round(run.inference_s, 4),
        "pose_s": round(run.elapsed_s, 4),
        "workers": run.workers,
    }
    Path(path).write_text(json.dumps(stats), encoding="utf-8")


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
        + f"; the pose model ran on {run.frames_inferred} of {run.frames_analysed} frames "
        f"and found the person in {run.frames_with_person}; "
        f"{speed:.1f} frames/s ({realtime:.2f}x real time) with {run.workers} worker(s)"
    )


def sample_fps_flag() -> Any:
    return typer.Option(
        DEFAULT_SAMPLE_FPS,
        "--sample-fps",
        help="Run the pose model on this many frames per second (0: every decoded frame). "
        "A rep lasts seconds: 18 keeps rep counts and tempo for 60 % of the work at 30 fps.",
    )


def sample_edges_flag() -> Any:
    return typer.Option(
        False,
        "--sample-edges",
        help="Also run the model on every frame where the hip starts, stops or turns (the "
        "phase edges): closer tempo on noisy landmarks, about a third more frames.",
    )


def pose_command(
    video: Path = typer.Argument(..., help="The video of the set (MP4/MOV/...)."),
    output: Path = typer.Option(..., "--output", "-o", help="Landmark CSV to write."),
    workers: int = typer.Option(
        default_workers(), "--workers", "-w", help="Parallel chunks (default: CPU cores)."
    ),
    max_fps: float = typer.Option(
        30.0, "--max-fps", help="Decode at most this many frames per second (0: every frame)."
    ),
    sample_fps: float = sample_fps_flag(),
    sample_edges: bool = sample_edges_flag(),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Find the body landmarks in VIDEO and write them as a landmark CSV.

    The model runs on the frames the analysis needs (see --sample-fps); the CSV holds those
    frames, and states the rate they were taken from (nominal_fps).
    """
    check_output_file(output, flag="--output", inputs=(video,))
    max_fps_option(max_fps)
    sampling_option(sample_fps)
    check_workers(workers)
    from thrustcoach.cli.video_input import prefetch

    prefetch([])  # MediaPipe's import overlaps opening the video
    run = run_pose(
        video,
        workers=workers,
        max_fps=max_fps,
        sample_fps=sample_fps,
        sample_edges=sample_edges,
        quiet=quiet,
    )
    write_landmarks_csv(run.series, output)
    render_pose_summary(run, quiet=quiet)
    if not quiet:
        console.print(f"wrote {plain(output)}")


def register(app: typer.Typer) -> None:
    app.command("pose", help="Pose estimation only: VIDEO -> landmark CSV.")(pose_command)
