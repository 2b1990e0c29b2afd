"""Tell what a file holds from its first bytes, and read landmarks from whatever it is."""

from __future__ import annotations

import logging
from enum import StrEnum
from pathlib import Path

from thrustcoach.errors import InputFileError, UnsupportedFormatError
from thrustcoach.pose.series import LandmarkSeries

__all__ = ["FileKind", "archive_error", "detect_kind", "read_head", "read_landmarks"]

logger = logging.getLogger(__name__)

_HEAD_BYTES = 8192

# Container signatures: (offset, magic). Enough to tell a user "that is a video / a picture".
_VIDEO_MAGIC: tuple[tuple[int, bytes], ...] = (
    (4, b"ftyp"),  # MP4, MOV, M4V, 3GP (phones)
    (0, b"\x1a\x45\xdf\xa3"),  # Matroska / WebM
    (0, b"RIFF"),  # AVI (checked further below)
    (0, b"\x00\x00\x01\xba"),  # MPEG-PS
    (0, b"\x00\x00\x01\xb3"),  # MPEG-1/2 elementary stream
    (0, b"FLV"),
    (0, b"OggS"),
)
_IMAGE_MAGIC: tuple[bytes, ...] = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00")
# Packed files: (magic, what to call it, how to unpack it).
_ARCHIVE_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed", "gzip -dc FILE > OUT"),
    (b"PK\x03\x04", "a zip archive", "unzip FILE"),
    (b"BZh", "bzip2-compressed", "bzip2 -dc FILE > OUT"),
    (b"\xfd7zXZ\x00", "xz-compressed", "xz -dc FILE > OUT"),
    (b"(\xb5/\xfd", "zstd-compressed", "zstd -dc FILE > OUT"),
)


class FileKind(StrEnum):
    """What :func:`detect_kind` found in a file."""

    LANDMARK_CSV = "landmark_csv"
    TRC = "trc"
    VIDEO = "video"
    IMAGE = "image"
    ARCHIVE = "archive"  # compressed or zipped: unpack it first
    EMPTY = "empty"
    UNKNOWN = "unknown"


def read_head(path: Path, *, n_bytes: int = _HEAD_BYTES) -> bytes:
    """The first ``n_bytes`` of a file, with one-line errors for paths that cannot be read."""
    try:
        with path.open("rb") as fh:
            return fh.read(n_bytes)
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file", hint="check the path") from None
    except IsADirectoryError:
        raise InputFileError(f"{path} is a directory", hint="give a file inside it") from None
    except PermissionError:
        raise InputFileError(
            f"{path}: permission denied", hint="make the file readable (chmod +r)"
        ) from None
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from None


def _first_text_line(head: bytes) -> str:
    for raw in head.splitlines():
        line = raw.decode("utf-8", errors="replace").strip().lstrip("\ufeff")
        if line and not line.startswith("#"):
            return line
    return ""


def detect_kind(path: Path) -> FileKind:
    """Classify a file by content: landmark CSV, TRC, video, image, empty or unknown."""
    head = read_head(path)
    if not head.strip():
        return FileKind.EMPTY
    for offset, magic in _VIDEO_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            if magic == b"RIFF" and head[8:12] != b"AVI ":
                return FileKind.UNKNOWN
            return FileKind.VIDEO
    if head.startswith(_IMAGE_MAGIC):
        return FileKind.IMAGE
    if _archive(head) is not None:
        return FileKind.ARCHIVE
    if b"\x00" in head:
        return FileKind.UNKNOWN
    first = _first_text_line(head)
    if first.startswith("PathFileType"):
        return FileKind.TRC
    columns = {c.strip().lower() for c in first.split(",")}
    # A CSV with our time columns is ours, even when other columns are wrong: the CSV
    # reader then says exactly which columns are missing.
    if len(columns) > 1 and columns & {"frame", "time_s", "landmark"}:
        return FileKind.LANDMARK_CSV
    return FileKind.UNKNOWN


def _archive(head: bytes) -> tuple[str, str] | None:
    for magic, what, unpack in _ARCHIVE_MAGIC:
        if head.startswith(magic):
            return what, unpack
    return None


def archive_error(path: Path) -> UnsupportedFormatError:
    """The one-line error for a packed file (``detect_kind`` said ARCHIVE): what it is and
    the command that unpacks it."""
    found = _archive(read_head(path))
    what, unpack = found if found is not None else ("packed", "unpack FILE")
    packed = path.suffix.lower() in (".gz", ".bz2", ".xz", ".zst")
    out = path.with_suffix("") if packed else path.with_name(path.name + ".unpacked")
    command = unpack.replace("FILE", str(path)).replace("OUT", str(out))
    return UnsupportedFormatError(
        f"{path} is {what}: unpack it first",
        hint=f"run '{command}' and give the file that comes out",
    )


def read_landmarks(path: str | Path, *, max_bytes: int | None = None) -> LandmarkSeries:
    """Read a landmark CSV or a TRC marker file into a :class:`LandmarkSeries` (y down).

    The format is detected from the content, so a misnamed extension does not matter.
    Raises :class:`UnsupportedFormatError` for anything else (a video, a picture, a CSV
    with other columns) and :class:`InputFileError` for unreadable, empty or invalid files
    (and :class:`~thrustcoach.errors.FileTooLargeError` above ``max_bytes``, by default the
    ``max_landmark_mb`` setting).
    """
    # Local imports keep detection cheap and avoid an import cycle with the readers.
    from thrustcoach.pose.io.landmark_csv import read_landmark_csv
    from thrustcoach.pose.io.trc import read_trc

    path = Path(path)
    kind = detect_kind(path)
    logger.debug("%s detected as %s", path, kind)
    if kind is FileKind.LANDMARK_CSV:
        return read_landmark_csv(path, max_bytes=max_bytes)
    if kind is FileKind.TRC:
        return read_trc(path, max_bytes=max_bytes)
    if kind is FileKind.EMPTY:
        raise InputFileError(
            f"{path} is empty", hint="export the landmarks again or pick another file"
        )
    if kind is FileKind.VIDEO:
        raise UnsupportedFormatError(
            f"{path} is a video, not a landmark file",
            hint=f"run 'thrustcoach analyze {path}' or 'thrustcoach pose {path} -o landmarks.csv'",
        )
    if kind is FileKind.ARCHIVE:
        raise archive_error(path)
    if kind is FileKind.IMAGE:
        raise UnsupportedFormatError(
            f"{path} is a picture, not a landmark file",
            hint="give a video of the set, a landmark CSV or a TRC file",
        )
    raise UnsupportedFormatError(
        f"{path} is neither a landmark CSV (frame,time_s,landmark,x,y,z,visibility) nor a TRC file",
        hint="see 'Landmark files' in the README for the formats we read",
    )
