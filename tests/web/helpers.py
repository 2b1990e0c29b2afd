"""Helpers for the web tests: signed-up accounts and their CSRF tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


@dataclass
class Account:
    client: TestClient
    email: str
    csrf: str
    athlete_id: int | None
    user_id: int

    @property
    def h(self) -> dict[str, str]:
        """Headers for API calls made with the session cookie (as the page scripts do)."""
        return {"X-CSRF-Token": self.csrf}

    def form(self, **fields: object) -> dict[str, object]:
        return {"csrf_token": self.csrf, **fields}


def make_account(app: FastAPI, email: str, *, role: str = "athlete", name: str = "") -> Account:
    client = TestClient(app)
    token = csrf_of(client.get("/signup").text)
    r = client.post(
        "/signup",
        data={
            "email": email,
            "password": PASSWORD,
            "name": name or email,
            "role": role,
            "csrf_token": token,
        },
    )
    assert r.status_code == 200, r.text
    me = client.get("/api/v1/me").json()
    page = client.get("/account")
    return Account(client, email, csrf_of(page.text), me["athlete_id"], me["id"])
