"""Video -> landmark series: decode, run the pose model, in time chunks over worker processes.

The video is cut into ``workers`` time chunks; each worker process opens the video, seeks to
its chunk, builds its own estimator (so the tracker starts fresh at every chunk border) and
returns arrays; the parent merges them in time order. Frame selection by time slot (see
:mod:`thrustcoach.pose.video`) makes the merged frames the same as one worker's. Memory per
worker is one decoded frame plus ~1 kB of landmarks per analysed frame.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import math
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from thrustcoach.errors import UsageError, VideoError
from thrustcoach.pose.estimators import N_LANDMARKS, EstimatorSpec, PoseEstimator
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.quality import check_pose_quality
from thrustcoach.pose.series import FloatArray, LandmarkSeries
from thrustcoach.pose.video import VideoInfo, iter_frames, probe_video

__all__ = ["PoseRun", "default_workers", "extract_landmarks", "plan_chunks"]

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
"""Called with (frames done, frames expected) as work goes on."""

_MIN_CHUNK_S = 2.0  # shorter chunks cost more in process start-up than they win
_CHUNKS_PER_WORKER = 1
_PROGRESS_EVERY = 8  # frames between progress messages from a worker


def default_workers() -> int:
    return max(
        1,
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    )


@dataclass(frozen=True)
class _Chunk:
    index: int
    start_s: float
    end_s: float | None


@dataclass
class _ChunkResult:
    index: int
    time_s: FloatArray
    frame: NDArray[np.int64]
    xyz: FloatArray
    visibility: FloatArray
    found: NDArray[np.bool_]
    brightness_max: float
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PoseRun:
    """The pose stage's output: the landmark series plus what happened on the way."""

    series: LandmarkSeries
    info: VideoInfo
    frames_analysed: int
    frames_with_person: int
    elapsed_s: float
    workers: int
    warnings: tuple[str, ...]

    @property
    def frames_per_s(self) -> float:
        return self.frames_analysed / self.elapsed_s if self.elapsed_s > 0 else 0.0


def plan_chunks(info: VideoInfo, *, workers: int) -> list[_Chunk]:
    """Equal time chunks, no shorter than ``_MIN_CHUNK_S``; the last one is open-ended.

    ``_CHUNKS_PER_WORKER`` > 1 would hand out smaller chunks as workers free up (balance on a
    busy machine), but each chunk pays a MediaPipe graph start: measured on 2 cores, 720p,
    one chunk per worker ran at 76-78 fps and two per worker at 69-72 fps.
    """
    wanted = workers if workers == 1 else workers * _CHUNKS_PER_WORKER
    n = max(1, min(wanted, math.floor(info.duration_s / _MIN_CHUNK_S) or 1))
    bounds = [info.duration_s * i / n for i in range(n + 1)]
    return [
        _Chunk(i, bounds[i] if i else 0.0, bounds[i + 1] if i < n - 1 else None) for i in range(n)
    ]


def expected_frames(info: VideoInfo, *, max_fps: float | None) -> int:
    if max_fps is None or info.fps <= max_fps * 1.15:
        return max(info.frame_count, 1)
    return max(1, math.ceil(info.duration_s * max_fps))


_progress_queue: Any = None


def _mp_context() -> Any:
    """How to start workers.

    ``fork`` starts a worker in milliseconds with everything imported. It is safe while this
    process has never run MediaPipe (a forked copy of a live MediaPipe graph crashes); the
    CLI and batch never do, as MediaPipe only ever runs in workers. Otherwise (tests, a
    notebook that used MediaPipe, a call from a server thread) ``forkserver``/``spawn`` start
    clean processes, which then re-import the caller's main module (seconds for the CLI).
    """
    methods = mp.get_all_start_methods()
    # Only from the main thread: a server (the web app) calls us from worker threads, and a
    # fork taken there could copy another thread's held locks.
    on_main_thread = threading.current_thread() is threading.main_thread()
    if "fork" in methods and "mediapipe" not in sys.modules and on_main_thread:
        return mp.get_context("fork")
    return mp.get_context("forkserver" if "forkserver" in methods else "spawn")


