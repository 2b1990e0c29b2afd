"""Text that came from users or their files, made safe to show.

Names, notes and file names can hold characters that act instead of showing: ANSI escape
sequences (``ESC [31m`` recolours or clears a terminal), other C0/C1 control characters,
and Unicode format characters such as the right-to-left override (U+202E), which makes
``clip<U+202E>4pm.exe`` display as ``clipexe.mp4``. :func:`strip_controls` removes them all
(Unicode categories Cc and Cf, plus line and paragraph separators); :func:`shorten` keeps
echoed input to one readable line.
"""

from __future__ import annotations

import unicodedata

__all__ = ["shorten", "strip_controls"]

_REMOVE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def strip_controls(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` without control and format characters (tabs become spaces)."""
    out: list[str] = []
    for ch in text:
        if ch == "\t":
            out.append(" ")
        elif (ch == "\n" and keep_newlines) or unicodedata.category(ch) not in _REMOVE_CATEGORIES:
            out.append(ch)
    return "".join(out)


def shorten(value: object, *, limit: int = 40) -> str:
    """``repr``-style text of a value a user typed, cut to ``limit`` characters."""
    text = strip_controls(str(value))
    if len(text) > limit:
        text = f"{text[: limit - 12]}...({len(text)} chars)"
    return repr(text)
