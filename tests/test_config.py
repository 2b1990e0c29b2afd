"""Settings layering: defaults < TOML file < environment < CLI flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from thrustcoach.config import load_settings
from thrustcoach.errors import UsageError


def test_defaults_point_the_database_into_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(config_file=tmp_path / "absent.toml")
    assert settings.resolved_database_url.endswith("thrustcoach.db")
    assert settings.port == 8000


def test_file_then_environment_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('port = 9000\nlog_level = "INFO"\nhost = "0.0.0.0"\n', encoding="utf-8")
    monkeypatch.setenv("THRUSTCOACH_LOG_LEVEL", "DEBUG")
    settings = load_settings(config_file=cfg, host="127.0.0.2", port=None)
    assert settings.port == 9000  # from the file (flag was None = not given)
    assert settings.log_level == "DEBUG"  # environment beats the file
    assert settings.host == "127.0.0.2"  # flag beats the file


def test_invalid_file_is_a_one_line_usage_error(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("port = [\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not valid TOML"):
        load_settings(config_file=cfg)


def test_out_of_range_value_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="'port'"):
        load_settings(config_file=tmp_path / "absent.toml", port=70000)


def test_trusted_proxies_from_the_environment_and_their_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().trusted_proxies == []
    monkeypatch.setenv("THRUSTCOACH_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    assert load_settings().trusted_proxies == ["127.0.0.1", "10.0.0.0/8"]
    monkeypatch.setenv("THRUSTCOACH_TRUSTED_PROXIES", "proxy.example")
    with pytest.raises(UsageError, match="not an IP address"):
        load_settings()


def test_input_limits_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings()
    assert (s.max_landmark_mb, s.max_import_mb, s.max_json_mb) == (100, 50, 20)
    monkeypatch.setenv("THRUSTCOACH_MAX_IMPORT_MB", "0")
    with pytest.raises(UsageError, match="max_import_mb"):
        load_settings()
