"""Video -> landmark series: decode, sample, run the pose model, in parallel time chunks.

One loop per chunk does every stage on each frame as it is decoded, so nothing waits for a
whole pass: decode (OpenCV/FFmpeg, streamed) -> the 30 frames/s rate cap -> the frame
sampler (:mod:`thrustcoach.pose.sampling`: the model sees a steady 10 frames/s plus the
frames around the phase edges) -> the estimator -> optionally the annotated video (every
decoded frame with its skeleton, :class:`~thrustcoach.pose.annotate.SkeletonVideo`).

The video is cut into ``workers`` time chunks, each with its own estimator (its tracker
starts fresh at the chunk border), run on threads of this process (MediaPipe computes on its
own native threads, and OpenCV decodes without holding the GIL) or on worker processes; the
parent merges them in time order. Frame selection by time slot makes the merged frames the
same as one chunk's. Memory per chunk: a few decoded frames (the sampler's look-ahead) plus
~1 kB of landmarks per frame the model ran on.
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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from thrustcoach.errors import UsageError, VideoError
from thrustcoach.pose.estimators import (
    MAX_INPUT_SIDE_PX,
    N_LANDMARKS,
    EstimatorSpec,
    PoseEstimator,
    PoseResult,
)
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.pipeline import BackgroundSink, read_ahead
from thrustcoach.pose.quality import check_pose_quality
from thrustcoach.pose.sampling import FrameSampler, SampledFrame, SamplingPolicy
from thrustcoach.pose.series import FloatArray, LandmarkSeries
from thrustcoach.pose.video import RateCap, VideoFrame, VideoInfo, iter_frames, probe_video
from thrustcoach.pose.warm import WarmEstimators, warm_estimators

__all__ = ["PoseRun", "default_workers", "extract_landmarks", "plan_chunks"]

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
"""Called with (frames done, frames expected) as work goes on."""

Parallel = Literal["threads", "processes"]

_MIN_CHUNK_S = 2.0  # shorter chunks cost more in tracker start-up than they win
_PROGRESS_EVERY = 8  # frames between progress messages from a chunk
# Frames waiting between a chunk's stages (decode -> model -> annotated video): enough to keep
# each stage busy while the next works, few enough for memory (a 1080p frame is 6 MB).
_QUEUE_FRAMES = 4
DEFAULT_SAMPLING = SamplingPolicy()


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


@dataclass(frozen=True)
class _ChunkTask:
    """Everything one chunk needs (picklable: it may cross into a worker process)."""

    info: VideoInfo
    chunk: _Chunk
    spec: EstimatorSpec
    max_fps: float | None
    sampling: SamplingPolicy
    segment: Path | None  # where to write this chunk's part of the annotated video
    encoder_threads: int = 0


@dataclass
class _ChunkResult:
    index: int
    time_s: FloatArray
    frame: NDArray[np.int64]
    xyz: FloatArray
    visibility: FloatArray
    frames_decoded: int  # frames within the rate cap
    frames_inferred: int
    inference_s: float
    brightness_max: float
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PoseRun:
    """The pose stage's output: the landmark series plus what happened on the way."""

    series: LandmarkSeries
    info: VideoInfo
    frames_analysed: int  # video frames looked at (within the rate cap)
    frames_with_person: int
    elapsed_s: float
    workers: int
    warnings: tuple[str, ...]
    frames_inferred: int = 0  # frames the pose model ran on
    inference_s: float = 0.0  # time spent in the pose model, summed over chunks
    annotated: Path | None = None

    @property
    def frames_per_s(self) -> float:
        return self.frames_analysed / self.elapsed_s if self.elapsed_s > 0 else 0.0


def plan_chunks(info: VideoInfo, *, workers: int) -> list[_Chunk]:
    """``workers`` equal time chunks, no shorter than ``_MIN_CHUNK_S``; the last is open-ended.

    One chunk per worker: each chunk pays a tracker start (a detector run, and for processes
    a MediaPipe graph start). Measured on 2 cores, 720p: one chunk per worker ran at 76-78
    fps, two per worker at 69-72 fps.
    """
    n = max(1, min(workers, math.floor(info.duration_s / _MIN_CHUNK_S) or 1))
    bounds = [info.duration_s * i / n for i in range(n + 1)]
    return [
        _Chunk(i, bounds[i] if i else 0.0, bounds[i + 1] if i < n - 1 else None) for i in range(n)
    ]


def expected_frames(info: VideoInfo, *, max_fps: float | None) -> int:
    cap = RateCap(max_fps, source_fps=info.fps).max_fps
    if cap is None:
        return max(info.frame_count, 1)
    return max(1, math.ceil(info.duration_s * cap))


