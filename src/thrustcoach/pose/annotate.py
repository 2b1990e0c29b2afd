"""The annotated video: skeleton, hip angle, per-leg rep counter, phase and each fault's cue.

Input is the video, the landmark series the pose stage produced, and the analysis result as
its JSON dict (``AnalysisResult.to_json_dict()``, the documented schema), so this module needs
nothing from the analysis package but its output. The video is re-decoded frame by frame
(bounded memory), drawn on with OpenCV and encoded to browser-playable H.264 with
:class:`~thrustcoach.pose.video_writer.H264Writer`; the long side is capped at 1280 px.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from thrustcoach.pose.landmarks import MEDIAPIPE_LANDMARKS
from thrustcoach.pose.series import FloatArray, LandmarkSeries
from thrustcoach.pose.video import iter_frames, probe_video
from thrustcoach.pose.video_writer import H264Writer

__all__ = ["BONES", "annotate_video", "draw_skeleton", "hip_angle_deg"]

logger = logging.getLogger(__name__)

MAX_SIDE_PX = 1280
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


def _text(image: Image, lines: Sequence[str], *, origin: tuple[int, int], scale: float) -> None:
    if not lines:
        return
    font = cv2.FONT_HERSHEY_SIMPLEX
    thick = max(1, round(scale * 2))
    sizes = [cv2.getTextSize(line, font, scale, thick)[0] for line in lines]
    line_h = int(max(h for _, h in sizes) * 1.7)
    x, y = origin
    w = max(sw for sw, _ in sizes) + 16
    h = line_h * len(lines) + 10
    y0 = max(0, min(y, image.shape[0] - h))
    roi = image[y0 : y0 + h, x : x + w]
    roi[:] = (roi * 0.35).astype(np.uint8)  # darken behind the text so it reads on any video
    for i, line in enumerate(lines):
        baseline = y0 + 6 + line_h * (i + 1) - line_h // 4
        cv2.putText(
            image, line, (x + 8, baseline), font, scale, (255, 255, 255), thick, cv2.LINE_AA
        )


def _nearest(series: LandmarkSeries, t: float, max_gap_s: float) -> int | None:
    if series.n_frames == 0:
        return None
    i = int(np.clip(np.searchsorted(series.time_s, t), 1, max(series.n_frames - 1, 1)))
    i = (
        i - 1
        if series.n_frames == 1 or abs(series.time_s[i - 1] - t) <= abs(series.time_s[i] - t)
        else i
    )
    return i if abs(series.time_s[i] - t) <= max_gap_s else None


def _best_side(xy: FloatArray, vis: FloatArray) -> str:
    score = {
        side: float(sum(vis[_IDX[f"{side}_{j}"]] for j in ("shoulder", "hip", "knee")))
        for side in ("left", "right")
    }
    return max(score, key=lambda s: score[s])


def annotate_video(
    video: str | Path,
    series: LandmarkSeries,
    result: Mapping[str, Any],
    out: str | Path,
    *,
    hip_curve: tuple[Sequence[float], Sequence[float]] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write ``out`` (H.264 MP4): every frame of ``video`` with the set drawn on it.

    ``hip_curve`` (times, degrees), e.g. the analysis' filtered hip angle, is shown when
    given (it can exceed 180 at lockout); otherwise the raw unsigned shoulder-hip-knee angle.
    """
    info = probe_video(video)
    scale = min(1.0, MAX_SIDE_PX / max(info.width, info.height))
    width, height = int(info.width * scale), int(info.height * scale)
    full = _full_landmarks(series)
    reps = _reps(result)
    bilateral = bool(reps) and all(r.side == "both" for r in reps)
    text_scale = max(0.45, height / 720 * 0.75)
    gap_s = 1.5 / max(series.fps, 1.0) if series.n_frames > 1 else 0.1
    total = max(info.frame_count, 1)
    out = Path(out)
    with H264Writer(out, width=width, height=height, fps=info.fps) as writer:
        for n, frame in enumerate(iter_frames(info, max_fps=None), start=1):
            image = frame.image
            if scale != 1.0:
                image = np.asarray(
                    cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA), dtype=np.uint8
                )
            image = np.ascontiguousarray(image)
            ov = _overlay_at(reps, frame.time_s)
            i = _nearest(full, frame.time_s, gap_s)
            lines = [f"{frame.time_s:5.1f} s   phase: {ov.phase}"]
            if i is not None:
                xy = full.xyz[i, :, :2] * scale
                vis = full.visibility[i]
                draw_skeleton(image, xy, vis, thickness=max(2, round(3 * text_scale)))
                side = ov.side if ov.side in ("left", "right") else _best_side(xy, vis)
                if hip_curve is not None:
                    angle = float(np.interp(frame.time_s, hip_curve[0], hip_curve[1]))
                    lines.append(f"hip angle: {angle:5.1f} deg")
                else:
                    angle = hip_angle_deg(xy, side=side)
                    if np.isfinite(angle):
                        lines.append(f"hip angle ({side}): {angle:5.1f} deg")
            if bilateral:
                lines.append(f"reps {ov.counts['both']} (both legs)")
            else:
                lines.append(f"reps  left leg {ov.counts['left']}   right leg {ov.counts['right']}")
            _text(image, lines, origin=(10, 10), scale=text_scale)
            if ov.cues:
                cue_lines = [f"{ov.cue_rep}: {c}" for c in ov.cues]
                _text(image, cue_lines, origin=(10, height), scale=text_scale * 0.9)
            writer.write(image, time_s=frame.time_s)
            if on_progress is not None and n % 8 == 0:
                on_progress(n, max(total, n))
    if on_progress is not None:
        on_progress(total, total)
    logger.info("annotated video written to %s", out)
    return out


def _full_landmarks(series: LandmarkSeries) -> LandmarkSeries:
    """The series with all 33 MediaPipe landmarks (missing ones NaN, visibility 0)."""
    if series.names == MEDIAPIPE_LANDMARKS:
        return series
    n = series.n_frames
    xyz = np.full((n, len(MEDIAPIPE_LANDMARKS), 3), np.nan)
    vis = np.zeros((n, len(MEDIAPIPE_LANDMARKS)))
    cols = [_IDX[name] for name in series.names]
    xyz[:, cols] = series.xyz
    vis[:, cols] = series.visibility
    return LandmarkSeries(
        time_s=series.time_s.copy(),
        frame=series.frame.copy(),
        names=MEDIAPIPE_LANDMARKS,
        xyz=xyz,
        visibility=vis,
        meta=dict(series.meta),
    )
