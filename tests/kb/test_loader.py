"""The loader: shipped data loads, is cached, and broken data fails with file and field named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from thrustcoach.errors import DataError, NotFoundError
from thrustcoach.kb import FreeLeg, KnowledgeBase, default_data_dir, load_knowledge_base
from thrustcoach.vocab import FaultCode, VariantId


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_data_loads_and_is_cached() -> None:
    kb = load_knowledge_base()
    assert isinstance(kb, KnowledgeBase)
    assert load_knowledge_base() is kb
    assert {v.id for v in kb.variants} == set(VariantId)


def test_models_are_frozen() -> None:
    kb = load_knowledge_base()
    with pytest.raises(ValueError, match="frozen"):
        kb.mistake(FaultCode.BOUNCE).cue = "changed"  # type: ignore[misc]


def test_inherited_variants_override_only_what_differs() -> None:
    kb = load_knowledge_base()
    base = kb.variant(VariantId.SINGLE_LEG_HIP_THRUST)
    extended = kb.variant(VariantId.SINGLE_LEG_HIP_THRUST_EXTENDED)
    dumbbell = kb.variant(VariantId.SINGLE_LEG_HIP_THRUST_DUMBBELL)
    assert extended.setup.free_leg is FreeLeg.EXTENDED
    # setup is merged key by key: the bench rule comes from the parent
    assert extended.setup.bench_contact == base.setup.bench_contact
    assert dumbbell.setup.free_leg is FreeLeg.BENT
    # override_steps patches one step, the others are the parent's
    assert extended.steps[0].instruction != base.steps[0].instruction
    assert "straight" in extended.steps[0].instruction
    assert extended.steps[2] == base.steps[2]
    assert dumbbell.steps == base.steps
    # add_muscles appends to the parent's list
    assert [m.muscle for m in extended.muscles[:5]] == [m.muscle for m in base.muscles]


def test_lookups_raise_not_found() -> None:
    kb = load_knowledge_base()
    with pytest.raises(NotFoundError):
        kb.variant("deadlift")
    with pytest.raises(NotFoundError):
        kb.mistake("sloppy")
    with pytest.raises(NotFoundError):
        kb.faq_entry("nope")


def test_wrong_type_names_file_and_field(data_copy: Path) -> None:
    _edit(data_copy / "variants" / "glute_bridge.toml", "difficulty = 1", 'difficulty = "easy"')
    with pytest.raises(DataError) as info:
        load_knowledge_base(data_copy)
    assert "glute_bridge.toml" in str(info.value)
    assert "difficulty" in str(info.value)
    assert info.value.exit_code == 4


def test_unknown_fault_code_names_file_and_field(data_copy: Path) -> None:
    _edit(data_copy / "mistakes.toml", 'code = "bounce"', 'code = "bounse"')
    with pytest.raises(DataError) as info:
        load_knowledge_base(data_copy)
    assert "mistakes.toml" in str(info.value)
    assert "mistakes.6.code" in str(info.value)


def test_shares_must_add_up(data_copy: Path) -> None:
    _edit(data_copy / "variants" / "single_leg_hip_thrust.toml", "share_pct = 55", "share_pct = 60")
    with pytest.raises(DataError, match=r"single_leg_hip_thrust\.toml.*100 %"):
        load_knowledge_base(data_copy)


def test_unknown_tip_reference(data_copy: Path) -> None:
    _edit(data_copy / "variants" / "glute_bridge.toml", '"cramp_fix"]', '"cramp_fixx"]')
    with pytest.raises(DataError, match="cramp_fixx"):
        load_knowledge_base(data_copy)


def test_unknown_parent_variant(data_copy: Path) -> None:
    path = data_copy / "variants" / "single_leg_hip_thrust_extended.toml"
    _edit(path, 'based_on = "single_leg_hip_thrust"', 'based_on = "squat"')
    with pytest.raises(DataError, match=r"based_on.*squat"):
        load_knowledge_base(data_copy)


def test_toml_syntax_error(data_copy: Path) -> None:
    (data_copy / "faq.toml").write_text("[[faq]\nid = ", encoding="utf-8")
    with pytest.raises(DataError, match=r"faq\.toml is not valid TOML"):
        load_knowledge_base(data_copy)


def test_missing_file(data_copy: Path) -> None:
    (data_copy / "tips.toml").unlink()
    with pytest.raises(DataError, match=r"tips\.toml is missing"):
        load_knowledge_base(data_copy)


def test_missing_mistake_for_a_code(data_copy: Path) -> None:
    text = (data_copy / "mistakes.toml").read_text(encoding="utf-8")
    head, _, _ = text.partition('[[mistake]]\ncode = "neck_on_bench"')
    (data_copy / "mistakes.toml").write_text(head, encoding="utf-8")
    with pytest.raises(DataError, match="neck_on_bench"):
        load_knowledge_base(data_copy)
