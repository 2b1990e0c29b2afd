"""Many videos at once: find them, skip the ones already done, run the rest, write summary.csv.

Locally the videos go to a process pool (``jobs`` at a time, one pose worker each); with
``ray_address`` they run as Ray tasks on a cluster (``"local"`` starts a private one). A video
is "already done" when ``<out>/.done/<sha256>.json`` exists for the same options fingerprint:
renaming or moving a video does not redo it, changing its content does.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import glob
import json
import logging
import multiprocessing as mp
from collections.abc import Callable, Iterable
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

from thrustcoach.batch.job import BatchOptions, ItemResult, file_sha256, process_video
from thrustcoach.errors import DependencyMissingError, InputFileError, UsageError

__all__ = ["SUMMARY_COLUMNS", "VIDEO_SUFFIXES", "find_videos", "run_batch"]

logger = logging.getLogger(__name__)

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".3gp", ".mpg"})
SUMMARY_COLUMNS = (
    *(f.name for f in fields(ItemResult) if f.name != "outputs"),
    "json",
    "plot",
    "annotated",
)
ItemCallback = Callable[[ItemResult], None]


def find_videos(spec: str) -> list[Path]:
    """Videos in a folder (not recursive) or matching a glob (``**`` allowed), sorted."""
    path = Path(spec)
    if path.is_dir():
        found = [p for p in path.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES]
    elif path.is_file():
        found = [path]
    elif any(ch in spec for ch in "*?["):
        matches = glob.glob(spec, recursive=True)  # noqa: PTH207 - absolute patterns too
        found = [Path(p) for p in matches if Path(p).is_file()]
    else:
        raise InputFileError(f"{spec}: no such file or folder", hint="check the path")
    if not found:
        raise UsageError(
            f"no videos in {spec}",
            hint=f"give a folder with {', '.join(sorted(VIDEO_SUFFIXES))} files or a glob",
        )
    return sorted(found)


def _names(videos: list[Path], hashes: list[str]) -> list[str]:
    """Output base names: the file stem, plus a hash prefix when two stems collide."""
    stems = [v.stem for v in videos]
    return [
        s if stems.count(s) == 1 else f"{s}-{h[:8]}" for s, h in zip(stems, hashes, strict=True)
    ]


def _marker(out_dir: Path, sha: str) -> Path:
    return out_dir / ".done" / f"{sha}.json"


def _already_done(out_dir: Path, sha: str, options: BatchOptions) -> ItemResult | None:
    marker = _marker(out_dir, sha)
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("fingerprint") != options.fingerprint():
        return None
    item = ItemResult(**data["item"])
    if not all(Path(p).exists() for p in item.outputs.values()):
        return None  # someone deleted the outputs: do it again
    item.status = "skipped"
    return item


def _remember(out_dir: Path, item: ItemResult, options: BatchOptions) -> None:
    marker = _marker(out_dir, item.sha256)
    marker.parent.mkdir(parents=True, exist_ok=True)
    doc = {"fingerprint": options.fingerprint(), "item": asdict(item)}
    marker.write_text(json.dumps(doc, indent=1), encoding="utf-8")


def _run_local(
    work: list[tuple[Path, str, str]], out_dir: Path, options: BatchOptions, jobs: int
) -> Iterable[ItemResult]:
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    with cf.ProcessPoolExecutor(max_workers=max(1, min(jobs, len(work))), mp_context=ctx) as pool:
        futures = {
            pool.submit(process_video, v, out_dir, name, sha, options): (v, name, sha)
            for v, name, sha in work
        }
        for fut in cf.as_completed(futures):
            v, name, sha = futures[fut]
            try:
                yield fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker died (e.g. killed): report, go on
                yield ItemResult(
                    video=str(v),
                    sha256=sha,
                    status="failed",
                    name=name,
                    error=f"worker died: {exc}",
                )


def _run_ray(
    work: list[tuple[Path, str, str]], out_dir: Path, options: BatchOptions, address: str
) -> Iterable[ItemResult]:
    try:
        import ray
    except ImportError:
        raise DependencyMissingError(
            "--ray needs Ray, which is not installed", hint="pip install 'thrustcoach[ray]'"
        ) from None
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=None if address == "local" else address, log_to_driver=False)
    try:
        task = ray.remote(process_video)
        refs: dict[Any, tuple[Path, str, str]] = {
            task.remote(str(v), str(out_dir), name, sha, options): (v, name, sha)
            for v, name, sha in work
        }
        pending = list(refs)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            v, name, sha = refs[ready[0]]
            try:
                yield ray.get(ready[0])
            except Exception as exc:  # noqa: BLE001 - the task or its node failed: report, go on
                yield ItemResult(
                    video=str(v),
                    sha256=sha,
                    status="failed",
                    name=name,
                    error=f"Ray task failed: {exc}",
                )
    finally:
        if started_here:
            ray.shutdown()


def write_summary(out_dir: Path, items: list[ItemResult]) -> Path:
    path = out_dir / "summary.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        for item in sorted(items, key=lambda i: i.video):
            row = {k: v for k, v in asdict(item).items() if k != "outputs"}
            row.update({k: item.outputs.get(k, "") for k in ("json", "plot", "annotated")})
            writer.writerow(row)
    return path


def run_batch(
    videos: list[Path],
    out_dir: Path,
    *,
    options: BatchOptions | None = None,
    jobs: int = 1,
    force: bool = False,
    ray_address: str | None = None,
    on_item: ItemCallback | None = None,
) -> list[ItemResult]:
    """Analyse ``videos`` into ``out_dir``; returns one :class:`ItemResult` per video."""
    options = options or BatchOptions()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(f"cannot create {out_dir}: {exc.strerror}") from None
    hashes = [file_sha256(v) for v in videos]
    names = _names(videos, hashes)
    items: list[ItemResult] = []
    work: list[tuple[Path, str, str]] = []
    for video, name, sha in zip(videos, names, hashes, strict=True):
        done = None if force else _already_done(out_dir, sha, options)
        if done is not None:
            done.video = str(video)
            items.append(done)
            if on_item:
                on_item(done)
        else:
            work.append((video, name, sha))
    if work and not ray_address and len(work) < jobs:
        # Fewer videos than job slots: give each video's pose stage the spare cores.
        options = replace(options, pose_workers=max(1, jobs // len(work)))
    if work:
        stream = (
            _run_ray(work, out_dir, options, ray_address)
            if ray_address
            else _run_local(work, out_dir, options, jobs)
        )
        for item in stream:
            if item.status == "done":
                _remember(out_dir, item, options)
            items.append(item)
            if on_item:
                on_item(item)
    write_summary(out_dir, items)
    return items
