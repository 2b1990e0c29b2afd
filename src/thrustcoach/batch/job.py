"""One video of a batch: pose -> analysis -> JSON, plot, annotated video, landmark CSV.

:func:`process_video` never raises for a bad video: it returns an :class:`ItemResult` with
``status="failed"`` and the one-line message, so one broken file never stops a batch. It runs
unchanged in a local worker process or as a Ray task (its arguments and result pickle).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from thrustcoach.errors import ThrustCoachError
from thrustcoach.pose.estimators import EstimatorSpec

__all__ = ["BatchOptions", "ItemResult", "file_sha256", "process_video"]

logger = logging.getLogger(__name__)

Status = Literal["done", "skipped", "failed"]


@dataclass(frozen=True)
class BatchOptions:
    """What every video of a batch gets (part of the "already done" fingerprint)."""

    max_fps: float | None = 30.0
    pause_s: float | None = None
    lowering_s: float | None = None
    annotate: bool = True
    plot: bool = True
    pose_workers: int = 1
    estimator: EstimatorSpec = field(default_factory=EstimatorSpec)

    def fingerprint(self) -> str:
        keep: dict[str, Any] = {
            k: v for k, v in asdict(self).items() if k not in ("pose_workers", "estimator")
        }
        keep["estimator"] = self.estimator.kind
        return hashlib.sha256(json.dumps(keep, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class ItemResult:
    """The outcome for one video (one row of summary.csv)."""

    video: str
    sha256: str
    status: Status
    name: str = ""
    error: str = ""
    exercise: str = ""
    view: str = ""
    reps_left: int = 0
    reps_right: int = 0
    reps_both: int = 0
    faults: str = ""
    warnings: int = 0
    elapsed_s: float = 0.0
    outputs: dict[str, str] = field(default_factory=dict)


def file_sha256(path: Path, *, chunk_bytes: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk_bytes):
            digest.update(block)
    return digest.hexdigest()


def _plot(result: Any, path: Path) -> bool:
    """Draw the analysis plot if the analysis package offers one (it owns the plot)."""
    try:
        module = importlib.import_module("thrustcoach.analysis.plot")
    except ImportError:
        module = importlib.import_module("thrustcoach.analysis")
    plot = getattr(module, "plot_analysis", None)
    if plot is None:
        logger.warning("no plot function in thrustcoach.analysis yet; plot skipped")
        return False
    plot(result, path)
    return True


def _analyse(video: Path, out_dir: Path, name: str, options: BatchOptions) -> ItemResult:
    from thrustcoach.analysis import AnalysisOptions, analyze
    from thrustcoach.pose.annotate import captions_path, write_captions
    from thrustcoach.pose.extract import extract_landmarks
    from thrustcoach.pose.io import write_landmarks_csv

    annotated = out_dir / f"{name}.annotated.mp4"
    run = extract_landmarks(  # draws the annotated video while the pose runs
        video,
        spec=options.estimator,
        workers=options.pose_workers,
        max_fps=options.max_fps,
        annotate=annotated if options.annotate else None,
    )
    outputs = {"landmarks": str(write_landmarks_csv(run.series, out_dir / f"{name}.landmarks.csv"))}
    result = analyze(
        run.series,
        options=AnalysisOptions(
            pause_s=options.pause_s,
            lowering_s=options.lowering_s,
            source_path=str(video),
            source_kind="video",
        ),
    )
    doc = result.to_json_dict()
    doc["warnings"] = [*run.warnings, *doc.get("warnings", [])]
    json_path = out_dir / f"{name}.json"
    json_path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    outputs["json"] = str(json_path)
    if options.plot and _plot(result, out_dir / f"{name}.png"):
        outputs["plot"] = str(out_dir / f"{name}.png")
    if options.annotate:
        curves = getattr(result, "curves", None)
        hip = (curves.time_s, curves.hip_angle_deg) if curves is not None else None
        write_captions(doc, captions_path(annotated), duration_s=run.info.duration_s, hip_curve=hip)
        outputs["annotated"] = str(annotated)
    counts = doc["summary"]["rep_count"]
    return ItemResult(
        video=str(video),
        sha256="",
        status="done",
        name=name,
        exercise=str(doc["exercise"]),
        view=str(doc["view"]),
        reps_left=int(counts.get("left", 0)),
        reps_right=int(counts.get("right", 0)),
        reps_both=int(counts.get("both", 0)),
        faults=";".join(f"{k}:{v}" for k, v in sorted(doc["summary"]["faults"].items())),
        warnings=len(doc["warnings"]),
        outputs=outputs,
    )


def process_video(
    video: str | Path, out_dir: str | Path, name: str, sha256: str, options: BatchOptions
) -> ItemResult:
    """Analyse one video into ``out_dir`` (files named ``<name>.*``); never raises."""
    video, out_dir = Path(video), Path(out_dir)
    started = time.perf_counter()
    try:
        item = _analyse(video, out_dir, name, options)
    except ThrustCoachError as exc:
        item = ItemResult(
            video=str(video), sha256=sha256, status="failed", name=name, error=str(exc)
        )
    except Exception as exc:  # one bad file must not stop the batch
        logger.exception("internal error on %s", video)
        item = ItemResult(
            video=str(video),
            sha256=sha256,
            status="failed",
            name=name,
            error=f"internal error: {type(exc).__name__}: {exc}",
        )
    item.sha256 = sha256
    item.elapsed_s = round(time.perf_counter() - started, 2)
    return item
