"""Name lookups: the index, suggestions from every kind, and unique symbol addresses."""

from __future__ import annotations

import difflib
import random
from pathlib import Path

import pytest

from graph_sitter import Codebase
from graph_sitter.core._lookup import _signatures, _Suggestions
from graph_sitter.core.errors import AmbiguousSymbolError, SymbolNotFoundError
from graph_sitter.core.symbols import Class, Function

# express-style: functions nested in anonymous callbacks share a qualified name.
EXPRESS = """\
export function mount(app) {
  app.get('/a', function (req, res) {
    function send() { return res.end('a') }
    return send()
  })
  app.get('/b', (req, res) => {
    function send() { return res.end('b') }
    return send()
  })
}
[1].map(function () { function helper() {} }); [2].map(function () { function helper() {} })
"""

# A property's getter and setter are two definitions named `Point.x`.
POINT = """\
class Style:
    pass


class Point:
    @property
    def x(self):
        return self._x

    @x.setter
    def x(self, value):
        self._x = value


def get_event_loop():
    return None
"""


@pytest.fixture
def cb() -> Codebase:
    return Codebase.from_files({"app.js": EXPRESS, "point.py": POINT})


def test_every_symbol_has_a_unique_address_that_get_symbol_accepts(cb: Codebase) -> None:
    symbols = cb.functions + cb.methods + cb.classes
    addresses = [s.address for s in symbols]
    assert len(set(addresses)) == len(addresses) == 10
    for sym in symbols:
        assert cb.get_symbol(sym.address) == sym
    assert sorted(addresses) == [
        "app.js::helper@L11:23",
        "app.js::helper@L11:70",
        "app.js::mount",
        "app.js::mount.send@L3",
        "app.js::mount.send@L7",
        "point.py::Point",
        "point.py::Point.x@L11",
        "point.py::Point.x@L7",
        "point.py::Style",
        "point.py::get_event_loop",
    ]
    sends = [s.address for s in cb.get_symbols("send")]
    assert sends == ["app.js::mount.send@L3", "app.js::mount.send@L7"]
    setter = cb.get_function("Point.x@L11")
    assert isinstance(setter, Function) and "value" in setter.source


def test_ambiguity_lists_addresses_that_resolve(cb: Codebase) -> None:
    with pytest.raises(AmbiguousSymbolError) as raised:
        cb.get_function("send")
    assert raised.value.candidates == ["app.js::mount.send@L3", "app.js::mount.send@L7"]
    assert {cb.get_function(c).start_point[0] for c in raised.value.candidates} == {2, 6}
    with pytest.raises(AmbiguousSymbolError) as helpers:
        cb.get_function("helper")
    assert len(set(helpers.value.candidates)) == 2


def test_a_miss_suggests_names_of_every_kind(cb: Codebase) -> None:
    with pytest.raises(SymbolNotFoundError) as raised:
        cb.get_symbol("Stlye")
    assert str(raised.value) == "No symbol named 'Stlye' in this codebase. Did you mean: Style?"
    with pytest.raises(SymbolNotFoundError) as as_function:
        cb.get_function("Tsyle")  # a class is suggested to a function lookup too
    assert as_function.value.suggestions == ["Style"]
    assert str(as_function.value).startswith("No function named 'Tsyle'")
    with pytest.raises(SymbolNotFoundError) as loop:
        cb.get_function("get_evnt_loop")
    assert loop.value.suggestions == ["get_event_loop"]
    with pytest.raises(SymbolNotFoundError) as qualified:
        cb.get_function("Piont.x")
    assert qualified.value.suggestions == ["Point.x"]
    with pytest.raises(SymbolNotFoundError) as off_line:
        cb.get_function("app.js::mount.send@L5")
    assert off_line.value.suggestions == ["app.js::mount.send@L3", "app.js::mount.send@L7"]
    assert cb.get_class("Nothing", optional=True) is None


def test_the_index_follows_commits() -> None:
    cb = Codebase.from_files({"point.py": POINT})
    style = cb.get_class("Style")
    assert isinstance(style, Class)
    style.rename("Theme")
    cb.commit()
    assert cb.get_class("Style", optional=True) is None
    theme = cb.get_class("Theme")
    assert isinstance(theme, Class) and theme.address == "point.py::Theme"
    file = cb.get_file("point.py")
    assert file is not None
    file.edit(file.content + "\n\ndef fresh():\n    return Theme()\n")
    cb.commit()
    fresh = cb.get_function("fresh")
    assert isinstance(fresh, Function) and fresh.address == "point.py::fresh"
    assert [u.usage_symbol for u in cb.get_class("Theme").usages()] == [fresh]


def test_suggestions_equal_a_scan_of_every_name_sharing_a_signature() -> None:
    """The buckets made with the index find exactly the names the signature rule admits."""
    rng = random.Random(12)
    letters = "abcdeéz_XY"
    vocabulary = sorted({"".join(rng.choices(letters, k=rng.randint(1, 9))) for _ in range(1500)})
    finder = _Suggestions(vocabulary)
    for query in [*rng.sample(vocabulary, 150), "Stlye", "x", "zz_éa", "ad", "bc"]:
        query = query[::-1] if rng.random() < 0.5 else query[1:] + "a"
        sigs = set(_signatures(query.lower()))
        pool = [
            name
            for name in vocabulary
            if abs(len(name) - len(query)) <= 2 and sigs & set(_signatures(name.lower()))
        ]
        assert finder.close(query, 5) == difflib.get_close_matches(query, pool, n=5), query


def test_the_first_miss_of_each_length_suggests_without_a_warm_up(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(
        "class Style:\n    def paint(self): pass\n"
        "class EventLoopPolicy: pass\n"
        "def reader(): pass\n"
        "def éclair(): pass\n"
        "async def fetch_all_pages(): pass\n"
    )
    cb = Codebase(str(tmp_path))
    expected = {
        "Stlye": "Style",  # only the sorted letters survive this transposition
        "EventLopoPolicy": "EventLoopPolicy",
        "raeder": "reader",
        "écalir": "éclair",
        "fetch_all_pagse": "fetch_all_pages",
        "Style.pnait": "Style.paint",  # qualified: the owner's members
        "Stlye.paint": "Style.paint",  # and the members of owners close to it
    }
    for typo, name in expected.items():
        with pytest.raises(SymbolNotFoundError) as raised:
            cb.get_symbol(typo)
        assert raised.value.suggestions[:1] == [name]
