"""Per-language behaviour behind one small interface.

Each language module provides `NAME`, `EXTENSIONS`, `language(path)` (the tree-sitter grammar for
a file) and `extract(content, tree) -> FileIndex`. Import resolution lives in
`graph_sitter.core.resolve`; TypeScript's module specifiers are resolved by
`typescript_modules.ModuleResolver` (tsconfig, workspaces, package exports).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tree_sitter as ts

    from graph_sitter.core._records import FileIndex

__all__ = ["LANGUAGES", "Language", "language_for_path", "normalize_language"]


@dataclass(frozen=True, slots=True)
class Language:
    """A supported language: its name, file extensions and extractor."""

    name: str
    extensions: tuple[str, ...]
    grammar: Callable[[str], ts.Language]
    extract: Callable[[bytes, ts.Tree], FileIndex]
    # Re-parses a file with syntax errors around grammar gaps (same offsets), or returns the tree.
    recover: Callable[[ts.Parser, bytes, ts.Tree], ts.Tree] | None = None


def _python_grammar(path: str) -> ts.Language:
    from graph_sitter.core.languages import python

    return python.language()


def _python_extract(content: bytes, tree: ts.Tree) -> FileIndex:
    from graph_sitter.core.languages import python

    return python.extract(content, tree)


def _ts_grammar(path: str) -> ts.Language:
    from graph_sitter.core.languages import typescript

    return typescript.language_for(path)


def _ts_extract(content: bytes, tree: ts.Tree) -> FileIndex:
    from graph_sitter.core.languages import typescript

    return typescript.extract(content, tree)


PYTHON = Language("python", (".py", ".pyi"), _python_grammar, _python_extract)


def _ts_recover(parser: ts.Parser, content: bytes, tree: ts.Tree) -> ts.Tree:
    from graph_sitter.core.languages import typescript

    return typescript.recover(parser, content, tree)


TYPESCRIPT = Language(
    "typescript",
    (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"),
    _ts_grammar,
    _ts_extract,
    _ts_recover,
)
LANGUAGES: dict[str, Language] = {"python": PYTHON, "typescript": TYPESCRIPT}
_ALIASES = {"py": "python", "ts": "typescript", "javascript": "typescript", "js": "typescript"}
_BY_EXTENSION = {ext: lang for lang in LANGUAGES.values() for ext in lang.extensions}


def language_for_path(path: str) -> Language | None:
    """The language of a file, from its extension (None when unsupported)."""
    dot = path.rfind(".")
    return _BY_EXTENSION.get(path[dot:].lower()) if dot >= 0 else None


def normalize_language(name: str) -> Language:
    """Map a user-given language name to a `Language`; raise on unknown names."""
    from graph_sitter.core.errors import UnsupportedLanguageError

    key = _ALIASES.get(name.lower(), name.lower())
    if key not in LANGUAGES:
        raise UnsupportedLanguageError(
            f"Unknown language {name!r}; supported: {', '.join(sorted(LANGUAGES))}."
        )
    return LANGUAGES[key]
