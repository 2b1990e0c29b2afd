"""Shared fixtures. Tests mirror src/thrustcoach; test data lives under tests/data/."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
CLIPS_DIR = SHARED_DIR / "clips"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def test_data_dir() -> Path:
    return TEST_DATA


@pytest.fixture(scope="session")
def clips_dir() -> Path:
    if not CLIPS_DIR.is_dir():
        pytest.skip("../shared/clips is absent")
    return CLIPS_DIR


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user's data or config directory from a test."""
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("THRUSTCOACH_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("THRUSTCOACH_CONFIG", str(base / "config.toml"))
