"""``thrustcoach analyze FILE``: reps per leg, tempo, form metrics and faults of a set.

The command body is short on purpose: :func:`load_input` turns FILE into a landmark series
(the video pipeline hooks in there), :func:`run` analyses it and writes the outputs, and
:func:`render_report` prints the rich report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from thrustcoach.cli.outputs import PLOT_SUFFIXES, check_output_file
from thrustcoach.cli.pose import (
    check_workers,
    max_fps_option,
    sample_edges_flag,
    sample_fps_flag,
    sampling_option,
)
from thrustcoach.cli.safe import plain
from thrustcoach.cli.video_input import VideoSettings, finish, load_series, prefetch
from thrustcoach.errors import InputFileError, UsageError
from thrustcoach.pose.io import FileKind, detect_kind
from thrustcoach.pose.series import LandmarkSeries
from thrustcoach.vocab import Exercise

# The analysis stack is imported where it is used: for a video it loads on a background
# thread while the pose model runs (see run()), so start-up does not wait for it.
if TYPE_CHECKING:
    from thrustcoach.analysis import AnalysisOptions, AnalysisResult, FaultFinding

__all__ = ["check_tempo", "load_input", "register", "render_report", "run"]

console = Console(highlight=False)
_EXERCISES = [e.value for e in Exercise if e is not Exercise.NOT_RECOGNIZED]


def _fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def parse_exercise(value: str) -> Exercise | None:
    v = value.strip().lower().replace("-", "_")
    if v == "auto":
        return None
    if v not in _EXERCISES:
        raise UsageError(f"--exercise {value!r} is not one of: auto, {', '.join(_EXERCISES)}")
    return Exercise(v)


def load_input(path: Path) -> tuple[LandmarkSeries, str]:
    """The landmark series of FILE and its kind (``landmarks`` or ``video``)."""
    if not path.exists():
        raise InputFileError(f"{path} does not exist", hint="check the path")
    loaded = load_series(path, VideoSettings())
    return loaded.series, loaded.kind


def _rep_table(result: AnalysisResult) -> Table:
    t = Table(
        title="Reps (times in s; hip peak, knee and shin at the top in deg)",
        title_justify="left",
        header_style="bold",
    )
    t.add_column("#", justify="right")
    t.add_column("leg")
    for col in ("top s", "lift", "pause", "lower", "hip", "knee", "shin"):
        t.add_column(col, justify="right", no_wrap=True)
    t.add_column("faults", min_width=18)
    for r in result.reps:
        t.add_row(
            f"{r.index}{'*' if r.partial else ''}",
            r.side.value,
            f"{r.top_s:.1f}",
            _fmt(r.concentric_s),
            _fmt(r.pause_s),
            _fmt(r.eccentric_s),
            _fmt(r.peak_hip_angle_deg, "", 0),
            _fmt(r.knee_angle_top_deg, "", 0),
            _fmt(r.shin_angle_top_deg, "", 0),
            " ".join(f.code.value for f in r.faults) or "[green]ok[/]",
        )
    return t


def _fault_lines(result: AnalysisResult) -> list[str]:
    seen: dict[str, list[int]] = {}
    example: dict[str, FaultFinding] = {}
    for r in result.reps:
        for f in r.faults:
            seen.setdefault(f.code.value, []).append(r.index)
            example.setdefault(f.code.value, f)
    lines = []
    for code, reps in seen.items():
        f = example[code]
        title = f.title or code.replace("_", " ")
        lines.append(
            f"[bold red]{title}[/] on rep(s) {', '.join(map(str, reps))} "
            f"(e.g. {f.value:g} vs limit {f.threshold:g})"
        )
        if f.cue:
            lines.append(f"   [italic]cue:[/] {f.cue}")
    return lines


def render_report(result: AnalysisResult, *, out: Console = console) -> None:
    """Print the human report of one analysis."""
    inp = result.input
    out.print(
        f"[bold]{plain(inp.path or 'landmarks')}[/]: {inp.frames} frames, "
        f"{inp.duration_s:.1f} s at {inp.fps:.0f} fps"
    )
    out.print(
        f"exercise: [bold]{result.exercise.value}[/]   view: {result.view} (feet {result.facing})"
    )
    counts = result.summary.rep_count
    out.print(
        "reps: " + ", ".join(f"{s.value} {n}" for s, n in counts.items() if n)
        if result.reps
        else "reps: none"
    )
    if result.reps:
        out.print(_rep_table(result))
        out.print(
            f"prescribed: pause {result.prescribed_pause_s:g} s, "
            f"lowering {result.prescribed_lowering_s:g} s;"
            " * = rep cut by the start or end of the recording"
        )
        lines = _fault_lines(result)
        out.print("[bold]Faults[/]" if lines else "[bold green]No faults found.[/]")
        for line in lines:
            out.print(line)
        m = result.summary.metrics
        for name in ("peak_hip_angle_deg", "pause_s", "eccentric_s"):
            if name in m:
                s = m[name]
                out.print(
                    f"{name}: mean {s.mean:g} ± {s.sd:g}, first {s.first:g} -> "
                    f"last {s.last:g} (drift {s.drift:+g})"
                )
        for name, diff in result.summary.left_minus_right.items():
            out.print(f"left - right {name}: {diff:+g}")
    for w in result.warnings:
        out.print(f"[yellow]warning:[/] {plain(w)}")


def check_tempo(*, pause: float | None, lowering: float | None) -> None:
    """The prescribed tempo flags: seconds between 0 and 30 (NaN is not a number of seconds)."""
    for flag, v in (("--pause", pause), ("--lowering", lowering)):
        if v is not None and not 0 <= v <= 30:
            raise UsageError(f"{flag} {v:g} is out of range", hint="give seconds between 0 and 30")


def run(
    path: Path,
    options: AnalysisOptions | Callable[[], AnalysisOptions],
    *,
    json_out: Path | None,
    plot: Path | None,
    video: VideoSettings | None = None,
) -> AnalysisResult:
    if not path.exists():
        raise InputFileError(f"{path} does not exist", hint="check the path")
    video = video or VideoSettings()
    if detect_kind(path) is FileKind.VIDEO:
        prefetch(["thrustcoach.analysis", *(["thrustcoach.analysis.plot"] if plot else [])])
    loaded = load_series(path, video)  # a video goes through pose estimation first
    from thrustcoach.analysis import analyze

    if callable(options):  # built only now: the analysis stack loaded during the pose run
        options = options()
    result = analyze(
        loaded.series,
        options=options.model_copy(update={"source_path": str(path), "source_kind": loaded.kind}),
    )
    result = finish(path, loaded, result, video)  # pose warnings; --annotate
    if json_out is not None:
        try:
            json_out.write_text(
                json.dumps(result.to_json_dict(), indent=2) + "\n", encoding="utf-8"
            )
        except OSError as exc:
            raise UsageError(
                f"cannot write {json_out}: {exc.strerror}", hint="choose a writable folder"
            ) from exc
    if plot is not None:
        from thrustcoach.analysis.plot import plot_analysis

        plot_analysis(result, plot)
    return result


def register(app: typer.Typer) -> None:
    @app.command("analyze")
    def analyze_command(
        file: Path = typer.Argument(
            ..., help="Video of the set, or a landmark CSV / TRC file of one recording."
        ),
        json_out: Path | None = typer.Option(None, "--json", help="Write the result as JSON here."),
        plot: Path | None = typer.Option(
            None, "--plot", help="Write a PNG of the angles, reps and faults."
        ),
        exercise: str = typer.Option(
            "auto", "--exercise", help=f"auto or one of: {', '.join(_EXERCISES)}."
        ),
        pause: float | None = typer.Option(
            None, "--pause", help="Prescribed top pause in seconds (default 1)."
        ),
        lowering: float | None = typer.Option(
            None, "--lowering", help="Prescribed lowering in seconds (default 2)."
        ),
        annotate: Path | None = typer.Option(
            None,
            "--annotate",
            help="Video input: write the annotated video here (H.264 MP4 with the skeleton, "
            "drawn while the pose runs) and its captions next to it (.vtt: reps, phase, cues).",
        ),
        workers: int | None = typer.Option(
            None, "--workers", "-w", help="Video input: parallel pose chunks (default: cores)."
        ),
        max_fps: float = typer.Option(
            30.0,
            "--max-fps",
            help="Video input: decode at most this many frames per second (0: every frame).",
        ),
        sample_fps: float = sample_fps_flag(),
        sample_edges: bool = sample_edges_flag(),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Video input: no progress bars."),
    ) -> None:
        """Count reps per leg, time each phase, measure form and name faults with cues."""
        # Check every option and output before the work (a pose run can take minutes).
        check_output_file(json_out, flag="--json", inputs=(file,))
        check_output_file(plot, flag="--plot", suffixes=PLOT_SUFFIXES, inputs=(file,))
        check_output_file(annotate, flag="--annotate", suffixes=(".mp4",), inputs=(file,))
        max_fps_option(max_fps)
        sampling_option(sample_fps)
        check_workers(workers)
        check_tempo(pause=pause, lowering=lowering)
        chosen = parse_exercise(exercise)

        def options() -> AnalysisOptions:
            from thrustcoach.analysis import AnalysisOptions

            return AnalysisOptions(exercise=chosen, pause_s=pause, lowering_s=lowering)

        video = VideoSettings(
            workers=workers,
            max_fps=max_fps,
            sample_fps=sample_fps,
            sample_edges=sample_edges,
            quiet=quiet,
            annotate=annotate,
        )
        render_report(run(file, options, json_out=json_out, plot=plot, video=video))
        captions = None
        if annotate is not None:
            from thrustcoach.pose.annotate import captions_path

            captions = captions_path(annotate)
        written = (
            ("json", json_out),
            ("plot", plot),
            ("annotated video", annotate),
            ("its captions", captions),
        )
        for label, p in written:
            if p is not None:
                console.print(f"{label} written to {plain(p)}")