# --- one chunk -------------------------------------------------------------------------------
class _Collector:
    """Gathers the model's results of one chunk (and feeds the annotated video)."""

    def __init__(self, task: _ChunkTask, report: Callable[[int], None]) -> None:
        self.times: list[float] = []
        self.frames: list[int] = []
        self.xyz: list[FloatArray] = []
        self.vis: list[FloatArray] = []
        self.decoded = 0
        self.brightness = 0.0
        self._pending = 0
        self._report = report
        self.video: Any = None
        self._sink: BackgroundSink[SampledFrame] | None = None
        if task.segment is not None:
            from thrustcoach.pose.annotate import SkeletonVideo

            video = SkeletonVideo(task.segment, info=task.info, threads=task.encoder_threads)
            self.video = video
            self._sink = BackgroundSink(
                lambda s: video.write(s.frame, s.landmarks), depth=_QUEUE_FRAMES, name="draw"
            )

    def take(self, items: list[SampledFrame]) -> None:
        for s in items:
            if s.inferred:
                if s.result is None:
                    # Only frames without anyone are measured: finding a black video needs
                    # no more.
                    image = s.frame.image
                    self.brightness = max(self.brightness, float(image[::8, ::8].mean()))
                else:
                    self.times.append(s.frame.time_s)
                    self.frames.append(s.frame.index)
                    self.xyz.append(s.result.xyz)
                    self.vis.append(s.result.visibility)
            if self._sink is not None:
                self._sink.put(s)
            if s.eligible:
                self.decoded += 1
                self._pending += 1
        if self._pending >= _PROGRESS_EVERY:
            self._report(self._pending)
            self._pending = 0

    def close(self) -> None:
        if self._pending:
            self._report(self._pending)
            self._pending = 0
        try:
            if self._sink is not None:
                self._sink.close()
        finally:
            if self.video is not None:
                self.video.close()


class _TimedEstimator:
    """Measures the time an estimator spends on frames (the pure inference time), and puts
    results of frames shrunk by ``shrink`` back into the video's pixels."""

    def __init__(self, inner: PoseEstimator, *, shrink: int = 1) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0
        self._shrink = shrink

    def process(self, image_bgr: NDArray[np.uint8], *, time_s: float) -> PoseResult | None:
        started = time.perf_counter()
        try:
            result = self.inner.process(image_bgr, time_s=time_s)
        finally:
            self.seconds += time.perf_counter() - started
        if result is None or self._shrink == 1:
            return result
        return PoseResult(xyz=result.xyz * self._shrink, visibility=result.visibility)

    def reset(self) -> None:
        self.inner.reset()

    def close(self) -> None:
        self.inner.close()


def _run_chunk(
    task: _ChunkTask,
    report: Callable[[int], None],
    estimator: PoseEstimator | None = None,
    *,
    warm: WarmEstimators | None = None,
) -> _ChunkResult:
    """Decode, sample and run the model over one chunk.

    ``estimator``: use this one (reset, left open); otherwise borrow one from ``warm`` (and
    give it back) or build one from the spec (closed at the end).
    """
    collect = _Collector(task, report)  # first: an unwritable --annotate fails before the model
    if estimator is not None:
        estimator.reset()
        inner = estimator
    else:
        inner = warm.borrow(task.spec) if warm is not None else task.spec.create()
    own = estimator is None
    # Frames beyond 1920 px (4K) are halved as they are decoded: the model gains nothing from
    # more pixels, and the look-ahead buffers hold a quarter of the memory.
    shrink = math.ceil(max(task.info.width, task.info.height) / MAX_INPUT_SIDE_PX)
    timed = _TimedEstimator(inner, shrink=shrink)
    warnings: list[str] = []
    sampler = FrameSampler(timed, task.sampling)
    try:
        frames = iter_frames(
            task.info,
            max_fps=task.max_fps,
            start_s=task.chunk.start_s,
            end_s=task.chunk.end_s,
            warnings=warnings,
            every_frame=task.segment is not None,
        )
        if shrink > 1:
            frames = (_shrunk(fr, shrink) for fr in frames)
        for fr in read_ahead(frames, depth=_QUEUE_FRAMES, name="decode"):
            collect.take(sampler.push(fr, eligible=fr.in_rate))
        collect.take(sampler.finish())
    finally:
        collect.close()
        if own and warm is not None:
            warm.give_back(task.spec, inner)
        elif own:
            inner.close()
    n = len(collect.times)
    return _ChunkResult(
        index=task.chunk.index,
        time_s=np.asarray(collect.times, dtype=np.float64),
        frame=np.asarray(collect.frames, dtype=np.int64),
        xyz=np.asarray(collect.xyz, dtype=np.float64).reshape(n, N_LANDMARKS, 3),
        visibility=np.asarray(collect.vis, dtype=np.float64).reshape(n, N_LANDMARKS),
        frames_decoded=collect.decoded,
        frames_inferred=sampler.frames_inferred,
        inference_s=timed.seconds,
        brightness_max=collect.brightness if n == 0 or collect.brightness else 255.0,
        warnings=warnings,
    )


