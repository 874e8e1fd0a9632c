"""A sans-I/O decoder for Server-Sent Events (``text/event-stream``).

Feed it lines (without the trailing newline); it returns a :class:`ServerSentEvent` each
time a blank line completes an event. Follows the WHATWG rules that matter for LLM APIs:
``data`` lines are joined with newlines, ``event``/``id``/``retry`` fields, comments.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SSEDecoder", "ServerSentEvent"]


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One decoded event.

    Attributes:
        data: The ``data`` lines joined with ``\\n``.
        event: The ``event`` field (``"message"`` when absent).
        id: The ``id`` field, if any.
        retry: The ``retry`` field in milliseconds, if any.
    """

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Incremental SSE decoder: call :meth:`feed` per line, :meth:`flush` at the end."""

    __slots__ = ("_data", "_event", "_id", "_retry")

    def __init__(self) -> None:
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, line: str) -> ServerSentEvent | None:
        """Consume one line; return the event it completes, if any."""
        if line.endswith("\r"):
            line = line[:-1]
        if not line:
            return self.flush()
        if line.startswith(":"):
            return None
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def flush(self) -> ServerSentEvent | None:
        """Emit the pending event, if any (call at the end of the stream)."""
        if not self._data and self._event is None:
            return None
        event = ServerSentEvent(
            data="\n".join(self._data),
            event=self._event or "message",
            id=self._id,
            retry=self._retry,
        )
        self._data = []
        self._event = None
        self._retry = None
        return event
