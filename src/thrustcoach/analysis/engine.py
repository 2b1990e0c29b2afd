"""The analysis engine: landmark frames in, reps, phases, faults and events out.

One engine, two feeds. Live coaching pushes one frame at a time and acts on the events;
:func:`thrustcoach.analysis.analyze` pushes a whole recording at once and keeps the final
result. Every stage is chunk-invariant (see :mod:`thrustcoach.analysis.online`), so both
feeds give the same reps. Work per frame is constant and memory bounded: rows older than
``[legs] history_s`` are dropped once no rep can need them (the plot curve is kept
decimated).

Stages, in order::

    frames -> swap correction -> uniform grid -> smoothing -> context, stance, rep signal
           -> speed smoothing -> rep detector -> per-rep phases, metrics, faults -> events
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from thrustcoach.analysis.angles import compute_angles
from thrustcoach.analysis.config import AnalysisConfig, load_angle_defs, load_config
from thrustcoach.analysis.context import (
    FEATURES,
    BodyContext,
    read_context,
    row_features,
    row_scale,
)
from thrustcoach.analysis.detect import Candidate, DetectorEvent, RepDetector
from thrustcoach.analysis.events import EngineEvent, PhaseName
from thrustcoach.analysis.faults import FaultContext, detect_faults
from thrustcoach.analysis.legs import JOINTS, SIDES, StanceTracker, SwapCorrector, point_index
from thrustcoach.analysis.metrics import rep_metrics
from thrustcoach.analysis.online import CenteredSmoother, Resampler, Reservoir, finite_median
from thrustcoach.analysis.phases import PhaseTimes, phase_speed, time_phases
from thrustcoach.analysis.repwindow import (
    braking,
    edge_phases,
    fill_nan,
    hidden_metrics,
    hips_rose,
    next_lift_gap,
    smooth_cols,
)
from thrustcoach.analysis.result import AnalysisOptions, FaultFinding, RepResult
from thrustcoach.analysis.signals import (
    LegChoice,
    Signals,
    every_leg_chains,
    hip_rise,
    signals_for,
)
from thrustcoach.errors import AnalysisError
from thrustcoach.pose.landmarks import REQUIRED_LANDMARKS
from thrustcoach.vocab import FaultCode, Side

__all__ = ["Engine", "RepRecord"]

Arr = NDArray[np.float64]
K = len(SIDES) * len(JOINTS)
BLOCK_ROWS = 15  # the context (proportions, view) is refreshed every this many rows
# ...during the first CONTEXT_EVERY_BLOCKS blocks (6 s at 30 rows a second); after that
# whenever the history has grown by about 1/CONTEXT_GROWTH, so the context a row sees is
# read from at least 92 % of the rows before it: medians of that many rows hardly move, and
# re-reading all of it each block made a recording cost its square (and kept the engine
# working in half-second blocks: most of the first minute's time).
CONTEXT_EVERY_BLOCKS = 12
CONTEXT_GROWTH = 12


_CORE = [point_index(s, j) for s in SIDES for j in ("shoulder", "hip", "knee", "ankle")]
_LEGS: tuple[LegChoice, ...] = ("left", "right", "both")


def _context_due(block: int) -> bool:
    """Is the context re-read at the end of block ``block`` (absolute, from 1)? Every block
    at first, then each time the history has grown by a factor of e^(1/CONTEXT_GROWTH)
    (about a twelfth): a pure function of the block, so live and offline read alike."""
    if block <= CONTEXT_EVERY_BLOCKS:
        return True

    def stage(b: int) -> int:
        return math.floor(CONTEXT_GROWTH * math.log(b / CONTEXT_EVERY_BLOCKS))

    return stage(block) != stage(block - 1)


@dataclass
class RepRecord:
    """A counted rep with what the final result may still revise."""

    result: RepResult
    phases: PhaseTimes
    single: bool
    side: Side
    fallback_side: Side  # for a rep where both feet stayed put in a single-leg set
    segment: int
    peak_signal: float  # rep signal at the lockout (for the edge rules)
    rise: float
    metrics: dict[str, float | None]
    hidden: tuple[str, ...] = ()
    leg: str = "both"
    bottom_level: float = math.nan
    provisional: bool = False  # the rest at the bottom was read ahead, not from a next rep
    gap_s: float = 0.0  # the longest stretch without landmarks inside the rep
    hidden_points: tuple[str, ...] = ()  # landmarks hidden or unsteady during the rep


@dataclass(frozen=True)
class _RepWindow:
    """The rows ``[w0, w1]`` a completed rep is measured on (``b0``: its bottom before the
    lift), where its segment started, and the leg that did it."""

    w0: int
    w1: int
    b0: int
    seg_start: int
    leg: LegChoice
    side: Side


@dataclass(frozen=True)
class _RepTiming:
    """A rep's signals over its window, its phase times and the levels the faults read."""

    t: Arr
    sig: Signals
    guessed: Arr  # the rep signal with gaps filled
    ph: PhaseTimes
    peak: float
    rise: float
    bottom_level: float


