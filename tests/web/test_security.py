"""Security: nobody reaches another user's data, CSRF, uploads, escaping, headers."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from .helpers import Account


def _wait(account: Account, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 240  # a job worker process starts first (slow on a busy box)
    while time.monotonic() < deadline:
        job = account.client.get(f"/api/v1/analyses/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError("analysis did not finish")


@pytest.fixture
def bob_data(app: FastAPI, bob: Account, landmark_csv: Path) -> dict[str, Any]:
    """Bob's ids of every kind: a set, its session, a plan, an analysis, a token, a link."""
    s = bob.client.post("/api/v1/sets", headers=bob.h, json={"side": "left", "reps": 10}).json()
    today = dt.date.today()
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    inputs = {
        "experience": "beginner",
        "body_mass_kg": 70,
        "start_date": today.isoformat(),
        "training_days": [days[today.weekday()], days[(today.weekday() + 3) % 7]],
    }
    plan = bob.client.post("/api/v1/plans", headers=bob.h, json={"inputs": inputs})
    assert plan.status_code == 201, plan.text
    up = bob.client.post(
        "/api/v1/analyses?filename=set.csv", headers=bob.h, content=landmark_csv.read_bytes()
    )
    job = _wait(bob, up.json()["id"])
    assert job["state"] == "done", job
    page = bob.client.post("/account/tokens", data=bob.form(name="t")).text
    token_id = int(page.split('action="/account/tokens/')[1].split("/")[0])
    return {
        "set_id": s["id"],
        "session_id": s["session_id"],
        "plan_id": plan.json()["id"],
        "job_id": job["id"],
        "athlete_id": bob.athlete_id,
        "token_id": token_id,
        "link_id": 1,
        "week": 1,
        "index": 1,
        "name": "result.json",
        "variant_id": "hip_thrust",
    }


def _id_routes(app: FastAPI) -> list[tuple[str, str]]:
    out = []
    for route in app.routes:
        if isinstance(route, APIRoute) and "{" in route.path:
            for method in sorted(route.methods - {"HEAD"}):
                out.append((method, route.path))
    return out


PUBLIC_ID_ROUTES = {("GET", "/guide/{variant_id}")}


def test_no_route_with_an_id_reaches_another_users_data(
    app: FastAPI, ann: Account, bob: Account, bob_data: dict[str, Any]
) -> None:
    ann.client.post("/api/v1/sets", headers=ann.h, json={"side": "right", "reps": 3})
    # a coach link that involves Bob only
    checked = 0
    for method, path in _id_routes(app):
        if (method, path) in PUBLIC_ID_ROUTES:
            continue
        url = path.format(**bob_data)
        body: dict[str, Any] = {
            "set_id": bob_data["set_id"],
            "reps": 1,
            "csrf_token": ann.csrf,
            "plan_id": bob_data["plan_id"],
            "week": 1,
            "session_index": 1,
            "order": 1,
            "feel": "3",
            "date": "2026-01-05",
        }
        if url.startswith("/api/"):
            api_body: dict[str, Any] = {"reps": 1}
            if url.endswith("/attach"):
                api_body = {"set_id": bob_data["set_id"]}
            elif "/sessions/" in url:
                api_body = {"feel": 3}
            r = ann.client.request(method, url, headers=ann.h, json=api_body)
        else:
            r = ann.client.request(method, url, data=body)
        assert r.status_code in (403, 404), f"{method} {url} -> {r.status_code}"
        checked += 1
    assert checked >= 15
    # and Bob's data is untouched
    assert bob.client.get(f"/api/v1/sets/{bob_data['set_id']}").json()["reps"] == 10
    assert bob.client.get(f"/api/v1/plans/{bob_data['plan_id']}").status_code == 200
    assert bob.client.get(f"/api/v1/analyses/{bob_data['job_id']}").json()["state"] == "done"


def test_lists_only_show_own_data(ann: Account, bob: Account, bob_data: dict[str, Any]) -> None:
    for url in ("/api/v1/sets", "/api/v1/sessions", "/api/v1/plans", "/api/v1/analyses"):
        assert ann.client.get(url).json()["total"] == 0, url
    assert [a["id"] for a in ann.client.get("/api/v1/athletes").json()["items"]] == [ann.athlete_id]
    athlete = bob_data["athlete_id"]
    for url in (f"/api/v1/sets?athlete_id={athlete}", f"/api/v1/athletes/{athlete}/progress"):
        assert ann.client.get(url).status_code == 404, url
    for url in (
        f"/log?athlete={athlete}",
        f"/progress?athlete={athlete}",
        f"/plans?athlete={athlete}",
    ):
        assert ann.client.get(url).status_code == 404, url
    assert "set.csv" not in ann.client.get("/video").text


