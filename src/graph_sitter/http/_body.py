"""Sans-I/O body decoding shared by the sync and async loops: content-encoding, a size cap
on the decoded bytes, and splitting into lines.

The loops read raw (still compressed) chunks from the network and feed them here, so a
small gzip body that inflates to gigabytes is stopped after ``limit`` decoded bytes: each
decompression step is itself bounded (``max_length``), never a whole chunk at once.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Mapping

from graph_sitter.http.errors import ResponseTooLargeError, StreamError

__all__ = ["ACCEPT_ENCODING", "BodyDecoder", "LineSplitter"]

ACCEPT_ENCODING = "gzip, deflate"
_STEP = 256 * 1024
_NEWLINE = re.compile(r"\r\n|\r|\n")


class BodyDecoder:
    """Decodes one response body (``gzip``/``deflate``/identity), counting decoded bytes.

    Args:
        headers: The response headers (``content-encoding`` is read).
        limit: The most decoded bytes accepted; more raises :class:`ResponseTooLargeError`.
        url: For error messages.
    """

    __slots__ = ("_deflate_raw", "_limit", "_obj", "_url", "total")

    def __init__(self, headers: Mapping[str, str], limit: int, url: str) -> None:
        encoding = (headers.get("content-encoding") or "identity").strip().lower()
        self._limit = limit
        self._url = url
        self._deflate_raw = False
        self.total = 0
        self._obj: zlib._Decompress | None
        if encoding in ("identity", ""):
            self._obj = None
        elif encoding in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._obj = zlib.decompressobj()
            self._deflate_raw = True  # may switch to a raw deflate stream on the first chunk
        else:
            raise StreamError(f"unsupported content-encoding {encoding!r} from {url}")

    def _count(self, data: bytes) -> bytes:
        self.total += len(data)
        if self.total > self._limit:
            raise ResponseTooLargeError(self._url, self._limit)
        return data

    def feed(self, raw: bytes) -> list[bytes]:
        """Decoded pieces of one raw chunk (each at most 256 KiB)."""
        obj = self._obj
        if obj is None:
            return [self._count(raw)] if raw else []
        out: list[bytes] = []
        data = raw
        while data:
            room = min(_STEP, self._limit - self.total + 1)
            try:
                piece = obj.decompress(data, room)
            except zlib.error as exc:
                if self._deflate_raw and self.total == 0 and not out:
                    self._obj = obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._deflate_raw = False
                    continue
                raise StreamError(f"body from {self._url} could not be decompressed") from exc
            self._deflate_raw = False
            if piece:
                out.append(self._count(piece))
            data = obj.unconsumed_tail
            if not piece and not data:
                break
        return out

    def flush(self) -> list[bytes]:
        """What remains decoded at the end of the body."""
        if self._obj is None:
            return []
        try:
            rest = self._obj.flush(_STEP)
        except zlib.error as exc:
            raise StreamError(f"body from {self._url} could not be decompressed") from exc
        return [self._count(rest)] if rest else []


class LineSplitter:
    """Splits decoded UTF-8 bytes into lines (``\\n``, ``\\r\\n`` or ``\\r``), endings removed."""

    __slots__ = ("_buffer", "_decoder", "_skip_lf")

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._buffer = ""
        self._skip_lf = False  # the last chunk ended in \r: a leading \n completes it

    def feed(self, data: bytes) -> list[str]:
        """Complete lines in ``data`` (with what was buffered)."""
        text = self._decoder.decode(data)
        if not text:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
        text = self._buffer + text
        parts = _NEWLINE.split(text)
        self._buffer = parts.pop()
        self._skip_lf = text.endswith("\r")
        return parts

    def flush(self) -> list[str]:
        """The unterminated last line, if any."""
        text = self._buffer + self._decoder.decode(b"", final=True)
        self._buffer = ""
        return [text] if text else []