def _shrunk(frame: VideoFrame, factor: int) -> VideoFrame:
    # A whole-number factor takes OpenCV's fast averaging path for INTER_AREA.
    image = cv2.resize(
        frame.image, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA
    )
    return replace(frame, image=np.asarray(image, dtype=np.uint8))


# --- running chunks in parallel ----------------------------------------------------------------
_progress_queue: Any = None


def _mp_context() -> Any:
    """How to start worker processes.

    ``fork`` starts a worker in milliseconds with everything imported. It is safe while this
    process has never run MediaPipe (a forked copy of a live MediaPipe graph crashes) and
    only from the main thread (a fork taken elsewhere could copy another thread's held
    locks). Otherwise ``forkserver``/``spawn`` start clean processes, which then re-import
    the caller's main module (seconds for the CLI).
    """
    methods = mp.get_all_start_methods()
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
    # Python-level streams and handlers also drop any lock a parent thread held at fork time.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = Path(os.devnull).open("w")  # noqa: SIM115 - lives as long as the worker
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(logging.NullHandler())


def _run_chunk_in_worker(task: _ChunkTask) -> _ChunkResult:
    def report(n: int) -> None:
        _progress_queue.put((task.chunk.index, n))

    return _run_chunk(task, report)


def _drain(progress_queue: Any, on_progress: Callable[[int], None]) -> None:
    while True:
        try:
            _, n = progress_queue.get_nowait()
        except queue.Empty:
            return
        on_progress(int(n))


def _wait(
    futures: list[cf.Future[_ChunkResult]], progress: Any, advance: Callable[[int], None]
) -> list[_ChunkResult]:
    """Results in chunk order, feeding progress from this (the caller's) thread."""
    pending: set[cf.Future[_ChunkResult]] = set(futures)
    while pending:
        _, pending = cf.wait(pending, timeout=0.1, return_when=cf.FIRST_EXCEPTION)
        _drain(progress, advance)
        if any(f.done() and f.exception() is not None for f in futures):
            break
    _drain(progress, advance)
    return [f.result() for f in futures]


def _run_threads(
    tasks: list[_ChunkTask],
    advance: Callable[[int], None],
    *,
    first: PoseEstimator | None,
    warm: WarmEstimators | None,
) -> list[_ChunkResult]:
    """Chunks on threads, the first one with ``first`` when given."""
    progress: queue.SimpleQueue[tuple[int, int]] = queue.SimpleQueue()

    def reporter(index: int) -> Callable[[int], None]:
        return lambda n: progress.put((index, n))

    with cf.ThreadPoolExecutor(max_workers=len(tasks), thread_name_prefix="pose") as pool:
        futures = [
            pool.submit(
                _run_chunk, t, reporter(t.chunk.index), first if t is tasks[0] else None, warm=warm
            )
            for t in tasks
        ]
        return _wait(futures, progress, advance)


def _run_processes(
    tasks: list[_ChunkTask], advance: Callable[[int], None], info: VideoInfo
) -> list[_ChunkResult]:
    ctx = _mp_context()
    progress = ctx.Queue()
    with cf.ProcessPoolExecutor(
        max_workers=len(tasks), mp_context=ctx, initializer=_init_worker, initargs=(progress,)
    ) as pool:
        futures = [pool.submit(_run_chunk_in_worker, t) for t in tasks]
        try:
            return _wait(futures, progress, advance)
        except BrokenProcessPool:
            raise VideoError(
                f"{info.path.name}: the pose model crashed while reading this video",
                hint="re-export the video (H.264 MP4) and try again; report it if it persists",
            ) from None


