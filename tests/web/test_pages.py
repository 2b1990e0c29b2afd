"""Pages a user walks through: guide, troubleshooter, plan form, Today, log edit/delete."""

from __future__ import annotations

import datetime as dt
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from .helpers import Account

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _plan_form(account: Account, **over: object) -> dict[str, object]:
    today = dt.date.today()
    fields: dict[str, object] = {
        "template": "unilateral_4wk",
        "experience": "beginner",
        "body_mass_kg": "70",
        "weak_side": "right",
        "equipment": "bodyweight",
        "start_date": today.isoformat(),
        "training_days": [DAYS[today.weekday()], DAYS[(today.weekday() + 3) % 7]],
    }
    return account.form(**{**fields, **over})


def test_guide_is_public_and_complete(app: FastAPI) -> None:
    client = TestClient(app)
    index = client.get("/guide").text
    assert 'href="/guide/single_leg_hip_thrust"' in index
    page = client.get("/guide/single_leg_hip_thrust").text
    for section in ('id="setup"', 'id="steps"', 'id="muscles"', 'id="mistakes"'):
        assert section in page
    assert "55 %" in page  # gluteus maximus share
    assert 'id="foot_too_far"' in client.get("/guide/mistakes").text
    assert client.get("/guide/no_such_variant").status_code == 404


def test_troubleshooter_ranks_paraphrases_and_handles_junk(app: FastAPI) -> None:
    client = TestClient(app)
    page = client.get(
        "/troubleshoot", params={"q": "I mostly feel it in the back of my thighs"}
    ).text
    first = re.search(r"<h3>([^<]+)", page)
    assert first and "foot" in first.group(1).lower()
    junk = client.get("/troubleshoot", params={"q": "\x00\x01 qqqq zzzz"})
    assert junk.status_code == 200 and "Nothing in the guide matches" in junk.text
    assert client.get("/troubleshoot", params={"q": "x" * 501}).status_code == 422


def test_plan_form_errors_keep_the_input(ann: Account) -> None:
    r = ann.client.post("/plans", data=_plan_form(ann, body_mass_kg="2000"))
    assert r.status_code == 422
    assert "body mass" in r.text and 'value="2000"' in r.text


def test_today_weak_side_first_one_tap_logging_and_rep_matching(ann: Account) -> None:
    r = ann.client.post("/plans", data=_plan_form(ann))
    assert r.url.path == "/plans/1"
    today = ann.client.get("/today").text
    sides = re.findall(r"<h2>Set (\d+): (\w+) leg", today)
    assert sides[:2] == [("1", "right"), ("2", "left")]  # weak side (right) first
    assert 'data-pause="1"' in today and 'data-lower="2"' in today
    # one tap logs set 1 as prescribed; logging 7 instead caps the strong side at 7
    r = ann.client.post(
        "/today/log", data=ann.form(plan_id=1, week=1, session_index=1, order=1, reps=7)
    )
    assert "Done: 7 reps" in r.text
    assert "(planned 10: match the weak side)" in r.text
    sets = ann.client.get("/api/v1/sets").json()["items"]
    assert [(s["side"], s["reps"], s["target_reps"]) for s in sets] == [("right", 7, 10)]
    # logging the same planned set again does not silently replace it...
    r = ann.client.post("/today/log", data=ann.form(plan_id=1, week=1, session_index=1, order=1))
    assert "Set 1 is already logged (7 reps)" in r.text
    assert [s["reps"] for s in ann.client.get("/api/v1/sets").json()["items"]] == [7]
    # ...only when asked to (the "Change logged set" form), and never as a duplicate
    r = ann.client.post(
        "/today/log",
        data=ann.form(plan_id=1, week=1, session_index=1, order=1, reps=10, replace="yes"),
    )
    assert "Set 1 changed from 7 to 10 reps." in r.text
    assert [s["reps"] for s in ann.client.get("/api/v1/sets").json()["items"]] == [10]