def _init_worker(progress_queue: Any) -> None:
    global _progress_queue
    _progress_queue = progress_queue
    # Native libraries (MediaPipe's TFLite/glog, FFmpeg) write straight to fd 2 from their
    # own threads; in a worker that would tear the parent's progress bar. Results and errors
    # travel back through the pool, so the worker's stderr carries nothing we need. Fresh
    # Python-level streams and handlers also drop any lock a parent thread (the progress
    # bar) held at fork time.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = Path(os.devnull).open("w")  # noqa: SIM115 - lives as long as the worker
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(logging.NullHandler())


def _run_chunk(
    info: VideoInfo,
    chunk: _Chunk,
    spec: EstimatorSpec,
    max_fps: float | None,
    report: Callable[[int], None] | None = None,
    warm: PoseEstimator | None = None,
) -> _ChunkResult:
    estimator = warm if warm is not None else spec.create()
    times: list[float] = []
    frames: list[int] = []
    xyz: list[FloatArray] = []
    vis: list[FloatArray] = []
    found: list[bool] = []
    warnings: list[str] = []
    brightness = 0.0
    pending = 0
    try:
        for fr in iter_frames(
            info, max_fps=max_fps, start_s=chunk.start_s, end_s=chunk.end_s, warnings=warnings
        ):
            result = estimator.process(fr.image, time_s=fr.time_s)
            found.append(result is not None)
            if result is None:
                # Only frames without anyone are measured: finding a black video needs no more.
                brightness = max(brightness, float(fr.image[::8, ::8].mean()))
            else:
                times.append(fr.time_s)
                frames.append(fr.index)
                xyz.append(result.xyz)
                vis.append(result.visibility)
            pending += 1
            if pending >= _PROGRESS_EVERY:
                _report(chunk.index, pending, report)
                pending = 0
    finally:
        if warm is None:  # a caller's warm estimator stays open for its next video
            estimator.close()
    _report(chunk.index, pending, report)
    n = len(times)
    return _ChunkResult(
        index=chunk.index,
        time_s=np.asarray(times, dtype=np.float64),
        frame=np.asarray(frames, dtype=np.int64),
        xyz=np.asarray(xyz, dtype=np.float64).reshape(n, N_LANDMARKS, 3),
        visibility=np.asarray(vis, dtype=np.float64).reshape(n, N_LANDMARKS),
        found=np.asarray(found, dtype=bool),
        brightness_max=brightness if n == 0 or brightness else 255.0,
        warnings=warnings,
    )


def _report(chunk_index: int, n: int, report: Callable[[int], None] | None) -> None:
    if n <= 0:
        return
    if report is not None:
        report(n)
    elif _progress_queue is not None:
        _progress_queue.put((chunk_index, n))


def _run_parallel(
    info: VideoInfo,
    chunks: list[_Chunk],
    spec: EstimatorSpec,
    max_fps: float | None,
    on_progress: Callable[[int], None],
    *,
    workers: int,
) -> list[_ChunkResult]:
    ctx = _mp_context()
    progress_queue = ctx.Queue()
    with cf.ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(chunks))),
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(progress_queue,),
    ) as pool:
        futures = [pool.submit(_run_chunk, info, c, spec, max_fps) for c in chunks]
        pending = set(futures)
        try:
            while pending:
                _, pending = cf.wait(pending, timeout=0.1)
                _drain(progress_queue, on_progress)
            _drain(progress_queue, on_progress)
            return [f.result() for f in futures]
        except BrokenProcessPool:
            raise VideoError(
                f"{info.path.name}: the pose model crashed while reading this video",
                hint="re-export the video (H.264 MP4) and try again; report it if it persists",
            ) from None


def _drain(progress_queue: Any, on_progress: Callable[[int], None]) -> None:
    while True:
        try:
            _, n = progress_queue.get_nowait()
        except queue.Empty:
            return
        on_progress(int(n))


