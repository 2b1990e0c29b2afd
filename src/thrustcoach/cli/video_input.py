"""Video input for ``thrustcoach analyze``: pose estimation first, annotated video after.

``analyze`` calls :func:`load_series` for any FILE (landmark files are read as before, videos
go through the pose stage with a progress bar) and :func:`finish` after the analysis (pose
warnings join the result's warnings; ``--annotate`` writes the annotated video).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from thrustcoach.analysis import AnalysisResult
from thrustcoach.errors import UsageError
from thrustcoach.pose.io import FileKind, detect_kind, read_landmarks
from thrustcoach.pose.series import LandmarkSeries

__all__ = ["VideoSettings", "finish", "load_series"]

err_console = Console(stderr=True, highlight=False)


@dataclass(frozen=True)
class VideoSettings:
    """The video flags of ``analyze``: --workers, --max-fps, --quiet, --annotate."""

    workers: int | None = None
    max_fps: float = 30.0
    quiet: bool = False
    annotate: Path | None = None


@dataclass(frozen=True)
class Loaded:
    series: LandmarkSeries
    kind: str  # "landmarks" | "video"
    pose_warnings: tuple[str, ...] = ()


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

    run = run_pose(path, workers=settings.workers, max_fps=settings.max_fps, quiet=settings.quiet)
    render_pose_summary(run, quiet=True)  # warnings only: the analysis report follows
    return Loaded(run.series, "video", run.warnings)


def finish(
    path: Path, loaded: Loaded, result: AnalysisResult, settings: VideoSettings
) -> AnalysisResult:
    """Merge pose warnings into the (frozen) result and write the annotated video if asked."""
    if loaded.pose_warnings:
        result = result.model_copy(update={"warnings": (*loaded.pose_warnings, *result.warnings)})
    if settings.annotate is not None:
        from thrustcoach.cli.pose import pose_progress
        from thrustcoach.pose.annotate import annotate_video

        curves = getattr(result, "curves", None)
        hip = (curves.time_s, curves.hip_angle_deg) if curves is not None else None
        with pose_progress("annotate", quiet=settings.quiet) as update:
            annotate_video(
                path,
                loaded.series,
                result.to_json_dict(),
                settings.annotate,
                hip_curve=hip,
                on_progress=update,
            )
    return result
