"""End-to-end in real headless Chromium (Debian's package, driven by Playwright).

Signs up, creates a plan, logs a set weak side first, uploads a synthetic test video, waits for
the report and checks the numbers on the page; screenshots the main pages at desktop and phone
width (into $THRUSTCOACH_SCREENSHOT_DIR when set, else the test's temp folder).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.browser import ARGS, CHROMIUM, DAYS, sign_up, text_recorder
from thrustcoach.config import Settings
from thrustcoach.log import dispose_engines
from thrustcoach.pose.estimators import EstimatorSpec
from thrustcoach.web import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, object]]:
    import uvicorn

    # One job worker, no MediaPipe graph built at start: the test replays landmarks.
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
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    thread.join(timeout=10)
    dispose_engines()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[object]:
    if not CHROMIUM:
        pytest.skip("THRUSTCOACH_CHROMIUM is not set (scripts/services.sh installs chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(text_recorder("timer-phase"))
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        # A request cut off by a navigation (the progress poll when the page reloads) is not
        # a fault of the page; anything else logged as an error is.
        pg.on(
            "console",
            lambda m: errors.append(m.text)
            if m.type == "error" and "ERR_ABORTED" not in m.text
            else None,
        )
        pg.js_errors = errors  # type: ignore[attr-defined]
        yield pg
        browser.close()


def _shots_dir(tmp_path: Path) -> Path:
    out = Path(os.environ.get("THRUSTCOACH_SCREENSHOT_DIR") or tmp_path / "shots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_new_user_plans_logs_checks_a_video_and_sees_progress(
    server: tuple[str, object], page: object, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    from tests.pose.videokit import make_set_video

    base, app = server
    pg: Page = page  # type: ignore[assignment]
    video = make_set_video(tmp_path / "left_set.mp4", reps=3)
    app.state.jobs.pose_spec = EstimatorSpec.fake(video.series)  # type: ignore[attr-defined]

    # keyboard: the first Tab lands on the skip link
    pg.goto(base + "/")
    pg.keyboard.press("Tab")
    expect(pg.locator(".skip-link")).to_be_focused()

    # sign up
    pg.goto(base + "/signup")
    pg.fill("#name", "Ann")
    pg.fill("#email", "ann@example.org")
    pg.fill("#password", "correct horse battery")
    pg.get_by_role("button", name="Sign up").click()
    pg.wait_for_url("**/plans/new")

    # create a plan: weak side left, today and three days later
    today = dt.date.today()
    pg.fill("#body_mass_kg", "68")
    pg.check("input[name=weak_side][value=left]")
    pg.fill("#start_date", today.isoformat())
    for box in pg.locator("input[name=training_days]").all():
        box.uncheck()
    pg.check(f"input[name=training_days][value={DAYS[today.weekday()]}]")
    pg.check(f"input[name=training_days][value={DAYS[(today.weekday() + 3) % 7]}]")
    pg.get_by_role("button", name="Create plan").click()
    pg.wait_for_url("**/plans/1")
    expect(pg.locator("h1")).to_contain_text("4-week unilateral glute block")

    # Today: the weak (left) side goes first; log it with one tap
    pg.goto(base + "/today")
    first = pg.locator("#set-1")
    expect(first.locator("h2")).to_contain_text("Set 1: left leg")
    expect(pg.locator("#set-2 h2")).to_contain_text("right leg")
    first.get_by_role("button", name="Start timer").click()
    expect(pg.locator("#timer")).to_be_visible()
    expect(pg.locator("#timer-phase")).to_contain_text("Get ready")
    # after the 3 s count-in the timer walks through the rep at the prescribed tempo
    expect(pg.locator("#timer-phase")).to_contain_text("lower slowly", timeout=9_000)
    shown = pg.evaluate("window.__texts['timer-phase']")
    assert any(t.startswith("Rep 1 of 10") for t in shown), shown  # the lift, before it
    pg.locator("#timer-stop").click()
    expect(pg.locator("#timer-phase")).to_have_text("Stopped.")
    first.get_by_role("button", name="Log as prescribed").click()
    pg.wait_for_url("**/today*")
    expect(pg.locator("#set-1 .ok")).to_contain_text("Done: 10 reps")
    pg.goto(base + "/log")
    expect(pg.locator("tbody tr.side-left")).to_have_count(1)

    # video check: upload the synthetic set video, wait for the report, check the numbers
    pg.goto(base + "/video")
    # A phone's file name, long and without spaces: the report's title must wrap on a phone.
    clip = tmp_path / "single_leg_hip_thrust_left_then_right_2026-12-01_18-04-33.mp4"
    clip.write_bytes(video.path.read_bytes())
    pg.set_input_files("#clip", str(clip))
    pg.get_by_role("button", name="Upload and analyse").click()
    pg.wait_for_url("**/video/*")
    report_path = pg.url.removeprefix(base)
    expect(pg.locator("#rep-count")).to_be_visible(timeout=120_000)
    left = int(pg.locator("#reps-left").inner_text())
    right = int(pg.locator("#reps-right").inner_text())
    assert left + right == video.reps
    expect(pg.locator("#rep-table tbody tr")).to_have_count(video.reps)
    expect(pg.locator("#chart-angles .main-svg").first).to_be_attached(timeout=20_000)
    expect(pg.locator("video")).to_have_count(1)

    # progress: plotly draws the charts from the locally served bundle
    pg.goto(base + "/progress")
    expect(pg.locator("#chart-load .main-svg").first).to_be_attached(timeout=20_000)

    shots = _shots_dir(tmp_path)
    pages = [
        "/",
        "/today",
        "/plans/1",
        "/log",
        "/progress",
        "/video",
        report_path,
        "/guide/single_leg_hip_thrust",
    ]
    for width, height, label in ((1280, 900, "desktop"), (390, 844, "phone")):
        pg.set_viewport_size({"width": width, "height": height})
        for path in pages:
            pg.goto(base + path)
            pg.wait_for_load_state("networkidle")
            name = "report" if path == report_path else path.strip("/").replace("/", "_") or "home"
            pg.screenshot(path=str(shots / f"{label}_{name}.png"), full_page=True)
            # nothing sticks out sideways on a phone (every page, not just the last)
            if label == "phone":
                overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, (path, overflow)
    assert pg.js_errors == [], pg.js_errors  # type: ignore[attr-defined]


def test_sign_up_with_the_keyboard_alone(server: tuple[str, object], page: object) -> None:
    from playwright.sync_api import Page, expect

    base, _ = server
    pg: Page = page  # type: ignore[assignment]
    pg.goto(base + "/signup")
    pg.locator("#name").focus()
    pg.keyboard.type("Kim")
    pg.keyboard.press("Tab")
    pg.keyboard.type("kim@example.org")
    pg.keyboard.press("Tab")
    pg.keyboard.type("a long enough password")
    pg.keyboard.press("Enter")
    pg.wait_for_url("**/plans/new")
    # the focused element always shows a visible outline
    pg.locator("#body_mass_kg").focus()
    outline = pg.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    expect(pg.locator("label[for=body_mass_kg]")).to_be_visible()


def test_a_long_e_mail_and_name_do_not_widen_pages_on_a_phone(
    server: tuple[str, object], page: object
) -> None:
    """The header shows the e-mail and the account page the name: unbroken ones wrap at
    390 px instead of pushing every page sideways (they did, by 108-162 px)."""
    from playwright.sync_api import Page

    base, _ = server
    pg: Page = page  # type: ignore[assignment]
    pg.set_viewport_size({"width": 390, "height": 844})
    sign_up(
        pg,
        base,
        name="Maximiliane-Alexandrina_von_Hohenzollern-Sigmaringen-Wittelsbach",
        email="maximiliane.alexandrina.von.hohenzollern.sigmaringen@example-domain.org",
    )
    for path in ("/plans/new", "/today", "/log", "/account"):
        pg.goto(base + path)
        pg.wait_for_load_state("networkidle")
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
