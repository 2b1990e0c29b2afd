"""Sign-up, login, logout, sessions, API tokens and coach invitations."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.helpers import PASSWORD, Account, csrf_of, make_account
from thrustcoach.log import User, session_scope
from thrustcoach.log.db import get_engine


def test_signup_logs_in_and_stores_an_argon2_hash(app: FastAPI, ann: Account) -> None:
    assert ann.client.get("/api/v1/me").json()["email"] == "ann@example.org"
    with session_scope(get_engine(app.state.settings.resolved_database_url)) as db:
        user = db.scalar(select(User).where(User.email == "ann@example.org"))
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_session_cookie_is_httponly_and_samesite_lax(app: FastAPI) -> None:
    client = TestClient(app)
    r = client.get("/signup")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_duplicate_email_is_refused(app: FastAPI, ann: Account) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/signup").text)
    r = client.post(
        "/signup",
        data={
            "email": "ANN@example.org",
            "password": PASSWORD,
            "role": "athlete",
            "csrf_token": token,
        },
    )
    assert r.status_code == 409
    assert "already exists" in r.text


def test_short_password_and_bad_email_are_refused(app: FastAPI) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/signup").text)
    r = client.post("/signup", data={"email": "x@y.org", "password": "short", "csrf_token": token})
    assert r.status_code == 400 and "8 to 256 characters" in r.text
    r = client.post("/signup", data={"email": "nope", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 400 and "not an e-mail address" in r.text


def test_login_logout_cycle(app: FastAPI, ann: Account) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    bad = client.post(
        "/login", data={"email": ann.email, "password": "wrong password", "csrf_token": token}
    )
    assert bad.status_code == 401 and "Wrong e-mail or password" in bad.text
    unknown = client.post(
        "/login", data={"email": "who@x.org", "password": PASSWORD, "csrf_token": token}
    )
    assert unknown.status_code == 401 and "Wrong e-mail or password" in unknown.text
    ok = client.post(
        "/login",
        data={"email": ann.email, "password": PASSWORD, "csrf_token": token, "next": "/log"},
    )
    assert ok.status_code == 200 and ok.url.path == "/log"
    token = csrf_of(ok.text)
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/api/v1/me").status_code == 401


def test_login_rejects_open_redirects(app: FastAPI, ann: Account) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        client = TestClient(app)
        token = csrf_of(client.get("/login").text)
        r = client.post(
            "/login",
            data={"email": ann.email, "password": PASSWORD, "csrf_token": token, "next": target},
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert r.headers["location"] == "/today"


def test_pages_redirect_to_login_and_api_answers_401(app: FastAPI) -> None:
    client = TestClient(app)
    r = client.get("/log", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/log"
    r = client.get("/api/v1/sets")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_api_token_created_once_used_and_revoked(app: FastAPI, ann: Account) -> None:
    r = ann.client.post("/account/tokens", data=ann.form(name="script"))
    token = r.text.split('id="new-token">')[1].split("<")[0]
    assert token.startswith("tc_")
    assert token not in ann.client.get("/account").text  # shown once only
    api = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/me", headers=headers).json()["email"] == ann.email
    # Bearer calls need no CSRF token (no cookie is involved)
    assert (
        api.post("/api/v1/sets", headers=headers, json={"side": "left", "reps": 5}).status_code
        == 201
    )
    token_id = r.text.split('action="/account/tokens/')[1].split("/")[0]
    ann.client.post(f"/account/tokens/{token_id}/delete", data=ann.form())
    assert api.get("/api/v1/me", headers=headers).status_code == 401
    assert api.get("/api/v1/me", headers={"Authorization": "Bearer tc_forged"}).status_code == 401


def test_coach_sees_athlete_only_after_invitation_and_acceptance(
    app: FastAPI, ann: Account
) -> None:
    coach = make_account(app, "coach@example.org", role="coach", name="Coach")
    ann.client.post("/api/v1/sets", headers=ann.h, json={"side": "left", "reps": 9})
    assert coach.client.get(f"/api/v1/sets?athlete_id={ann.athlete_id}").status_code == 404
    r = ann.client.post("/account/coaches", data=ann.form(email="coach@example.org"))
    assert "Invitation sent" in r.text
    # invited but not yet accepted: still nothing
    assert coach.client.get(f"/api/v1/sets?athlete_id={ann.athlete_id}").status_code == 404
    page = coach.client.get("/account").text
    link_id = page.split('action="/account/links/')[1].split("/")[0]
    coach.client.post(f"/account/links/{link_id}/accept", data=coach.form())
    sets = coach.client.get(f"/api/v1/sets?athlete_id={ann.athlete_id}").json()
    assert [s["reps"] for s in sets["items"]] == [9]
    # read only: a coach cannot change the athlete's sets
    set_id = sets["items"][0]["id"]
    assert (
        coach.client.patch(f"/api/v1/sets/{set_id}", headers=coach.h, json={"reps": 1}).status_code
        == 403
    )
    assert coach.client.delete(f"/api/v1/sets/{set_id}", headers=coach.h).status_code == 403
    assert ann.client.get(f"/api/v1/sets/{set_id}").json()["reps"] == 9


def test_inviting_a_non_coach_fails_clearly(app: FastAPI, ann: Account, bob: Account) -> None:
    r = ann.client.post(
        "/account/coaches", data=ann.form(email=bob.email), headers={"accept": "text/html"}
    )
    assert r.status_code == 404
    assert "no coach account" in r.text


def test_password_guessing_is_throttled(app: FastAPI, ann: Account) -> None:
    client = TestClient(app, client=("203.0.113.7", 40000))
    token = csrf_of(client.get("/login").text)
    codes = [
        client.post(
            "/login", data={"email": ann.email, "password": "guess", "csrf_token": token}
        ).status_code
        for _ in range(10)
    ]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    r = client.post("/login", data={"email": ann.email, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429
    assert "Too many failed logins" in r.text and int(r.headers["retry-after"]) >= 1


def test_training_profile_sets_weak_side_and_body_mass(ann: Account) -> None:
    r = ann.client.post("/account/profile", data=ann.form(weak_side="right", body_mass_kg="71,5"))
    assert "Profile saved" in r.text and "last: 71.50 kg" in r.text
    assert ann.client.get(f"/api/v1/athletes/{ann.athlete_id}").json()["weak_side"] == "right"
    r = ann.client.post("/account/profile", data=ann.form(body_mass_kg="5000"))
    assert r.status_code == 400
