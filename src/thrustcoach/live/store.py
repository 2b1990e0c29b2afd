"""Finished live sets on disk: ``<root>/<id>/`` with the landmarks and the analysis.

Each folder holds ``landmarks.csv`` (the landmark CSV ``thrustcoach pose`` writes, so
``thrustcoach analyze landmarks.csv`` gives the same counts again), ``result.json`` (the
``analyze --json`` document plus a ``live`` block: frames seen, frames dropped, where the
landmarks are) and ``curves.json`` (the hip and knee angle curves for plots). Sets that were
never logged are stored too (a connection that never came back): nothing counted is lost.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from thrustcoach.analysis.summary import summarize
from thrustcoach.errors import NotFoundError
from thrustcoach.live.session import SetOutcome
from thrustcoach.pose.io import write_landmarks_csv
from thrustcoach.vocab import FaultCode, Side

__all__ = ["LiveSetStore", "StoredSet", "form_flags", "side_document"]

_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class StoredSet:
    id: str
    folder: Path
    document: dict[str, Any]


class LiveSetStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, outcome: SetOutcome, *, athlete_id: int, logged: bool) -> StoredSet:
        set_id = uuid.uuid4().hex
        folder = self.root / set_id
        folder.mkdir(parents=True, exist_ok=False)
        result = outcome.result
        if outcome.series is not None:
            write_landmarks_csv(outcome.series, folder / "landmarks.csv")
        doc = result.to_json_dict()
        doc["live"] = {
            "id": set_id,
            "athlete_id": athlete_id,
            "frames": outcome.frames,
            "frames_with_person": outcome.series.n_frames if outcome.series is not None else 0,
            "frames_dropped": outcome.dropped,
            "landmarks_file": f"live/{set_id}/landmarks.csv" if outcome.series else None,
            "logged": logged,
        }
        _write_json(folder / "result.json", doc)
        if result.curves is not None:
            _write_json(folder / "curves.json", result.curves.model_dump(mode="json"))
        return StoredSet(set_id, folder, doc)

    def mark_logged(self, stored: StoredSet) -> None:
        stored.document["live"]["logged"] = True
        _write_json(stored.folder / "result.json", stored.document)

    def load(self, set_id: str) -> dict[str, Any]:
        if not _ID.match(set_id):
            raise NotFoundError(f"live set {set_id[:40]!r} not found")
        path = self.root / set_id / "result.json"
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise NotFoundError(f"live set {set_id} not found") from exc
        return data

    def delete_for(self, athlete_id: int) -> int:
        """Delete every stored live set of an athlete (account deletion); returns how many."""
        import shutil

        gone = 0
        if not self.root.is_dir():
            return 0
        for folder in self.root.iterdir():
            if not _ID.match(folder.name):
                continue
            try:
                owner = self.load(folder.name)["live"]["athlete_id"]
            except (NotFoundError, KeyError, TypeError):
                continue
            if owner == athlete_id:
                shutil.rmtree(folder, ignore_errors=True)
                gone += 1
        return gone


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)  # atomic: a reader never sees half a file


def side_document(document: dict[str, Any], side: Side) -> dict[str, Any]:
    """The analysis of one leg's reps (a set in the log is one side): sets and summary of
    that side only; everything else as it was."""
    from thrustcoach.analysis import RepResult

    sets = [s for s in document["sets"] if s["side"] == side.value]
    reps = [RepResult.model_validate(r) for s in sets for r in s["reps"]]
    summary = summarize(reps).model_dump(mode="json")
    summary["rep_count"] = {s.value: sum(1 for r in reps if r.side is s) for s in Side}
    return {**document, "sets": sets, "summary": summary}


def form_flags(document: dict[str, Any]) -> dict[str, bool | None]:
    """The log's form flags from an analysis: False when a rep showed the fault, True when
    it was checked and never seen, None when the camera view cannot show it."""
    view = document.get("view")
    found = {f["code"] for s in document["sets"] for r in s["reps"] for f in r.get("faults", [])}
    reps = any(s["reps"] for s in document["sets"])
    if not reps:
        return {"bench_contact": None, "pelvis_level": None, "full_range": None}
    pelvis = None if view == "side" else FaultCode.PELVIC_ROTATION.value not in found
    full = (
        None
        if view == "front"
        else not ({FaultCode.INCOMPLETE_LOCKOUT.value, FaultCode.PARTIAL_DEPTH.value} & found)
    )
    # Neck-on-bench contact is not measured by the camera analysis: not recorded.
    return {"bench_contact": None, "pelvis_level": pelvis, "full_range": full}
