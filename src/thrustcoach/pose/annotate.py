"""The annotated video: the skeleton drawn while the pose runs, the set's story as captions.

The pose stage already decodes every frame, so it draws the body on each one as it goes
(:class:`SkeletonVideo`; frames the model skipped get the landmarks interpolated between
their neighbours) and encodes browser-playable H.264 with
:class:`~thrustcoach.pose.video_writer.H264Writer`; no second pass over the video, so the
report never waits for one. What only the analysis knows (reps per leg, the phase, the hip
angle it measured, each fault's cue at its rep) becomes a WebVTT caption track written in
milliseconds afterwards (:func:`write_captions`): the web report plays it as captions, and
video players load ``NAME.vtt`` next to ``NAME.mp4`` by themselves. The long side is capped
at 960 px. Parallel chunks write one segment each; :func:`join_segments` copies them into
one file without re-encoding.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
from numpy.typing import NDArray

from thrustcoach.pose.estimators import PoseResult
from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.series import FloatArray
from thrustcoach.pose.video import VideoFrame, VideoInfo
from thrustcoach.pose.video_writer import H264Writer

__all__ = [
    "BONES",
    "SkeletonVideo",
    "captions_path",
    "draw_skeleton",
    "hip_angle_deg",
    "join_segments",
    "write_captions",
]

logger = logging.getLogger(__name__)

# Long side of the annotated video: the report shows it at most ~800 px wide, and encoding
# cost grows with the pixels (a 1280 px video cost twice the CPU of a 960 px one).
MAX_SIDE_PX = 960
_MIN_VIS = 0.5
_CUE_HOLD_S = 3.0  # a rep's cues stay on screen this long after the rep ends

BONES: tuple[tuple[str, str], ...] = (
    ("left_shoulder", "right_shoulder"),
    ("left_hip", "right_hip"),
    *(
        (f"{s}_{a}", f"{s}_{b}")
        for s in ("left", "right")
        for a, b in (
            ("shoulder", "elbow"),
            ("elbow", "wrist"),
            ("shoulder", "hip"),
            ("hip", "knee"),
            ("knee", "ankle"),
            ("ankle", "heel"),
            ("heel", "foot_index"),
            ("ankle", "foot_index"),
        )
    ),
)
_IDX = {n: i for i, n in enumerate(MEDIAPIPE_LANDMARKS)}
_BGR = {"left": (255, 170, 60), "right": (60, 120, 255), "mid": (230, 230, 230)}
Image = NDArray[np.uint8]


def _side_of(name: str) -> str:
    return name.split("_", 1)[0] if name.startswith(("left", "right")) else "mid"


def draw_skeleton(
    image: Image, xy: FloatArray, visibility: FloatArray, *, thickness: int = 3
) -> Image:
    """Draw the body on ``image`` in place: (33, 2) pixel positions in MediaPipe order."""
    for a, b in BONES:
        ia, ib = _IDX[a], _IDX[b]
        if visibility[ia] < _MIN_VIS or visibility[ib] < _MIN_VIS:
            continue
        pa, pb = xy[ia], xy[ib]
        if not (np.isfinite(pa).all() and np.isfinite(pb).all()):
            continue
        colour = _BGR[_side_of(a)] if _side_of(a) == _side_of(b) else _BGR["mid"]
        p1 = (round(pa[0]), round(pa[1]))
        p2 = (round(pb[0]), round(pb[1]))
        cv2.line(image, p1, p2, colour, thickness, cv2.LINE_AA)
    for i, name in enumerate(MEDIAPIPE_LANDMARKS):
        if visibility[i] >= _MIN_VIS and np.isfinite(xy[i]).all() and name in _JOINTS:
            centre = (round(xy[i, 0]), round(xy[i, 1]))
            cv2.circle(image, centre, thickness + 2, _BGR[_side_of(name)], -1, cv2.LINE_AA)
    return image


_JOINTS = frozenset(n for bone in BONES for n in bone)


def hip_angle_deg(xy: FloatArray, *, side: str) -> float:
    """Shoulder-hip-knee angle (deg) of one side in one frame; NaN when a point is missing."""
    s, h, k = (xy[_IDX[f"{side}_{j}"]] for j in ("shoulder", "hip", "knee"))
    u, v = s - h, k - h
    denom = float(np.linalg.norm(u) * np.linalg.norm(v))
    if not np.isfinite(denom) or denom == 0:
        return float("nan")
    return float(np.degrees(np.arccos(np.clip(np.dot(u, v) / denom, -1.0, 1.0))))


@dataclass(frozen=True)
class _Rep:
    side: str
    start_s: float
    top_s: float
    pause_end_s: float
    end_s: float
    number: int
    cues: tuple[str, ...]


def _reps(result: Mapping[str, Any]) -> list[_Rep]:
    reps: list[_Rep] = []
    for s in result.get("sets", []):
        for r in s.get("reps", []):
            top = float(r["top_s"])
            reps.append(
                _Rep(
                    side=str(r.get("side", s.get("side", "both"))),
                    start_s=float(r["start_s"]),
                    top_s=top,
                    pause_end_s=top + float(r.get("pause_s", 0.0) or 0.0),
                    end_s=float(r["end_s"]),
                    number=0,
                    cues=tuple(
                        dict.fromkeys(str(f.get("cue") or f["code"]) for f in r.get("faults", []))
                    ),
                )
            )
    ordered = sorted(reps, key=lambda r: r.top_s)
    # Number the reps 1, 2, ... in time order per leg, as the on-screen counter counts them.
    seen: dict[str, int] = {}
    numbered = []
    for r in ordered:
        seen[r.side] = seen.get(r.side, 0) + 1
        numbered.append(replace(r, number=seen[r.side]))
    return numbered


@dataclass(frozen=True)
class _Overlay:
    counts: dict[str, int]
    phase: str
    side: str | None
    cues: tuple[str, ...]
    cue_rep: str


def _overlay_at(reps: Sequence[_Rep], t: float) -> _Overlay:
    counts = {"left": 0, "right": 0, "both": 0}
    phase, side = "set-up / rest", None
    cues: tuple[str, ...] = ()
    cue_rep = ""
    for r in reps:
        if r.top_s <= t:  # a rep counts once its lockout is reached
            counts[r.side] = counts.get(r.side, 0) + 1
        if r.start_s <= t < r.end_s:
            side = r.side
            if t < r.top_s:
                phase = "lift"
            elif t < r.pause_end_s:
                phase = "top pause"
            else:
                phase = "lowering"
        if r.top_s <= t < r.end_s + _CUE_HOLD_S and r.cues:
            leg = "" if r.side == "both" else f"{r.side} leg "
            cues, cue_rep = r.cues, f"{leg}rep {r.number}"
    if side is None and reps and reps[0].start_s <= t <= reps[-1].end_s:
        phase = "bottom"
    return _Overlay(counts=counts, phase=phase, side=side, cues=cues, cue_rep=cue_rep)


class SkeletonVideo:
    """Writes every decoded frame with the body drawn on it (long side <= 960 px).

    >>> with SkeletonVideo(out, info=info) as video:
    ...     video.write(frame, landmarks)   # landmarks: a PoseResult or None
    """

    def __init__(self, path: str | Path, *, info: VideoInfo, threads: int = 0) -> None:
        self.path = Path(path)
        self.scale = min(1.0, MAX_SIDE_PX / max(info.width, info.height))
        self.width = int(info.width * self.scale)
        self.height = int(info.height * self.scale)
        self._thickness = max(2, round(3 * max(0.6, self.height / 720)))
        # "ultrafast" costs half of "veryfast" per frame (3.4 vs 7.5 ms at 640x656) for a file
        # about four times larger (~0.7 Mbit/s): it is written while the pose runs, so its cost
        # is the report's wait.
        self._writer = H264Writer(
            self.path,
            width=self.width,
            height=self.height,
            fps=info.fps,
            preset="ultrafast",
            threads=threads,
        )

    def write(self, frame: VideoFrame, landmarks: PoseResult | None) -> None:
        """Add ``frame`` (any size: it is scaled to the output) with ``landmarks`` (pixels of
        the source video) drawn on it."""
        image = frame.image
        if image.shape[1] != self.width or image.shape[0] != self.height:
            # Bilinear: a fifth of INTER_AREA's cost at 1080p -> 720p, and the eye cannot tell
            # in a moving picture.
            image = np.asarray(
                cv2.resize(image, (self.width, self.height), interpolation=cv2.INTER_LINEAR),
                dtype=np.uint8,
            )
        elif landmarks is not None:
            image = image.copy()  # never draw on a frame someone else may still read
        if landmarks is not None:
            xy = landmarks.xyz[:, :2] * self.scale
            draw_skeleton(image, xy, landmarks.visibility, thickness=self._thickness)
        self._writer.write(image, time_s=frame.time_s)

    @property
    def frames_written(self) -> int:
        return self._writer.frames_written

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> SkeletonVideo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def join_segments(parts: Sequence[Path], out: str | Path) -> Path:
    """Copy H.264 segments (same size and settings, in time order) into one MP4, no re-encode.

    Packet times are kept as written (each segment holds the source's own timestamps), so
    the joined video plays every frame at its recorded time.
    """
    out = Path(out)
    if len(parts) == 1:
        parts[0].replace(out)
        return out
    with av.open(str(parts[0])) as first:
        template = first.streams.video[0]
        container = av.open(str(out), mode="w", format="mp4", options={"movflags": "+faststart"})
        try:
            stream = container.add_stream_from_template(template)
            last_s = -math.inf
            for part in parts:
                with av.open(str(part)) as source:
                    src = source.streams.video[0]
                    for packet in source.demux(src):
                        if packet.dts is None or packet.time_base is None:
                            continue  # the demuxer's end-of-stream marker
                        dts_s = float(packet.dts * packet.time_base)
                        if dts_s <= last_s:
                            continue  # a frame both chunks decoded at their border
                        last_s = dts_s
                        packet.stream = stream  # muxing rescales from packet.time_base
                        container.mux(packet)
        finally:
            container.close()
    for part in parts:
        part.unlink(missing_ok=True)
    return out


def captions_path(video: str | Path) -> Path:
    """Where the captions of an annotated video live: next to it, same name, ``.vtt``."""
    return Path(video).with_suffix(".vtt")


_STEP_S = 0.1  # the status line (phase, counts, hip angle) is refreshed this often


def _vtt_time(t: float) -> str:
    ms = max(0, round(t * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    sec, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{sec:02d}.{ms:03d}"


def _status(ov: _Overlay, *, bilateral: bool, angle: float | None) -> str:
    if bilateral:
        counts = f"reps {ov.counts['both']} (both legs)"
    else:
        counts = f"reps: left leg {ov.counts['left']}, right leg {ov.counts['right']}"
    phase = ov.phase if ov.side in (None, "both") else f"{ov.phase} ({ov.side} leg)"
    hip = "" if angle is None else f"\nhip angle {angle:.0f} deg"
    return f"{phase}\n{counts}{hip}"


def write_captions(
    result: Mapping[str, Any],
    out: str | Path,
    *,
    duration_s: float,
    hip_curve: tuple[Sequence[float], Sequence[float]] | None = None,
) -> Path:
    """Write the WebVTT captions of an annotated video from the analysis result (its JSON).

    Two tracks of cues: a status line at the top left (phase, reps per leg, and the
    analysis' filtered hip angle when ``hip_curve`` (times, degrees) is given), and each
    faulty rep's cues at the bottom from its lockout until 3 s after it ends.
    """
    reps = _reps(result)
    bilateral = bool(reps) and all(r.side == "both" for r in reps)
    cues: list[str] = []
    runs: list[tuple[float, float, str]] = []
    n = max(1, math.ceil(duration_s / _STEP_S))
    for k in range(n):
        t = k * _STEP_S
        angle = None
        if hip_curve is not None and len(hip_curve[0]) and hip_curve[0][0] <= t <= hip_curve[0][-1]:
            value = float(np.interp(t, hip_curve[0], hip_curve[1]))
            angle = value if math.isfinite(value) else None
        text = _status(_overlay_at(reps, t + _STEP_S / 2), bilateral=bilateral, angle=angle)
        end = min(duration_s, t + _STEP_S)
        if runs and runs[-1][2] == text:
            runs[-1] = (runs[-1][0], end, text)
        else:
            runs.append((t, end, text))
    for start, end, text in runs:
        cues.append(
            f"{_vtt_time(start)} --> {_vtt_time(end)} line:0 position:1% align:left\n{text}"
        )
    for r in reps:
        if r.cues:
            leg = "" if r.side == "both" else f"{r.side} leg "
            lines = "\n".join(f"{leg}rep {r.number}: {c}" for c in r.cues)
            end = min(duration_s, r.end_s + _CUE_HOLD_S)
            cues.append(f"{_vtt_time(r.top_s)} --> {_vtt_time(end)} line:-1\n{lines}")
    out = Path(out)
    out.write_text("WEBVTT\n\n" + "\n\n".join(cues) + "\n", encoding="utf-8")
    return out
