"""Upload -> landmarks -> analysis -> report files, through the pose and analysis packages.

Landmark files (CSV/TRC) go through ``thrustcoach.pose.read_landmarks``; videos through
``thrustcoach.pose.extract.extract_landmarks`` (MediaPipe by default; a missing MediaPipe is a
clear DependencyMissingError in the job), which draws ``annotated.mp4`` while the pose runs,
so the report never waits for a second pass over the video; ``annotated.vtt`` (reps, phase,
hip angle and cues as captions) is written from the analysis in milliseconds. The analysis is
``thrustcoach.analysis.analyze``. ``pose_spec`` swaps the estimator (tests replay landmarks
with the fake estimator); ``estimator`` hands in a warm one (a job worker's).
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
from thrustcoach.pose.annotate import write_captions
from thrustcoach.pose.estimators import EstimatorSpec, PoseEstimator
from thrustcoach.pose.extract import PoseRun, extract_landmarks

__all__ = ["Progress", "run_analysis"]

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


def _video_landmarks(
    path: Path,
    progress: Progress,
    *,
    out_dir: Path,
    spec: EstimatorSpec | None,
    estimator: PoseEstimator | None,
) -> PoseRun:
    def on_progress(done: int, total: int) -> None:
        progress(0.05 + 0.85 * done / max(total, 1), f"finding the body: frame {done} of {total}")

    return extract_landmarks(
        path,
        spec=spec,
        estimator=estimator,
        annotate=out_dir / "annotated.mp4",
        keep_warm=True,  # the server checks video after video: no job pays the model's start
        on_progress=on_progress,
    )


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
    """Analyse ``path`` and write ``result.json`` and ``curves.json`` (+ ``annotated.mp4`` and
    ``annotated.vtt`` for a video).

    Errors and warnings name the upload (``display_name``), never a path on the server; the
    pose stage's warnings (a truncated or damaged video) join the result's, as in the CLI.
    ``estimator``: a warm, already built pose estimator to reuse (a job worker keeps one per
    process, so no job pays the model's start-up); it is reset before the video and left
    open. The video is spread over the cores in time chunks; the other chunks' estimators
    come from this process's warm pool (built by the first video, kept for the next).
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
    run: PoseRun | None = None
    if kind == "video":
        run = _video_landmarks(path, progress, out_dir=out_dir, spec=pose_spec, estimator=estimator)
        series = run.series
    else:
        progress(0.1, "reading the landmark file")
        series = read_landmarks(path)
    progress(0.92, "counting reps and checking form")
    opts = AnalysisOptions(source_path=display_name, source_kind=kind, **options)
    result = analyze(series, options=opts)
    doc = result.to_json_dict()
    if run is not None and run.warnings:  # what the pose stage saw (truncated file, ...)
        pose_warnings = [_public(w, path=path, display_name=display_name) for w in run.warnings]
        doc["warnings"] = [*pose_warnings, *doc.get("warnings", [])]
    curve = (result.curves.time_s, result.curves.hip_angle_deg) if result.curves else None
    if run is not None:
        write_captions(
            doc, out_dir / "annotated.vtt", duration_s=run.info.duration_s, hip_curve=curve
        )
    if result.curves is not None:
        curves = result.curves.model_dump(mode="json")
        (out_dir / "curves.json").write_text(json.dumps(curves), encoding="utf-8")
    (out_dir / "result.json").write_text(json.dumps(doc), encoding="utf-8")
