"""Forgiving variant names and section names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrustcoach.errors import UsageError
from thrustcoach.kb import SECTIONS, load_knowledge_base, resolve_sections, resolve_variant


def test_every_id_name_and_alias_resolves_to_its_variant() -> None:
    kb = load_knowledge_base()
    for variant in kb.variants:
        for name in (variant.id.value, variant.name, *variant.aliases):
            assert resolve_variant(name, kb=kb).id is variant.id, name
            assert resolve_variant(name.upper(), kb=kb).id is variant.id, name


def test_aliases_are_unambiguous() -> None:
    kb = load_knowledge_base()
    seen: dict[str, str] = {}
    for variant in kb.variants:
        for alias in variant.aliases:
            key = " ".join(alias.lower().replace("-", " ").split())
            assert seen.setdefault(key, variant.id) == variant.id, alias


def test_unknown_variant_lists_choices() -> None:
    with pytest.raises(UsageError) as info:
        resolve_variant("bulgarian split squat", kb=load_knowledge_base())
    assert info.value.exit_code == 2
    assert "single_leg_glute_bridge" in str(info.value)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_name_resolves_or_raises_usage_error(name: str) -> None:
    kb = load_knowledge_base()
    try:
        variant = resolve_variant(name, kb=kb)
    except UsageError:
        return
    assert variant in kb.variants


def test_sections() -> None:
    assert resolve_sections([]) == tuple(SECTIONS)
    assert resolve_sections(["faq", "steps"]) == ("steps", "faq")  # guide order
    assert resolve_sections(["steps,muscles"]) == ("steps", "muscles")
    assert resolve_sections(["Use-Cases"]) == ("use",)
    with pytest.raises(UsageError, match="choose from"):
        resolve_sections(["steps", "history"])
