"""Video input for ``thrustcoach analyze``: the pose stage first, the annotation's captions after.

``analyze`` calls :func:`load_series` for any FILE (landmark files are read as before, videos
go through the pose stage with a progress bar, drawing the annotated video as it goes when
``--annotate`` asks for it) and :func:`finish` after the analysis (pose warnings join the
result's warnings; the annotated video gets its captions: reps, phase, hip angle, cues).
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from thrustcoach.errors import UsageError
from thrustcoach.pose.estimators import import_mediapipe_pose
from thrustcoach.pose.io import FileKind, detect_kind, read_landmarks
from thrustcoach.pose.series import LandmarkSeries

if TYPE_CHECKING:
    from thrustcoach.analysis import AnalysisResult
    from thrustcoach.pose.extract import PoseRun

__all__ = ["VideoSettings", "finish", "load_series", "prefetch"]

err_console = Console(stderr=True, highlight=False)


@dataclass(frozen=True)
class VideoSettings:
    """The video flags of ``analyze``: --workers, --max-fps, --sample-fps/-edges, --quiet,
    --annotate."""

    workers: int | None = None
    max_fps: float = 30.0
    sample_fps: float = 15.0
    sample_edges: bool = False
    quiet: bool = False
    annotate: Path | None = None


@dataclass(frozen=True)
class Loaded:
    series: LandmarkSeries
    kind: str  # "landmarks" | "video"
    pose_warnings: tuple[str, ...] = ()
    run: PoseRun | None = None


def prefetch(modules: Iterable[str]) -> None:
    """Import MediaPipe, then ``modules``, on a background thread while the video opens and
    the pose model runs.

    The analysis stack (SciPy, pydantic models, matplotlib for --plot) costs about a second
    to import; imported meanwhile, the report follows the last frame at once. MediaPipe comes
    first, without the pyplot import it does not need (one thread, so nothing else imports
    pyplot meanwhile); the pose threads wait for it. Failures are left for the real import to
    report.
    """

    def work() -> None:
        # A failure here is left for the estimator's own import to report properly.
        with contextlib.suppress(Exception):
            import_mediapipe_pose(skip_pyplot=True)
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - the caller's own import raises it properly
                return

    threading.Thread(target=work, name="prefetch", daemon=True).start()


def load_series(path: Path, settings: VideoSettings) -> Loaded:
    """Landmarks of FILE: read a landmark/TRC file, or run pose estimation on a video."""
    if detect_kind(path) is not FileKind.VIDEO:
        if settings.annotate is not None:
            raise UsageError(
                "--annotate needs a video",
                hint=f"{path} is a landmark file; pass the video instead",
            )
        return Loaded(read_landmarks(path), "landmarks")
    from thrustcoach.cli.pose import render_pose_summary, run_pose

    run = run_pose(
        path,
        workers=settings.workers,
        max_fps=settings.max_fps,
        sample_fps=settings.sample_fps,
        sample_edges=settings.sample_edges,
        quiet=settings.quiet,
        annotate=settings.annotate,
    )
    render_pose_summary(run, quiet=True)  # warnings only: the analysis report follows
    return Loaded(run.series, "video", run.warnings, run)


def finish(
    path: Path, loaded: Loaded, result: AnalysisResult, settings: VideoSettings
) -> AnalysisResult:
    """Merge pose warnings into the (frozen) result; write the annotated video's captions."""
    del path
    if loaded.pose_warnings:
        result = result.model_copy(update={"warnings": (*loaded.pose_warnings, *result.warnings)})
    if settings.annotate is not None and loaded.run is not None:
        from thrustcoach.pose.annotate import captions_path, write_captions

        curves = getattr(result, "curves", None)
        hip = (curves.time_s, curves.hip_angle_deg) if curves is not None else None
        write_captions(
            result.to_json_dict(),
            captions_path(settings.annotate),
            duration_s=loaded.run.info.duration_s,
            hip_curve=hip,
        )
    return result
