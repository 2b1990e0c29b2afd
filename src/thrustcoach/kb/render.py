"""Render the knowledge base as Markdown (also the source of the terminal view) or JSON data.

The terminal view is rich's rendering of the same Markdown (:func:`to_rich`), so the three
formats never drift apart.
"""

from __future__ import annotations

from typing import Any

from rich.markdown import Markdown

from thrustcoach.kb.models import FaqEntry, KnowledgeBase, Mistake, Variant
from thrustcoach.kb.troubleshoot import TroubleshootResult

__all__ = [
    "SECTIONS",
    "faq_for",
    "overview_dict",
    "overview_markdown",
    "to_rich",
    "troubleshoot_dict",
    "troubleshoot_markdown",
    "variant_dict",
    "variant_markdown",
]

# Section name -> heading. Order = order in the guide.
SECTIONS: dict[str, str] = {
    "summary": "Summary",
    "setup": "Equipment and setup",
    "steps": "How to do it",
    "muscles": "Muscles worked",
    "mistakes": "Common mistakes",
    "tips": "Tips",
    "variations": "Variations",
    "use": "When to use it",
    "faq": "FAQ",
}

_USE_LABELS = {
    "activation": "Activation / warm-up",
    "strength_accessory": "Strength accessory",
    "finisher": "Finisher",
}


def faq_for(kb: KnowledgeBase, variant: Variant) -> tuple[FaqEntry, ...]:
    """FAQ entries about a variant; every general entry belongs to the bench single-leg family."""
    family = variant.unilateral and variant.setup.back_support == "bench"
    return tuple(
        f for f in kb.faq if variant.id in f.related_variants or (family and not f.related_variants)
    )


def to_rich(markdown: str) -> Markdown:
    """The terminal rendering of a Markdown text."""
    return Markdown(markdown)


def overview_markdown(kb: KnowledgeBase) -> str:
    lines = ["# ThrustCoach exercise guide", "", "| Id | Variant | Level |", "|---|---|---|"]
    for v in kb.variants:
        default = " *(default)*" if v.id is kb.default_variant else ""
        lines.append(f"| `{v.id}` | {v.name}{default} | {v.level} |")
    lines += [
        "",
        f"Default variant: **{kb.variant(kb.default_variant).name}**.",
        "",
        "Show one with `thrustcoach guide VARIANT` (an id or a name such as *bent*, *extended*, "
        "*dumbbell*, *glute bridge*); pick parts with `--section` "
        f"({', '.join(SECTIONS)}).",
    ]
    return "\n".join(lines) + "\n"


def overview_dict(kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "default_variant": kb.default_variant.value,
        "sections": list(SECTIONS),
        "variants": [
            {
                "id": v.id.value,
                "name": v.name,
                "level": v.level.value,
                "unilateral": v.unilateral,
                "load": v.load,
                "summary": v.summary,
            }
            for v in kb.variants
        ],
    }


def variant_markdown(kb: KnowledgeBase, variant: Variant, *, sections: tuple[str, ...]) -> str:
    parts = [f"# {variant.name}\n"]
    for section in sections:
        parts.append(f"## {SECTIONS[section]}\n")
        parts.append(_SECTION_RENDERERS[section](kb, variant))
    return "\n".join(parts)


def variant_dict(
    kb: KnowledgeBase, variant: Variant, *, sections: tuple[str, ...]
) -> dict[str, Any]:
    data = variant.model_dump(mode="json")
    out: dict[str, Any] = {"id": data["id"], "name": data["name"]}
    fields = {
        "summary": [
            "summary",
            "level",
            "difficulty",
            "unilateral",
            "load",
            "reveals_asymmetry",
            "audiences",
            "carry_over",
        ],
        "setup": ["setup"],
        "steps": ["tempo", "steps"],
        "muscles": ["muscles"],
        "variations": ["variations"],
        "use": ["use_cases"],
    }
    for section in sections:
        for name in fields.get(section, []):
            out[name] = data[name]
    if "mistakes" in sections:
        out["mistakes"] = [_mistake_dict(m) for m in kb.mistakes_for(variant.id)]
    if "tips" in sections:
        out["tips"] = [t.model_dump(mode="json") for t in kb.tips_for(variant.id)]
    if "faq" in sections:
        out["faq"] = [
            f.model_dump(mode="json", exclude={"phrasings"}) for f in faq_for(kb, variant)
        ]
    return out


def _mistake_dict(mistake: Mistake) -> dict[str, Any]:
    return mistake.model_dump(mode="json", exclude={"phrasings"})


def _summary(kb: KnowledgeBase, v: Variant) -> str:
    who = ", ".join(v.audiences) or "everyone"
    lines = [
        v.summary,
        "",
        f"- Level: **{v.level}** (difficulty {v.difficulty}/5)",
        f"- Good for: {who}",
    ]
    if v.carry_over:
        lines.append(f"- Carries over to: {', '.join(c.replace('_', ' ') for c in v.carry_over)}")
    if v.reveals_asymmetry:
        lines.append("- One leg works alone, so a weaker side cannot hide.")
    return "\n".join(lines) + "\n"


