"""Compressed responses: gzip for pages, JSON and scripts; plotly.js gzipped once, not per request.

Media and archives are sent as they are: they are compressed already, and a video must keep
answering byte-range requests (the browser seeks in the annotated video with them).
"""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["CompressMiddleware", "precompressed_response"]

_UNCOMPRESSED_SUFFIXES = (".mp4", ".mov", ".webm", ".mkv", ".avi", ".zip", ".png", ".jpg")


class CompressMiddleware:
    """Starlette's GZipMiddleware, except for media and archive paths (see the module doc)."""

    def __init__(self, app: ASGIApp, *, minimum_size: int = 1000) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].lower().endswith(_UNCOMPRESSED_SUFFIXES):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


@cache
def _gzipped(path: Path, mtime_ns: int) -> tuple[bytes, bytes, str]:
    """(raw, gzipped, etag) of a static file, computed once per version of the file."""
    raw = path.read_bytes()
    packed = gzip.compress(raw, compresslevel=9, mtime=0)
    return raw, packed, '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


def precompressed_response(request: Request, path: Path, *, media_type: str) -> Response:
    """``path`` gzipped (when the browser accepts it) with an ETag and a day of caching."""
    raw, packed, etag = _gzipped(path, path.stat().st_mtime_ns)
    headers = {"cache-control": "public, max-age=86400", "etag": etag, "vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["content-encoding"] = "gzip"
        return Response(packed, media_type=media_type, headers=headers)
    return Response(raw, media_type=media_type, headers=headers)
