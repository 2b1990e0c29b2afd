"""``thrustcoach live``: live coaching in the terminal, from a webcam or a video file.

The same session the web app's Live page runs (pose model + analysis engine a frame at a
time + coach); events are printed as they happen and, with ``--speak``, the cues are said
aloud by the computer's offline voice. Ctrl+C (or the end of the file) ends the set: the
report of ``thrustcoach analyze`` follows.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from thrustcoach.analysis import EngineEvent
from thrustcoach.errors import UsageError
from thrustcoach.live import Cue, LiveSession, SetPlan
from thrustcoach.live.capture import FrameSource, camera_source, video_source
from thrustcoach.live.speech import Speaker, open_voice
from thrustcoach.pose.estimators import EstimatorSpec, PoseEstimator
from thrustcoach.vocab import Side

__all__ = ["make_estimator", "register"]

console = Console(highlight=False)


def make_estimator() -> PoseEstimator:
    """MediaPipe's full model (the one its wheel ships), in tracking mode."""
    return EstimatorSpec(kind="mediapipe", params={"model_complexity": 1}).create()


def _event_line(ev: EngineEvent) -> str | None:
    t = f"[dim]{ev.time_s:6.1f} s[/]"
    if ev.kind == "phase":
        return f"{t}  [dim]{ev.phase:<9}[/]" if ev.phase != "rest" else None
    if ev.kind == "rep" and ev.rep is not None:
        r = ev.rep
        parts = [
            f"{name} {v:.1f} s"
            for name, v in (
                ("lift", r.concentric_s),
                ("pause", r.pause_s),
                ("lowering", r.eccentric_s),
            )
            if v is not None
        ]
        return f"{t}  [bold]rep[/]       [bold]{ev.message:<9}[/] " + " · ".join(parts)
    if ev.kind == "fault":
        return f"{t}  [red]fault[/]     {ev.message}"
    if ev.kind == "warning":
        return f"{t}  [yellow]warning[/]   {ev.message}"
    return f"{t}  [cyan]{ev.kind.replace('_', ' '):<9}[/] {ev.message}"


def _cue_line(cue: Cue) -> str:
    return f"[dim]{cue.time_s:6.1f} s[/]  [magenta]say[/]       “{cue.text}”"


def _downscale(image: object, max_side: int) -> object:
    import cv2
    import numpy as np

    img = np.asarray(image)
    long_side = max(img.shape[:2])
    if long_side <= max_side:
        return img
    f = max_side / long_side
    return cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)


def _run(
    source: FrameSource,
    session: LiveSession,
    speaker: Speaker | None,
    *,
    max_side: int,
    seconds: float | None,
) -> None:
    hint_shown: str | None = None
    with source:
        try:
            for frame in source.frames():
                if seconds is not None and frame.time_s > seconds:
                    break
                image = _downscale(frame.image, max_side)
                update = session.process(image, time_s=frame.time_s)  # type: ignore[arg-type]
                for ev in update.events:
                    if (line := _event_line(ev)) is not None:
                        console.print(line)
                for cue in update.cues:
                    console.print(_cue_line(cue))
                    if speaker is not None:
                        speaker.say(cue)
                if update.hint != hint_shown and update.hint is not None:
                    console.print(f"[yellow]{update.hint}[/]")
                hint_shown = update.hint
        except KeyboardInterrupt:
            console.print("[dim]stopped: the set ends here[/]")


def live(
    camera: int | None = typer.Option(
        None, "--camera", help="Webcam to film from (0 = the first camera)."
    ),
    video: Path | None = typer.Option(
        None, "--video", help="A video file, played at its own speed as if filmed now."
    ),
    speak: bool = typer.Option(
        False, "--speak", help="Say the counts, 'hold', 'lower' and the cues aloud (offline voice)."
    ),
    pause: float | None = typer.Option(
        None, "--pause", min=0, max=30, help="Planned top pause in seconds (default 1)."
    ),
    lowering: float | None = typer.Option(
        None, "--lowering", min=0, max=30, help="Planned lowering in seconds (default 2)."
    ),
    reps: int | None = typer.Option(
        None, "--reps", min=1, max=100, help="Planned reps per leg: 'set done' when reached."
    ),
    realtime: bool = typer.Option(
        True,
        "--realtime/--no-realtime",
        help="--video: play at the file's speed, dropping frames the pose model cannot keep "
        "up with; or analyse every frame as fast as it can.",
    ),
    max_side: int = typer.Option(
        640, "--max-side", min=128, max=4096, help="Shrink frames to this long side (pixels)."
    ),
    seconds: float | None = typer.Option(
        None, "--seconds", min=1, help="Stop after this many seconds (default: Ctrl+C or the end)."
    ),
    json_out: Path | None = typer.Option(
        None, "--json", help="Write the set's result as JSON here."
    ),
    landmarks: Path | None = typer.Option(
        None,
        "--landmarks",
        help="Keep the set's landmarks as a CSV here (thrustcoach analyze reads it).",
    ),
) -> None:
    """Coach a set live: counts each leg, calls the tempo and the faults as they happen."""
    if (camera is None) == (video is None):
        raise UsageError("give either --camera N or --video FILE", hint="e.g. --camera 0")
    speaker = Speaker(open_voice()) if speak else None  # fail before the camera starts
    from thrustcoach.analysis.result import AnalysisOptions

    AnalysisOptions(pause_s=pause, lowering_s=lowering)  # range check in one place
    plan = SetPlan(
        pause_s=pause,
        lowering_s=lowering,
        target_reps=dict.fromkeys(Side, reps) if reps else {},
    )
    source = camera_source(camera) if camera is not None else video_source(video, realtime=realtime)  # type: ignore[arg-type]
    console.print("[dim]starting the pose model…[/]")
    session = LiveSession(make_estimator(), plan=plan)
    console.print(
        "[bold]watching[/] "
        + (f"camera {camera}" if camera is not None else str(video))
        + " (Ctrl+C ends the set)"
    )
    try:
        _run(source, session, speaker, max_side=max_side, seconds=seconds)
        outcome = session.finish_set()
        for ev in outcome.events:
            if (line := _event_line(ev)) is not None:
                console.print(line)
    finally:
        session.close()
        if speaker is not None:
            speaker.close()
    from thrustcoach.cli.analyze import render_report

    taken = source.delivered + source.dropped
    console.print(
        f"frames: {source.delivered} analysed"
        + (
            f", {source.dropped} of {taken} dropped (the pose model was behind)"
            if source.dropped
            else ""
        )
    )
    render_report(
        outcome.result.model_copy(
            update={
                "input": outcome.result.input.model_copy(
                    update={"path": f"camera {camera}" if camera is not None else str(video)}
                )
            }
        ),
        out=console,
    )
    if json_out is not None:
        json_out.write_text(
            json.dumps(outcome.result.to_json_dict(), indent=2) + "\n", encoding="utf-8"
        )
        console.print(f"json written to {json_out}")
    if landmarks is not None and outcome.series is not None:
        from thrustcoach.pose.io import write_landmarks_csv

        write_landmarks_csv(outcome.series, landmarks)
        console.print(f"landmarks written to {landmarks}")


def register(app: typer.Typer) -> None:
    app.command("live")(live)
