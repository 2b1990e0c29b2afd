"""What the probe of issue 13 found in the web app, each with the behaviour a user relies on:
huge ids, malformed multipart, sessions that end on logout, a login throttle the attacker
cannot turn against the owner, warnings that reach the report, and form/upload hygiene."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.utils import get_flat_dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from thrustcoach.config import Settings
from thrustcoach.log import dispose_engines, session_scope
from thrustcoach.log.accounts import revoke_user_sessions
from thrustcoach.web import create_app
from thrustcoach.web.db import app_engine

from .helpers import PASSWORD, Account, csrf_of, make_account

HUGE = [2**63, 2**64, 10**30, -(2**63)]


def _wait(account: Account, job_id: str, *, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = account.client.get(f"/api/v1/analyses/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError("analysis did not finish in time")


def _lenient(app: FastAPI, account: Account) -> TestClient:
    """The account's session on a client that answers 500 instead of raising."""
    return TestClient(app, raise_server_exceptions=False, cookies=account.client.cookies)


# -- huge ids -------------------------------------------------------------------------------


def _int_params(route: APIRoute) -> tuple[list[str], list[str], list[str]]:
    """(int path params, other path params, int query params) of a route."""
    flat = get_flat_dependant(route.dependant)
    ints = [p.name for p in flat.path_params if p.field_info.annotation is int]
    others = [p.name for p in flat.path_params if p.field_info.annotation is not int]
    query = [p.name for p in flat.query_params if p.field_info.annotation in (int, int | None)]
    return ints, others, query


