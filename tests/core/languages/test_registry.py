"""The language registry: every entry answers the `LanguageSupport` questions consistently."""

from __future__ import annotations

import pytest

from graph_sitter.core.errors import UnsupportedLanguageError
from graph_sitter.core.languages import (
    LANGUAGES,
    language_for_path,
    normalize_language,
    support_for,
)


@pytest.mark.parametrize("name", sorted(LANGUAGES))
def test_each_language_owns_its_extensions(name: str) -> None:
    support = support_for(name)
    assert support.name == name
    for ext in support.extensions:
        assert language_for_path(f"pkg/file{ext}") is support
        assert language_for_path(f"pkg/FILE{ext.upper()}") is support


def test_no_extension_belongs_to_two_languages() -> None:
    seen = [ext for support in LANGUAGES.values() for ext in support.extensions]
    assert len(seen) == len(set(seen))


def test_aliases_and_unknown_names() -> None:
    assert normalize_language("JS") is LANGUAGES["typescript"]
    assert normalize_language("py") is LANGUAGES["python"]
    assert language_for_path("README") is None
    with pytest.raises(UnsupportedLanguageError, match="supported: python, typescript"):
        normalize_language("cobol")


def test_class_header_rules_differ_where_the_languages_do() -> None:
    py, ts = LANGUAGES["python"], LANGUAGES["typescript"]
    assert py.superclass_names("(Base, Generic[T], metaclass=Meta)") == ["Base", "Generic[T]"]
    assert ts.superclass_names("<T> extends Base<T, U> implements A, B") == [
        "Base<T, U>",
        "A",
        "B",
    ]


def test_declared_encoding() -> None:
    py, ts = LANGUAGES["python"], LANGUAGES["typescript"]
    assert py.declared_encoding(b"# -*- coding: latin-1 -*-\nx = 1\n") == "latin-1"
    assert py.declared_encoding(b"\xef\xbb\xbfx = 1\n") == "utf-8-sig"
    assert ts.declared_encoding(b"// coding: latin-1\n") == "utf-8"
