"""User data on the terminal: no control characters, no rich markup.

Anything a user or a file supplied (athlete and plan names, notes, exercise names, file
names, error messages that quote them) goes through :func:`plain` before rich prints it: an
ANSI escape in a name must not recolour or clear the terminal, and ``[/]`` in a name must
print as text instead of being read as rich markup (which would fail to render).
"""

from __future__ import annotations

from rich.markup import escape

from thrustcoach.text import strip_controls

__all__ = ["plain"]


def plain(value: object) -> str:
    """``value`` as printable text for a rich console (markup escaped)."""
    return escape(strip_controls(str(value)))
