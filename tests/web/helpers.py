"""Helpers for the web tests: signed-up accounts and their CSRF tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from thrustcoach.log import jobqueue

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


def queued_job(
    db: Session, app: FastAPI, account: Account, *, name: str, kind: str
) -> tuple[str, Path]:
    """A job row waiting in the queue, its folder made and empty: (id, folder)."""
    job_id, folder = app.state.jobs.new_dir()
    jobqueue.create_job(
        db,
        job_id=job_id,
        athlete_id=account.athlete_id or 0,
        user_id=account.user_id,
        display_name=name,
        kind=kind,
        input_name=name if kind == "landmarks" else "input.mp4",
        options={},
    )
    return str(job_id), folder
