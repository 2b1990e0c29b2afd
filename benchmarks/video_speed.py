"""Video pipeline speed on one 720p 30 fps clip: decode ceiling, plain MediaPipe loop, our CLI.

Prints, for the same clip: decode-only frames/s (the practical ceiling), a plain
single-process MediaPipe loop (cv2 read -> RGB -> Pose.process, full model, tracking), and
``thrustcoach pose`` with 1 and 2 workers, each with frames/s, real-time factor, ratio to the
plain loop and peak memory (PSS summed over the process tree, sampled every 50 ms).
Targets (2-core machine): >= 1.6x the plain loop, >= 2x real time, < 1 GB.

The clip: the bridge clip from ../shared/clips re-timed to 30 fps 1280x720 and looped to
~15 s (skipped when ../shared is absent: a generated stick figure is no person for MediaPipe,
so it would measure the detector, not tracking). Other jobs on the machine slow every
figure down: run it on an idle machine, and read figures taken while others run as
pessimistic.

    .venv/bin/python benchmarks/video_speed.py [--seconds 15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from thrustcoach.pose.extract import extract_landmarks
from thrustcoach.pose.video import iter_frames, probe_video
from thrustcoach.pose.video_writer import H264Writer

CLIPS = Path(__file__).resolve().parents[2] / "shared" / "clips"
THRUSTCOACH = Path(sys.executable).with_name("thrustcoach")


def make_clip(path: Path, *, seconds: float) -> Path:
    """1280x720, 30 fps constant, from the real bridge clip, looped."""
    source = probe_video(CLIPS / "beproj_bridge.mp4")
    frames = [f.image for f in iter_frames(source, max_fps=None)]
    n = int(seconds * 30)
    with H264Writer(path, width=1280, height=720, fps=30, crf=20) as out:
        for k in range(n):
            cycle, i = divmod(k, len(frames))
            idx = i if cycle % 2 == 0 else len(frames) - 1 - i  # ping-pong: no jump at the seam
            out.write(frames[idx], time_s=k / 30)
    return path


def _tree_rss_mb(root: int) -> float:
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
        # PSS splits pages shared by forked workers among them: the sum is the real footprint.
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


class PeakMemory:
    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(self.pid))
            # Reading smaps_rollup walks every page table: polling fast would steal CPU from
            # the run being measured. The footprint plateaus once the models load, so 0.5 s
            # still sees the peak.
            time.sleep(0.5)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def decode_only(path: Path) -> tuple[int, float]:
    info = probe_video(path)
    start = time.perf_counter()
    n = sum(1 for _ in iter_frames(info, max_fps=None))
    return n, time.perf_counter() - start


PLAIN_LOOP = """
import sys, time, cv2
import mediapipe as mp
cap = cv2.VideoCapture(sys.argv[1])
pose = mp.solutions.pose.Pose(model_complexity=1, static_image_mode=False)
n, start = 0, time.perf_counter()
while True:
    ok, frame = cap.read()
    if not ok:
        break
    pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    n += 1
print(n, time.perf_counter() - start)
"""


def run_measured(cmd: list[str]) -> tuple[str, float, float]:
    """(stdout, wall seconds, peak MB) of a command, from two runs: one timed with nothing
    else running, one watched for memory (the memory probe itself costs CPU on 2 cores)."""
    start = time.perf_counter()
    out = subprocess.run(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True
    ).stdout
    wall = time.perf_counter() - start
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with PeakMemory(proc.pid) as mem:
        proc.wait()
    if proc.returncode:
        raise SystemExit(f"{cmd[0]} failed with exit code {proc.returncode}")
    return out, wall, mem.peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    if not (CLIPS / "beproj_bridge.mp4").is_file():
        print("skipped: ../shared/clips/beproj_bridge.mp4 is absent")
        return
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_clip(Path(tmp) / "clip720p30.mp4", seconds=args.seconds)
        info = probe_video(clip)
        print(
            f"clip: {info.resolution}, {info.fps:.0f} fps, {info.duration_s:.1f} s, "
            f"{info.frame_count} frames; cores: {os.cpu_count()}; load: {os.getloadavg()[0]:.2f}"
        )
        n, dt = decode_only(clip)
        rows = [("decode only (ceiling)", n, dt, float("nan"))]
        out, wall, mem = run_measured([sys.executable, "-c", PLAIN_LOOP, str(clip)])
        n_plain, dt_plain = out.split()
        plain_fps = int(n_plain) / float(dt_plain)
        rows.append(("plain MediaPipe loop, 1 process", int(n_plain), float(dt_plain), mem))
        for workers in (1, 2):
            start = time.perf_counter()
            run = extract_landmarks(clip, workers=workers)
            rows.append(
                (
                    f"extract_landmarks(workers={workers}) in-process",
                    run.frames_analysed,
                    time.perf_counter() - start,
                    float("nan"),
                )
            )
        for workers in (1, 2):
            csv_path = Path(tmp) / f"w{workers}.csv"
            cmd = [
                str(THRUSTCOACH),
                "pose",
                str(clip),
                "-o",
                str(csv_path),
                "-q",
                "--workers",
                str(workers),
            ]
            _, wall, mem = run_measured(cmd)
            rows.append(
                (
                    f"thrustcoach pose --workers {workers} (wall, incl. start-up)",
                    info.frame_count,
                    wall,
                    mem,
                )
            )
        print(f"{'':52} {'frames/s':>9} {'x real time':>12} {'x plain':>8} {'peak MB':>8}")
        for name, frames, secs, mem_mb in rows:
            fps = frames / secs
            print(
                f"{name:52} {fps:9.1f} {fps / info.fps:12.2f} {fps / plain_fps:8.2f} {mem_mb:8.0f}"
            )
        print("targets: thrustcoach pose --workers 2 >= 1.6x plain, >= 2x real time, < 1024 MB")
        print("note: other processes on the machine lower every figure; see the load above.")
        print("      The CLI rows include the interpreter start-up, imports and writing the CSV.")


if __name__ == "__main__":
    main()