FORM_POSTS = [
    ("/log/sets", {"variant": "single_leg_hip_thrust", "side": "left", "reps": "5"}),
    ("/account/tokens", {"name": "x"}),
    ("/account/coaches", {"email": "c@x.org"}),
    ("/plans", {"experience": "beginner", "body_mass_kg": "70"}),
    ("/logout", {}),
]


@pytest.mark.parametrize(("path", "fields"), FORM_POSTS)
def test_form_posts_without_or_with_a_wrong_csrf_token_are_refused(
    ann: Account, path: str, fields: dict[str, str]
) -> None:
    assert ann.client.post(path, data=fields).status_code == 403
    assert ann.client.post(path, data={**fields, "csrf_token": "forged"}).status_code == 403
    assert ann.client.get("/api/v1/me").status_code == 200  # still logged in


def test_login_and_signup_forms_need_the_csrf_token(app: FastAPI) -> None:
    client = TestClient(app)
    client.get("/login")
    r = client.post("/signup", data={"email": "a@b.org", "password": "long enough pw"})
    assert r.status_code == 403
    r = client.post("/login", data={"email": "a@b.org", "password": "long enough pw"})
    assert r.status_code == 403


def test_cookie_api_calls_need_the_csrf_header(ann: Account) -> None:
    r = ann.client.post("/api/v1/sets", json={"side": "left", "reps": 5})
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    assert ann.client.get("/api/v1/sets").json()["total"] == 0


def test_script_in_text_fields_is_escaped(ann: Account) -> None:
    evil = "<script>alert('x')</script>"
    ann.client.post(
        "/log/sets",
        data=ann.form(variant="single_leg_hip_thrust", side="left", reps="5", notes=evil),
    )
    page = ann.client.get("/log").text
    assert evil not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    r = ann.client.get("/troubleshoot", params={"q": evil})
    assert evil not in r.text and "&lt;script&gt;" in r.text


def test_security_headers(app: FastAPI) -> None:
    r = TestClient(app).get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_oversized_upload_is_413_and_leaves_nothing(app: FastAPI, ann: Account) -> None:
    mp4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (3 * 1024 * 1024)  # limit is 2 MB in tests
    r = ann.client.post("/api/v1/analyses?filename=big.mp4", headers=ann.h, content=mp4)
    assert r.status_code == 413
    assert "2 MB" in r.json()["detail"]

    def lying_body() -> Any:  # no Content-Length: the limit is enforced while streaming
        for _ in range(40):
            yield b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (100 * 1024)

    r = ann.client.post("/api/v1/analyses?filename=big.mp4", headers=ann.h, content=lying_body())
    assert r.status_code == 413
    jobs = app.state.settings.data_dir / "jobs"
    assert not jobs.exists() or list(jobs.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ\x90\x00\x03"),
        ("clip.mp4", b"this is a text file pretending to be a video"),
        ("clip.txt", b"hello"),
        ("noext", b"\x00\x00\x00\x18ftypmp42"),
        ("clip.csv", b"\x00\x01\x02binary"),
    ],
)
def test_non_video_uploads_are_415(ann: Account, name: str, content: bytes) -> None:
    r = ann.client.post(f"/api/v1/analyses?filename={name}", headers=ann.h, content=content)
    assert r.status_code == 415, r.text
    assert r.json()["title"] == "Unsupported format"


def test_path_traversal_file_names_stay_inside_the_job_folder(
    app: FastAPI, ann: Account, landmark_csv: Path
) -> None:
    data_dir: Path = app.state.settings.data_dir
    for name in ("../../../../tmp/evil.csv", "..\\..\\evil.csv", "/etc/passwd.csv"):
        r = ann.client.post(
            "/api/v1/analyses",
            params={"filename": name},
            headers=ann.h,
            content=landmark_csv.read_bytes(),
        )
        assert r.status_code == 202, r.text
        job = r.json()
        assert "/" not in job["display_name"] and "\\" not in job["display_name"]
        assert (data_dir / "jobs" / job["id"] / "input.csv").is_file()
        _wait(ann, job["id"])
    assert not (data_dir.parent / "evil.csv").exists()
    for bad_id in ("..", "..%2F..%2Fsecret_key", "0" * 31 + "g"):
        assert ann.client.get(f"/api/v1/analyses/{bad_id}").status_code == 404
    job_id = r.json()["id"]
    for bad_name in ("status.json", "input.csv", "..%2F..%2Fsecret_key"):
        assert ann.client.get(f"/api/v1/analyses/{job_id}/files/{bad_name}").status_code == 404


def test_passwords_use_argon2id_at_owasps_parameters() -> None:
    from thrustcoach.web.security import hash_password, verify_password

    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "wrong horse battery")
