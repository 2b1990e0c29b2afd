"""Live coaching end to end in real headless Chromium with a fake camera.

Chromium plays a Y4M file as its camera (``--use-file-for-fake-video-capture``); the Live
page streams it to the server, which runs the pose estimator and the engine; the page shows
the counts, speaks (``speechSynthesis`` is replaced by a recorder in the page) and logs the
set in one tap. Two feeds:

* always: a generated clip (a stick figure, each frame stamped with its number, read back
  by the frame-code estimator of ``tests/live/framecode.py``), counts checked against
  ``analyze`` of the same landmarks;
* with ``../shared/clips`` and MediaPipe: the real clips through MediaPipe on the server,
  counts checked against the offline analysis of the same clip (``thrustcoach analyze``).

Each clip gets a lead-in and a tail with nobody in the picture: the fake camera starts when
the page asks for it and loops the file, so the set is whole and ends in an empty picture.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.live.conftest import synthetic_set
from tests.live.framecode import NONE, register, stamp
from tests.web.browser import (
    ARGS,
    CHROMIUM,
    Server,
    create_plan,
    shots_dir,
    sign_up,
    text_recorder,
)
from thrustcoach.analysis import AnalysisOptions, analyze
from thrustcoach.pose.annotate import draw_skeleton
from thrustcoach.pose.estimators import EstimatorSpec

# One worker plays the camera streams one after another (scripts/test.sh uses --dist
# loadgroup): two Chromiums streaming while MediaPipe runs starve a 2-core machine, and a page
# stalled for a whole lift loses that rep.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("live-camera")]

CLIPS = Path(__file__).resolve().parents[3] / "shared" / "clips"
LEAD_IN_S = 3.0
TAIL_S = 6.0

# Replaces the browser's speech with a recorder: every utterance and when it was spoken.
SPEECH_STUB = """
(() => {
  window.__spoken = [];
  const stub = {
    speaking: false, pending: false, paused: false,
    speak(u) { window.__spoken.push({ text: u.text, at: performance.now() }); },
    cancel() {}, pause() {}, resume() {},
    getVoices() { return [{ name: "recorder", lang: "en-US", default: true }]; },
    addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: stub, configurable: true });
})();
"""


def _write_y4m(path: Path, frames: Any, *, width: int, height: int, fps: Fraction) -> Path:
    import av

    with av.open(str(path), "w", format="yuv4mpegpipe") as out:
        stream = out.add_stream("rawvideo", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for image in frames:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="bgr24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def _synthetic_clip(path: Path) -> tuple[Path, Any]:
    series = synthetic_set()
    blank = np.full((240, 320, 3), 70, np.uint8)

    def frames() -> Any:
        for _ in range(int(LEAD_IN_S * 30)):
            yield stamp(blank.copy(), NONE)
        for k in range(series.n_frames):
            img = blank.copy()
            draw_skeleton(img, series.xyz[k, :, :2], series.visibility[k])
            yield stamp(img, k)
        for _ in range(int(TAIL_S * 30)):
            yield stamp(blank.copy(), NONE)

    return _write_y4m(path, frames(), width=320, height=240, fps=Fraction(30)), series


def _launch(playwright: Any, clip: Path) -> Any:
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={clip}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )


def _run_set(
    pg: Any,
    base: str,
    *,
    expected: dict[str, int],
    timeout_s: float,
    shots: Path,
    name: str,
    wait_empty: bool = True,
) -> dict[str, Any]:
    """Start the camera, wait for the counts and the empty tail, end the set; returns what
    the page showed and said."""
    from playwright.sync_api import expect

    pg.goto(base + "/live")
    pg.get_by_role("button", name="Start camera").click()
    deadline = time.monotonic() + timeout_s
    while not pg.evaluate("window.__texts['live-phase'].includes('Hold at the top')"):
        if time.monotonic() > deadline:  # say what the page said
            status = pg.locator("#live-status").inner_text()
            error = pg.locator("#live-error").inner_text()
            raise AssertionError(f"no rep started; page status {status!r}, error {error!r}")
        pg.wait_for_timeout(200)
    pg.screenshot(path=str(shots / f"live_{name}_midset.png"))
    for side, n in expected.items():
        if n:
            expect(pg.locator(f"#count-{side}")).to_have_text(str(n), timeout=timeout_s * 1000)
    if wait_empty:
        expect(pg.locator("#live-hint")).to_contain_text("Nobody in view", timeout=TAIL_S * 1000)
    else:  # MediaPipe may track a ghost into the black tail for a while: just let it settle
        pg.wait_for_timeout(2000)
    pg.screenshot(path=str(shots / f"live_{name}_counted.png"))
    pg.get_by_role("button", name="End set").click()
    expect(pg.locator("#live-summary")).to_be_visible(timeout=20_000)
    pg.screenshot(path=str(shots / f"live_{name}_summary.png"), full_page=True)
    shown = {s: int(pg.locator(f"#count-{s}").inner_text()) for s in ("left", "right", "both")}
    return {
        "shown": shown,
        "summary": pg.locator("#summary-counts").inner_text(),
        "spoken": pg.evaluate("window.__spoken"),
        "status": pg.locator("#live-status").inner_text(),
    }


def _counts(result: Any) -> dict[str, int]:
    return {k.value: v for k, v in result.summary.rep_count.items()}


def _sign_up_with_plan(pg: Any, base: str) -> None:
    sign_up(pg, base)
    create_plan(pg, base, start=dt.date.today(), weak_side="right")


# A real-time stream: on a loaded machine the page may stall long enough to hide a lift
# (see pytest-rerunfailures in pyproject.toml); a second failure is a real one.
@pytest.mark.flaky(reruns=1)
def test_live_page_counts_speaks_and_logs_a_generated_set(server: Server, tmp_path: Path) -> None:
    if not CHROMIUM:
        pytest.skip("THRUSTCOACH_CHROMIUM is not set (scripts/services.sh installs chromium)")
    from playwright.sync_api import expect, sync_playwright

    clip, series = _synthetic_clip(tmp_path / "set.y4m")
    register()
    server.app.state.live.pose_spec = EstimatorSpec(kind="framecode", params={"series": series})
    shots = shots_dir(tmp_path)
    with sync_playwright() as p:
        browser = _launch(p, clip)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(SPEECH_STUB)
        context.add_init_script(text_recorder("live-phase"))
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        _sign_up_with_plan(pg, server.base)
        pg.goto(server.base + "/live")
        expect(pg.locator("#plan-label")).to_contain_text("right leg")
        seen = _run_set(
            pg,
            server.base,
            expected={"right": 3},
            timeout_s=60,
            shots=shots,
            name="generated",
            # The "Nobody in view" hint is tested in tests/live; waiting for it here within the
            # clip's 6 s empty tail failed on a loaded 2-core CI machine (the stream lags).
            wait_empty=False,
        )
        offline = _counts(analyze(series, options=AnalysisOptions(pause_s=1, lowering_s=2)))
        assert seen["shown"] == offline == {"left": 0, "right": 3, "both": 0}
        assert seen["summary"].startswith("3 right")
        texts = [s["text"] for s in seen["spoken"]]
        assert [t for t in texts if t.endswith("right")] == ["1 right", "2 right", "3 right"]
        assert texts.count("hold") == 3
        # one tap logs it
        pg.get_by_role("button", name="Log 3 right").click()
        expect(pg.locator("#live-logged")).to_contain_text("Logged 3 reps right", timeout=20_000)
        expect(pg.locator("#plan-label")).to_contain_text("Set 2", timeout=10_000)
        pg.screenshot(path=str(shots / "live_generated_logged.png"), full_page=True)
        pg.goto(server.base + "/today")
        expect(pg.locator("#set-1 .ok")).to_contain_text("Done: 3 reps")
        # phone width: nothing sticks out sideways
        pg.set_viewport_size({"width": 390, "height": 844})
        pg.goto(server.base + "/live")
        pg.screenshot(path=str(shots / "live_phone.png"), full_page=True)
        assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
        browser.close()
    assert errors == [], errors
    print(json.dumps({"spoken": seen["spoken"], "status": seen["status"]}))


REAL = [
    ("palfitness_hip_thrust.mp4", 7),
    ("beproj_bridge.mp4", 5),
]


def _mediapipe_available() -> bool:
    try:
        import mediapipe  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.flaky(reruns=1)
@pytest.mark.clips
@pytest.mark.mediapipe
@pytest.mark.parametrize(("name", "truth"), REAL)
def test_live_page_on_a_real_clip_matches_the_offline_analysis(
    server: Server, tmp_path: Path, name: str, truth: int
) -> None:
    if not CHROMIUM:
        pytest.skip("THRUSTCOACH_CHROMIUM is not set (scripts/services.sh installs chromium)")
    if not (CLIPS / name).is_file():
        pytest.skip("../shared/clips is absent")
    if not _mediapipe_available():
        pytest.skip("MediaPipe is not installed")
    from playwright.sync_api import sync_playwright

    from thrustcoach.pose.extract import extract_landmarks
    from thrustcoach.pose.video import iter_frames, probe_video

    info = probe_video(CLIPS / name)
    offline = _counts(
        analyze(extract_landmarks(CLIPS / name, workers=1).series, options=AnalysisOptions())
    )
    scale = min(1.0, 640 / max(info.width, info.height))
    w, h = int(info.width * scale) // 2 * 2, int(info.height * scale) // 2 * 2
    fps = Fraction(info.fps).limit_denominator(1001)
    black = np.zeros((h, w, 3), np.uint8)

    def frames() -> Any:
        import cv2

        for _ in range(int(LEAD_IN_S * info.fps)):
            yield black
        for f in iter_frames(info, max_fps=None):
            yield cv2.resize(f.image, (w, h), interpolation=cv2.INTER_AREA)
        for _ in range(int(TAIL_S * info.fps)):
            yield black

    clip = _write_y4m(tmp_path / "clip.y4m", frames(), width=w, height=h, fps=fps)
    shots = shots_dir(tmp_path)
    with sync_playwright() as p:
        browser = _launch(p, clip)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(SPEECH_STUB)
        context.add_init_script(text_recorder("live-phase"))
        pg = context.new_page()
        sign_up(pg, server.base)
        expected = {k: v for k, v in offline.items() if v}
        seen = _run_set(
            pg, server.base, expected=expected, timeout_s=info.duration_s + 60, shots=shots,
            name=name.split(".")[0], wait_empty=False,
        )  # fmt: skip
        browser.close()
    counted = sum(seen["shown"].values())
    assert seen["shown"] == offline, (seen, offline)
    assert counted == truth
    said = [s["text"] for s in seen["spoken"]]
    assert sum(1 for t in said if t.split(" ")[0].isdigit()) == counted, said
    print(json.dumps({"clip": name, "shown": seen["shown"], "status": seen["status"]}))


def test_refused_camera_says_what_to_do(server: Server) -> None:
    if not CHROMIUM:
        pytest.skip("THRUSTCOACH_CHROMIUM is not set (scripts/services.sh installs chromium)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=[*ARGS, "--use-fake-device-for-media-stream"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        sign_up(pg, server.base)
        pg.goto(server.base + "/live")
        # no camera permission granted (and no fake-UI auto-accept): the browser refuses
        pg.get_by_role("button", name="Start camera").click()
        expect(pg.locator("#live-error")).to_contain_text("Camera access was refused")
        browser.close()
