"""First load of a chart page (/progress) in Chromium: from navigation to all charts drawn.

Usage: .venv/bin/python benchmarks/chart_first_load.py [--runs N]

Starts the web app on a free loopback port with a throwaway data folder, seeds an athlete with
eight weeks of sets, and loads /progress in a fresh browser context each run (empty cache, so
every run is a first load). Two set-ups side by side in the same run:

* ``before``: the full plotly.js bundle (4.65 MB) sent uncompressed (the browser asks for no
  compression), as the app served it before issue 12;
* ``now``: what the app serves now: plotly.js "basic" from npm when scripts/setup.sh installed
  it, gzipped once, and gzipped pages.

Prints the median and spread of each, their ratio, and the bytes of plotly.js on the wire.
Needs Chromium (THRUSTCOACH_CHROMIUM, default /usr/bin/chromium). Run on a quiet machine:
``flock /tmp/tc-bench.lock .venv/bin/python benchmarks/chart_first_load.py`` and note ``uptime``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("THRUSTCOACH_CHROMIUM", "/usr/bin/chromium")
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
PASSWORD = "correct horse battery"
CHARTS = ("chart-load", "chart-lsi", "chart-volume", "chart-form")


@contextmanager
def _server(*, full_bundle: bool) -> Iterator[str]:
    import uvicorn

    import thrustcoach.web.app as web_app
    from thrustcoach.config import Settings
    from thrustcoach.log import dispose_engines

    saved = web_app.BASIC_PLOTLY_JS
    if full_bundle:
        web_app.BASIC_PLOTLY_JS = Path("/nonexistent/plotly-basic.min.js")
    tmp = Path(tempfile.mkdtemp(prefix="tc-bench-"))
    app = web_app.create_app(Settings(data_dir=tmp / "data"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    try:
        _seed(app)
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        dispose_engines()
        web_app.BASIC_PLOTLY_JS = saved


def _seed(app: Any) -> None:
    from thrustcoach.log import repo, session_scope
    from thrustcoach.log.models import Role
    from thrustcoach.web.accounts import sign_up
    from thrustcoach.web.db import app_engine

    with session_scope(app_engine(app.state.settings)) as s:
        user = sign_up(s, "bench@example.org", password=PASSWORD, role=Role.ATHLETE, name="B")
        aid = user.athlete_id
        repo.update_athlete(s, athlete_id=aid, weak_side="left")
        repo.record_body_mass(s, athlete_id=aid, mass_kg="70", measured_on=dt.date(2020, 1, 1))
        start = dt.date.today() - dt.timedelta(weeks=8)
        for week in range(8):
            for day in (0, 3):
                for k in range(3):
                    for side, reps in (("left", 8 + week % 3), ("right", 10)):
                        repo.add_set(
                            s,
                            athlete_id=aid,
                            performed_on=start + dt.timedelta(weeks=week, days=day),
                            variant="single_leg_hip_thrust",
                            side=side,
                            reps=reps,
                            load_kg=str(5 + 2.5 * (week // 3) + k * 0),
                            bench_contact=True,
                            pelvis_level=week > 2,
                        )


def _first_load(browser: Any, base: str, *, compressed: bool) -> tuple[float, int]:
    """Seconds from navigation to every chart drawn, and plotly.js bytes on the wire."""
    headers = {} if compressed else {"Accept-Encoding": "identity"}
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, extra_http_headers=headers
    )
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#email", "bench@example.org")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/today")
    started = time.perf_counter()
    page.goto(base + "/progress", wait_until="commit")
    for chart in CHARTS:
        page.locator(f"#{chart} .main-svg").first.wait_for(state="attached", timeout=60_000)
    elapsed = time.perf_counter() - started
    wire = page.evaluate(
        """performance.getEntriesByType('resource').filter(e => e.name.includes('plotly'))
           .map(e => e.transferSize).reduce((a, b) => a + b, 0)"""
    )
    context.close()
    return elapsed, int(wire)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold loads per set-up (default 5)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from thrustcoach.web.app import plotly_js_path

    results: dict[str, tuple[list[float], int]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, full, compressed in (("before", True, False), ("now", False, True)):
            with _server(full_bundle=full) as base:
                times, wire = [], 0
                _first_load(browser, base, compressed=compressed)  # server warm-up, not timed
                for _ in range(args.runs):
                    seconds, wire = _first_load(browser, base, compressed=compressed)
                    times.append(seconds)
                results[name] = (times, wire)
        browser.close()
    print(f"chart page first load (/progress, 4 charts), {args.runs} cold loads each")
    print(f"plotly.js now: {plotly_js_path().name}, load average {os.getloadavg()[0]:.2f}")
    for name, (times, wire) in results.items():
        print(
            f"  {name:6s} median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}); "
            f"plotly.js on the wire {wire / 1e6:.2f} MB"
        )
    ratio = statistics.median(results["before"][0]) / statistics.median(results["now"][0])
    print(f"  now is {ratio:.1f}x faster than before")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
