"""Handles that follow their symbol across commits, or say plainly that it is gone.

A view (`Symbol`, `SourceFile`) is a position in the graph: a file index and a definition
index. Commits re-parse files and created files re-number them, so a position from before a
commit may denote something else afterwards. Every change to the graph starts a new
*generation*; the files of each past generation are kept (they are immutable and mostly
shared) with what the commit did to symbols (renamed, moved, removed). A view made in an
older generation is re-found generation by generation through its identity: file path,
kind, qualified name, and its rank among same-named definitions of that file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph_sitter.core.errors import StaleSymbolError

__all__ = ["Generations"]

_KEEP = 64  # generations remembered; a handle older than that raises StaleSymbolError

Identity = tuple[str, str, int]  # (kind, qualified name, rank)
FollowMap = dict[tuple[str, str], tuple[str, str] | None]


@dataclass
class _Past:
    files: list[Any]
    follow: FollowMap
    paths: dict[str, int] | None = None


@dataclass
class Generations:
    current: int = 0
    past: dict[int, _Past] = field(default_factory=dict)
    _idents: dict[int, tuple[Any, list[Identity], dict[Identity, int]]] = field(
        default_factory=dict
    )

    def advance(self, files: Sequence[Any], follow: FollowMap) -> None:
        """Record the graph's files as they were before a change, and what the change does."""
        self.past[self.current] = _Past(list(files), dict(follow))
        self.current += 1
        self.past.pop(self.current - _KEEP - 1, None)
        if len(self._idents) > 4096:
            self._idents.clear()

    # ------------------------------------------------------------------ lookups
    def _identities(self, pf: Any) -> tuple[list[Identity], dict[Identity, int]]:
        index = pf.index
        cached = self._idents.get(id(index))
        if cached is not None and cached[0] is index:
            return cached[1], cached[2]
        defs = index.defs
        quals: list[str] = []
        for rec in defs:
            parts = [rec.name]
            parent = rec.parent
            while parent >= 0:
                parts.append(defs[parent].name)
                parent = defs[parent].parent
            quals.append(".".join(reversed(parts)))
        order = sorted(range(len(defs)), key=lambda i: defs[i].start)
        seen: dict[tuple[str, str], int] = {}
        idents: list[Identity] = [("", "", 0)] * len(defs)
        for i in order:
            key = (defs[i].kind, quals[i])
            rank = seen.get(key, 0)
            seen[key] = rank + 1
            idents[i] = (key[0], key[1], rank)
        reverse = {ident: i for i, ident in enumerate(idents)}
        self._idents[id(index)] = (index, idents, reverse)
        return idents, reverse

    def _files_at(self, graph: Any, gen: int) -> tuple[list[Any], dict[str, int]]:
        if gen == self.current:
            return graph.files, graph.file_index
        past = self.past[gen]
        if past.paths is None:
            past.paths = {pf.path: i for i, pf in enumerate(past.files)}
        return past.files, past.paths

    def _step(self, gen: int) -> _Past:
        past = self.past.get(gen)
        if past is None:
            raise StaleSymbolError("A handle", f"it was looked up more than {_KEEP} commits ago")
        return past

    @staticmethod
    def _moved(follow: FollowMap, path: str, qual: str) -> tuple[str, str] | None:
        """Where `qual` of `path` went (itself when nothing happened); None when removed."""
        if not follow:
            return path, qual
        if (path, qual) in follow:
            return follow[(path, qual)]
        parts = qual.split(".")
        for cut in range(len(parts) - 1, 0, -1):  # an enclosing class renamed or moved
            outer = follow.get((path, ".".join(parts[:cut])), ("", ""))
            if outer is None:
                return None
            if outer != ("", ""):
                return outer[0], ".".join([outer[1], *parts[cut:]])
        whole = follow.get((path, ""), ("", ""))  # the file itself
        if whole is None:
            return None
        if whole != ("", ""):
            return whole[0], qual
        return path, qual

    def follow_symbol(self, graph: Any, gen: int, f: int, d: int) -> tuple[int, int]:
        """The position now of definition `d` of file `f` as of generation `gen`."""
        while gen < self.current:
            past = self._step(gen)
            pf = past.files[f]
            nxt_files, nxt_paths = self._files_at(graph, gen + 1)
            same = nxt_paths.get(pf.path)
            if same is not None and nxt_files[same] is pf and not past.follow:
                f, gen = same, gen + 1  # the file did not change: neither did `d`
                continue
            idents, _ = self._identities(pf)
            kind, qual, rank = idents[d]
            what = f"{kind} {qual!r} of {pf.path}"
            moved = self._moved(past.follow, pf.path, qual)
            if moved is None:
                raise StaleSymbolError(what.capitalize(), "a commit removed it")
            nf = nxt_paths.get(moved[0])
            if nf is None:
                raise StaleSymbolError(what.capitalize(), f"{moved[0]} left the codebase")
            _, reverse = self._identities(nxt_files[nf])
            nd = reverse.get((kind, moved[1], rank))
            if nd is None:
                raise StaleSymbolError(what.capitalize(), "a commit removed it")
            f, d, gen = nf, nd, gen + 1
        return f, d

    def follow_file(self, graph: Any, gen: int, f: int) -> int:
        """The index now of file `f` as of generation `gen`."""
        while gen < self.current:
            past = self._step(gen)
            path = past.files[f].path
            moved = self._moved(past.follow, path, "")
            if moved is None:
                raise StaleSymbolError(f"File {path}", "a commit removed it")
            _, nxt_paths = self._files_at(graph, gen + 1)
            nf = nxt_paths.get(moved[0])
            if nf is None:
                raise StaleSymbolError(f"File {path}", f"{moved[0]} left the codebase")
            f, gen = nf, gen + 1
        return f