def test_log_edit_and_delete(ann: Account) -> None:
    ann.client.post(
        "/log/sets",
        data=ann.form(
            performed_on="2026-02-02", variant="single_leg_hip_thrust", side="left", reps="8"
        ),
    )
    set_id = ann.client.get("/api/v1/sets").json()["items"][0]["id"]
    form = ann.client.get(f"/log/sets/{set_id}/edit").text
    assert 'value="8"' in form
    r = ann.client.post(
        f"/log/sets/{set_id}",
        data=ann.form(variant="single_leg_hip_thrust", side="left", reps="9", load_kg="25 lb"),
    )
    assert "Set updated" in r.text
    s = ann.client.get(f"/api/v1/sets/{set_id}").json()
    assert (s["reps"], s["load_kg"]) == (9, 11.34)
    bad = ann.client.post(
        f"/log/sets/{set_id}",
        data=ann.form(variant="single_leg_hip_thrust", side="left", reps="-1"),
    )
    assert bad.status_code == 400 and "reps" in bad.text
    ann.client.post(f"/log/sets/{set_id}/delete", data=ann.form())
    assert ann.client.get("/api/v1/sets").json()["total"] == 0


def test_main_pages_render_for_a_new_user(ann: Account) -> None:
    for path in (
        "/today",
        "/plans",
        "/plans/new",
        "/log",
        "/progress",
        "/video",
        "/account",
        "/docs",
    ):
        r = ann.client.get(path)
        assert r.status_code == 200, path
        assert 'class="skip-link" href="#main"' in r.text
        assert '<main id="main"' in r.text


def test_next_block_follows_the_logged_form(ann: Account) -> None:
    ann.client.post("/plans", data=_plan_form(ann))
    for order in (1, 2):
        ann.client.post(
            "/today/log", data=ann.form(plan_id=1, week=1, session_index=1, order=order)
        )
    r = ann.client.post("/plans/1/next", data=ann.form())
    assert r.status_code == 200 and r.url.path == "/plans/2"
    assert "(block 2)" in r.text
    plans = ann.client.get("/api/v1/plans").json()["items"]
    assert [(p["id"], p["active"]) for p in plans] == [(2, True), (1, False)]


def test_video_form_takes_the_tempo_from_the_plan(ann: Account) -> None:
    assert 'id="pause_s" name="pause_s" inputmode="decimal" placeholder="1" value=""' in (
        ann.client.get("/video").text
    )
    ann.client.post("/plans", data=_plan_form(ann))
    page = ann.client.get("/video").text
    assert 'name="pause_s" inputmode="decimal" placeholder="1" value="1"' in page
    assert 'name="lowering_s" inputmode="decimal" placeholder="2" value="2"' in page


def test_session_notes_and_feel(ann: Account) -> None:
    s = ann.client.post("/api/v1/sets", headers=ann.h, json={"side": "left", "reps": 8}).json()
    r = ann.client.post(
        f"/log/sessions/{s['session_id']}", data=ann.form(notes="heavy day", feel="4")
    )
    assert "Session notes saved" in r.text and "Felt 4/5" in r.text
    r = ann.client.patch(f"/api/v1/sessions/{s['session_id']}", headers=ann.h, json={"feel": 6})
    assert r.status_code == 422
    r = ann.client.patch(f"/api/v1/sessions/{s['session_id']}", headers=ann.h, json={"feel": 2})
    assert (r.json()["feel"], r.json()["notes"]) == (2, "heavy day")


def test_interactive_api_docs_work_offline(app: FastAPI) -> None:
    client = TestClient(app)
    page = client.get("/docs/try")
    assert page.status_code == 200
    # Swagger UI comes from our own origin (swagger-ui-bundle wheel), never a CDN.
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", page.text.split("<body")[1])
    for asset in ("/static-vendor/swagger/swagger-ui-bundle.js", "/static/swagger-init.js"):
        assert f'src="{asset}"' in page.text
        assert client.get(asset).status_code == 200
    assert client.get("/static-vendor/swagger/swagger-ui.css").status_code == 200
    assert 'href="/docs/try"' in client.get("/docs").text
