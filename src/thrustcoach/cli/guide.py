"""``thrustcoach guide`` and ``thrustcoach troubleshoot``: the knowledge base in the terminal."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console

from thrustcoach.errors import UsageError
from thrustcoach.kb import load_knowledge_base, resolve_sections, resolve_variant, troubleshoot
from thrustcoach.kb.render import (
    SECTIONS,
    overview_dict,
    overview_markdown,
    to_rich,
    troubleshoot_dict,
    troubleshoot_markdown,
    variant_dict,
    variant_markdown,
)

__all__ = ["register"]

_FORMATS = ("text", "markdown", "json")


def _check_format(value: str) -> str:
    fmt = value.strip().lower()
    if fmt == "md":
        fmt = "markdown"
    if fmt not in _FORMATS:
        raise UsageError(f"unknown format {value!r}", hint=f"choose one of: {', '.join(_FORMATS)}")
    return fmt


def _emit(fmt: str, *, markdown: str, data: dict[str, Any]) -> None:
    if fmt == "json":
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        typer.echo(markdown)
    else:
        Console(highlight=False).print(to_rich(markdown))


def guide(
    variant: str | None = typer.Argument(
        None,
        help="Variant id or name: bent (default), extended, dumbbell, hip thrust, glute bridge, "
        "single leg glute bridge. Leave out for an overview.",
        show_default=False,
    ),
    section: list[str] = typer.Option(
        [],
        "--section",
        "-s",
        help=f"Show only these parts (repeat or comma-separate): {', '.join(SECTIONS)}.",
        show_default=False,
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text (terminal), markdown or json."),
) -> None:
    """Learn the exercise: setup, steps, cues, muscles, mistakes, tips, variations, FAQ."""
    fmt = _check_format(fmt)
    kb = load_knowledge_base()
    sections = resolve_sections(section)
    if variant is None and not section:
        _emit(fmt, markdown=overview_markdown(kb), data=overview_dict(kb))
        return
    chosen = resolve_variant(variant, kb=kb) if variant else kb.variant(kb.default_variant)
    _emit(
        fmt,
        markdown=variant_markdown(kb, chosen, sections=sections),
        data=variant_dict(kb, chosen, sections=sections),
    )


def troubleshoot_command(
    text: str = typer.Argument(
        ...,
        help='What you notice, in your own words, e.g. "cramp behind the knee". '
        "Use - to read the text from standard input.",
    ),
    limit: int = typer.Option(3, "--limit", "-n", min=1, max=20, help="Show at most N answers."),
    fmt: str = typer.Option("text", "--format", "-f", help="text (terminal), markdown or json."),
) -> None:
    """Describe a problem; get the likely mistakes and FAQ answers with cause and fix."""
    fmt = _check_format(fmt)
    query: str | bytes = sys.stdin.buffer.read() if text == "-" else text
    result = troubleshoot(query, limit=limit)
    _emit(fmt, markdown=troubleshoot_markdown(result), data=troubleshoot_dict(result))


def register(app: typer.Typer) -> None:
    app.command("guide")(guide)
    app.command("troubleshoot")(troubleshoot_command)
