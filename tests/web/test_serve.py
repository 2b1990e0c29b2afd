"""The `thrustcoach serve` command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from thrustcoach.cli.app import main


def test_serve_rejects_a_bad_port_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    err = capsys.readouterr().err
    assert "port" in err and "Traceback" not in err


def test_serve_runs_uvicorn_with_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    assert main(["serve", "--port", "8123"]) == 0
    assert calls and calls[0]["port"] == 8123 and calls[0]["host"] == "127.0.0.1"
    assert calls[0]["factory"] is True


def test_serve_with_several_workers_shares_metrics(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from thrustcoach.cli import serve as serve_cli

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(serve_cli, "_serve_many", calls.append)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    assert main(["serve", "--workers", "3", "--log-format", "json"]) == 0
    assert calls[0]["workers"] == 3 and calls[0]["access_log"] is False and calls[0]["factory"]
    assert Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).is_dir()
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    config = calls[0]["log_config"]
    assert isinstance(config, dict)
    assert config["formatters"]["default"]["()"].endswith("JsonFormatter")


def test_serve_rejects_zero_workers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--workers", "0"]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err
