"""`thrustcoach admin reset-password`: the server's operator resets a forgotten password."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import csrf_of, make_account
from thrustcoach.cli.app import main
from thrustcoach.config import load_settings
from thrustcoach.log import dispose_engines
from thrustcoach.web import create_app


@pytest.fixture(autouse=True)
def _fresh_engines() -> Iterator[None]:
    yield
    dispose_engines()


def _login(client: TestClient, email: str, password: str) -> int:
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return r.status_code


def test_reset_password_prints_a_new_one_that_signs_in(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = create_app(load_settings())  # the same data dir as the command (conftest's env)
    make_account(app, "ann@example.org")
    assert main(["admin", "reset-password", "Ann@Example.org"]) == 0
    out = capsys.readouterr().out
    new = out.split("New password for ann@example.org: ")[1].split()[0]
    client = TestClient(create_app(load_settings()))
    assert _login(client, "ann@example.org", "correct horse battery") == 401  # old one is gone
    assert _login(client, "ann@example.org", new) == 303


def test_reset_password_from_stdin_and_bad_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(load_settings())
    make_account(app, "bob@example.org")
    monkeypatch.setattr("sys.stdin", io.StringIO("a brand new passphrase\n"))
    assert main(["admin", "reset-password", "bob@example.org", "--password-stdin"]) == 0
    assert "New password set for bob@example.org." in capsys.readouterr().out
    client = TestClient(create_app(load_settings()))
    assert _login(client, "bob@example.org", "a brand new passphrase") == 303
    # an unknown address and a too-short password: one line each, non-zero exit, nothing changed
    assert main(["admin", "reset-password", "nobody@example.org"]) != 0
    assert "no account with the e-mail" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["admin", "reset-password", "bob@example.org", "--password-stdin"]) != 0
    assert "8 to 256 characters" in capsys.readouterr().err
    assert _login(client, "bob@example.org", "a brand new passphrase") == 303