def _setup(kb: KnowledgeBase, v: Variant) -> str:
    lines = ["**Equipment**", ""]
    for e in v.setup.equipment:
        optional = "" if e.required else " (optional)"
        note = f": {e.note}" if e.note else ""
        lines.append(f"- {e.name}{optional}{note}")
    lines += ["", "**Setup**", ""]
    lines += [f"- {point}" for point in v.setup.points]
    return "\n".join(lines) + "\n"


def _steps(kb: KnowledgeBase, v: Variant) -> str:
    t = v.tempo
    lines = [
        f"Tempo: pause {t.pause_min_s:g}-{t.pause_max_s:g} s at the top, "
        f"lower in about {t.lowering_s:g} s.",
        "",
    ]
    for step in v.steps:
        lines.append(f"{step.number}. **{step.title}.** {step.instruction}")
        lines += [f"   - *{cue.text}*" for cue in step.cues]
    return "\n".join(lines) + "\n"


def _muscles(kb: KnowledgeBase, v: Variant) -> str:
    lines = ["| Muscle | Role | Share |", "|---|---|---|"]
    for role in v.muscles:
        share = f"~{role.share_pct:g} %" if role.share_pct is not None else "-"
        side = " (lifted leg)" if role.side == "free" else ""
        lines.append(f"| {kb.muscle(role.muscle).name}{side} | {role.role} | {share} |")
    return "\n".join(lines) + "\n"


def _mistakes(kb: KnowledgeBase, v: Variant) -> str:
    blocks = [f"### {m.title} (`{m.code}`)\n\n{_mistake_block(m)}" for m in kb.mistakes_for(v.id)]
    return "\n".join(blocks)


def _mistake_block(m: Mistake) -> str:
    return (
        f"- **Symptom:** {m.symptom}\n- **Cause:** {m.cause}\n"
        f"- **Fix:** {m.fix}\n- **Cue:** *{m.cue}*\n"
    )


def _tips(kb: KnowledgeBase, v: Variant) -> str:
    return "\n".join(f"- {t.text}" for t in kb.tips_for(v.id)) + "\n"


def _variations(kb: KnowledgeBase, v: Variant) -> str:
    lines = []
    for var in v.variations:
        name = kb.variant(var.variant).name
        lines.append(f"- **{var.relation.value.title()}:** {name} (`{var.variant}`): {var.reason}")
    return "\n".join(lines) + "\n"


def _use(kb: KnowledgeBase, v: Variant) -> str:
    lines = [f"- **{_USE_LABELS[u.kind]}** ({u.load} load): {u.description}" for u in v.use_cases]
    return "\n".join(lines) + "\n"


def _faq(kb: KnowledgeBase, v: Variant) -> str:
    return "\n".join(f"**{f.question}**\n\n{f.answer}\n" for f in faq_for(kb, v))


_SECTION_RENDERERS = {
    "summary": _summary,
    "setup": _setup,
    "steps": _steps,
    "muscles": _muscles,
    "mistakes": _mistakes,
    "tips": _tips,
    "variations": _variations,
    "use": _use,
    "faq": _faq,
}


def troubleshoot_markdown(result: TroubleshootResult) -> str:
    safety = f"**{result.safety}**\n\n" if result.safety else ""
    return safety + _answers_markdown(result)


def _answers_markdown(result: TroubleshootResult) -> str:
    if not result.matches:
        topics = "\n".join(f"- {t}" for t in result.suggestions)
        return f"No answer matches that question.\n\nTry asking about:\n\n{topics}\n"
    blocks = []
    for rank, match in enumerate(result.matches, start=1):
        head = f"## {rank}. {match.title}  \n*{match.kind} `{match.id}`, score {match.score:.2f}*\n"
        if match.mistake is not None:
            body = _mistake_block(match.mistake)
        elif match.faq is not None:
            body = f"{match.faq.answer}\n"
        else:  # pragma: no cover - a Match always carries one of the two
            body = ""
        blocks.append(head + "\n" + body)
    note = (
        "\n*(Only the first part of a very long question was used.)*\n" if result.truncated else ""
    )
    return "\n".join(blocks) + note


def troubleshoot_dict(result: TroubleshootResult) -> dict[str, Any]:
    matches = []
    for rank, match in enumerate(result.matches, start=1):
        item: dict[str, Any] = {
            "rank": rank,
            "kind": match.kind,
            "id": match.id,
            "title": match.title,
            "score": match.score,
        }
        if match.mistake is not None:
            item |= {k: getattr(match.mistake, k) for k in ("symptom", "cause", "fix", "cue")}
            item["code"] = match.id
        if match.faq is not None:
            item |= {
                "question": match.faq.question,
                "answer": match.faq.answer,
                "tags": list(match.faq.tags),
            }
        matches.append(item)
    return {
        "query": result.query,
        "truncated": result.truncated,
        "matches": matches,
        "suggestions": list(result.suggestions),
        "safety": result.safety,
    }
