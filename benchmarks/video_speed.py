"""Video speed, side by side in one run: the plain MediaPipe loop, ``thrustcoach pose`` and
``thrustcoach analyze``, with accuracy next to the speed; then upload-to-report in the web app.

Clips (generated from ../shared/clips, cached in /tmp/tc_bench_media, never committed): the
real hip thrust clip (palfitness, 16 s) from its first bottom to its end, upscaled to
1920x1080, played forward in a loop to 60 s and to 10 s at 30 fps (6 lockouts a loop). A
generated stick figure is no person for MediaPipe, so a real body is needed to measure
tracking. Rows per clip:

* plain loop: one process, ``cv2`` read -> RGB -> ``Pose.process`` on every frame (full
  model, tracking), timed as a user meets it (interpreter start and imports included; the
  loop alone is shown too). Its landmarks are analysed afterwards for the accuracy columns.
* ``thrustcoach pose`` and ``thrustcoach analyze`` (default: 2 parallel chunks on threads,
  the model on a steady 18 frames/s), ``analyze --sample-fps 0`` (every frame: the full-rate
  answer the others are compared with), ``--sample-fps 15`` (the speed/accuracy trade-off)
  and ``analyze --annotate`` (the annotated video drawn during the pose run), wall time of
  the whole command.
* ``extract_landmarks`` in this process with the chunks on threads and on processes.

Columns: wall s, x plain (plain loop wall / this wall), x real time, cpu s (CPU seconds of
all the command's processes and threads: other jobs on the machine stretch wall times much
more than CPU times; on an idle 2-core machine the chunked rows take about cpu / 2 wall),
frames through the model, overhead (wall minus the model's own time per worker, from the
pose stage's figures), peak MB (PSS of the process tree, from a second run, so the probe
does not slow the timed one), reps found, and per-phase tempo change against the
every-frame answer (mean |diff|).
Targets (2-core machine): analyze >= 3x plain on the 60 s clip, >= 2x on the 10 s clip,
>= 4x real time, < 1024 MB, overhead of a 10 s clip < 1.5 s.

Web: ``thrustcoach serve`` on a free loopback port with a temporary data dir; sign up; POST
the 16 s clip to /api/v1/analyses; poll until done. One upload, then two at once. Targets:
< 8 s, both of two within 1.6x that.

Other jobs on the machine slow every figure: read the load printed with them, and compare
ratios, not seconds.

    .venv/bin/python benchmarks/video_speed.py [--long-s 60] [--short-s 10] [--skip long|short|web]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

CLIPS = Path(__file__).resolve().parents[2] / "shared" / "clips"
SOURCE = CLIPS / "palfitness_hip_thrust.mp4"
SOURCE_TOPS_S = (0.8, 3.1, 5.2, 7.6, 9.9, 12.2, 14.5)  # ../shared/clips/README.md
MEDIA = Path("/tmp/tc_bench_media")
THRUSTCOACH = Path(sys.executable).with_name("thrustcoach")
PHASES = ("concentric_s", "pause_s", "eccentric_s")


# --- the clips ---------------------------------------------------------------------------------
def first_bottom_s() -> float:
    """Time of the deepest hip angle between the first two lockouts of the source clip."""
    from thrustcoach.pose.io import read_landmarks

    cached = Path("/tmp/tc_clips/palfitness_hip_thrust.csv")
    if not cached.is_file():
        from thrustcoach.pose.extract import extract_landmarks
        from thrustcoach.pose.io import write_landmarks_csv

        cached.parent.mkdir(parents=True, exist_ok=True)
        run = extract_landmarks(SOURCE, max_fps=None, sampling=None, workers=1)
        write_landmarks_csv(run.series, cached)
    s = read_landmarks(cached)
    window = (s.time_s > SOURCE_TOPS_S[0]) & (s.time_s < SOURCE_TOPS_S[1])
    hip_y = s.xyz[window][:, [s.index("left_hip"), s.index("right_hip")], 1].mean(axis=1)
    return float(s.time_s[window][int(np.argmax(hip_y))])  # y down: lowest hips


@dataclass(frozen=True)
class Clip:
    path: Path
    seconds: float
    expected_reps: int


def make_clip(seconds: float) -> Clip:
    """1920x1080 30 fps: the source from its first bottom, looped forward (cached)."""
    import cv2

    from thrustcoach.pose.video import iter_frames, probe_video
    from thrustcoach.pose.video_writer import H264Writer

    start = first_bottom_s()
    info = probe_video(SOURCE)
    loop_s = info.duration_s - start
    tops = [t - start for t in SOURCE_TOPS_S if t > start]
    expected = sum(
        1 for k in range(int(seconds // loop_s) + 1) for t in tops if k * loop_s + t < seconds - 1.0
    )
    path = MEDIA / f"hipthrust_1080p30_{seconds:g}s.mp4"
    if path.is_file():
        return Clip(path, seconds, expected)
    MEDIA.mkdir(parents=True, exist_ok=True)
    frames = [f for f in iter_frames(info, max_fps=None) if f.time_s >= start]
    w, h = 1920, 1080
    scale = min(w / info.width, h / info.height)
    size = (round(info.width * scale), round(info.height * scale))
    x0, y0 = (w - size[0]) // 2, (h - size[1]) // 2
    tmp = path.with_suffix(".part.mp4")
    with H264Writer(tmp, width=w, height=h, fps=30, crf=18) as out:
        for k in range(round(seconds * 30)):
            t = (k / 30) % loop_s + start  # source time of this output frame
            src = min(frames, key=lambda f: abs(f.time_s - t))
            canvas = np.zeros((h, w, 3), np.uint8)
            canvas[y0 : y0 + size[1], x0 : x0 + size[0]] = cv2.resize(
                src.image, size, interpolation=cv2.INTER_CUBIC
            )
            out.write(canvas, time_s=k / 30)
    tmp.replace(path)
    return Clip(path, seconds, expected)


# --- measuring ---------------------------------------------------------------------------------
def _tree_pss_mb(root: int) -> float:
    """Memory (PSS) of a process and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [c for c, p in parents.items() if p == pid and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    total_kb = 0
    for pid in tree:
        # PSS splits pages shared between processes among them: the sum is the real footprint.
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def peak_memory_mb(cmd: list[str], env: dict[str, str] | None = None) -> float:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_pss_mb(proc.pid))
        # Reading smaps_rollup walks page tables: polling fast would steal CPU on 2 cores.
        time.sleep(0.5)
    return peak


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[str, float, float]:
    """(stdout, wall seconds, CPU seconds) of a command."""
    cpu0, started = _children_cpu_s(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd[:3])} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return proc.stdout, wall, _children_cpu_s() - cpu0