# --- the public entry point ------------------------------------------------------------------
def extract_landmarks(
    video: str | Path,
    *,
    spec: EstimatorSpec | None = None,
    estimator: PoseEstimator | None = None,
    workers: int | None = None,
    max_fps: float | None = 30.0,
    sampling: SamplingPolicy | None = DEFAULT_SAMPLING,
    annotate: str | Path | None = None,
    parallel: Parallel = "threads",
    keep_warm: bool = False,
    on_progress: ProgressCallback | None = None,
) -> PoseRun:
    """Run pose estimation over a video and return a :class:`PoseRun`.

    Args:
        video: path of the video.
        spec: which estimator to build (default MediaPipe Pose full, tracking).
        estimator: an already built ("warm") estimator for the first chunk (a server's job
            worker keeps one per process); it is reset first and left open. Further chunks
            use this process's warm pool (:mod:`thrustcoach.pose.warm`).
        workers: chunks run side by side (default: the number of cores).
        max_fps: cap on decoded frames per second (``None``: every frame).
        sampling: which of those frames the model sees (``None``: all of them).
        annotate: also write the annotated video (skeleton on every frame) to this MP4.
        parallel: chunks on ``threads`` of this process or on worker ``processes``.
        keep_warm: borrow the chunks' estimators from this process's warm pool and give them
            back afterwards (a server), instead of building and closing them (the CLI).
        on_progress: called with (frames done, frames expected) on the caller's thread.

    Raises VideoError / InputFileError for bad files and NoPersonError when nobody (or only a
    cut-off body) is in the picture.
    """
    n_workers = default_workers() if workers is None else workers
    if n_workers < 1:
        raise UsageError(f"--workers must be at least 1, got {n_workers}")
    if spec is None and estimator is not None and estimator.name != EstimatorSpec().kind:
        n_workers = 1  # nothing says how to build more estimators like this one
    spec = spec or EstimatorSpec()
    if max_fps is not None and not (math.isfinite(max_fps) and max_fps > 0):
        raise UsageError(f"--max-fps must be positive, got {max_fps}")
    started = time.perf_counter()
    info = probe_video(video)
    chunks = plan_chunks(info, workers=n_workers)
    policy = sampling or SamplingPolicy.every_frame()
    out = Path(annotate) if annotate is not None else None
    tasks = [
        _ChunkTask(
            info=info,
            chunk=c,
            spec=spec,
            max_fps=max_fps,
            sampling=policy,
            segment=_segment_path(out, c.index, len(chunks)),
            encoder_threads=0 if len(chunks) == 1 else max(1, default_workers() // len(chunks)),
        )
        for c in chunks
    ]
    total = expected_frames(info, max_fps=max_fps)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if on_progress is not None:
            on_progress(done, max(total, done))

    warm = warm_estimators() if keep_warm or estimator is not None else None
    try:
        if len(tasks) == 1:
            results = [_run_chunk(tasks[0], advance, estimator, warm=warm)]
        elif parallel == "processes" and estimator is None and warm is None:
            results = _run_processes(tasks, advance, info)
        else:
            results = _run_threads(tasks, advance, first=estimator, warm=warm)
        if out is not None:
            from thrustcoach.pose.annotate import join_segments

            join_segments([t.segment for t in tasks if t.segment is not None], out)
    finally:
        for t in tasks:
            if t.segment is not None and t.segment != out:
                t.segment.unlink(missing_ok=True)
    run = _merge(info, results, started=started, workers=len(tasks), max_fps=max_fps, spec=spec)
    rate = RateCap(max_fps, source_fps=info.fps).max_fps or info.fps
    series = (
        run.series if policy.base_fps is None else run.series.with_meta(nominal_fps=f"{rate:.6g}")
    )
    return PoseRun(
        series=series,
        info=info,
        frames_analysed=run.frames_analysed,
        frames_with_person=run.frames_with_person,
        elapsed_s=time.perf_counter() - started,
        workers=run.workers,
        warnings=run.warnings,
        frames_inferred=sum(r.frames_inferred for r in results),
        inference_s=sum(r.inference_s for r in results),
        annotated=out,
    )


def _segment_path(out: Path | None, index: int, n: int) -> Path | None:
    if out is None:
        return None
    if n == 1:
        return out
    return out.with_name(f".{out.stem}.part{index}{out.suffix}")


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
    inferred = int(sum(r.frames_inferred for r in results))
    warnings = [w for r in results for w in r.warnings]
    warnings += check_pose_quality(
        time_s=time_s,
        xyz=xyz,
        visibility=vis,
        frames_analysed=inferred,
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
        frames_analysed=int(sum(r.frames_decoded for r in results)),
        frames_with_person=int(time_s.size),
        elapsed_s=time.perf_counter() - started,
        workers=workers,
        warnings=tuple(dict.fromkeys(warnings)),
    )
