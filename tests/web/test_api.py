"""REST API behaviour: sets CRUD, pagination, problem details, plans, progress, docs."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from fastapi.testclient import TestClient

from .helpers import Account


def _plan_inputs(**over: object) -> dict[str, object]:
    today = dt.date.today()
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    base: dict[str, object] = {
        "experience": "intermediate",
        "body_mass_kg": 70,
        "bilateral": {"load_kg": 100, "reps": 8},
        "weak_side": "left",
        "equipment": "dumbbells",
        "dumbbells_kg": [5, 7.5, 10, 12.5, 15],
        "start_date": today.isoformat(),
        "training_days": [days[today.weekday()], days[(today.weekday() + 3) % 7]],
    }
    return {**base, **over}


def test_set_crud_round_trip(ann: Account) -> None:
    c = ann.client
    r = c.post(
        "/api/v1/sets",
        headers=ann.h,
        json={
            "side": "left",
            "reps": 10,
            "load_kg": "12.5",
            "performed_on": "2026-01-05",
            "pain": False,
        },
    )
    assert r.status_code == 201
    s = r.json()
    assert (s["side"], s["reps"], s["load_kg"], s["pain"]) == ("left", 10, 12.5, False)
    assert c.get(f"/api/v1/sessions/{s['session_id']}").json()["performed_on"] == "2026-01-05"
    r = c.patch(f"/api/v1/sets/{s['id']}", headers=ann.h, json={"reps": 9, "notes": "hard"})
    assert (r.json()["reps"], r.json()["notes"], r.json()["load_kg"]) == (9, "hard", 12.5)
    assert c.delete(f"/api/v1/sets/{s['id']}", headers=ann.h).status_code == 204
    assert c.get(f"/api/v1/sets/{s['id']}").status_code == 404


def test_pagination(ann: Account) -> None:
    for i in range(7):
        ann.client.post("/api/v1/sets", headers=ann.h, json={"side": "right", "reps": i + 1})
    page = ann.client.get("/api/v1/sets?limit=3&offset=3").json()
    assert (page["total"], page["limit"], page["offset"]) == (7, 3, 3)
    assert [s["reps"] for s in page["items"]] == [4, 5, 6]
    assert ann.client.get("/api/v1/sets?limit=0").status_code == 422
    assert ann.client.get("/api/v1/sets?limit=201").status_code == 422


def test_bad_input_gets_a_problem_document(ann: Account) -> None:
    r = ann.client.post("/api/v1/sets", headers=ann.h, json={"side": "up", "reps": -1})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["status"] == 422 and problem["title"] == "Invalid input"
    assert {e["field"] for e in problem["errors"]} == {"side", "reps"}
    r = ann.client.get("/api/v1/sets/123456")
    assert r.status_code == 404 and r.json()["detail"] == "set 123456 not found"
    assert ann.client.get("/api/v1/nothing").json()["status"] == 404


def test_create_plan_then_read_and_ics(ann: Account) -> None:
    r = ann.client.post("/api/v1/plans", headers=ann.h, json={"inputs": _plan_inputs()})
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["active"] and plan["weeks"] == 4
    first = plan["plan"]["weeks"][0]["sessions"][0]["sets"]
    assert first[0]["side"] == "left"  # weak side first
    assert all(s["load_kg"] in (5, 7.5, 10, 12.5, 15) for s in first)
    ics = ann.client.get(f"/api/v1/plans/{plan['id']}/plan.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.count("BEGIN:VEVENT") == sum(len(w["sessions"]) for w in plan["plan"]["weeks"])
    assert ann.client.get("/api/v1/plans").json()["total"] == 1


def test_bad_plan_inputs_are_422_with_the_reason(ann: Account) -> None:
    r = ann.client.post(
        "/api/v1/plans", headers=ann.h, json={"inputs": _plan_inputs(body_mass_kg=-5)}
    )
    assert r.status_code == 422
    assert "body mass" in r.json()["detail"]
    r = ann.client.post(
        "/api/v1/plans", headers=ann.h, json={"inputs": _plan_inputs(training_days=[])}
    )
    assert r.status_code == 422


def test_progress_symmetry_index(ann: Account) -> None:
    monday = dt.date(2026, 1, 5)
    for week in range(3):
        day = (monday + dt.timedelta(days=7 * week)).isoformat()
        for side, load in (("left", 10), ("right", 20)):
            ann.client.post(
                "/api/v1/sets",
                headers=ann.h,
                json={"side": side, "reps": 10, "load_kg": load, "performed_on": day},
            )
    data = ann.client.get(f"/api/v1/athletes/{ann.athlete_id}/progress").json()
    assert data["weak_side"] == "left"
    assert data["threshold_pct"] == 90
    assert data["symmetry"]["lsi"]["load"] == [50.0, 50.0, 50.0]
    assert data["symmetry"]["lsi"]["reps"] == [100.0, 100.0, 100.0]
    assert data["symmetry"]["flag"]["flagged"] is True
    assert data["per_side"]["left"]["top_load_kg"] == [10.0, 10.0, 10.0]
    page = ann.client.get("/progress").text
    assert "Below 90 %" in page and 'id="chart-lsi"' in page


def test_openapi_and_offline_docs(app: FastAPI) -> None:
    client = TestClient(app)
    schema = client.get("/openapi.json").json()
    for path in ("/api/v1/sets", "/api/v1/plans", "/api/v1/analyses", "/api/v1/sessions"):
        assert path in schema["paths"]
    docs = client.get("/docs").text
    assert "/api/v1/sets/{set_id}" in docs
    assert "cdn" not in docs.lower()


def test_plotly_is_served_locally(app: FastAPI) -> None:
    r = TestClient(app).get("/static-vendor/plotly.min.js")
    assert r.status_code == 200 and len(r.content) > 1_000_000