PLAIN_LOOP = """
import sys, time, cv2
import numpy as np
import mediapipe as mp
cap = cv2.VideoCapture(sys.argv[1])
pose = mp.solutions.pose.Pose(model_complexity=1, static_image_mode=False)
n, start, out = 0, time.perf_counter(), []
while True:
    ok, frame = cap.read()
    if not ok:
        break
    t = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000
    r = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    h, w = frame.shape[:2]
    if r.pose_landmarks is not None:
        out.append([t] + [v for lm in r.pose_landmarks.landmark
                          for v in (lm.x * w, lm.y * h, lm.z * w, lm.visibility)])
    n += 1
print(n, time.perf_counter() - start)
np.save(sys.argv[2], np.array(out))
"""


def plain_series(npy: Path, clip: Path) -> Any:
    from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
    from thrustcoach.pose.series import LandmarkSeries

    rows = np.load(npy)
    data = rows[:, 1:].reshape(len(rows), 33, 4)
    return LandmarkSeries(
        time_s=rows[:, 0],
        frame=np.arange(len(rows)),
        names=MEDIAPIPE_LANDMARKS,
        xyz=data[:, :, :3],
        visibility=np.clip(data[:, :, 3], 0, 1),
        meta={"source": clip.name},
    )


@dataclass
class Row:
    name: str
    wall_s: float
    cpu_s: float | None = None
    frames: int | None = None
    overhead_s: float | None = None
    peak_mb: float | None = None
    result: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def reps_of(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    if result is None:
        return []
    return [r for s in result.get("sets", []) for r in s.get("reps", [])]


def tempo_change(result: dict[str, Any] | None, ref: dict[str, Any] | None) -> str:
    if result is None or ref is None:
        return ""
    diffs: dict[str, list[float]] = {p: [] for p in PHASES}
    ref_reps = reps_of(ref)
    for r in reps_of(result):
        near = [x for x in ref_reps if abs(x["top_s"] - r["top_s"]) <= 0.5]
        if not near:
            continue
        f = min(near, key=lambda x: abs(x["top_s"] - r["top_s"]))
        for p in PHASES:
            if r.get(p) is not None and f.get(p) is not None:
                diffs[p].append(abs(r[p] - f[p]))
    return " ".join(f"{np.mean(v):.3f}" if v else "  -  " for v in diffs.values())


def cli_row(
    name: str, args: list[str], tmp: Path, *, memory: bool, result_file: Path | None = None
) -> Row:
    stats = tmp / "stats.json"
    env = {**os.environ, "THRUSTCOACH_POSE_STATS": str(stats)}
    stats.unlink(missing_ok=True)
    _, wall, cpu = timed([str(THRUSTCOACH), *args], env)
    data = json.loads(stats.read_text()) if stats.is_file() else {}
    row = Row(name, wall, cpu, frames=data.get("frames_inferred"))
    if data:
        row.overhead_s = wall - data["inference_s"] / max(data["workers"], 1)
    if result_file is not None and result_file.is_file():
        row.result = json.loads(result_file.read_text())
    if memory:
        row.peak_mb = peak_memory_mb([str(THRUSTCOACH), *args])
    return row


def measure_clip(clip: Clip, tmp: Path) -> None:
    from thrustcoach.analysis import analyze
    from thrustcoach.pose.extract import extract_landmarks
    from thrustcoach.pose.video import probe_video

    info = probe_video(clip.path)
    print(
        f"\nclip {clip.path.name}: {info.resolution}, {info.fps:.0f} fps, {info.duration_s:.1f} s, "
        f"{info.frame_count} frames; expected reps ~{clip.expected_reps}; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    rows: list[Row] = []
    npy = tmp / "plain.npy"
    out, wall, cpu = timed([sys.executable, "-c", PLAIN_LOOP, str(clip.path), str(npy)])
    n_plain, loop_s = out.split()
    plain = Row("plain MediaPipe loop, 1 process", wall, cpu, frames=int(n_plain))
    plain.notes.append(f"loop alone {float(loop_s):.1f} s")
    plain.result = analyze(plain_series(npy, clip.path)).to_json_dict()
    rows.append(plain)
    v, j = str(clip.path), tmp / "r.json"
    rows.append(
        cli_row("thrustcoach pose", ["pose", v, "-o", str(tmp / "l.csv"), "-q"], tmp, memory=False)
    )
    rows.append(
        cli_row(
            "thrustcoach analyze",
            ["analyze", v, "--json", str(j), "-q"],
            tmp,
            memory=True,
            result_file=j,
        )
    )
    full = cli_row(
        "thrustcoach analyze --sample-fps 0",
        ["analyze", v, "--json", str(j), "-q", "--sample-fps", "0"],
        tmp,
        memory=False,
        result_file=j,
    )
    rows.append(full)
    rows.append(
        cli_row(
            "thrustcoach analyze --sample-fps 15",
            ["analyze", v, "--json", str(j), "-q", "--sample-fps", "15"],
            tmp,
            memory=False,
            result_file=j,
        )
    )
    ann = tmp / "a.mp4"
    rows.append(
        cli_row(
            "thrustcoach analyze --annotate",
            ["analyze", v, "--json", str(j), "-q", "--annotate", str(ann)],
            tmp,
            memory=True,
            result_file=j,
        )
    )
    for parallel in ("threads", "processes"):
        cpu0, started = _self_cpu_s() + _children_cpu_s(), time.perf_counter()
        run = extract_landmarks(clip.path, parallel=parallel)  # type: ignore[arg-type]
        secs = time.perf_counter() - started
        cpu = _self_cpu_s() + _children_cpu_s() - cpu0  # worker processes count once reaped
        row = Row(f"extract_landmarks, chunks on {parallel}", secs, cpu, frames=run.frames_inferred)
        row.overhead_s = secs - run.inference_s / run.workers
        rows.append(row)
    print(
        f"{'':38}{'wall s':>7}{'x plain':>8}{'x real':>7}{'cpu s':>7}{'model':>7}{'overhead':>9}"
        f"{'peak MB':>8}{'reps':>5}  tempo change vs every frame (lift pause lower)"
    )
    for r in rows:
        reps = len(reps_of(r.result)) if r.result is not None else None
        print(
            f"{r.name:38}{r.wall_s:7.1f}{plain.wall_s / r.wall_s:8.2f}"
            f"{info.duration_s / r.wall_s:7.2f}{'' if r.cpu_s is None else f'{r.cpu_s:.1f}':>7}"
            f"{r.frames if r.frames is not None else '':>7}"
            f"{'' if r.overhead_s is None else f'{r.overhead_s:.1f}':>9}"
            f"{'' if r.peak_mb is None else f'{r.peak_mb:.0f}':>8}"
            f"{'' if reps is None else reps:>5}  {tempo_change(r.result, full.result)}"
            + (f"  ({'; '.join(r.notes)})" if r.notes else "")
        )


# --- the web app -------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure_web(tmp: Path) -> None:
    import httpx

    port = _free_port()
    env = {**os.environ, "THRUSTCOACH_DATA_DIR": str(tmp / "data"), "THRUSTCOACH_PORT": str(port)}
    server = subprocess.Popen(
        [str(THRUSTCOACH), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as client:
            for _ in range(200):
                try:
                    client.get("/healthz" if False else "/login")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            page = client.get("/signup").text
            token = re.search(r'name="csrf-token" content="([^"]+)"', page)
            assert token, "no CSRF token on the signup page"
            client.post(
                "/signup",
                data={
                    "email": "bench@example.com",
                    "password": "bench-password-1",
                    "name": "Bench",
                    "csrf_token": token.group(1),
                },
            )
            page = client.get("/video").text
            token = re.search(r'name="csrf-token" content="([^"]+)"', page)
            assert token, "not signed in"
            headers = {"x-csrf-token": token.group(1)}
            body = SOURCE.read_bytes()

            def upload() -> float:
                started = time.perf_counter()
                r = client.post(
                    "/api/v1/analyses",
                    params={"filename": SOURCE.name},
                    content=body,
                    headers={**headers, "content-type": "video/mp4"},
                )
                r.raise_for_status()
                job = r.json()["id"]
                while True:
                    state = client.get(f"/api/v1/analyses/{job}").json()
                    if state["state"] in ("done", "failed"):
                        break
                    time.sleep(0.1)
                if state["state"] != "done":
                    raise SystemExit(f"web job failed: {state.get('error')}")
                return time.perf_counter() - started

            print(f"\nweb app, {SOURCE.name} (16 s): load {os.getloadavg()[0]:.2f}")
            first = upload()
            again = upload()
            # Futures, not bare threads: a failed job's SystemExit reaches this thread (a bare
            # thread swallowed it and the row was lost).
            with ThreadPoolExecutor(max_workers=2) as pool:
                both = [f.result() for f in [pool.submit(upload) for _ in range(2)]]
            print(f"  one upload, first after start:  {first:5.1f} s upload to report")
            print(f"  one upload, server warm:        {again:5.1f} s   (target < 8 s)")
            print(
                f"  two uploads at once:            {max(both):5.1f} s and {min(both):.1f} s "
                f"= {max(both) / again:.2f}x one   (target both < 1.6x)"
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long-s", type=float, default=60.0)
    parser.add_argument("--short-s", type=float, default=10.0)
    parser.add_argument("--skip", action="append", default=[], choices=("long", "short", "web"))
    args = parser.parse_args()
    if not SOURCE.is_file():
        print(f"skipped: {SOURCE} is absent (the benchmark needs a real body on video)")
        return
    print(f"cores: {os.cpu_count()}; load: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        for key, seconds in (("short", args.short_s), ("long", args.long_s)):
            if key not in args.skip:
                measure_clip(make_clip(seconds), Path(tmp))
        if "web" not in args.skip:
            measure_web(Path(tmp))
    print(
        "\ntargets: analyze >= 3x plain (60 s clip), >= 2x (10 s clip), >= 4x real time, "
        "< 1024 MB; 10 s clip overhead < 1.5 s; web < 8 s, two at once < 1.6x"
    )


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    main()
