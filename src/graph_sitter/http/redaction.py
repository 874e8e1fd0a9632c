"""Redaction of secrets: one function every log record and error message passes through.

Two layers: secrets registered at runtime (API keys the providers were built with) are
replaced wherever they appear, and well-known credential shapes (``Bearer ...``,
``sk-...``, ``x-api-key: ...``) are masked even when nobody registered them. URLs lose
their userinfo (``http://user:pass@proxy`` -> ``http://[REDACTED]@proxy``) and the values
of credential-like query parameters (``?key=``, ``token=``, ``api_key=``, ``sig=``, ...).
Decoded bodies (an error body that echoes the token back) go through :func:`redact_data`,
which applies :func:`redact` to every string inside.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "REDACTED",
    "SENSITIVE_HEADERS",
    "RedactingFilter",
    "mask_secret",
    "redact",
    "redact_data",
    "redact_headers",
    "register_secret",
]

REDACTED = "[REDACTED]"

SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "api-key", "x-api-key", "cookie", "set-cookie"}
)

_PATTERNS = re.compile(
    r"(?i)(bearer\s+|x-api-key[\"']?\s*[:=]\s*[\"']?|api[-_]?key[\"']?\s*[:=]\s*[\"']?"
    r"|token[\"']?\s*[:=]\s*[\"']?)([^\s\"',}&\[]{6,})"
    r"|\b(sk-[A-Za-z0-9_-]{8,})"
)


# `scheme://user:password@host`: everything between `//` and `@` (before any `/`, `?`, `#`).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@\"'<>]+@")
# Query parameters whose values are credentials, in URLs and form bodies.
_QUERY_SECRET = re.compile(
    r"(?i)([?&;](?:[a-z0-9_-]*(?:key|token|secret|password|passwd|pwd|auth|signature|sig|"
    r"credential|session)[a-z0-9_-]*|code)=)([^&#;\s\"'<>]+)"
)


def _mask_match(match: re.Match[str]) -> str:
    prefix = match.group(1)
    return REDACTED if prefix is None else prefix + REDACTED


def _mask_value(match: re.Match[str]) -> str:
    return match.group(1) + REDACTED


_MIN_SECRET_LENGTH = 6
_secrets_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()


def register_secret(secret: str | None) -> None:
    """Remember a secret so :func:`redact` removes it wherever it appears.

    Short values (under 6 characters) are ignored: masking them would mangle ordinary text.

    Args:
        secret: The secret value, or ``None`` (ignored).
    """
    global _secrets
    if not secret or len(secret) < _MIN_SECRET_LENGTH:
        return
    with _secrets_lock:
        if secret not in _secrets:
            _secrets = _secrets | {secret}


def redact(text: object) -> str:
    """Return ``str(text)`` with every registered secret and credential shape masked.

    Args:
        text: Anything; it is converted with ``str`` first.
    """
    value = text if isinstance(text, str) else str(text)
    for secret in _secrets:
        if secret in value:
            value = value.replace(secret, REDACTED)
    if "://" in value:
        value = _USERINFO.sub(r"\1" + REDACTED + "@", value)
    if "=" in value:
        value = _QUERY_SECRET.sub(_mask_value, value)
    return _PATTERNS.sub(_mask_match, value)


_SENSITIVE_KEYS = re.compile(
    r"(?i)^(?:authorization|cookie|set-cookie|.*(?:token|secret|password|api[-_]?key).*)$"
)


def redact_data(value: Any) -> Any:
    """A copy of decoded JSON-like data with every string passed through :func:`redact`.

    Values under credential-like keys (``token``, ``api_key``, ``authorization``,
    ``password``...) are replaced whole. Other types are returned unchanged.

    Args:
        value: A dict, list, tuple, string or scalar (e.g. an error body).
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {
            key: (
                REDACTED
                if isinstance(key, str) and isinstance(item, str) and _SENSITIVE_KEYS.match(key)
                else redact_data(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(redact_data(item) for item in value)
    return value


def mask_secret(secret: str | None) -> str | None:
    """A hint that identifies a secret without revealing it (``sk-...a1b2``).

    Args:
        secret: The secret, or ``None``.

    Returns:
        ``None`` for no secret; otherwise at most the last four characters, never more
        than a quarter of the value.
    """
    if not secret:
        return None
    visible = min(4, len(secret) // 4)
    prefix = "sk-" if secret.startswith("sk-") else ""
    return f"{prefix}...{secret[-visible:]}" if visible else "..."


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Copy headers with the values of sensitive ones replaced by ``[REDACTED]``."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {
        key: (REDACTED if key.lower() in SENSITIVE_HEADERS else redact(value))
        for key, value in items
    }


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the message and arguments of every record.

    Attach it to a handler (``handler.addFilter(RedactingFilter())``) to protect records
    that reach it from any logger; the library's own records are already redacted.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; never drops it."""
        if record.args:
            record.msg = redact(record.getMessage())
            record.args = None
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_args(args: Iterable[Any]) -> tuple[Any, ...]:
    """Redact string-like logging arguments, leave numbers alone."""
    return tuple(a if isinstance(a, int | float) else redact(a) for a in args)