@dataclass
class _Rows:
    """The recent grid rows (absolute row numbers from ``start``)."""

    start: int = 0
    t: Arr = field(default_factory=lambda: np.empty(0))
    raw: Arr = field(default_factory=lambda: np.empty((0, K, 2)))
    xy: Arr = field(default_factory=lambda: np.empty((0, K, 2)))
    vis: Arr = field(default_factory=lambda: np.empty((0, K)))
    gap: Arr = field(default_factory=lambda: np.empty(0))
    signal: Arr = field(default_factory=lambda: np.empty(0))
    since: Arr = field(default_factory=lambda: np.empty((0, 2)))

    @property
    def end(self) -> int:
        return self.start + int(self.t.shape[0])

    def append(self, t: Arr, raw: Arr, xy: Arr, vis: Arr, gap: Arr) -> None:
        self.t = np.concatenate([self.t, t])
        self.raw = np.concatenate([self.raw, raw])
        self.xy = np.concatenate([self.xy, xy])
        self.vis = np.concatenate([self.vis, vis])
        self.gap = np.concatenate([self.gap, gap])
        self.signal = np.concatenate([self.signal, np.full(t.shape[0], np.nan)])
        self.since = np.concatenate([self.since, np.full((t.shape[0], 2), np.nan)])

    def trim(self, keep_from: int) -> None:
        cut = keep_from - self.start
        if cut <= 0:
            return
        for name in ("t", "raw", "xy", "vis", "gap", "signal", "since"):
            setattr(self, name, getattr(self, name)[cut:])
        self.start = keep_from


