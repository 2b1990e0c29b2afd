"""The `thrustcoach serve` command."""

from __future__ import annotations

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
