"""Forgiving look-ups for user input: variant names ("bent", "glute bridge") and guide sections."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from thrustcoach.errors import UsageError
from thrustcoach.kb.models import KnowledgeBase, Variant
from thrustcoach.kb.render import SECTIONS

__all__ = ["resolve_sections", "resolve_variant"]

# A misspelt name must be at least this similar (rapidfuzz ratio, 0-100) to a known alias.
_MIN_NAME_SIMILARITY = 85


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def resolve_variant(name: str, *, kb: KnowledgeBase) -> Variant:
    """The variant an id, name or alias means; close misspellings are accepted.

    Raises :class:`~thrustcoach.errors.UsageError` listing the valid ids when nothing fits.
    """
    wanted = _norm(name)
    names: dict[str, Variant] = {}
    for variant in kb.variants:
        for alias in (variant.id.value, variant.name, *variant.aliases):
            names.setdefault(_norm(alias), variant)
    if wanted in names:
        return names[wanted]
    best = process.extractOne(
        wanted, list(names), scorer=fuzz.ratio, score_cutoff=_MIN_NAME_SIMILARITY
    )
    if best is not None:
        return names[best[0]]
    raise UsageError(
        f"unknown variant {name!r}",
        hint=f"choose one of: {', '.join(v.id for v in kb.variants)} "
        "(or a name like bent, extended, dumbbell, glute bridge)",
    )


def resolve_sections(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Validated guide sections in guide order; no names = all sections."""
    if not names:
        return tuple(SECTIONS)
    wanted = {_norm(n).replace(" ", "_") for raw in names for n in raw.split(",") if n.strip()}
    aliases = {"use_cases": "use", "when": "use", "muscle": "muscles", "mistake": "mistakes"}
    wanted = {aliases.get(n, n) for n in wanted}
    unknown = sorted(wanted - set(SECTIONS))
    if unknown:
        raise UsageError(
            f"unknown section {', '.join(map(repr, unknown))}",
            hint=f"choose from: {', '.join(SECTIONS)}",
        )
    return tuple(s for s in SECTIONS if s in wanted)