def _requests(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    """Every route with a huge number in each of its integer path and query parameters."""
    out = []
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        ints, others, query = _int_params(route)
        for method in sorted(route.methods - {"HEAD"}):
            fill = dict.fromkeys(others, "0" * 32)  # a well-formed job id / file name
            for name in ints:
                for value in HUGE:
                    path = route.path.format(**{**fill, **dict.fromkeys(ints, 1), name: value})
                    out.append((method, path, {}))
            for name in query:
                path = route.path.format(**{**fill, **dict.fromkeys(ints, 1)})
                for value in HUGE:
                    out.append((method, path, {name: value}))
    return out


def test_huge_ids_in_paths_and_query_strings_are_404_or_422(app: FastAPI, ann: Account) -> None:
    client = _lenient(app, ann)
    requests = _requests(app)
    assert len(requests) >= 80
    for method, path, params in requests:
        if path.startswith("/api/"):
            r = client.request(method, path, params=params, headers=ann.h, json={"reps": 1})
        else:
            r = client.request(method, path, params=params, data=ann.form(reps="1", set_id="1"))
        assert r.status_code in (400, 403, 404, 405, 422), (method, path, params, r.status_code)


def test_huge_ids_in_bodies_are_404_or_422(app: FastAPI, ann: Account) -> None:
    client = _lenient(app, ann)
    plan = client.post("/api/v1/plans", headers=ann.h, json={"inputs": _plan_inputs()}).json()
    for value in HUGE:
        r = client.post(
            "/api/v1/sets", headers=ann.h, json={"side": "left", "reps": 3, "session_id": value}
        )
        assert r.status_code == 422, r.text
        r = client.post(
            "/api/v1/analyses/" + "0" * 32 + "/attach", headers=ann.h, json={"set_id": value}
        )
        assert r.status_code in (404, 422), r.text
        for field in ("plan_id", "week", "session_index", "order"):
            form = {"plan_id": plan["id"], "week": 1, "session_index": 1, "order": 1}
            r = client.post("/today/log", data=ann.form(**{**form, field: value}))
            assert r.status_code in (404, 422), (field, value, r.status_code)
        r = client.patch("/api/v1/sets/1", headers=ann.h, json={"reps": value})
        assert r.status_code in (404, 422)
        r = client.post("/log/sets", data=ann.form(variant="hip_thrust", side="both", reps=value))
        assert r.status_code == 400, r.text
    assert client.get("/api/v1/sets").json()["total"] == 0


def _plan_inputs() -> dict[str, Any]:
    today = dt.date.today()
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return {
        "experience": "beginner",
        "body_mass_kg": 70,
        "start_date": today.isoformat(),
        "training_days": [days[today.weekday()], days[(today.weekday() + 3) % 7]],
    }


# -- malformed multipart --------------------------------------------------------------------

PART = (
    b'Content-Disposition: form-data; name="clip"; filename="a.csv"\r\n'
    b"Content-Type: text/csv\r\n\r\n"
)
MULTIPART = {
    "boundary_mismatch": (b"--abc\r\n" + PART + b"frame,time_s\r\n--abc--\r\n", "zzz"),
    "junk_after_boundary": (b"--abc\r\n" + PART + b"frame,time_s\r\n--abcJUNK\r\n", "abc"),
    "header_without_colon": (
        b"--abc\r\nContent-Disposition form-data\r\n\r\nhello\r\n--abc--\r\n",
        "abc",
    ),
    "cut_off_in_the_file": (b"--abc\r\n" + PART + b"frame,time_s,landmark\r\n0,0", "abc"),
    "no_parts_at_all": (b"just some bytes", "abc"),
    "header_line_too_long": (b"--abc\r\nX-" + b"a" * 100_000 + b": 1\r\n\r\nx\r\n--abc--", "abc"),
}


@pytest.mark.parametrize("case", sorted(MULTIPART))
@pytest.mark.parametrize("url", ["/api/v1/analyses", "/video/upload"])
def test_malformed_multipart_is_400(app: FastAPI, ann: Account, case: str, url: str) -> None:
    body, boundary = MULTIPART[case]
    if url == "/video/upload":  # the form's CSRF token comes first, as the page sends it
        token = f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        body = (token + ann.csrf + "\r\n").encode() + body
    r = _lenient(app, ann).post(
        url,
        headers={**ann.h, "content-type": f"multipart/form-data; boundary={boundary}"},
        content=body,
    )
    assert r.status_code == 400, (case, r.status_code, r.text[:200])
    jobs = app.state.settings.data_dir / "jobs"
    assert not jobs.exists() or list(jobs.iterdir()) == []


def test_malformed_multipart_on_an_ordinary_form_is_400(app: FastAPI, ann: Account) -> None:
    body, _ = MULTIPART["header_without_colon"]
    r = _lenient(app, ann).post(
        "/log/sets", headers={"content-type": "multipart/form-data; boundary=abc"}, content=body
    )
    assert r.status_code == 400


# -- sessions end on logout and on a password change ----------------------------------------


def test_a_copied_session_cookie_stops_working_after_logout(app: FastAPI, ann: Account) -> None:
    thief = TestClient(app, cookies=dict(ann.client.cookies))
    assert thief.get("/api/v1/me").status_code == 200
    r = ann.client.post("/logout", data=ann.form())
    assert r.status_code == 200
    assert ann.client.get("/api/v1/me").status_code == 401
    assert thief.get("/api/v1/me").status_code == 401  # the copy is dead too
    page = thief.get("/today", follow_redirects=False, headers={"accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_changing_the_password_logs_out_the_other_browsers(app: FastAPI, ann: Account) -> None:
    other = TestClient(app)
    token = csrf_of(other.get("/login").text)
    other.post("/login", data={"email": ann.email, "password": PASSWORD, "csrf_token": token})
    assert other.get("/api/v1/me").status_code == 200
    r = ann.client.post(
        "/account/password",
        data=ann.form(current_password="wrong one!", new_password="a new long password"),
    )
    assert r.status_code == 403 and other.get("/api/v1/me").status_code == 200
    r = ann.client.post(
        "/account/password",
        data=ann.form(current_password=PASSWORD, new_password="a new long password"),
    )
    assert r.status_code == 200 and "Password changed" in r.text
    assert ann.client.get("/api/v1/me").status_code == 200  # this browser stays signed in
    assert other.get("/api/v1/me").status_code == 401
    fresh = TestClient(app)
    token = csrf_of(fresh.get("/login").text)
    r = fresh.post("/login", data={"email": ann.email, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 401
    r = fresh.post(
        "/login",
        data={"email": ann.email, "password": "a new long password", "csrf_token": token},
    )
    assert fresh.get("/api/v1/me").status_code == 200


def test_revoke_user_sessions_ends_every_browser_of_that_user(
    app: FastAPI, ann: Account, bob: Account
) -> None:
    with session_scope(app_engine(app.state.settings)) as db:
        assert revoke_user_sessions(db, user_id=ann.user_id) == 1
    assert ann.client.get("/api/v1/me").status_code == 401
    assert bob.client.get("/api/v1/me").status_code == 200


# -- login throttling -----------------------------------------------------------------------


def _login(client: TestClient, email: str, password: str, **headers: str) -> int:
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )
    return r.status_code


def test_someone_elses_guesses_do_not_lock_the_owner_out(app: FastAPI, ann: Account) -> None:
    attacker = TestClient(app, client=("203.0.113.7", 40000))
    codes = [_login(attacker, ann.email, f"guess {n}") for n in range(12)]
    assert codes[0] == 401 and codes[-1] == 429
    owner = TestClient(app, client=("198.51.100.20", 50000))
    assert _login(owner, ann.email, PASSWORD) == 303


def test_a_known_browser_gets_in_during_a_distributed_attack(app: FastAPI, ann: Account) -> None:
    laptop = TestClient(app, client=("198.51.100.20", 50000))
    assert _login(laptop, ann.email, PASSWORD) == 303  # signed in here before: known device
    laptop.post("/logout", data={"csrf_token": csrf_of(laptop.get("/account").text)})
    for n in range(40):  # many clients, a few guesses each
        bot = TestClient(app, client=(f"203.0.113.{n}", 40000))
        _login(bot, ann.email, "guess")
    newcomer = TestClient(app, client=("192.0.2.99", 40000))
    assert _login(newcomer, ann.email, PASSWORD) == 429  # unknown clients wait
    assert _login(laptop, ann.email, PASSWORD) == 303


def test_made_up_forwarded_for_headers_do_not_dodge_the_throttle(
    app: FastAPI, ann: Account
) -> None:
    sprayer = TestClient(app, client=("203.0.113.7", 40000))
    codes = [
        _login(sprayer, ann.email, "guess", **{"x-forwarded-for": f"10.0.{n}.1"}) for n in range(10)
    ]
    assert 429 in codes


def test_forwarded_for_counts_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", trusted_proxies=["127.0.0.1"])
    app = create_app(settings)
    try:
        ann = make_account(app, "ann@example.org", name="Ann")
        proxy = TestClient(app, client=("127.0.0.1", 40000))
        for _ in range(8):  # one far-away client guesses through the proxy
            _login(proxy, ann.email, "guess", **{"x-forwarded-for": "203.0.113.7"})
        assert _login(proxy, ann.email, "guess", **{"x-forwarded-for": "203.0.113.7"}) == 429
        # the owner behind the same proxy is another client
        assert _login(proxy, ann.email, PASSWORD, **{"x-forwarded-for": "198.51.100.20"}) == 303
    finally:
        dispose_engines()


# -- uploads, forms and job messages ---------------------------------------------------------


def test_missing_variant_or_side_in_the_set_form_is_a_form_error(ann: Account) -> None:
    for missing in ("variant", "side"):
        fields = {"variant": "single_leg_hip_thrust", "side": "left", "reps": "5", missing: ""}
        r = ann.client.post("/log/sets", data=ann.form(**fields), headers={"accept": "text/html"})
        assert r.status_code == 400
        assert f"{missing} is required" in r.text
        assert "constraint" not in r.text.lower() and "NOT NULL" not in r.text
    assert ann.client.get("/api/v1/sets").json()["total"] == 0


def test_job_errors_do_not_show_server_paths(app: FastAPI, ann: Account) -> None:
    bad = b"frame,time_s,landmark,x,y\n0,0.0,left_hip,1,2\n1,abc,left_hip,3,4\n"
    r = ann.client.post("/api/v1/analyses?filename=my set.csv", headers=ann.h, content=bad)
    job = _wait(ann, r.json()["id"])
    assert job["state"] == "failed"
    assert str(app.state.settings.data_dir) not in job["error"] + (job["hint"] or "")
    assert "input.csv" not in job["error"] and "my set.csv" in job["error"]
    assert "'abc' is not a number" in job["error"]  # our words, not numpy's


@pytest.mark.parametrize(
    "name", ["clip\u202efdp.csv", "\x1b[31mred.csv", "a\u200bb\u2066c.csv", "\x00nul.csv"]
)
def test_upload_names_lose_control_and_direction_characters(
    ann: Account, landmark_csv: Path, name: str
) -> None:
    r = ann.client.post(
        "/api/v1/analyses",
        params={"filename": name},
        headers=ann.h,
        content=landmark_csv.read_bytes(),
    )
    assert r.status_code == 202, r.text
    shown = r.json()["display_name"]
    assert shown.endswith(".csv")
    assert not any(ch in shown for ch in "\u202e\x1b\u200b\u2066\x00")
    _wait(ann, r.json()["id"])


@pytest.mark.slow
def test_a_truncated_video_finishes_with_its_warning(
    app: FastAPI, ann: Account, tmp_path: Path
) -> None:
    from tests.pose.videokit import make_set_video
    from thrustcoach.pose.estimators import EstimatorSpec

    video = make_set_video(tmp_path / "set.mp4", reps=3)
    data = video.path.read_bytes()
    app.state.jobs.pose_spec = EstimatorSpec.fake(video.series)
    r = ann.client.post(
        "/api/v1/analyses?filename=cut.mp4", headers=ann.h, content=data[: len(data) * 2 // 3]
    )
    job = _wait(ann, r.json()["id"], timeout_s=120)
    assert job["state"] == "done", job
    warnings = job["result"]["warnings"]
    assert any("truncated or damaged" in w for w in warnings), warnings
    assert all("input.mp4" not in w for w in warnings) and any("cut.mp4" in w for w in warnings)
    page = ann.client.get(f"/video/{job['id']}").text
    assert "truncated or damaged" in page
