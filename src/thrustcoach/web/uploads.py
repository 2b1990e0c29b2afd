"""Streamed uploads: straight to disk in chunks, with size, type and file-name checks.

The body is never held whole in memory. The size limit is checked against Content-Length
before reading (413 at once) and again while streaming (a lying client is cut off, the partial
file removed). The type is decided by the file's first bytes (and the name's extension must
agree), never by the client's Content-Type alone. The client's file name is only displayed,
after sanitising; the file on disk gets our own name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from thrustcoach.errors import ThrustCoachError, UnsupportedFormatError, UsageError
from thrustcoach.text import strip_controls

__all__ = [
    "PayloadTooLargeError",
    "StoredUpload",
    "safe_display_name",
    "sniff_kind",
    "store_upload",
]

CHUNK = 1 << 16
VIDEO_EXTENSIONS = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi"}
LANDMARK_EXTENSIONS = {".csv", ".trc"}


class PayloadTooLargeError(ThrustCoachError):
    http_status = 413
    title = "Upload too large"


@dataclass(frozen=True)
class StoredUpload:
    path: Path
    display_name: str
    kind: str  # "video" | "landmarks"
    size_bytes: int


def safe_display_name(name: str | None) -> str:
    """The last path component, at most 100 characters, without control or format characters
    (ANSI escapes, NUL, and the bidirectional overrides that make ``evil<U+202E>4pm.exe`` show
    as ``evilexe.mp4``)."""
    raw = strip_controls(name or "upload")
    base = PureWindowsPath(PurePosixPath(raw).name).name
    base = base.strip().lstrip(".") or "upload"
    return base[-100:]


def sniff_kind(head: bytes, *, extension: str) -> str:
    """'video' or 'landmarks' from the first bytes; UnsupportedFormatError otherwise."""
    ext = extension.lower()
    is_video = (
        head[4:8] == b"ftyp"  # MP4 / MOV / M4V (ISO base media)
        or head[:4] == b"\x1a\x45\xdf\xa3"  # WebM / Matroska (EBML)
        or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")
    )
    if is_video and ext in VIDEO_EXTENSIONS:
        return "video"
    if ext in LANDMARK_EXTENSIONS and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a multi-byte character cut at the end is fine
                raise _unsupported(ext) from exc
        return "landmarks"
    raise _unsupported(ext)


def _unsupported(ext: str) -> UnsupportedFormatError:
    return UnsupportedFormatError(
        f"this file is not a video we can read ({ext or 'no extension'})",
        hint="upload an MP4, MOV, WebM, MKV or AVI clip, or a landmark CSV/TRC file",
    )


async def store_upload(
    chunks: AsyncIterator[bytes],
    *,
    dest_dir: Path,
    filename: str | None,
    content_length: int | None,
    max_bytes: int,
) -> StoredUpload:
    """Stream ``chunks`` to ``dest_dir/input<ext>`` within ``max_bytes``; check the type."""
    display = safe_display_name(filename)
    ext = Path(display).suffix.lower()
    if ext not in VIDEO_EXTENSIONS | LANDMARK_EXTENSIONS:
        raise _unsupported(ext)
    limit_mb = max_bytes // (1024 * 1024)
    too_large = PayloadTooLargeError(
        f"the upload is larger than the {limit_mb} MB limit",
        hint="trim the clip to the set, or lower its resolution",
    )
    if content_length is not None and content_length > max_bytes:
        raise too_large
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / f"input{ext}"
    size = 0
    head = b""
    try:
        with path.open("wb") as fh:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise too_large
                if len(head) < 64:
                    head += chunk[: 64 - len(head)]
                fh.write(chunk)
        if size == 0:
            raise UsageError("the upload is empty", hint="choose a file and try again")
        kind = sniff_kind(head, extension=ext)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredUpload(path=path, display_name=display, kind=kind, size_bytes=size)
