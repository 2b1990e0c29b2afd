"""Many videos at once: local process pool or Ray tasks, resumable by content hash."""

from thrustcoach.batch.job import BatchOptions, ItemResult, file_sha256, process_video
from thrustcoach.batch.runner import SUMMARY_COLUMNS, find_videos, run_batch, write_summary

__all__ = [
    "SUMMARY_COLUMNS",
    "BatchOptions",
    "ItemResult",
    "file_sha256",
    "find_videos",
    "process_video",
    "run_batch",
    "write_summary",
]
