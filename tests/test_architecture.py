"""Layering rules from STYLE.md: domain packages never import cli, web or batch."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "thrustcoach"
DOMAIN = ["kb", "pose", "analysis", "program", "log", "live"]
FORBIDDEN = ("thrustcoach.cli", "thrustcoach.web", "thrustcoach.batch")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_packages_do_not_import_front_ends(package: str) -> None:
    offenders = [
        f"{py.relative_to(SRC)} imports {name}"
        for py in (SRC / package).rglob("*.py")
        for name in _imports(py)
        if name.startswith(FORBIDDEN)
    ]
    assert offenders == []


def test_domain_folders_exist() -> None:
    for package in DOMAIN:
        assert (SRC / package / "__init__.py").is_file(), package
