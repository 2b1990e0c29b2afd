"""Reading input files within a size limit, with one-line errors.

A file is checked against its limit before it is read: a regular file by its size, anything
else (``/dev/zero``, a pipe, a FIFO) by reading at most one byte more than the limit. So no
input can make ThrustCoach read without end or hold more than the limit in memory. The
limits are settings (:class:`thrustcoach.config.Settings`: ``max_landmark_mb``,
``max_import_mb``, ``max_json_mb``).
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from thrustcoach.errors import FileTooLargeError, InputFileError

__all__ = [
    "MB",
    "configured_limit",
    "open_text_limited",
    "read_limited",
    "read_text_limited",
]

MB = 1024 * 1024


def configured_limit(setting: str) -> int:
    """The limit in bytes that setting ``setting`` (``max_landmark_mb``, ...) gives."""
    from thrustcoach.config import load_settings

    megabytes = getattr(load_settings(), setting)
    return int(megabytes) * MB


def _too_large(path: Path, *, max_bytes: int, what: str, setting: str) -> FileTooLargeError:
    return FileTooLargeError(
        f"{path} is larger than the {max_bytes / MB:g} MB limit for {what}",
        hint=f"is it really {what}? (raise the limit with THRUSTCOACH_{setting.upper()})",
    )


def _unreadable(path: Path, exc: OSError) -> InputFileError:
    if isinstance(exc, FileNotFoundError):
        return InputFileError(f"cannot read {path}: no such file", hint="check the path")
    if isinstance(exc, IsADirectoryError):
        return InputFileError(f"{path} is a directory", hint="give a file inside it")
    if isinstance(exc, PermissionError):
        return InputFileError(f"{path}: permission denied", hint="make the file readable")
    return InputFileError(f"cannot read {path}: {exc.strerror or exc}")


def read_limited(path: Path, *, max_bytes: int, what: str, setting: str) -> bytes:
    """The bytes of ``path``; :class:`FileTooLargeError` past ``max_bytes`` (nothing kept)."""
    try:
        with path.open("rb") as fh:
            info = os.fstat(fh.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(21, "Is a directory")
            if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
                raise _too_large(path, max_bytes=max_bytes, what=what, setting=setting)
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if len(data) > max_bytes:
        raise _too_large(path, max_bytes=max_bytes, what=what, setting=setting)
    return data


def read_text_limited(path: Path, *, max_bytes: int, what: str, setting: str) -> str:
    """UTF-8 text of ``path`` (a BOM is dropped) within ``max_bytes``."""
    data = read_limited(path, max_bytes=max_bytes, what=what, setting=setting)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(
            f"{path} is not UTF-8 text", hint=f"save {what} as UTF-8 text"
        ) from None


@contextmanager
def open_text_limited(path: Path, *, max_bytes: int, what: str, setting: str) -> Iterator[IO[str]]:
    """A text stream of ``path`` for parsers that read line by line (no copy of the file).

    A regular file is streamed from disk once its size is checked; anything else is read
    within the limit first. Invalid UTF-8 surfaces as ``UnicodeDecodeError`` while reading.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if not stat.S_ISREG(info.st_mode):
        text = read_text_limited(path, max_bytes=max_bytes, what=what, setting=setting)
        yield io.StringIO(text)
        return
    if info.st_size > max_bytes:
        raise _too_large(path, max_bytes=max_bytes, what=what, setting=setting)
    try:
        fh = path.open("r", encoding="utf-8-sig")
    except OSError as exc:
        raise _unreadable(path, exc) from None
    with fh:
        yield fh
