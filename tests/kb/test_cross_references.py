"""Every id a knowledge-base file mentions exists (checked on the raw TOML, before pydantic).

Keys are grouped by what they refer to; a new key that holds ids must be added to one group,
or test_every_key_is_classified fails.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from thrustcoach.kb import EquipmentId, Remedy, default_data_dir, load_knowledge_base
from thrustcoach.vocab import FaultCode, MuscleId, VariantId

DATA = default_data_dir()
FILES = sorted(DATA.rglob("*.toml"))

# Dotted key paths (list indices dropped) that hold references, by what they refer to.
VARIANT_PATHS = {
    "id@variants", "based_on", "variations.variant", "mistake.variants", "faq.related_variants",
    "default_variant",
}  # fmt: skip
MUSCLE_PATHS = {
    "muscles.muscle",
    "add_muscles.muscle",
    "mistake.muscles",
    "tip.muscles",
    "muscle.id",
}
FAULT_PATHS = {
    "muscles.prevents", "add_muscles.prevents", "mistake.code", "faq.related_mistakes",
    "tip.related_mistakes",
}  # fmt: skip
# Key names that always hold references: each path ending in one must be classified above.
REFERENCE_NAMES = {
    "variant", "variants", "related_variants", "based_on", "muscle", "muscles", "code",
    "related_mistakes", "prevents", "remedies", "tips", "default_variant",
}  # fmt: skip
OTHER_PATHS = {"mistake.remedies", "tips", "setup.equipment.id"}


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key path, string value) for every string in the document."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, path)
    elif isinstance(node, str):
        yield path, node


def _strings(path: Path) -> list[tuple[str, str]]:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for key, value in _walk(doc):
        # "id" of a variant file is a variant id; "id@variants" names that case.
        if key == "id" and path.parent.name == "variants":
            key = "id@variants"
        out.append((key, value))
    return out


def _values(path: Path, paths: set[str]) -> list[str]:
    return [value for key, value in _strings(path) if key in paths]


def test_data_files_exist() -> None:
    names = {p.name for p in FILES}
    assert {"mistakes.toml", "faq.toml", "tips.toml", "muscles.toml", "synonyms.toml"} <= names
    assert len(list((DATA / "variants").glob("*.toml"))) == len(VariantId)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_reference_key_is_classified(path: Path) -> None:
    known = VARIANT_PATHS | MUSCLE_PATHS | FAULT_PATHS | OTHER_PATHS
    unclassified = {
        key
        for key, _ in _strings(path)
        if key.split(".")[-1] in REFERENCE_NAMES and key not in known
    }
    assert unclassified == set()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_variant_ids_exist(path: Path) -> None:
    assert [v for v in _values(path, VARIANT_PATHS) if v not in set(VariantId)] == []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_muscle_ids_exist(path: Path) -> None:
    assert [v for v in _values(path, MUSCLE_PATHS) if v not in set(MuscleId)] == []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_fault_codes_exist(path: Path) -> None:
    assert [v for v in _values(path, FAULT_PATHS) if v not in set(FaultCode)] == []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_remedies_equipment_and_tips_exist(path: Path) -> None:
    tips = {t["id"] for t in tomllib.loads((DATA / "tips.toml").read_text())["tip"]}
    assert [v for v in _values(path, {"mistake.remedies"}) if v not in set(Remedy)] == []
    equipment = _values(path, {"setup.equipment.id"})
    assert [e for e in equipment if e not in set(EquipmentId)] == []
    if path.parent.name == "variants":
        assert [v for v in _values(path, {"tips"}) if v not in tips] == []


def test_the_checker_sees_references() -> None:
    """Guard against a checker that silently finds nothing."""
    slht = DATA / "variants" / "single_leg_hip_thrust.toml"
    assert "gluteus_maximus" in _values(slht, MUSCLE_PATHS)
    assert "knee_cave" in _values(slht, FAULT_PATHS)
    assert "single_leg_glute_bridge" in _values(slht, VARIANT_PATHS)
    assert len(_values(DATA / "mistakes.toml", FAULT_PATHS)) == len(FaultCode)


def test_variant_file_names_match_ids() -> None:
    for path in (DATA / "variants").glob("*.toml"):
        assert tomllib.loads(path.read_text())["id"] == path.stem


def test_loaded_references_resolve() -> None:
    """The same, through the models: every reference can be looked up."""
    kb = load_knowledge_base()
    for variant in kb.variants:
        for var in variant.variations:
            kb.variant(var.variant)
        for role in variant.muscles:
            kb.muscle(role.muscle)
            for code in role.prevents:
                kb.mistake(code)
        kb.tips_for(variant.id)
    for mistake in kb.mistakes:
        for muscle in mistake.muscles:
            kb.muscle(muscle)
        for vid in mistake.variants:
            kb.variant(vid)
    for entry in kb.faq:
        for code in entry.related_mistakes:
            kb.mistake(code)
        for vid in entry.related_variants:
            kb.variant(vid)
    for tip in kb.tips:
        for code in tip.related_mistakes:
            kb.mistake(code)


def test_every_tip_is_shown_somewhere() -> None:
    kb = load_knowledge_base()
    shown = {t for v in kb.variants for t in v.tips}
    assert {t.id for t in kb.tips} - shown == set()
