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


def test_serve_https_makes_a_certificate_once_and_listens_for_phones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    import ssl
    from pathlib import Path

    import uvicorn
    from cryptography import x509

    data = Path(str(tmp_path)) / "data"
    monkeypatch.setenv("THRUSTCOACH_DATA_DIR", str(data))
    monkeypatch.setattr("thrustcoach.web.lan.lan_addresses", lambda: ["192.168.1.23"])
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    assert main(["serve", "--https", "--port", "8443"]) == 0
    out = capsys.readouterr().out
    assert "made a new self-signed certificate" in out
    assert "https://192.168.1.23:8443/live" in out and "warn once" in out
    kw = calls[0]
    assert kw["host"] == "0.0.0.0" and kw["ssl_certfile"] and kw["ssl_keyfile"]
    cert = x509.load_pem_x509_certificate(Path(str(kw["ssl_certfile"])).read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "192.168.1.23" in {str(a) for a in san.get_values_for_type(x509.IPAddress)}
    assert oct(Path(str(kw["ssl_keyfile"])).stat().st_mode & 0o777) == "0o600"
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(kw["ssl_certfile"]), str(kw["ssl_keyfile"]))  # a usable pair
    # the second start reuses it; a new network address makes a new one
    assert main(["serve", "--https", "--port", "8443"]) == 0
    assert "reusing the self-signed certificate" in capsys.readouterr().out
    monkeypatch.setattr("thrustcoach.web.lan.lan_addresses", lambda: ["10.0.0.7"])
    assert main(["serve", "--https"]) == 0
    assert "made a new" in capsys.readouterr().out


def test_the_live_page_shows_a_qr_code_over_https(
    app: object, ann: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("thrustcoach.web.lan.lan_addresses", lambda: ["192.168.1.23"])
    client = ann.client  # type: ignore[attr-defined]
    plain = client.get("/live")
    assert "thrustcoach serve --https" in plain.text and "<svg" not in plain.text
    from fastapi.testclient import TestClient

    secure = TestClient(app, base_url="https://testserver:8443")  # type: ignore[arg-type]
    secure.cookies = client.cookies
    page = secure.get("/live")
    assert page.status_code == 200
    assert "<svg" in page.text and "https://192.168.1.23:8443/live" in page.text
    monkeypatch.setattr("thrustcoach.web.lan.lan_addresses", lambda: [])
    assert "no address on a local network" in secure.get("/live").text
