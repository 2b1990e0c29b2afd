"""The user's data as a zip of CSV files (the log's own export), for download and before the
account is deleted.

A deleted account's zip waits in ``<data_dir>/exports`` under a random name that only the
browser which deleted the account knows (it is in that browser's session cookie); it is
removed when downloaded, and any left over are removed after :data:`KEEP_S`.
"""

from __future__ import annotations

import io
import secrets
import tempfile
import time
import zipfile
from pathlib import Path

from sqlalchemy.orm import Session

from thrustcoach.errors import NotFoundError
from thrustcoach.log.io import export_csv

__all__ = ["KEEP_S", "export_zip", "pop_stashed", "stash", "sweep"]

KEEP_S = 24 * 3600
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def export_zip(db: Session, *, athlete_id: int) -> bytes:
    """One CSV per table of the athlete's log (athletes, body_mass, plans, sessions, ...)."""
    with tempfile.TemporaryDirectory(prefix="thrustcoach-export-") as tmp:
        paths = export_csv(db, out_dir=Path(tmp), athlete_id=athlete_id)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in paths:
                zf.write(path, arcname=f"thrustcoach-export/{path.name}")
    return buf.getvalue()


def _folder(data_dir: Path) -> Path:
    folder = data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sweep(data_dir: Path, *, now: float | None = None) -> None:
    """Remove stashed exports older than :data:`KEEP_S`."""
    now = time.time() if now is None else now
    for path in _folder(data_dir).glob("*.zip"):
        if now - path.stat().st_mtime > KEEP_S:
            path.unlink(missing_ok=True)


def stash(data_dir: Path, data: bytes) -> str:
    """Keep ``data`` for one later download; returns its token."""
    sweep(data_dir)
    token = secrets.token_urlsafe(24)
    (_folder(data_dir) / f"{token}.zip").write_bytes(data)
    return token


def pop_stashed(data_dir: Path, token: str) -> bytes:
    """The stashed zip (removed from disk as it is handed over)."""
    if not token or set(token) - _NAME_CHARS:
        raise NotFoundError("no export to download", hint="it was already downloaded")
    path = _folder(data_dir) / f"{token}.zip"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(
            "the export was already downloaded or has expired", hint="nothing is left to fetch"
        ) from None
    path.unlink(missing_ok=True)
    return data
