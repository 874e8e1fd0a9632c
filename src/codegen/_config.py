"""Read the SDK's settings: arguments first, then the environment, then ``.env`` (private).

The SDK imports nothing of graph_sitter but the transport, so it reads its few variables
itself. A ``.env`` file in the working directory is read when an :class:`~codegen.Agent` is
built (never on import) and never overrides a variable set in the real environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

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


def _dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return values
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
            values[key] = value
    return values


def read_settings(
    env: Mapping[str, str] | None, env_file: str | os.PathLike[str] | None
) -> dict[str, str]:
    """The ``CODEGEN_*`` variables that are set (empty values count as unset).

    Args:
        env: A mapping used instead of ``os.environ`` (for tests).
        env_file: A dotenv file (relative to the working directory); ``None`` skips it.
    """
    source: Mapping[str, str] = os.environ if env is None else env
    values: dict[str, str] = {}
    if env_file is not None:
        path = Path(env_file)
        if not path.is_absolute():
            path = Path.cwd() / path
        if path.is_file():
            values.update({k: v for k, v in _dotenv(path).items() if v})
    values.update({k: source[k] for k in _VARIABLES if source.get(k)})
    return values
