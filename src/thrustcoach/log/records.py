"""Personal records per side, "last time on this side", and the records a session broke.

Pure functions over :class:`~thrustcoach.log.analytics.SetRecord` lists (no database). Three
records per side, each the kind a lifter tracks in a logging app:

* ``e1rm``: the best estimated one-rep max on the system load (external + the lifted share of
  body mass, see :mod:`thrustcoach.log.analytics`), so bodyweight sets count too;
* ``load``: the heaviest external load lifted for at least one rep;
* ``reps``: the most reps in one set.

Ties go to the earlier set (a record is held by whoever set it first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Literal

from thrustcoach.log.analytics import SetRecord, set_e1rm_kg
from thrustcoach.vocab import Side

__all__ = [
    "BrokenRecord",
    "RecordKind",
    "SideRecords",
    "broken_records",
    "last_time",
    "side_records",
]

RecordKind = Literal["e1rm", "load", "reps"]


def _score(kind: RecordKind, rec: SetRecord) -> Decimal | None:
    if kind == "e1rm":
        return set_e1rm_kg(rec)
    if kind == "load":
        return rec.load_kg if rec.reps > 0 and rec.load_kg > 0 else None
    return Decimal(rec.reps) if rec.reps > 0 else None


@dataclass(frozen=True)
class SideRecords:
    side: Side
    best: dict[RecordKind, SetRecord]  # kinds with no qualifying set are absent

    def value(self, kind: RecordKind) -> Decimal | None:
        rec = self.best.get(kind)
        return _score(kind, rec) if rec is not None else None


def _best(
    records: Sequence[SetRecord], key: Callable[[SetRecord], Decimal | None]
) -> SetRecord | None:
    best: SetRecord | None = None
    best_value: Decimal | None = None
    for rec in sorted(records, key=lambda r: (r.performed_on, r.set_id)):
        value = key(rec)
        if value is not None and (best_value is None or value > best_value):
            best, best_value = rec, value
    return best


def side_records(records: Sequence[SetRecord]) -> dict[Side, SideRecords]:
    """Per single-leg side (and ``both``), the set that holds each record."""
    out: dict[Side, SideRecords] = {}
    for side in Side:
        mine = [r for r in records if r.side is side]
        if not mine:
            continue
        best: dict[RecordKind, SetRecord] = {}
        kinds: tuple[RecordKind, ...] = ("e1rm", "load", "reps")
        for kind in kinds:
            found = _best(mine, partial(_score, kind))
            if found is not None:
                best[kind] = found
        out[side] = SideRecords(side, best)
    return out


def last_time(records: Sequence[SetRecord], *, side: Side, before: dt.date) -> list[SetRecord]:
    """The sets on ``side`` of the latest day before ``before`` that had any (training order)."""
    days = [r.performed_on for r in records if r.side is side and r.performed_on < before]
    if not days:
        return []
    last = max(days)
    return [r for r in records if r.side is side and r.performed_on == last]


@dataclass(frozen=True)
class BrokenRecord:
    side: Side
    kind: RecordKind
    value: Decimal
    previous: Decimal | None  # None: the first set of its kind on that side
    set_id: int


def broken_records(
    history: Sequence[SetRecord], session: Sequence[SetRecord]
) -> list[BrokenRecord]:
    """Records ``session``'s sets set against ``history`` (earlier sets only), one per kind/side.

    A first ever set on a side is not called a record (there was nothing to beat).
    """
    before = side_records(history)
    now = side_records([*history, *session])
    ids = {r.set_id for r in session}
    out = []
    for side, recs in now.items():
        old = before.get(side)
        if old is None:
            continue
        for kind, rec in recs.best.items():
            value = recs.value(kind)
            previous = old.value(kind)
            if rec.set_id in ids and value is not None and (previous is None or value > previous):
                out.append(BrokenRecord(side, kind, value, previous, rec.set_id))
    return out
