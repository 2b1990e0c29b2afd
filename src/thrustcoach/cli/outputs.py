"""Checks of output paths, made before any work starts.

A pose run can take minutes: finding out afterwards that ``--annotate`` points into a folder
that does not exist, or that ``--plot`` names a format we cannot draw, wastes it. Every
command checks its outputs first, with one-line :class:`~thrustcoach.errors.UsageError`\\ s
(exit 2), and refuses to write over one of its own inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from thrustcoach.errors import UsageError

__all__ = ["PLOT_SUFFIXES", "check_output_dir", "check_output_file"]

# What matplotlib writes and a person opens: raster and vector images.
PLOT_SUFFIXES = (".png", ".svg", ".pdf", ".jpg", ".jpeg", ".webp")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def check_output_file(
    path: Path | None,
    *,
    flag: str,
    suffixes: Iterable[str] | None = None,
    inputs: Iterable[Path] = (),
) -> None:
    """``path`` can be written as a file: its folder exists, it is not a folder, its suffix is
    one of ``suffixes`` (if given) and it is none of ``inputs``."""
    if path is None:
        return
    if suffixes is not None:
        allowed = tuple(suffixes)
        if path.suffix.lower() not in allowed:
            raise UsageError(
                f"{flag} {path}: cannot write a {path.suffix or 'file without extension'} file",
                hint=f"end the name with one of {', '.join(allowed)}",
            )
    if path.is_dir():
        raise UsageError(f"{flag} {path} is a folder", hint="give a file name inside it")
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(
            f"{flag} {path}: the folder {parent} does not exist", hint="create it first"
        )
    for source in inputs:
        if _same_file(path, source):
            raise UsageError(
                f"{flag} {path} is the input file", hint="choose another name for the output"
            )


def check_output_dir(path: Path, *, flag: str) -> None:
    """``path`` is (or can become) a folder: not an existing file, nor under one."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{flag} {path} is a file, not a folder", hint="give a folder name")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{flag} {path}: {parent} is a file, not a folder")
            break
