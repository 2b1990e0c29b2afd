"""Upload -> landmarks -> analysis -> report files, through the pose and analysis packages.

Landmark files (CSV/TRC) go through ``thrustcoach.pose.read_landmarks``; videos through
``thrustcoach.pose.extract.extract_landmarks`` (MediaPipe by default; a missing MediaPipe is a
clear DependencyMissingError in the job) and ``pose.annotate.annotate_video``. The analysis is
``thrustcoach.analysis.analyze``. ``pose_spec`` swaps the estimator (tests replay landmarks
with the fake estimator); ``estimator`` hands in a warm one (the job workers').
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from thrustcoach.analysis import AnalysisOptions, analyze
from thrustcoach.errors import ThrustCoachError
from thrustcoach.pose import read_landmarks
from thrustcoach.pose.annotate import annotate_video
from thrustcoach.pose.estimators import EstimatorSpec, PoseEstimator
from thrustcoach.pose.extract import PoseRun, extract_landmarks

__all__ = ["Progress", "run_analysis"]

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


def _video_landmarks(
    path: Path, progress: Progress, spec: EstimatorSpec | None, estimator: PoseEstimator | None
) -> PoseRun:
    def on_progress(done: int, total: int) -> None:
        progress(0.05 + 0.75 * done / max(total, 1), f"finding the body: frame {done} of {total}")

    return extract_landmarks(path, spec=spec, on_progress=on_progress, estimator=estimator)


def _public(text: str, *, path: Path, display_name: str) -> str:
    """A message for the user: the server's folders and file names become the upload's name."""
    return text.replace(str(path.parent) + "/", "").replace(path.name, display_name)


def run_analysis(
    path: Path,
    *,
    kind: str,
    out_dir: Path,
    display_name: str,
    options: dict[str, Any],
    progress: Progress,
    pose_spec: EstimatorSpec | None = None,
    estimator: PoseEstimator | None = None,
) -> None:
    """Analyse ``path`` and write ``result.json`` and ``curves.json`` (+ ``annotated.mp4``).

    Errors and warnings name the upload (``display_name``), never a path on the server; the
    pose stage's warnings (a truncated or damaged video) join the result's, as in the CLI.
    ``estimator``: a warm, already built pose estimator to reuse (a job worker keeps one per
    process, so no job pays the model's start-up); ``None`` builds one from ``pose_spec``.
    """
    try:
        _run(path, kind, out_dir, display_name, options, progress, pose_spec, estimator)
    except ThrustCoachError as exc:
        public = copy.copy(exc)
        public.message = _public(exc.message, path=path, display_name=display_name)
        if exc.hint:
            public.hint = _public(exc.hint, path=path, display_name=display_name)
        public.args = (str(public),)
        raise public from exc


def _run(
    path: Path,
    kind: str,
    out_dir: Path,
    display_name: str,
    options: dict[str, Any],
    progress: Progress,
    pose_spec: EstimatorSpec | None,
    estimator: PoseEstimator | None,
) -> None:
    pose_warnings: tuple[str, ...] = ()
    if kind == "video":
        run = _video_landmarks(path, progress, pose_spec, estimator)
        series = run.series
        pose_warnings = tuple(
            _public(w, path=path, display_name=display_name) for w in run.warnings
        )
    else:
        progress(0.1, "reading the landmark file")
        series = read_landmarks(path)
    progress(0.82, "counting reps and checking form")
    opts = AnalysisOptions(source_path=display_name, source_kind=kind, **options)
    result = analyze(series, options=opts)
    if pose_warnings:
        result = result.model_copy(update={"warnings": (*pose_warnings, *result.warnings)})
    (out_dir / "result.json").write_text(json.dumps(result.to_json_dict()), encoding="utf-8")
    if result.curves is not None:
        curves = result.curves.model_dump(mode="json")
        (out_dir / "curves.json").write_text(json.dumps(curves), encoding="utf-8")
    if kind == "video":
        progress(0.9, "drawing the annotated video")
        curve = (result.curves.time_s, result.curves.hip_angle_deg) if result.curves else None

        def on_frames(done: int, total: int) -> None:
            progress(0.9 + 0.09 * done / max(total, 1), "drawing the annotated video")

        annotate_video(
            path,
            series,
            result.to_json_dict(),
            out_dir / "annotated.mp4",
            hip_curve=curve,
            on_progress=on_frames,
        )