class Engine:
    """Feed frames with :meth:`feed`; call :meth:`finish` at the end of the recording."""

    def __init__(
        self,
        names: tuple[str, ...],
        *,
        options: AnalysisOptions | None = None,
        cfg: AnalysisConfig | None = None,
    ) -> None:
        missing = [n for n in REQUIRED_LANDMARKS if n not in names]
        if missing:
            raise AnalysisError(
                f"the landmarks lack {', '.join(missing)}",
                hint="export shoulders, hips, knees and ankles of both sides",
            )
        self.opts = options or AnalysisOptions()
        self.cfg = cfg or load_config()
        c = self.cfg
        self._sel = np.asarray(
            [names.index(f"{s}_{j}") if f"{s}_{j}" in names else -1 for s in SIDES for j in JOINTS]
        )
        self.rate = c.grid.rate_hz
        self._hip_cols = [SIDES.index(s) * len(JOINTS) + JOINTS.index("hip") for s in SIDES]
        self._swaps = SwapCorrector(
            max_swap_s=c.legs.max_swap_s,
            ratio=c.legs.swap_ratio,
            min_jump_shins=c.legs.swap_min_jump_shins,
            home_s=c.legs.swap_home_s,
            still_shins=c.legs.still_radius_shins,
        )
        self._grid = Resampler(n_channels=3 * K, rate_hz=self.rate, max_gap_s=c.filtering.max_gap_s)
        self._smooth = CenteredSmoother(
            n_channels=2 * K,
            sigma_rows=c.filtering.position_sigma_s * self.rate,
            min_weight=c.filtering.min_weight,
            truncate=c.filtering.position_truncate_sd,
        )
        self._pending: list[tuple[Arr, Arr, Arr, Arr]] = []  # grid rows awaiting smoothing
        self._pending_n = 0
        self._rows = _Rows()
        self._curve_t: list[float] = []
        self._curve_hip: list[float] = []
        self._curve_knee: list[float] = []
        self._reservoir = Reservoir(
            n_features=len(FEATURES), every=2, capacity=int(20 * 60 * self.rate / 2)
        )
        self._ctx: BodyContext | None = None
        self._stance = StanceTracker(
            radius_shins=c.legs.still_radius_shins,
            excursion_s=c.legs.excursion_s,
            history_s=c.legs.history_s,
        )
        self._kind: str | None = None  # rep signal: "angle" or "rise" (front view)
        self._next_signal_row = 0  # first row whose rep signal is not computed yet
        self._leg: LegChoice = "both"
        self._offset = 0.0
        self._legs_seen: set[str] = set()  # legs whose hip angle has been seen
        # The angles the rep signal reads (of every angle defined).
        self._signal_angles = tuple(d for d in load_angle_defs() if d.name in ("hip", "knee"))
        self._det_smooth = CenteredSmoother(
            n_channels=1,
            sigma_rows=c.reps.speed_sigma_s * self.rate,
            min_weight=0.5,
            truncate=c.reps.speed_truncate_sd,
        )
        self._det_row = 0  # absolute row of the next detector input
        self._detector = RepDetector.from_config(c.reps, c.occlusion, rate_hz=self.rate)
        self._segment = 0
        self._seg_start_row = 0
        self._missing_since: float | None = None  # the hips unseen since then
        self._missing_long = False  # ...for longer than break_s already
        self.reps: list[RepRecord] = []
        self._counts = {s.value: 0 for s in Side}
        self._edge: Candidate | None = None
        self._warned: set[str] = set()
        self._set_open = False
        self._latest_t = -math.inf
        self.frames = 0
        self._ending = False
        self.usable_frames = 0  # frames showing most of the shoulders, hips, knees, ankles
        self._last_raw: Arr | None = None
        self.first_time_s: float | None = None
        self.last_time_s: float | None = None
        self.phase: PhaseName = "rest"

    # --- input ---------------------------------------------------------------------
    def feed(self, time_s: Arr, xyz: Arr, visibility: Arr) -> list[EngineEvent]:
        """Add frames: times ``(n,)``, points ``(n, L, 2|3)`` and confidences ``(n, L)``
        in the landmark order given at construction (NaN = not seen)."""
        time_s = np.asarray(time_s, dtype=np.float64).reshape(-1)
        if time_s.size == 0:
            return []
        xy = np.full((time_s.size, K, 2), np.nan)
        vis = np.zeros((time_s.size, K))
        have = self._sel >= 0
        xy[:, have] = np.asarray(xyz, dtype=np.float64)[:, self._sel[have], :2]
        vis[:, have] = np.nan_to_num(np.asarray(visibility, dtype=np.float64)[:, self._sel[have]])
        xy[vis < self.cfg.filtering.min_visibility] = np.nan
        self.frames += int(time_s.size)
        core = np.isfinite(xy[:, _CORE]).all(axis=2).mean(axis=1) >= 0.5
        self.usable_frames += int(core.sum())
        if self.first_time_s is None:
            self.first_time_s = float(time_s[0])
        self.last_time_s = float(time_s[-1])
        xy, _ = self._swaps.push(time_s, xy)
        channels = np.concatenate([xy.reshape(time_s.size, 2 * K), vis], axis=1)
        # Rows where nobody was seen carry no visibility: missing, not "seen at 0".
        nobody = ~np.isfinite(xy).any(axis=(1, 2))
        channels[nobody, 2 * K :] = np.nan
        grid = self._grid.push(time_s, channels)
        events = self._take_grid(*grid)
        self._latest_t = max(self._latest_t, float(time_s[-1]))
        return events

    def feed_frame(
        self, time_s: float, xyz: Arr | None, visibility: Arr | None
    ) -> list[EngineEvent]:
        """One frame; ``xyz=None`` when nobody was found in it."""
        n_lm = int(self._sel.max()) + 1
        if xyz is None or visibility is None:
            xyz = np.full((n_lm, 3), np.nan)
            visibility = np.zeros(n_lm)
        return self.feed(np.asarray([time_s]), np.asarray(xyz)[None], np.asarray(visibility)[None])

    # --- grid and smoothing ------------------------------------------------------------
    def _take_grid(self, t: Arr, values: Arr, gap: Arr) -> list[EngineEvent]:
        if t.size == 0:
            return []
        raw = values[:, : 2 * K].reshape(-1, K, 2)
        vis = np.nan_to_num(values[:, 2 * K :])
        self._pending.append((t, raw, vis, gap))
        smoothed = self._smooth.push(values[:, : 2 * K])
        return self._take_smoothed(smoothed)

    def _take_smoothed(self, smoothed: Arr) -> list[EngineEvent]:
        m = smoothed.shape[0]
        if m == 0:
            return []
        parts = []
        need = m
        while need > 0:
            t, raw, vis, gap = self._pending[0]
            take = min(need, t.shape[0])
            parts.append((t[:take], raw[:take], vis[:take], gap[:take]))
            if take == t.shape[0]:
                self._pending.pop(0)
            else:
                self._pending[0] = (t[take:], raw[take:], vis[take:], gap[take:])
            need -= take
        t = np.concatenate([p[0] for p in parts])
        raw = np.concatenate([p[1] for p in parts])
        vis = np.concatenate([p[2] for p in parts])
        gap = np.concatenate([p[3] for p in parts])
        xy = smoothed.reshape(m, K, 2)
        return self._process_rows(t, raw, xy, vis, gap)

    # --- per row ---------------------------------------------------------------------
    def _context(self) -> BodyContext:
        """The recording as known at the last context refresh (see ``_context_due``)."""
        if self._ctx is None:
            self._ctx = read_context(self._reservoir.array(), view_cfg=self.cfg.view)
        return self._ctx

    def _process_rows(self, t: Arr, raw: Arr, xy: Arr, vis: Arr, gap: Arr) -> list[EngineEvent]:
        """Rows in blocks aligned to absolute row numbers: the context is refreshed only at
        block boundaries, from the rows before them, so live (a row at a time) and offline
        (all rows at once) see the same context at the same row."""
        events: list[EngineEvent] = []
        i = 0
        while i < t.shape[0]:
            # Up to the next boundary where something changes: rows between two context
            # refreshes are processed as one block (each row's result does not depend on how
            # the rows are grouped; only the context is block-aligned).
            block = self._rows.end // BLOCK_ROWS + 1
            while not self._boundary_acts(block):
                block += 1
            j = min(t.shape[0], i + block * BLOCK_ROWS - self._rows.end)
            events += self._process_block(t[i:j], raw[i:j], xy[i:j], vis[i:j], gap[i:j])
            ended = self._rows.end // BLOCK_ROWS
            if self._rows.end % BLOCK_ROWS == 0 and self._boundary_acts(ended):
                if self._ctx is None or _context_due(ended):
                    self._ctx = read_context(self._reservoir.array(), view_cfg=self.cfg.view)
                events += self._maybe_lock()
            i = j
        return events

    def _boundary_acts(self, block: int) -> bool:
        """Does anything happen at the end of block ``block``: a context refresh, or the
        choice of rep signal (still waiting)?"""
        return self._ctx is None or self._kind is None or _context_due(block)

    def _process_block(self, t: Arr, raw: Arr, xy: Arr, vis: Arr, gap: Arr) -> list[EngineEvent]:
        first_row = self._rows.end
        self._rows.append(t, raw, xy, vis, gap)
        prev = self._last_raw if self._last_raw is not None else raw[:1]
        moved = np.linalg.norm(np.diff(np.concatenate([prev, raw]), axis=0), axis=-1)
        jump = finite_median(moved, axis=1)
        self._last_raw = raw[-1:]
        feats = row_features(xy, jump)
        self._reservoir.push(feats)
        # The body length the planted-foot radius is measured in: the recording's, once
        # known; before the first block boundary each row's own.
        scale = (
            np.full(t.shape[0], self._ctx.scale_px) if self._ctx is not None else row_scale(feats)
        )
        since = self._stance.push(t, xy, shin_px=np.nan_to_num(scale, nan=1.0))
        self._rows.since[first_row - self._rows.start :] = since
        events: list[EngineEvent] = []
        for b in self._break_rows(t, xy):
            # The detector has all it can have of the rows up to the break (however the
            # rows were grouped) when the stretch closes.
            if self._kind is not None:
                events += self._signal_rows(end=first_row + b + 1)
            if self._detector.seg_start is not None:
                events += self._finish_segment(final=False)
        if self._kind is not None:
            events += self._signal_rows()
        return events

    def _maybe_lock(self) -> list[EngineEvent]:
        """Choose the rep signal once the view has been seen for ``view_lock_s``, and is
        clearly on one side of the front-view limit (else wait, up to ``view_wait_s``)."""
        if self._kind is not None or self._rows.t.size == 0:
            return []
        span = float(self._rows.t[-1] - self._rows.t[0])
        cfg = self.cfg
        if span < cfg.reps.view_lock_s:
            return []
        yaw = self._context().view.yaw_deg
        near_edge = abs(yaw - cfg.view.front_min_yaw_deg) < cfg.reps.view_margin_deg
        if near_edge and span < cfg.reps.view_wait_s:
            return []  # a view near the side/front edge: wait for more of the set
        self._lock_kind()
        return self._signal_rows()

    def _break_rows(self, t: Arr, xy: Arr) -> list[int]:
        """The rows of this block (indices) where the lifter has been out of view (hips not
        seen) for longer than ``break_s``: the first such row of each stretch out of view,
        where the current set, if any, closes."""
        seen = np.isfinite(xy[:, [point_index(s, "hip") for s in SIDES]]).all(axis=(1, 2))
        if seen.all():
            self._missing_since, self._missing_long = None, False
            return []
        # Since when the hips have been missing, per row (NaN where seen): the start of the
        # row's run of missing rows, or the time carried over when the run began earlier.
        rows = np.arange(t.shape[0])
        opens = ~seen & np.concatenate([[True], seen[:-1]])
        run = np.maximum.accumulate(np.where(opens, rows, -1))
        since = t[np.maximum(run, 0)]
        carried = self._missing_since is not None and not seen[0]
        if carried:
            since[run == 0] = self._missing_since
        since[seen] = np.nan
        with np.errstate(invalid="ignore"):
            long = t - since > self.cfg.reps.break_s
        before = np.concatenate([[carried and self._missing_long], long[:-1]])
        self._missing_since = None if seen[-1] else float(since[-1])
        self._missing_long = bool(long[-1])
        return [int(i) for i in np.flatnonzero(long & ~before)]

    def _lock_kind(self) -> None:
        self._kind = "rise" if self._context().view.view == "front" else "angle"

    def _signal_rows(self, end: int | None = None) -> list[EngineEvent]:
        """Rep signal for the rows not given one yet (up to row ``end``, absolute,
        exclusive; else all), then on to the detector."""
        rows = self._rows
        lo = self._next_signal_row
        hi = rows.end if end is None else min(end, rows.end)
        if lo >= hi:
            return []
        part = slice(lo - rows.start, hi - rows.start)
        values, hips, knees = self._rep_signal(rows.xy[part], rows.since[part], self._context())
        rows.signal[part] = values
        self._next_signal_row = hi
        self._curve_t.extend(rows.t[part].tolist())
        self._curve_hip.extend(hips.tolist())
        self._curve_knee.extend(knees.tolist())
        smoothed = self._det_smooth.push(values[:, None])
        return self._detect(smoothed[:, 0])

    def _rep_signal(self, xy: Arr, since: Arr, ctx: BodyContext) -> tuple[Arr, Arr, Arr]:
        """The rep signal per row (hip angle of the planted leg, kept continuous when the
        planted leg changes; from the front the hips' rise), and for the plot that leg's own
        hip and knee angles (without the continuity offset, which would draw a left set
        after a right one at 230 deg)."""
        if self._kind == "rise":
            rise = hip_rise(xy, shin_px=ctx.shin_px)
            return rise, rise, np.full(xy.shape[0], np.nan)
        angles = compute_angles(every_leg_chains(xy), defs=self._signal_angles)  # (3 legs, m)
        hip, knee = angles["hip"], angles["knee"]
        m = xy.shape[0]
        rows = np.arange(m)
        # The leg each row's still feet name (the one planted longer, both when they were
        # set down together; -1 when neither foot is still: the current leg goes on).
        s_l, s_r = since[:, 0], since[:, 1]
        f_l, f_r = np.isfinite(s_l), np.isfinite(s_r)
        with np.errstate(invalid="ignore"):
            pair = np.where(np.abs(s_l - s_r) < self.cfg.legs.tie_s, 2, np.where(s_l < s_r, 0, 1))
        named = np.where(f_l & f_r, pair, np.where(f_l, 0, np.where(f_r, 1, -1)))
        # The current leg becomes a row's named leg where that leg's angle is seen.
        takes = (named >= 0) & np.isfinite(hip[np.maximum(named, 0), rows])
        at = np.flatnonzero(takes)
        now = _LEGS.index(self._leg)
        before = np.concatenate([[now], named[at[:-1]]]).astype(np.int64)  # the leg until then
        moves = named[at] != before
        last = np.maximum.accumulate(np.where(takes, rows, -1))
        current = np.where(last >= 0, named[np.maximum(last, 0)], now)
        leg = np.where(named >= 0, named, current)
        value = hip[leg, rows]
        # Keep the rep signal continuous across a change of leg: only its motion matters
        # to the detector. The offset changes at those few rows, in order.
        seen = np.isfinite(hip)
        first = np.where(seen.any(axis=1), seen.argmax(axis=1), m)  # each leg's first seen row
        levels, starts = [self._offset], [0]
        for i, new, old in zip(
            at[moves].tolist(), named[at[moves]].tolist(), before[moves].tolist(), strict=True
        ):
            had = _LEGS[old] in self._legs_seen or first[old] < i
            prev_here = float(hip[old, i])
            if had and math.isfinite(prev_here):
                levels.append(levels[-1] + (prev_here - float(hip[new, i])))
                starts.append(i)
        offset = np.asarray(levels)[np.searchsorted(np.asarray(starts), rows, side="right") - 1]
        if m:
            self._leg = _LEGS[int(current[-1])]
        self._offset = levels[-1]
        self._legs_seen.update(_LEGS[j] for j in range(len(_LEGS)) if first[j] < m)
        return value + offset, value, knee[leg, rows]

    # --- reps ------------------------------------------------------------------------
    def _detect(self, values: Arr) -> list[EngineEvent]:
        n = values.shape[0]
        if n == 0:
            return []
        rows = np.arange(self._det_row, self._det_row + n, dtype=np.int64)
        self._det_row += n
        return self._on_detector(self._detector.push(rows, values, self._hips_hidden(rows)))

    def _hips_hidden(self, rows: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Per row: were the hips mostly unseen over the last second (neither hip's
        confidence at seen_visibility in at least min_seen_share of the rows)?"""
        occ = self.cfg.occlusion
        r = self._rows
        window = max(round(self.rate), 1)
        out = np.zeros(rows.shape[0], dtype=bool)
        if rows.size == 0:
            return out
        # Only the rows these windows reach (not the whole buffer: this runs every frame live).
        lo = max(int(rows[0]) - r.start - window + 1, 0)
        hi = min(int(rows[-1]) - r.start + 1, r.vis.shape[0])
        if hi <= lo:
            return out
        vis = r.vis[lo:hi, self._hip_cols]
        seen = np.concatenate([[0], np.cumsum(vis.max(axis=1) >= occ.seen_visibility)])
        j = rows - r.start
        ok = (j >= 0) & (j < r.vis.shape[0])
        first, end = np.maximum(j[ok] - window + 1, 0) - lo, j[ok] + 1 - lo
        out[ok] = (seen[end] - seen[first]) / (end - first) < occ.min_seen_share  # share seen
        return out

    def _on_detector(
        self, det_events: list[DetectorEvent], *, final: bool = False
    ) -> list[EngineEvent]:
        events: list[EngineEvent] = []
        for ev in det_events:
            if ev.kind == "phase" and ev.phase is not None:
                events += self._phase_event(ev)
            elif ev.kind == "complete" and ev.candidate is not None:
                events += self._complete(ev.candidate, ev.row, final=final or self._ending)
            elif ev.kind == "edge" and ev.candidate is not None:
                self._edge = ev.candidate
                events += self._complete(ev.candidate, ev.row, final=True, edge=True)
        return events

    def _time(self, row: int) -> float:
        rows = self._rows
        i = int(np.clip(row - rows.start, 0, max(rows.t.shape[0] - 1, 0)))
        return float(rows.t[i]) if rows.t.size else 0.0

    def _phase_event(self, ev: DetectorEvent) -> list[EngineEvent]:
        assert ev.phase is not None
        self.phase = ev.phase
        out: list[EngineEvent] = []
        t = self._time(ev.row)
        if ev.phase == "lift" and not self._set_open:
            self._set_open = True
            out.append(self._event("set_started", t, message="set started"))
        messages = {"lift": "drive", "pause": "hold", "lowering": "lower", "rest": ""}
        out.append(self._event("phase", t, phase=ev.phase, message=messages[ev.phase]))
        return out

    def _event(self, kind: str, time_s: float, **kw: object) -> EngineEvent:
        known = self._time(self._rows.end - 1) if self._rows.t.size else time_s
        return EngineEvent.model_validate(
            {
                "kind": kind,
                "time_s": time_s,
                "known_at_s": known,
                "counts": dict(self._counts),
                **kw,
            }
        )

    def _rep_side(self, t0: float, t1: float, *, lift_t: float) -> tuple[LegChoice, Side, float]:
        """The working leg of a rep: the foot planted through it (both: bilateral), and
        since when it has been planted (the rep's data starts no earlier). ``lift_t``: the
        bottom the lift started from."""
        slack = self.cfg.legs.slack_s
        since = [self._stance.planted_since(s, t0, t1, slack_s=slack) for s in range(2)]
        if since[0] is not None and since[1] is not None:
            # A foot that came to rest only after the lift began did not drive it (the free
            # foot set down at the top of the side's last rep, or still held low when the
            # next side starts): the foot planted through the whole rep is the working one.
            late = [x > lift_t + slack for x in (since[0], since[1])]
            if late[0] != late[1]:
                if late[1]:
                    return "left", Side.LEFT, since[0]
                return "right", Side.RIGHT, since[1]
            # Both planted: bilateral, or a single-leg rep whose free foot stayed put.
            return "both", Side.BOTH, max(since[0], since[1])
        if since[0] is not None:
            return "left", Side.LEFT, since[0]
        if since[1] is not None:
            return "right", Side.RIGHT, since[1]
        # Neither stayed put (noise, a foot out of the picture): the steadier one.
        rows = self._rows
        lo = int(np.searchsorted(rows.t, t0))
        hi = int(np.searchsorted(rows.t, t1))
        spread = []
        for s in SIDES:
            pts = rows.xy[lo : hi + 1, point_index(s, "ankle")]
            ok = np.isfinite(pts).all(axis=1)
            spread.append(float(np.ptp(pts[ok], axis=0).max()) if ok.sum() > 2 else math.inf)
        if spread[0] == spread[1]:
            return "both", Side.BOTH, -math.inf
        if spread[0] < spread[1]:
            return "left", Side.LEFT, -math.inf
        return "right", Side.RIGHT, -math.inf

    def _fallback_side(self, t: float) -> Side:
        s_l, s_r = self._stance_since_at(t)
        if math.isfinite(s_l) and (not math.isfinite(s_r) or s_l <= s_r):
            return Side.LEFT
        if math.isfinite(s_r):
            return Side.RIGHT
        return Side.BOTH

    def _stance_since_at(self, t: float) -> tuple[float, float]:
        """Since when each foot had been planted at time ``t``."""
        rows = self._rows
        if rows.t.size == 0:
            return math.nan, math.nan
        i = int(np.clip(np.searchsorted(rows.t, t), 0, rows.t.size - 1))
        return float(rows.since[i, 0]), float(rows.since[i, 1])

    def _complete(
        self, cand: Candidate, row: int, *, final: bool, edge: bool = False
    ) -> list[EngineEvent]:
        window = self._rep_window(cand, row, edge=edge)
        if window is None:
            return []
        timing = self._rep_timing(cand, row, window, final=final, edge=edge)
        if timing is None:
            return []
        m, hidden, hidden_points = self._rep_measures(window, timing, final=final)
        ph = timing.ph
        rows = self._rows
        events: list[EngineEvent] = []
        if self.reps and self.reps[-1].segment == self._segment:
            events += self._settle_previous(ph.start_s)
        single = window.leg != "both"
        record = self._make_record(
            ph, m, single, window.side, hidden, timing.rise, timing.peak, partial_edge=edge
        )
        lo, hi = self._row_of(ph.start_s) - rows.start, self._row_of(ph.end_s) - rows.start
        gap = float(np.max(rows.gap[max(lo, 0) : hi + 1])) if hi >= lo else 0.0
        record = replace(
            record,
            leg=window.leg,
            bottom_level=timing.bottom_level,
            provisional=m["bottom_turnaround_s"] is not None,
            gap_s=gap,
            hidden_points=hidden_points,
        )
        self.reps.append(record)
        self._counts[record.side.value] += 1
        events += self._rep_events(record)
        self._trim()
        return events

    def _rep_window(self, cand: Candidate, row: int, *, edge: bool) -> _RepWindow | None:
        """The rows a completed rep is measured on, and the leg that did it."""
        rows = self._rows
        seg_start = max(self._seg_start_row, rows.start)
        b0 = cand.bottom_row if cand.bottom_row is not None else seg_start
        pad = round(1.0 * self.rate)
        w0 = max(seg_start, b0 - pad, rows.start)
        if self.reps and self.reps[-1].segment == self._segment:
            w0 = max(w0, int(self._row_of(self.reps[-1].result.top_s)))
        # The rows a completion can rely on whatever the feed: up to the detector's lag past
        # the completing row (offline more may be buffered; live no more has arrived).
        w1 = min(rows.end - 1, row + self._det_smooth.half)
        leg, side, planted = self._rep_side(
            self._time(cand.peak_row) - self.cfg.legs.before_peak_s,
            self._time(row if edge else cand.low_row),
            lift_t=self._time(b0),
        )
        # Nothing from before the working foot was planted (the other side's set, a switch).
        w0 = max(w0, min(self._row_of(planted), cand.peak_row - 2))
        if w1 - w0 < 4:
            return None
        return _RepWindow(w0=w0, w1=w1, b0=max(b0, w0), seg_start=seg_start, leg=leg, side=side)

    def _rep_timing(
        self, cand: Candidate, row: int, win: _RepWindow, *, final: bool, edge: bool
    ) -> _RepTiming | None:
        """The rep's signals and phase times; None when the hips did not really rise."""
        rows, cfg, ctx = self._rows, self.cfg, self._context()
        view = ctx.view
        w0, w1 = win.w0, win.w1
        sl = slice(w0 - rows.start, w1 - rows.start + 1)
        t = rows.t[sl]
        sig = signals_for(
            t,
            rows.xy[sl],
            win.leg,
            stretch=view.stretch,
            yaw_deg=view.yaw_deg,
            feet_sign=view.feet_sign,
            shin_px=ctx.shin_px,
            hip_width_px=ctx.hip_width_px,
        )
        guessed = fill_nan(sig.rise if self._kind == "rise" else sig.hip)
        speeds = [
            phase_speed(guessed, rate_hz=self.rate, window_s=w, polyorder=cfg.reps.fit_polyorder)
            for w in cfg.reps.fit_windows_s
        ]
        ph = time_phases(
            t,
            guessed,
            speeds,
            peak=cand.peak_row - w0,
            bottom_before=win.b0 - w0,
            bottom_after=min(cand.low_row if cand.split else row, w1) - w0,
            speed_fraction=cfg.reps.speed_fraction,
            close_rows=round(cfg.reps.gap_close_s * self.rate),
            noise_factor=cfg.reps.noise_factor,
            shape_k=cfg.reps.movement_shape_k,
            blur=self._smooth.kernel,
            at_recording_start=w0 == win.seg_start,
            at_recording_end=final,
        )
        need = cfg.reps.min_hip_rise_shins * float(np.degrees(1.0))
        if not edge and not hips_rose(sig.rise, ph, need_deg=need):
            return None
        peak = float(guessed[ph.peak])
        rise = peak - float(min(guessed[ph.bottom_before], guessed[ph.bottom_after]))
        bottom_level = float(guessed[ph.bottom_after if ph.lift_cut else ph.bottom_before])
        if edge:
            ph = edge_phases(ph, t)
        elif not self._rise_ok(peak, win.leg):
            return None
        return _RepTiming(
            t=t, sig=sig, guessed=guessed, ph=ph, peak=peak, rise=rise, bottom_level=bottom_level
        )

    def _rep_measures(
        self, win: _RepWindow, timing: _RepTiming, *, final: bool
    ) -> tuple[dict[str, float | None], tuple[str, ...], tuple[str, ...]]:
        """The rep's form metrics, and the ones left unjudged because their points were hidden."""
        rows, cfg, ctx = self._rows, self.cfg, self._context()
        sig, ph, t = timing.sig, timing.ph, timing.t
        m = rep_metrics(
            sig,
            ph,
            view=ctx.view,
            single_leg=win.leg != "both",
            knee_yaw_gain=cfg.knee.yaw_leak_bench
            if ctx.on_bench(cfg.exercise)
            else cfg.knee.yaw_leak_floor,
            free_hip_smooth=smooth_cols(
                sig.free_hip, rate_hz=self.rate, sigma_s=cfg.reps.speed_sigma_s
            ),
        )
        m["bottom_turnaround_s"] = next_lift_gap(
            ph, t, sig.rise, cut=final, rate_hz=self.rate, reps=cfg.reps
        )
        m["braking_s"] = braking(ph, timing.guessed, rate_hz=self.rate, reps=cfg.reps)
        start_row = self._row_of(ph.start_s)
        lo = max(start_row, win.w0) - rows.start
        hi = max(self._row_of(ph.end_s), start_row + 1) - rows.start
        hidden, hidden_points = hidden_metrics(
            rows.vis[lo : hi + 1],
            rows.raw[lo : hi + 1],
            rows.xy[lo : hi + 1],
            leg=win.leg,
            metrics=m,
            occ=cfg.occlusion,
            scale_px=ctx.scale_px,
        )
        return m, hidden, hidden_points

    def _row_of(self, t: float) -> int:
        rows = self._rows
        return rows.start + int(np.searchsorted(rows.t, t))

    def _rise_ok(self, peak: float, leg: LegChoice) -> bool:
        """A lockout must rise above the set's usual bottom by a share of its usual range:
        a short lockout (the fault) does, shuffling the legs during a switch does not."""
        recent = [r for r in self.reps[-6:] if r.segment == self._segment and r.leg == leg]
        if len(recent) < 3:  # a new side: the other leg's reps of this set show the range
            recent = [r for r in self.reps[-6:] if r.segment == self._segment]
        if len(recent) < 3:
            return True
        bottom = float(np.median([r.bottom_level for r in recent]))
        rng = float(np.median([r.rise for r in recent]))
        return peak - bottom >= self.cfg.reps.min_rise_share * rng

    def _settle_previous(self, next_start_s: float) -> list[EngineEvent]:
        """The next lift began: the previous rep's rest at the bottom is now known."""
        prev = self.reps[-1]
        if prev.phases.lowering_cut or "bottom_turnaround_s" in prev.hidden:
            return []
        gap = max(next_start_s - prev.phases.end_s, 0.0)
        m = dict(prev.metrics)
        m["bottom_turnaround_s"] = gap
        before = {f.code for f in prev.result.faults}
        updated = replace(self._with_faults(prev, m), provisional=False)
        self.reps[-1] = updated
        events = []
        for f in updated.result.faults:
            if f.code not in before:
                events.append(
                    self._event(
                        "fault",
                        prev.phases.end_s,
                        side=prev.side,
                        rep_index=prev.result.index,
                        fault=f,
                        message=f.cue or f.title,
                    )
                )
        return events

    def _fault_context(self, single: bool) -> FaultContext:
        ctx = self._context()
        opts = self.opts
        forced = opts.exercise
        from thrustcoach.vocab import Exercise

        bench = (
            forced in (Exercise.SINGLE_LEG_HIP_THRUST, Exercise.HIP_THRUST)
            if forced is not None
            else ctx.on_bench(self.cfg.exercise)
        )
        return FaultContext(
            view=ctx.view.view,
            on_bench=bench,
            single_leg=single,
            pause_s=opts.pause_s if opts.pause_s is not None else self.cfg.tempo.pause_s,
            lowering_s=opts.lowering_s
            if opts.lowering_s is not None
            else self.cfg.tempo.lowering_s,
        )

    def _with_faults(self, rec: RepRecord, m: dict[str, float | None]) -> RepRecord:
        faults = detect_faults(m, ctx=self._fault_context(rec.single))
        clean = {k: (None if v is None else round(v, 3)) for k, v in m.items()}
        result = rec.result.model_copy(update={**clean, "faults": faults})
        return replace(rec, result=result, metrics=m)

    def _make_record(
        self,
        ph: PhaseTimes,
        m: dict[str, float | None],
        single: bool,
        side: Side,
        hidden: tuple[str, ...],
        rise: float,
        peak_signal: float,
        *,
        partial_edge: bool,
    ) -> RepRecord:
        fallback = self._fallback_side(ph.top_s) if side is Side.BOTH else side
        result = RepResult(
            index=len(self.reps) + 1,
            side=side,
            start_s=round(ph.start_s, 3),
            top_s=round(ph.top_s, 3),
            pause_end_s=round(ph.pause_end_s, 3),
            end_s=round(ph.end_s, 3),
            concentric_s=None,
            pause_s=None,
            eccentric_s=None,
            peak_hip_angle_deg=None,
            bottom_hip_angle_deg=None,
            range_of_motion_deg=None,
            knee_angle_top_deg=None,
            shin_angle_top_deg=None,
            partial=ph.lift_cut or ph.lowering_cut or partial_edge,
        )
        rec = RepRecord(
            result=result,
            phases=ph,
            single=single,
            side=side,
            fallback_side=fallback,
            segment=self._segment,
            peak_signal=peak_signal,
            rise=rise,
            metrics=m,
            hidden=hidden,
        )
        return self._with_faults(rec, m)

    def _rep_events(self, rec: RepRecord) -> list[EngineEvent]:
        r = rec.result
        out: list[EngineEvent] = []
        prev = self.reps[-2] if len(self.reps) > 1 else None
        if prev is None:
            out.append(
                self._event("working_leg", r.start_s, side=rec.side, message=_leg_text(rec.side))
            )
        elif prev.side is not rec.side:
            out.append(
                self._event(
                    "side_switch",
                    r.start_s,
                    side=rec.side,
                    message=f"switch: {_leg_text(rec.side)}",
                )
            )
        n = self._counts[rec.side.value]
        label = "" if rec.side is Side.BOTH else f" {rec.side.value}"
        out.append(self._event("rep", r.end_s, side=rec.side, rep=r, message=f"{n}{label}"))
        for f in r.faults:
            out.append(
                self._event(
                    "fault",
                    r.end_s,
                    side=rec.side,
                    rep_index=r.index,
                    fault=f,
                    message=f.cue or f.title,
                )
            )
        if rec.hidden:
            pts = ", ".join(rec.hidden_points) or "landmarks"
            out.append(
                self._event(
                    "warning",
                    r.end_s,
                    rep_index=r.index,
                    message=f"rep {r.index}: {pts} hidden or unsteady: "
                    f"{', '.join(rec.hidden)} not judged",
                )
            )
        return out

    def _trim(self) -> None:
        """Drop rows no rep can need any more (bounded memory, live)."""
        keep_s = self.cfg.legs.history_s
        rows = self._rows
        if rows.t.size == 0:
            return
        horizon = float(rows.t[-1]) - keep_s
        if self.reps:
            horizon = min(horizon, self.reps[-1].phases.top_s - 2.0)
        keep_from = rows.start + int(np.searchsorted(rows.t, horizon))
        keep_from = min(keep_from, self._det_row - 1, self._next_signal_row)
        rows.trim(max(keep_from, rows.start))

    def _finish_segment(self, *, final: bool) -> list[EngineEvent]:
        last = max(self._det_row - 1, 0)
        events = self._on_detector(self._detector.finish(last), final=final)
        if self.reps and self.reps[-1].segment == self._segment and self.reps[-1].provisional:
            # No lift followed after all: the rest read ahead was something else.
            rec = self.reps[-1]
            m = dict(rec.metrics)
            m["bottom_turnaround_s"] = None
            self.reps[-1] = replace(self._with_faults(rec, m), provisional=False)
        self._segment += 1
        self._seg_start_row = self._det_row
        if self._set_open:
            self._set_open = False
            events.append(self._event("set_ended", self._time(last), message="set ended"))
        return events

    # --- the end ---------------------------------------------------------------------
    def finish(self) -> list[EngineEvent]:
        """Flush every stage at the end of the recording; returns the last events."""
        events = self._take_grid(*self._grid.flush())
        events += self._take_smoothed(self._smooth.flush())
        if self._kind is None and self._rows.t.size:
            # A recording shorter than the view lock: decide from all of it.
            self._ctx = read_context(self._reservoir.array(), view_cfg=self.cfg.view)
            self._lock_kind()
            events += self._signal_rows()
        smoothed = self._det_smooth.flush()
        self._ending = True  # what completes now was cut by the end of the recording
        events += self._detect(smoothed[:, 0]) if smoothed.size else []
        events += self._finish_segment(final=True)
        return events

    @property
    def context(self) -> BodyContext:
        """The recording as a whole, from every row seen so far."""
        return read_context(self._reservoir.array(), view_cfg=self.cfg.view)

    def curves(self) -> tuple[Arr, Arr, Arr]:
        n = min(len(self._curve_t), len(self._curve_hip), len(self._curve_knee))
        return (
            np.asarray(self._curve_t[:n]),
            np.asarray(self._curve_hip[:n]),
            np.asarray(self._curve_knee[:n]),
        )


def _leg_text(side: Side) -> str:
    return "both legs" if side is Side.BOTH else f"{side.value} leg"


_ = (FaultCode, FaultFinding, Signals)
