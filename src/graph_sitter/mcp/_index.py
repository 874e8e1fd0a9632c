"""Lower-cased names of every definition (for `find_symbol` and the summary), and the
name/kind/place rows the tools return for a symbol."""

from __future__ import annotations

from dataclasses import dataclass

from graph_sitter.core.codebase import Codebase
from graph_sitter.core.symbols import Function, Symbol
from graph_sitter.mcp import _models as m

__all__ = ["Entry", "SymbolIndex", "all_symbols", "kind_of", "ref_of"]


@dataclass(frozen=True, slots=True)
class Entry:
    name: str  # lower-cased
    qualified: str  # lower-cased
    row: tuple[str, str, str, str, int]  # name, qualified name, kind, file, line

    @property
    def ref(self) -> m.SymbolRef:
        name, qualified, kind, file, line = self.row
        return m.SymbolRef(name=name, qualified_name=qualified, kind=kind, file=file, line=line)


class SymbolIndex:
    """Lower-cased names of every definition, for `find_symbol`, and counts per language."""

    def __init__(self, cb: Codebase) -> None:
        self.entries: list[Entry] = []
        self.per_language: dict[str, int] = {}
        for sym in all_symbols(cb):
            name, qualified = sym.name, sym.qualified_name
            row = (name, qualified, kind_of(sym), sym.filepath, sym.start_point[0] + 1)
            self.entries.append(Entry(name.lower(), qualified.lower(), row))
            lang = sym.file.language
            self.per_language[lang] = self.per_language.get(lang, 0) + 1


def all_symbols(cb: Codebase) -> list[Symbol]:
    return [
        *cb.functions,
        *cb.methods,
        *cb.classes,
        *cb.global_vars,
        *cb.interfaces,
        *cb.types,
        *cb.enums,
    ]


def kind_of(sym: Symbol) -> str:
    if isinstance(sym, Function) and sym.is_method:
        return "method"
    return sym.kind


def ref_of(sym: Symbol) -> m.SymbolRef:
    return m.SymbolRef(
        name=sym.name,
        qualified_name=sym.qualified_name,
        kind=kind_of(sym),
        file=sym.filepath,
        line=sym.start_point[0] + 1,
    )
