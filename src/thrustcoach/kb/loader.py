"""Load the TOML files under ``kb/data/`` into a validated, frozen :class:`KnowledgeBase`.

Layout of the data directory::

    knowledge_base.toml   default variant and troubleshooter settings
    variants/*.toml       one file per variant; ``based_on`` inherits from another variant
    mistakes.toml         [[mistake]] one per fault code
    faq.toml              [[faq]]
    tips.toml             [[tip]]
    muscles.toml          [[muscle]]
    synonyms.toml         [[synonym]]

Any problem becomes a :class:`~thrustcoach.errors.DataError` naming the file and the field.
"""

from __future__ import annotations

import functools
import logging
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from thrustcoach.errors import DataError
from thrustcoach.kb.models import KnowledgeBase, Variant
from thrustcoach.vocab import VariantId

__all__ = ["default_data_dir", "load_knowledge_base"]

log = logging.getLogger(__name__)

# Inheritance (`based_on`): keys of a child variant in _MERGED_TABLES are merged one level deep
# into the parent's, lists in _APPENDED_LISTS are appended, `override_steps` patch single
# steps by number; every other key replaces the parent's value.
_MERGED_TABLES = ("setup",)
# Keys whose list is appended to the parent's list instead of replacing it.
_APPENDED_LISTS = {"add_muscles": "muscles"}
# Keys a child handles itself (never copied over the parent's value).
_CHILD_ONLY = {"add_muscles", "override_steps"}


def default_data_dir() -> Path:
    """The data directory shipped inside the package."""
    return Path(str(resources.files("thrustcoach.kb") / "data"))


@functools.cache
def load_knowledge_base(data_dir: Path | None = None) -> KnowledgeBase:
    """Load (once per directory) and validate the knowledge base.

    ``data_dir`` defaults to the shipped data; tests pass a copy to check error handling.
    Raises :class:`~thrustcoach.errors.DataError` naming the file and field on invalid data.
    """
    root = data_dir or default_data_dir()
    top = _read(root / "knowledge_base.toml")
    variant_files = sorted((root / "variants").glob("*.toml"))
    if not variant_files:
        raise DataError(f"no variant files in {root / 'variants'}", hint="reinstall ThrustCoach")
    raw_variants = {path: _read(path) for path in variant_files}
    variants = _build_variants(raw_variants)
    sections: dict[str, Any] = {
        "muscles": _read_list(root / "muscles.toml", "muscle"),
        "mistakes": _read_list(root / "mistakes.toml", "mistake"),
        "faq": _read_list(root / "faq.toml", "faq"),
        "tips": _read_list(root / "tips.toml", "tip"),
        "synonyms": _read_list(root / "synonyms.toml", "synonym"),
    }
    try:
        kb = KnowledgeBase(
            default_variant=top.get("default_variant"),
            search=top.get("search"),
            variants=variants,
            **sections,
        )
    except ValidationError as exc:
        raise DataError(_describe(exc, _file_for_section(root, exc)), hint=_HINT) from exc
    log.debug("knowledge base loaded from %s: %d variants", root, len(kb.variants))
    return kb


_HINT = "fix the data file; if you did not edit it, reinstall ThrustCoach"

_SECTION_FILES = {
    "muscles": "muscles.toml",
    "mistakes": "mistakes.toml",
    "faq": "faq.toml",
    "tips": "tips.toml",
    "synonyms": "synonyms.toml",
    "default_variant": "knowledge_base.toml",
    "search": "knowledge_base.toml",
}


def _file_for_section(root: Path, exc: ValidationError) -> Path:
    errors = exc.errors()
    first = str(errors[0]["loc"][0]) if errors and errors[0]["loc"] else ""
    return root / _SECTION_FILES.get(first, "knowledge_base.toml")


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise DataError(f"knowledge-base file {path} is missing", hint=_HINT) from exc
    except OSError as exc:
        raise DataError(f"cannot read knowledge-base file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path} is not valid TOML: {exc}", hint=_HINT) from exc


def _read_list(path: Path, key: str) -> list[Any]:
    items = _read(path).get(key)
    if not isinstance(items, list):
        raise DataError(f"{path}: expected an array of tables [[{key}]]", hint=_HINT)
    return items


def _build_variants(raw: dict[Path, dict[str, Any]]) -> list[Variant]:
    by_id = {str(data.get("id")): (path, data) for path, data in raw.items()}
    variants = []
    for path, data in sorted(raw.items(), key=lambda item: _variant_order(item[1])):
        merged = _resolve(data, by_id, path=path, seen=())
        try:
            variants.append(Variant.model_validate(merged))
        except ValidationError as exc:
            raise DataError(_describe(exc, path), hint=_HINT) from exc
    return variants


def _variant_order(data: dict[str, Any]) -> int:
    """Variants in the order of :class:`~thrustcoach.vocab.VariantId` (unknown ids last)."""
    order = list(VariantId)
    vid = data.get("id")
    return order.index(VariantId(vid)) if vid in set(VariantId) else len(order)


def _resolve(
    data: dict[str, Any],
    by_id: dict[str, tuple[Path, dict[str, Any]]],
    *,
    path: Path,
    seen: tuple[str, ...],
) -> dict[str, Any]:
    """Apply ``based_on`` inheritance: the parent's fields, overridden by the child's."""
    parent_id = data.get("based_on")
    child = {k: v for k, v in data.items() if k != "based_on"}
    if parent_id is None:
        return _apply_appends(child, {})
    if parent_id in seen or parent_id == data.get("id"):
        raise DataError(f"{path}: field 'based_on': inheritance loop via {parent_id!r}", hint=_HINT)
    if parent_id not in by_id:
        raise DataError(
            f"{path}: field 'based_on': unknown variant {parent_id!r}",
            hint=f"use one of {', '.join(sorted(by_id))}",
        )
    parent_path, parent_raw = by_id[parent_id]
    parent = _resolve(parent_raw, by_id, path=parent_path, seen=(*seen, str(data.get("id"))))
    merged = dict(parent)
    for key, value in child.items():
        if key in _MERGED_TABLES and isinstance(value, dict):
            merged[key] = {**parent.get(key, {}), **value}
        elif key not in _CHILD_ONLY:
            merged[key] = value
    return _apply_appends(merged, child)


def _apply_appends(merged: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    # `[[override_steps]]` changes single fields of the parent's step with the same number.
    overrides = {
        o.get("number"): o for o in child.get("override_steps", merged.get("override_steps", []))
    }
    merged.pop("override_steps", None)
    if overrides:
        merged["steps"] = [
            {**step, **overrides.get(step.get("number"), {})} for step in merged.get("steps", [])
        ]
    for key, target in _APPENDED_LISTS.items():
        extra = child.get(key, merged.get(key))
        merged.pop(key, None)
        if extra:
            merged[target] = [*merged.get(target, []), *extra]
    return merged


def _describe(exc: ValidationError, path: Path) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "(top level)"
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return f"{path}: field {field!r}: {first['msg']}{more}"
