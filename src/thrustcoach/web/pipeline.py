"""Upload -> landmarks -> analysis -> report files, through the pose and analysis packages.

Landmark files (CSV/TRC) go through ``thrustcoach.pose.read_landmarks``; videos through the
pose package's video pipeline when it is installed (MediaPipe extra). The analysis is
``thrustcoach.analysis.analyze``. Optional parts are looked up at run time so that the web
app still serves landmark files when the video pipeline is absent.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from thrustcoach.errors import DependencyMissingError
from thrustcoach.pose import LandmarkSeries, read_landmarks

__all__ = ["Progress", "run_analysis"]

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


def _optional(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _video_landmarks(path: Path, progress: Progress) -> LandmarkSeries:
    extract = _optional("thrustcoach.pose", "extract_landmarks")
    if extract is None:
        raise DependencyMissingError(
            "the video pipeline is not available in this installation",
            hint="upload a landmark CSV/TRC exported by a pose tool, or install the pose extra",
        )

    def on_progress(fraction: float) -> None:
        progress(0.05 + 0.75 * fraction, "finding the body in each frame")

    series: LandmarkSeries = extract(path, progress=on_progress)
    return series


def _annotate(video: Path, series: LandmarkSeries, result: Any, out: Path) -> None:
    annotate = _optional("thrustcoach.pose", "annotate_video")
    if annotate is None:
        logger.info("no annotate_video in thrustcoach.pose: report without annotated video")
        return
    annotate(video, series, result=result, out=out)


def run_analysis(
    path: Path,
    *,
    kind: str,
    out_dir: Path,
    display_name: str,
    options: dict[str, Any],
    progress: Progress,
) -> None:
    """Analyse ``path`` and write ``result.json`` and ``curves.json`` (+ ``annotated.mp4``)."""
    analysis = importlib.import_module("thrustcoach.analysis")
    if kind == "video":
        series = _video_landmarks(path, progress)
    else:
        progress(0.1, "reading the landmark file")
        series = read_landmarks(path)
    progress(0.82, "counting reps and checking form")
    opts = analysis.AnalysisOptions(source_path=display_name, source_kind=kind, **options)
    result = analysis.analyze(series, options=opts)
    (out_dir / "result.json").write_text(json.dumps(result.to_json_dict()), encoding="utf-8")
    if result.curves is not None:
        curves = result.curves.model_dump(mode="json")
        (out_dir / "curves.json").write_text(json.dumps(curves), encoding="utf-8")
    if kind == "video":
        progress(0.9, "drawing the annotated video")
        _annotate(path, series, result, out_dir / "annotated.mp4")
