"""Pictures for the guide, drawn from the project's kinematic model of the lift.

Every pose is solved with the same geometry the synthetic test sets use
(:mod:`thrustcoach.pose.synthetic_body`): segment lengths of an adult, shoulders on the bench
edge (or the floor for a bridge), the foot planted, and the hip angle chosen; the knee follows
from the thigh and shin lengths. So the knee angle printed under "foot too close / right / too
far" is computed, not drawn by hand, and the same thresholds the video analysis uses
(``analysis/data/faults.toml``) say where "right" ends.

Figures are SVG text (matplotlib's SVG backend, text kept as text), made on first request and
cached in memory: nothing binary is stored in the repository.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from thrustcoach.errors import NotFoundError
from thrustcoach.kb.loader import load_knowledge_base
from thrustcoach.pose.synthetic_body import (
    ANKLE_HEIGHT_M,
    Body,
    hip_angle_lookup,
    knee_from_circles,
    thrust_top_geometry,
)

__all__ = ["FIGURES", "Pose", "figure_svg", "figures_for_mistake", "pose"]

Arr = NDArray[np.float64]
BODY = Body()
BENCH_HEIGHT_M = 0.42
GOOD = "#1b6e20"
BAD = "#a4161a"
INK = "#1a1a1a"
LEG = "#6a3d9a"


@dataclass(frozen=True)
class Pose:
    """Sagittal joint positions (metres, y up) and the angles that describe them."""

    shoulder: Arr
    hip: Arr
    knee: Arr
    ankle: Arr
    hip_angle_deg: float
    knee_angle_deg: float


def _angle(a: Arr, b: Arr, c: Arr) -> float:
    u, w = a - b, c - b
    cos = float(np.dot(u, w) / (np.linalg.norm(u) * np.linalg.norm(w)))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def pose(*, hip_angle_deg: float, shin_angle_deg: float = 0.0, bench: bool = True) -> Pose:
    """The body at ``hip_angle_deg`` (180 = shoulder, hip and knee in line) with the foot placed
    so that the shin is ``shin_angle_deg`` from vertical at lockout (+ = foot farther out)."""
    shoulder_y = (BENCH_HEIGHT_M if bench else 0.0) + 0.07
    theta_top, ankle = thrust_top_geometry(
        BODY, shoulder_y_m=shoulder_y, shin_angle_deg=shin_angle_deg
    )
    angles, thetas = hip_angle_lookup(
        BODY, shoulder_y_m=shoulder_y, ankle=ankle, theta_top=theta_top
    )
    theta = float(np.interp(hip_angle_deg, angles, thetas))
    shoulder = np.array([0.0, shoulder_y])
    hip = shoulder + BODY.torso_m * np.array([np.cos(theta), -np.sin(theta)])
    knee = knee_from_circles(
        hip[None, :], ankle[None, :], thigh_m=BODY.thigh_m, shin_m=BODY.shin_m
    )[0]
    hip_angle = _angle(shoulder, hip, knee)
    if hip[1] > shoulder[1] + (knee[1] - shoulder[1]) * (hip[0] - shoulder[0]) / (
        knee[0] - shoulder[0]
    ):
        hip_angle = 360 - hip_angle  # the hip above the shoulder-knee line: past straight
    return Pose(shoulder, hip, knee, ankle, hip_angle, _angle(hip, knee, ankle))


def _draw_body(
    ax: Any, p: Pose, *, colour: str = LEG, bench: bool = True, bench_edge: float = 0.04
) -> None:
    """Bench, floor, head, torso, working leg and the free leg bent toward the chest."""
    from matplotlib.patches import Circle, Rectangle

    ax.add_patch(Rectangle((-0.5, -0.02), 1.9, 0.02, color="#999"))
    if bench:
        ax.add_patch(Rectangle((-0.45, 0.0), 0.45 + bench_edge, BENCH_HEIGHT_M, color="#c9ced6"))
    head_dir = (p.shoulder - p.hip) / np.linalg.norm(p.shoulder - p.hip)
    head = p.shoulder + head_dir * 0.17
    ax.add_patch(Circle((float(head[0]), float(head[1]) + 0.02), 0.09, color=INK, fill=False, lw=2))
    xs = [p.shoulder, p.hip, p.knee, p.ankle]
    ax.plot([q[0] for q in xs[:2]], [q[1] for q in xs[:2]], color=INK, lw=5, solid_capstyle="round")
    ax.plot(
        [q[0] for q in xs[1:]], [q[1] for q in xs[1:]], color=colour, lw=5, solid_capstyle="round"
    )
    ax.plot(
        [p.ankle[0], p.ankle[0] + 0.16],
        [ANKLE_HEIGHT_M - 0.06, ANKLE_HEIGHT_M - 0.06],
        color=colour,
        lw=4,
    )
    # free leg: thigh toward the chest, shin hanging (bent-leg variant)
    free_knee = p.hip + 0.40 * np.array([0.55, 0.85])
    free_foot = free_knee + 0.38 * np.array([0.85, -0.5])
    ax.plot(
        [p.hip[0], free_knee[0], free_foot[0]],
        [p.hip[1], free_knee[1], free_foot[1]],
        color="#aaa",
        lw=4,
        solid_capstyle="round",
    )
    for joint in (p.hip, p.knee):
        ax.add_patch(
            Circle(
                (float(joint[0]), float(joint[1])), 0.025, color="white", ec=INK, lw=1.5, zorder=5
            )
        )


def _axes(fig: Any, n: int, i: int) -> Any:
    ax = fig.add_subplot(1, n, i)
    ax.set_xlim(-0.5, 1.35)
    ax.set_ylim(-0.05, 1.15)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


def _new_figure(width_in: float, height_in: float) -> Any:
    import matplotlib as mpl
    from matplotlib.figure import Figure

    mpl.rcParams["svg.fonttype"] = "none"  # text stays text: small, sharp, readable by tools
    mpl.rcParams["svg.hashsalt"] = "thrustcoach"  # the same figure gives the same file
    return Figure(figsize=(width_in, height_in))


def _foot_placement() -> str:
    """Foot too close / right / too far at lockout: knee angle and the muscle that takes over."""
    from thrustcoach.analysis.config import load_fault_rules

    kb = load_knowledge_base()
    rules = {r.code.value: r for r in load_fault_rules()}
    low = rules["foot_too_close"].below or 68.0
    high = rules["foot_too_far"].above or 112.0
    cases = [
        ("Foot too close", -28.0, kb.muscle("quadriceps").name, BAD),
        ("Foot right", 0.0, kb.muscle("gluteus_maximus").name, GOOD),
        ("Foot too far", 28.0, kb.muscle("hamstrings").name, BAD),
    ]
    fig = _new_figure(10.5, 3.6)
    for i, (title, shin, muscle, colour) in enumerate(cases, start=1):
        ax = _axes(fig, 3, i)
        p = pose(hip_angle_deg=180.0, shin_angle_deg=shin)
        _draw_body(ax, p, colour=colour)
        ax.set_title(title, color=colour, fontsize=13, fontweight="bold")
        ax.text(
            0.42,
            -0.2,
            f"knee {p.knee_angle_deg:.0f}° at the top\nloads the {muscle.lower()}",
            ha="center",
            va="top",
            fontsize=11,
        )
    fig.suptitle(
        f"At lockout the knee should sit between {low:.0f}° and {high:.0f}° "
        "(about 90° = shin vertical)",
        fontsize=11,
        y=0.02,
    )
    return _svg(fig)


def _side_by_side(
    wrong: Pose,
    right: Pose,
    *,
    wrong_title: str,
    note_wrong: str,
    note_right: str,
    bench_edge: float = 0.04,
    wrong_bench_edge: float | None = None,
) -> str:
    fig = _new_figure(8.0, 3.6)
    for i, (p, title, note, colour, edge) in enumerate(
        [
            (
                wrong,
                wrong_title,
                note_wrong,
                BAD,
                wrong_bench_edge if wrong_bench_edge is not None else bench_edge,
            ),
            (right, "Correct form", note_right, GOOD, bench_edge),
        ],
        start=1,
    ):
        ax = _axes(fig, 2, i)
        _draw_body(ax, p, colour=colour, bench_edge=edge)
        ax.plot([p.shoulder[0], p.knee[0]], [p.shoulder[1], p.knee[1]], color="#888", lw=1, ls="--")
        ax.set_title(title, color=colour, fontsize=13, fontweight="bold")
        ax.text(0.42, -0.2, textwrap.fill(note, 30), ha="center", va="top", fontsize=11)
        if edge < 0:
            ax.annotate(
                "bench edge at the neck",
                xy=(edge, BENCH_HEIGHT_M),
                xytext=(-0.45, 1.0),
                fontsize=10,
                color=BAD,
                arrowprops={"arrowstyle": "->", "color": BAD},
            )
    return _svg(fig)


def _lockout() -> str:
    short = pose(hip_angle_deg=158.0)
    top = pose(hip_angle_deg=180.0)
    return _side_by_side(
        short,
        top,
        wrong_title="Stopping short",
        note_wrong=f"hip {short.hip_angle_deg:.0f}°: the glute never finishes",
        note_right="hip 180°: shoulder, hip and knee in one line",
    )


def _arch() -> str:
    arched = pose(hip_angle_deg=205.0)
    top = pose(hip_angle_deg=180.0)
    return _side_by_side(
        arched,
        top,
        wrong_title="Arching past the line",
        note_wrong=f"hip {arched.hip_angle_deg:.0f}°: the lower back finishes the rep",
        note_right="stop at the straight line, ribs down",
    )


def _depth() -> str:
    high = pose(hip_angle_deg=140.0)
    low = pose(hip_angle_deg=105.0)
    return _side_by_side(
        high,
        low,
        wrong_title="Not lowering far enough",
        note_wrong=f"bottom at {high.hip_angle_deg:.0f}°: no stretch for the glute",
        note_right=f"bottom at {low.hip_angle_deg:.0f}°: hips close to the floor",
    )


def _neck() -> str:
    top = pose(hip_angle_deg=180.0)
    return _side_by_side(
        top,
        top,
        wrong_title="Bench under the neck",
        note_wrong="the neck takes the load and the hips rise crooked",
        note_right="bench edge under the shoulder blades",
        wrong_bench_edge=-0.16,
    )


def _steps() -> str:
    """The rep in four pictures: bottom, drive, hold at the top, lower."""
    phases = [
        ("1–2. Set up, brace", 105.0, INK),
        ("3. Drive the hip up", 145.0, LEG),
        ("4. Hold and squeeze", 180.0, GOOD),
        ("5. Lower under control", 140.0, LEG),
    ]
    fig = _new_figure(12.0, 3.3)
    for i, (title, angle, colour) in enumerate(phases, start=1):
        ax = _axes(fig, 4, i)
        p = pose(hip_angle_deg=angle)
        _draw_body(ax, p, colour=colour)
        ax.set_title(title, fontsize=12, fontweight="bold")
        ax.text(0.42, -0.2, f"hip {p.hip_angle_deg:.0f}°", ha="center", va="top", fontsize=11)
    return _svg(fig)


def _setup() -> str:
    p = pose(hip_angle_deg=105.0)
    top = pose(hip_angle_deg=180.0)
    fig = _new_figure(7.5, 3.8)
    ax = _axes(fig, 1, 1)
    _draw_body(ax, p)
    ax.plot(
        [top.hip[0], top.knee[0], top.ankle[0]],
        [top.hip[1], top.knee[1], top.ankle[1]],
        color=GOOD,
        lw=2,
        ls=":",
    )
    notes = [
        ((0.0, BENCH_HEIGHT_M + 0.05), (-0.45, 0.95), "bench edge under the shoulder blades"),
        ((float(p.ankle[0]), 0.05), (0.75, 0.95), "working foot flat, shin vertical at the top"),
        (
            (float(p.hip[0]) + 0.2, float(p.hip[1]) + 0.35),
            (0.9, 0.6),
            "free leg bent toward the chest",
        ),
    ]
    for xy, text_xy, text in notes:
        ax.annotate(
            text,
            xy=xy,
            xytext=text_xy,
            fontsize=10,
            arrowprops={"arrowstyle": "->", "color": "#555"},
        )
    return _svg(fig)


FIGURES: dict[str, tuple[str, Callable[[], str]]] = {
    "setup": (
        "Setup at the bench: bench under the shoulder blades, foot planted, free leg bent",
        _setup,
    ),
    "steps": (
        "The rep step by step: set up, drive up, hold at the top, lower under control",
        _steps,
    ),
    "foot-placement": (
        "Foot too close, right and too far: the knee angle at the top and the muscle that "
        "takes over",
        _foot_placement,
    ),
    "incomplete_lockout": ("Stopping short of full hip extension beside a full lockout", _lockout),
    "overextension": (
        "Arching the lower back past the straight line beside a straight lockout",
        _arch,
    ),
    "partial_depth": ("Not lowering far enough beside full depth", _depth),
    "neck_on_bench": ("The bench under the neck beside the bench under the shoulder blades", _neck),
}
# Mistakes whose picture is another figure's (the foot placement covers both foot faults).
_MISTAKE_FIGURE = {"foot_too_far": "foot-placement", "foot_too_close": "foot-placement"}


def figures_for_mistake(code: str) -> str | None:
    """The figure that shows mistake ``code`` beside the correct form, if there is one."""
    name = _MISTAKE_FIGURE.get(code, code)
    return name if name in FIGURES else None


@cache
def figure_svg(name: str) -> str:
    """The SVG text of figure ``name`` (drawn once per process)."""
    if name not in FIGURES:
        raise NotFoundError(f"no guide figure {name!r}", hint=f"one of {', '.join(FIGURES)}")
    return FIGURES[name][1]()
