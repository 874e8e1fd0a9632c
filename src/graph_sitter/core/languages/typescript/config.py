"""The configuration files TypeScript module resolution reads: tsconfig's JSON dialect, the
`packages:` list of `pnpm-workspace.yaml` (a YAML subset, parsed by hand), workspace globs and
`package.json` `exports` maps.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["export_targets", "glob_regex", "parse_jsonc", "parse_pnpm_packages"]

_STRING = r'("(?:[^"\\\n]|\\.)*")'
_COMMENT_RE = re.compile(_STRING + r"|//[^\n]*|/\*.*?\*/", re.DOTALL)
_TRAILING_COMMA_RE = re.compile(_STRING + r"|,(\s*[}\]])")


def parse_jsonc(text: str) -> Any:
    """Parse JSON with `//` and `/* */` comments and trailing commas (tsconfig's dialect).

    Raises:
        ValueError: when the text is not such JSON.
    """
    text = _COMMENT_RE.sub(lambda m: m.group(1) or "", text)
    text = _TRAILING_COMMA_RE.sub(lambda m: m.group(1) or m.group(2), text)
    return json.loads(text)


def parse_pnpm_packages(text: str) -> list[str]:
    """The `packages:` globs of a `pnpm-workspace.yaml` (block or flow list; a YAML subset)."""
    globs: list[str] = []
    in_block = False
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not raw[0].isspace():
            in_block = False
            key, _, rest = line.partition(":")
            if key.strip() == "packages":
                rest = rest.strip()
                if rest.startswith("["):
                    items = rest.strip("[]").split(",")
                    globs.extend(_yaml_scalar(item) for item in items if item.strip())
                else:
                    in_block = True
            continue
        stripped = line.strip()
        if in_block and stripped.startswith("-"):
            globs.append(_yaml_scalar(stripped[1:]))
    return [g for g in globs if g]


def _yaml_scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def glob_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            parts.append("[^/]")
            i += 1
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(parts) + r"\Z")


def _condition_targets(value: Any) -> list[str]:
    """Every target of an `exports` value, conditions taken in the order written."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for item in value for t in _condition_targets(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _condition_targets(item)]
    return []


def export_targets(exports: Any, subpath: str) -> list[str] | None:
    """Targets `exports` gives for `subpath` ("." or "./x"); None when it does not export it."""
    if not isinstance(exports, dict) or not any(str(k).startswith(".") for k in exports):
        exports = {".": exports}
    if subpath in exports:
        return _condition_targets(exports[subpath])
    best: tuple[int, list[str]] | None = None
    for key, value in exports.items():
        if "*" in key:
            prefix, _, suffix = key.partition("*")
            if (
                subpath.startswith(prefix)
                and subpath.endswith(suffix)
                and len(subpath) >= len(prefix) + len(suffix)
            ):
                star = subpath[len(prefix) : len(subpath) - len(suffix)]
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), [t.replace("*", star) for t in _condition_targets(value)])
        elif key.endswith("/") and subpath.startswith(key):  # legacy folder mapping
            rest = subpath[len(key) :]
            if best is None or len(key) > best[0]:
                best = (len(key), [t + rest for t in _condition_targets(value)])
    return None if best is None else best[1]
