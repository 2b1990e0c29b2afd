"""Streaming ``multipart/form-data``: the file part goes to disk chunk by chunk.

For ``curl -F clip=@set.mp4`` and for the upload form without JavaScript. Text fields before
and after the file (CSRF token, tempo) are collected, each capped at ``MAX_FIELD_BYTES``. The
first part with a file name is the upload; any other file part is refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from thrustcoach.errors import UsageError

__all__ = ["MultipartUpload"]

MAX_FIELD_BYTES = 1024


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    headers: dict[bytes, bytes] = field(default_factory=dict)
    value: bytearray = field(default_factory=bytearray)


class MultipartUpload:
    """Feed request chunks; read ``fields`` and stream the file with :meth:`file_chunks`."""

    def __init__(self, stream: AsyncIterator[bytes], *, content_type: str) -> None:
        _, params = parse_options_header(content_type)
        boundary = params.get(b"boundary")
        if not boundary:
            raise UsageError("multipart upload without a boundary", hint="let the client set it")
        self._stream = stream
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self._file_seen = False
        self._out: list[bytes] = []  # file data parsed from the current request chunk
        self._part = _Part()
        self._header_field = b""
        self._header_value = b""
        self._ended = False
        callbacks: Any = {
            "on_part_begin": self._on_part_begin,
            "on_header_field": self._on_header_field,
            "on_header_value": self._on_header_value,
            "on_header_end": self._on_header_end,
            "on_headers_finished": self._on_headers_finished,
            "on_part_data": self._on_part_data,
            "on_part_end": self._on_part_end,
        }
        self._parser = MultipartParser(boundary, callbacks)

    # -- parser callbacks ---------------------------------------------------------------
    def _on_part_begin(self) -> None:
        self._part = _Part()

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        self._part.headers[self._header_field.lower()] = self._header_value
        self._header_field = self._header_value = b""

    def _on_headers_finished(self) -> None:
        _, params = parse_options_header(self._part.headers.get(b"content-disposition", b""))
        self._part.name = params.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in params:
            if self._file_seen:
                raise UsageError("send one file per upload")
            self._file_seen = True
            self._part.filename = params[b"filename"].decode("utf-8", "replace")
            self.filename = self._part.filename

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._part.filename is not None:
            self._out.append(data[start:end])
            return
        self._part.value += data[start:end]
        if len(self._part.value) > MAX_FIELD_BYTES:
            raise UsageError(f"form field {self._part.name!r} is too long")

    def _on_part_end(self) -> None:
        if self._part.filename is None and self._part.name:
            self.fields[self._part.name] = self._part.value.decode("utf-8", "replace")
        else:
            self._ended = True

    # -- driving ------------------------------------------------------------------------
    async def _pump(self) -> bool:
        """Parse one more request chunk; False at the end of the body."""
        try:
            chunk = await self._stream.__anext__()
        except StopAsyncIteration:
            self._parse(None)
            return False
        self._parse(chunk)
        return True

    def _parse(self, chunk: bytes | None) -> None:
        """Feed the parser; a body that breaks the multipart rules is a 400, not a crash."""
        try:
            if chunk is None:
                self._parser.finalize()
            else:
                self._parser.write(chunk)
        except FormParserError as exc:
            raise UsageError(
                f"the upload is not valid multipart/form-data ({str(exc)[:80]})",
                hint="send the file again with curl -F clip=@FILE or the upload page",
            ) from None

    def _truncated(self) -> UsageError:
        return UsageError(
            "the upload ended before the end of the file (no closing boundary)",
            hint="send the whole file again",
        )

    async def read_until_file(self) -> None:
        """Parse the fields before the file part, up to the file's first bytes."""
        while not self._file_seen:
            if not await self._pump():
                raise UsageError("the form holds no file", hint="choose a clip and send it again")

    async def file_chunks(self) -> AsyncIterator[bytes]:
        """The file's bytes as they arrive, then the rest of the body (fields after the file).

        A body that stops inside the file part (boundary mismatch, junk instead of the closing
        boundary, a cut connection) raises UsageError: a cut-off file is never analysed.
        """
        while True:
            while self._out:
                yield self._out.pop(0)
            if self._ended:
                break
            if not await self._pump():
                while self._out:
                    self._out.pop(0)
                raise self._truncated()
        while self._out:
            yield self._out.pop(0)
        while await self._pump():
            pass
