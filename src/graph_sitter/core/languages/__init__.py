"""Per-language behaviour behind one protocol, `LanguageSupport`, and the registry of languages.

Each language is a package (`python/`, `typescript/`) whose `SUPPORT` object implements
`LanguageSupport`: grammar, extraction, encoding, module names and import resolution, class
header rules. Core modules ask `support_for(name)` instead of testing a language's name; adding
a language is a new package and one line in `LANGUAGES`.
"""

from __future__ import annotations

from graph_sitter.core.languages import python, typescript
from graph_sitter.core.languages._protocol import LanguageSupport

__all__ = [
    "LANGUAGES",
    "LanguageSupport",
    "language_for_path",
    "normalize_language",
    "support_for",
]

LANGUAGES: dict[str, LanguageSupport] = {
    python.SUPPORT.name: python.SUPPORT,
    typescript.SUPPORT.name: typescript.SUPPORT,
}
_ALIASES = {"py": "python", "ts": "typescript", "javascript": "typescript", "js": "typescript"}
_BY_EXTENSION = {ext: lang for lang in LANGUAGES.values() for ext in lang.extensions}


def support_for(name: str) -> LanguageSupport:
    """The support object of a language by its exact name (as stored on parsed files)."""
    return LANGUAGES[name]


def language_for_path(path: str) -> LanguageSupport | None:
    """The language of a file, from its extension (None when unsupported)."""
    dot = path.rfind(".")
    return _BY_EXTENSION.get(path[dot:].lower()) if dot >= 0 else None


def normalize_language(name: str) -> LanguageSupport:
    """Map a user-given language name to its support; raise on unknown names."""
    from graph_sitter.core.errors import UnsupportedLanguageError

    key = _ALIASES.get(name.lower(), name.lower())
    if key not in LANGUAGES:
        raise UnsupportedLanguageError(
            f"Unknown language {name!r}; supported: {', '.join(sorted(LANGUAGES))}."
        )
    return LANGUAGES[key]
