"""Shared pieces of the browser tests: a live server, Debian's Chromium through Playwright,
phone and desktop viewports, and helpers that act the way a user does (sign up, make a plan).

Fixtures here are imported by the ``test_e2e_*`` modules (``from tests.web.browser import ...``).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from thrustcoach.config import Settings
from thrustcoach.log import dispose_engines, session_scope
from thrustcoach.web import create_app
from thrustcoach.web.db import app_engine

CHROMIUM = os.environ.get("THRUSTCOACH_CHROMIUM")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PASSWORD = "correct horse battery"
# (name, width, height): an iPhone 12-ish phone and a laptop.
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


@dataclass
class Server:
    base: str
    app: FastAPI

    def db(self) -> Any:
        """``with server.db() as s:`` a session on the server's database (to seed data)."""
        settings: Settings = self.app.state.settings
        return session_scope(app_engine(settings))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    import uvicorn

    # One job worker, no MediaPipe graph built at start: the tests replay landmarks.
    app = create_app(Settings(data_dir=tmp_path / "data", job_workers=1, pose_warm_start=False))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", app)
    srv.should_exit = True
    thread.join(timeout=10)
    dispose_engines()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM:
        pytest.skip("THRUSTCOACH_CHROMIUM is not set (scripts/services.sh installs chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def new_page(browser: Any, *, width: int, height: int, **context_args: Any) -> Any:
    """A fresh browser context (own cookies) and page that records script errors."""
    context = browser.new_context(viewport={"width": width, "height": height}, **context_args)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # A request cut off by a navigation (a poll when the page reloads) is not a fault of the
    # page; anything else logged as an error is.
    pg.on(
        "console",
        lambda m: errors.append(m.text)
        if m.type == "error" and "ERR_ABORTED" not in m.text
        else None,
    )
    pg.js_errors = errors
    return pg


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, chromium: Any) -> Iterator[Any]:
    """One page per test, at desktop and at phone width."""
    width, height = VIEWPORTS[request.param]
    pg = new_page(chromium, width=width, height=height)
    pg.viewport_name = request.param
    yield pg
    pg.context.close()


def shots_dir(tmp_path: Path) -> Path:
    out = Path(os.environ.get("THRUSTCOACH_SCREENSHOT_DIR") or tmp_path / "shots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def sign_up(pg: Any, base: str, *, name: str = "Ann", email: str = "ann@example.org") -> None:
    pg.goto(base + "/signup")
    pg.fill("#name", name)
    pg.fill("#email", email)
    pg.fill("#password", PASSWORD)
    pg.get_by_role("button", name="Sign up").click()
    pg.wait_for_url("**/plans/new")


def training_days(start: dt.date, *offsets: int) -> list[str]:
    return [DAYS[(start.weekday() + k) % 7] for k in offsets]


def create_plan(
    pg: Any,
    base: str,
    *,
    start: dt.date | None = None,
    days: list[str] | None = None,
    body_mass_kg: str = "68",
    weak_side: str = "left",
    dumbbells: str | None = None,
) -> None:
    """Fill the plan form; by default the block starts today with a session today."""
    start = start or dt.date.today()
    days = days or training_days(start, 0, 3)
    pg.goto(base + "/plans/new")
    pg.fill("#body_mass_kg", body_mass_kg)
    pg.check(f"input[name=weak_side][value={weak_side}]")
    if dumbbells:
        pg.check("input[name=equipment][value=dumbbells]")
        pg.fill("#dumbbells_kg", dumbbells)
    pg.fill("#start_date", start.isoformat())
    for box in pg.locator("input[name=training_days]").all():
        box.uncheck()
    for day in days:
        pg.check(f"input[name=training_days][value={day}]")
    pg.get_by_role("button", name="Create plan").click()
    pg.wait_for_url("**/plans/*")


def in_viewport(pg: Any, selector: str) -> bool:
    """True when the element's box lies wholly inside the visible part of the page."""
    return bool(
        pg.evaluate(
            """(sel) => { const el = document.querySelector(sel); if (!el) return false;
            const r = el.getBoundingClientRect();
            return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""",
            selector,
        )
    )


def athlete_id(server: Server, email: str = "ann@example.org") -> int:
    from thrustcoach.log import accounts

    with server.db() as s:
        user = accounts.user_by_email(s, email=email)
        assert user is not None and user.athlete_id is not None
        return user.athlete_id


def text_recorder(element_id: str) -> str:
    """An init script keeping every text the element shows, however briefly, in
    ``window.__texts[element_id]``: expect()'s widening poll (up to 1 s apart) can miss a
    phase shown for a second."""
    return f"""
(() => {{
  window.__texts = window.__texts || {{}};
  const seen = (window.__texts["{element_id}"] = []);
  document.addEventListener("DOMContentLoaded", () => {{
    const el = document.getElementById("{element_id}");
    if (!el) return;
    new MutationObserver(() => seen.push(el.textContent.trim()))
      .observe(el, {{ childList: true, characterData: true, subtree: true }});
  }});
}})();
"""