def extract_landmarks(
    video: str | Path,
    *,
    spec: EstimatorSpec | None = None,
    workers: int | None = None,
    max_fps: float | None = 30.0,
    on_progress: ProgressCallback | None = None,
    estimator: PoseEstimator | None = None,
) -> PoseRun:
    """Run pose estimation over a video and return a :class:`PoseRun`.

    Args:
        video: path of the video.
        spec: which estimator to build (default MediaPipe Pose full, tracking).
        workers: processes to spread the chunks over (default: the number of cores).
        max_fps: cap on analysed frames per second (``None``: every frame).
        on_progress: called with (frames done, frames expected).
        estimator: an already built ("warm") estimator to use in this process, in one chunk
            (a server's job worker keeps one per process; ``spec`` and ``workers`` are then
            ignored). It is reset first and left open.

    Raises VideoError / InputFileError for bad files and NoPersonError when nobody (or only a
    cut-off body) is in the picture.
    """
    spec = spec or EstimatorSpec()
    n_workers = default_workers() if workers is None else workers
    if n_workers < 1:
        raise UsageError(f"--workers must be at least 1, got {n_workers}")
    if max_fps is not None and max_fps <= 0:
        raise UsageError(f"--max-fps must be positive, got {max_fps}")
    started = time.perf_counter()
    info = probe_video(video)
    chunks = plan_chunks(info, workers=n_workers)
    total = expected_frames(info, max_fps=max_fps)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if on_progress is not None:
            on_progress(done, max(total, done))

    if estimator is not None:
        estimator.reset()
        chunks = [_Chunk(0, 0.0, None)]
        results = [_run_chunk(info, chunks[0], spec, max_fps, report=advance, warm=estimator)]
        n_workers = 1
    elif len(chunks) == 1 and spec.kind != "mediapipe":
        results = [_run_chunk(info, chunks[0], spec, max_fps, report=advance)]
    else:  # MediaPipe always runs in worker processes: its native logs stay out of the terminal
        results = _run_parallel(info, chunks, spec, max_fps, advance, workers=n_workers)
    used = min(n_workers, len(chunks))
    return _merge(info, results, started=started, workers=used, max_fps=max_fps, spec=spec)


def _merge(
    info: VideoInfo,
    results: list[_ChunkResult],
    *,
    started: float,
    workers: int,
    max_fps: float | None,
    spec: EstimatorSpec,
) -> PoseRun:
    results = sorted(results, key=lambda r: r.index)
    time_s = np.concatenate([r.time_s for r in results])
    keep = np.r_[True, np.diff(time_s) > 0] if time_s.size else np.zeros(0, dtype=bool)
    time_s = time_s[keep]
    frame = np.concatenate([r.frame for r in results])[keep]
    xyz = np.concatenate([r.xyz for r in results])[keep]
    vis = np.concatenate([r.visibility for r in results])[keep]
    analysed = int(sum(r.found.size for r in results))
    warnings = [w for r in results for w in r.warnings]
    warnings += check_pose_quality(
        time_s=time_s,
        xyz=xyz,
        visibility=vis,
        frames_analysed=analysed,
        brightness_max=max((r.brightness_max for r in results), default=0.0),
        width=info.width,
        height=info.height,
        source=info.path.name,
    )
    meta = {
        "width": str(info.width),
        "height": str(info.height),
        "source": info.path.name,
        "video_fps": f"{info.fps:.3f}",
        "rotation_deg": str(info.rotation_deg),
        "estimator": spec.kind,
        "max_fps": "none" if max_fps is None else f"{max_fps:g}",
        "units": "px",
    }
    series = LandmarkSeries(
        time_s=time_s, frame=frame, names=MEDIAPIPE_LANDMARKS, xyz=xyz, visibility=vis, meta=meta
    )
    for w in warnings:
        logger.info("pose: %s", w)
    return PoseRun(
        series=series,
        info=info,
        frames_analysed=analysed,
        frames_with_person=int(time_s.size),
        elapsed_s=time.perf_counter() - started,
        workers=workers,
        warnings=tuple(dict.fromkeys(warnings)),
    )
