"""Read the SDK's settings: arguments first, then the environment, then ``.env`` (private).

The SDK imports nothing of graph_sitter but the transport, so it reads its few variables
itself. A ``.env`` file in the working directory is read when an :class:`~codegen.Agent` is
built (never on import) and never overrides a variable set in the real environment.

A ``.env`` that is not UTF-8, or a variable holding a newline, carriage return or NUL (it
would become a broken or forged HTTP header line), is a :class:`ConfigurationError` that
names the file or the variable, never the value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from codegen.exceptions import ConfigurationError

__all__ = ["DEFAULT_BASE_URL", "read_settings"]

#: The API's published server (``servers`` in its OpenAPI document).
DEFAULT_BASE_URL = "https://api.codegen.com"

_VARIABLES = (
    "CODEGEN_ORG_ID",
    "CODEGEN_TOKEN",
    "CODEGEN_BASE_URL",
    "CODEGEN_API_BASE_URL",
    "CODEGEN_MAX_RETRIES",
)
_CONTROL = ("\n", "\r", "\0")


def _dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        data = path.read_bytes()
    except OSError:
        return values  # unreadable: as if absent
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            f"Invalid configuration: {path} is not valid UTF-8 (byte "
            f"0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        if key in _VARIABLES:
            _check_single_line(key, value, f"in {path}")
            values[key] = value
    return values


def _check_single_line(name: str, value: str, where: str) -> None:
    if any(c in value for c in _CONTROL):
        raise ConfigurationError(
            f"Invalid configuration: {name} ({where}) contains a newline, carriage return or "
            "NUL; it must be a single line"
        )


def read_settings(
    env: Mapping[str, str] | None, env_file: str | os.PathLike[str] | None
) -> dict[str, str]:
    """The ``CODEGEN_*`` variables that are set (empty values count as unset).

    Args:
        env: A mapping used instead of ``os.environ`` (for tests).
        env_file: A dotenv file (relative to the working directory); ``None`` skips it.

    Raises:
        ConfigurationError: The dotenv file is not UTF-8, or a variable is not one line.
    """
    source: Mapping[str, str] = os.environ if env is None else env
    values: dict[str, str] = {}
    if env_file is not None:
        path = Path(env_file)
        if not path.is_absolute():
            path = Path.cwd() / path
        if path.is_file():
            values.update({k: v for k, v in _dotenv(path).items() if v})
    for name in _VARIABLES:
        value = source.get(name)
        if value:
            _check_single_line(name, value, "in the environment")
            values[name] = value
    return values
