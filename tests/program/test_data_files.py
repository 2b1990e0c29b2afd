"""The shipped rules and templates load, reject bad data, and name only known ids."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from thrustcoach.errors import DataError, NotFoundError
from thrustcoach.program import get_template, load_rules, load_templates
from thrustcoach.program.rules import parse_rules
from thrustcoach.program.templates import parse_templates
from thrustcoach.vocab import VariantId


def _raw(name: str) -> dict[str, Any]:
    text = resources.files("thrustcoach.program").joinpath("data", name).read_text("utf-8")
    return tomllib.loads(text)


def _values_named(node: Any, predicate: Any) -> list[str]:
    """Every string value whose key satisfies ``predicate``, anywhere in a TOML tree."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if predicate(key) and isinstance(value, str):
                found.append(value)
            found.extend(_values_named(value, predicate))
    elif isinstance(node, list):
        for item in node:
            found.extend(_values_named(item, predicate))
    return found


def test_every_variant_id_in_the_data_exists_in_vocab() -> None:
    names = _values_named(_raw("rules.toml"), lambda k: k == "variant" or k.endswith("_variant"))
    names += _values_named(_raw("templates.toml"), lambda k: k in {"variant", "exercise"})
    assert len(names) >= 7
    unknown = [n for n in names if n not in {v.value for v in VariantId}]
    assert unknown == []


def test_templates_and_uses_refer_to_each_other() -> None:
    rules, templates = load_rules(), load_templates()
    for use in rules.use.values():
        assert use.template in templates
    for template in templates.values():
        assert template.purpose in rules.use
        assert rules.use[template.purpose].load == template.load


def test_every_fact_has_a_known_source() -> None:
    sources = _values_named(_raw("rules.toml"), lambda k: k == "source")
    assert len(sources) >= 15
    assert all(s.startswith(("seed_000", "seed_001", "assumption")) for s in sources)


def test_unknown_template_is_a_not_found_error() -> None:
    with pytest.raises(NotFoundError, match="unilateral_4wk"):
        get_template("no_such_block")


def test_invalid_rules_raise_data_error() -> None:
    raw = _raw("rules.toml")
    bad = copy.deepcopy(raw)
    bad["load"]["model"]["start_fraction"] = 0.9  # outside 50-60 %
    with pytest.raises(DataError, match="start_fraction"):
        parse_rules(bad)
    bad = copy.deepcopy(raw)
    bad["free_leg"]["bent_variant"] = "single_leg_squat"
    with pytest.raises(DataError, match="bent_variant"):
        parse_rules(bad)
    bad = copy.deepcopy(raw)
    bad["execution"]["source"] = "the internet"
    with pytest.raises(DataError):
        parse_rules(bad)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t["week"].pop(1), "numbered"),
        (lambda t: t.update(extra_weak_set={"week": 4, "session": 1}), "deload"),
        (lambda t: t.update(extra_weak_set={"week": 9, "session": 1}), "outside"),
        (lambda t: t.pop("bilateral"), "pair_with_bilateral"),
        (lambda t: t["week"][0].update(reps_per_leg=0), "reps_per_leg"),
        (lambda t: t.update(bogus=1), "bogus"),
    ],
)
def test_invalid_templates_raise_data_error(mutate: Any, message: str) -> None:
    raw = copy.deepcopy(_raw("templates.toml"))
    mutate(raw["template"][0])
    with pytest.raises(DataError, match=message):
        parse_templates(raw)


def test_duplicate_template_ids_are_rejected() -> None:
    raw = copy.deepcopy(_raw("templates.toml"))
    raw["template"].append(copy.deepcopy(raw["template"][0]))
    with pytest.raises(DataError, match="repeat"):
        parse_templates(raw)
