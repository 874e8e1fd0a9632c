"""Edit operations on symbols and files, turned into queued byte-range `Edit`s."""

from __future__ import annotations

import functools
import keyword
import posixpath
import re
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import tree_sitter as ts

from graph_sitter.core._records import ATTRIBUTE, CLASS, FUNCTION, GLOBAL_VAR, IMPORT, IMPORT_FLAG
from graph_sitter.core._targets import SymTarget
from graph_sitter.core.edits import Edit, EditError
from graph_sitter.core.languages import support_for
from graph_sitter.core.languages._common import walk
from graph_sitter.core.languages._syntax import Syntax

if TYPE_CHECKING:
    from graph_sitter.core._access import GraphAccess
    from graph_sitter.core.codebase import Codebase
    from graph_sitter.core.symbols import Function, Import, SourceFile, Symbol

_IDENT = re.compile(r"[A-Za-z_$][\w$]*")


# ----------------------------------------------------------------------------- text helpers
def newline_of(content: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in content[:8192] else b"\n"


def line_start(content: bytes, pos: int) -> int:
    return content.rfind(b"\n", 0, pos) + 1


def line_end(content: bytes, pos: int) -> int:
    """Offset just after the newline ending the line that holds `pos` (or len)."""
    idx = content.find(b"\n", pos)
    return len(content) if idx < 0 else idx + 1


def indent_at(content: bytes, pos: int) -> bytes:
    start = line_start(content, pos)
    prefix = content[start:pos]
    return prefix if not prefix.strip() else prefix[: len(prefix) - len(prefix.lstrip())]


def encode(text: str, nl: bytes) -> bytes:
    return text.replace("\r\n", "\n").encode("utf-8").replace(b"\n", nl)


def reindent(text: str, indent: bytes, first: bool = True) -> str:
    """Dedent `text`, then indent every non-empty line (the first only if `first`)."""
    lines = textwrap.dedent(text.replace("\r\n", "\n")).rstrip("\n").split("\n")
    pad = indent.decode("utf-8")
    out = []
    for i, line in enumerate(lines):
        out.append(line if (not line.strip() or (i == 0 and not first)) else pad + line)
    return "\n".join(out)


def _is_blank_line(content: bytes, start: int) -> bool:
    return not content[start : line_end(content, start)].strip()


def qualified(ga: GraphAccess, f: int, d: int) -> str:
    defs = ga.graph.files[f].index.defs
    parts = [defs[d].name]
    parent = defs[d].parent
    while parent >= 0:
        parts.append(defs[parent].name)
        parent = defs[parent].parent
    return ".".join(reversed(parts))


def _gone(ga: GraphAccess, f: int, d: int) -> None:
    """Handles to definition `d` of file `f` raise StaleSymbolError after the commit."""
    ga.tx.follow[(ga.graph.files[f].path, qualified(ga, f, d))] = None


# ----------------------------------------------------------------------------- symbol edits
def edit(ga: GraphAccess, sym: Symbol, new_source: str, extended: bool) -> None:
    rec = sym._rec
    content = sym._content
    start = rec.ext_start if extended else rec.start
    indent = indent_at(content, start)
    text = reindent(new_source, indent, first=False)
    ga.queue(sym.filepath, Edit(start, rec.end, encode(text, newline_of(content)), "edit"))


def replace(ga: GraphAccess, sym: Symbol, old: str, new: str) -> int:
    rec = sym._rec
    content = sym._content
    needle, repl = old.encode("utf-8"), new.encode("utf-8")
    if not needle:
        raise EditError("replace() needs a non-empty text to look for.")
    count, pos = 0, content.find(needle, rec.start, rec.end)
    while pos >= 0 and pos + len(needle) <= rec.end:
        ga.queue(sym.filepath, Edit(pos, pos + len(needle), repl, "replace"))
        count += 1
        pos = content.find(needle, pos + len(needle), rec.end)
    return count


def insert_before(ga: GraphAccess, sym: Symbol, src: str) -> None:
    rec = sym._rec
    content = sym._content
    at = line_start(content, rec.ext_start)
    nl = newline_of(content)
    text = encode(reindent(src, indent_at(content, rec.ext_start)), nl) + nl
    ga.queue(sym.filepath, Edit(at, at, text, "insert"))


def insert_after(ga: GraphAccess, sym: Symbol, src: str) -> None:
    rec = sym._rec
    content = sym._content
    at = line_end(content, max(rec.end - 1, rec.start))
    nl = newline_of(content)
    text = encode(reindent(src, indent_at(content, rec.ext_start)), nl) + nl
    if at == len(content) and not content.endswith(b"\n"):
        text = nl + text
    ga.queue(sym.filepath, Edit(at, at, text, "insert"))


def _removal_range(content: bytes, start: int, end: int) -> tuple[int, int]:
    """Whole lines of `start..end`, plus blank lines that would otherwise pile up."""
    ls = line_start(content, start)
    if content[ls:start].strip():
        return start, end  # something else precedes it on its line: remove exactly
    le = line_end(content, max(end - 1, start))
    if content[end:le].strip() and not content[end:le].strip().startswith((b"#", b"//")):
        return start, end  # something follows on its last line
    before_blank = ls == 0 or _is_blank_line(content, line_start(content, ls - 1))
    if before_blank:
        while le < len(content) and _is_blank_line(content, le):
            le = line_end(content, le)
    if le >= len(content):
        while ls > 0 and _is_blank_line(content, line_start(content, ls - 1)):
            ls = line_start(content, ls - 1)
    return ls, le


def remove(ga: GraphAccess, sym: Symbol) -> None:
    rec = sym._rec
    if rec.kind == IMPORT:
        remove_import(ga, sym)  # type: ignore[arg-type]
        return
    content = sym._content
    start, end = _removal_range(content, rec.ext_start, rec.end)
    ga.queue(sym.filepath, Edit(start, end, b"", "removal"))
    _gone(ga, sym._f, sym._d)
    _remove_unused_imports(ga, sym, rec.ext_start, rec.end)
    if support_for(ga.graph.files[sym._f].language).has_export_statements and rec.parent == -1:
        _remove_local_exports(ga, sym._f, rec.name)


def _remove_local_exports(ga: GraphAccess, f: int, name: str) -> None:
    """Drop `name` from the file's `export { ... }` lists (the whole statement when it is the
    last name) and `export default name;`."""
    pf = ga.graph.files[f]
    syntax = support_for(pf.language).syntax
    content = pf.content
    name_b = name.encode()
    for stmt in ga.tree(f).root_node.children:
        if stmt.type not in syntax.export_statements or stmt.child_by_field_name("source"):
            continue
        value = stmt.child_by_field_name("value")
        if value is not None:
            if value.type == "identifier" and content[value.start_byte : value.end_byte] == name_b:
                start, end = _removal_range(content, stmt.start_byte, stmt.end_byte)
                ga.queue(pf.path, Edit(start, end, b"", "removal"))
            continue
        clause = next((c for c in stmt.named_children if c.type in syntax.export_lists), None)
        if clause is None:
            continue
        specs = [c for c in clause.named_children if c.type in syntax.export_specifiers]
        hit = set()
        for k, spec in enumerate(specs):
            local = spec.child_by_field_name("name")
            if local is not None and content[local.start_byte : local.end_byte] == name_b:
                hit.add(k)
        if not hit:
            continue
        earlier = ga.tx.dropped.setdefault((pf.path, -1 - stmt.start_byte), set())
        earlier.update(hit)
        if len(earlier) == len(specs):
            start, end = _removal_range(content, stmt.start_byte, stmt.end_byte)
            ga.queue(pf.path, Edit(start, end, b"", "removal"))
            continue
        k = 0
        while k < len(specs):
            if k not in earlier:
                k += 1
                continue
            j = k
            while j + 1 < len(specs) and j + 1 in earlier:
                j += 1
            if j + 1 < len(specs):
                start, end = specs[k].start_byte, specs[j + 1].start_byte
            else:
                start, end = specs[k - 1].end_byte, specs[j].end_byte
            ga.queue(pf.path, Edit(start, end, b"", "removal"))
            k = j + 1


def _remove_unused_imports(ga: GraphAccess, sym: Symbol, lo: int, hi: int) -> None:
    """Drop module-level imports of this file used only inside `lo..hi` (and used there)."""
    f = sym._f
    graph = ga.graph
    unused = []
    for d, rec in enumerate(graph.files[f].index.defs):
        if rec.kind != IMPORT or rec.parent != -1 or rec.imported_name == "*":
            continue
        uses = [u for u in graph.usages.get((f, d), ()) if u[0] == f]
        if uses and all(lo <= u[1] < hi for u in uses):
            unused.append(d)
    remove_bindings(ga, f, unused)


def remove_import(ga: GraphAccess, imp: Import) -> None:
    """Remove one import binding (the whole statement when it is the only one)."""
    remove_bindings(ga, imp._f, [imp._d])


def remove_bindings(ga: GraphAccess, f: int, drop: list[int]) -> None:
    """Remove import bindings of file `f`, statement by statement, as one edit per run."""
    pf = ga.graph.files[f]
    defs = pf.index.defs
    content = pf.content
    by_statement: dict[int, list[int]] = {}
    for d in drop:
        by_statement.setdefault(defs[d].start, []).append(d)
        _gone(ga, f, d)
    for stmt_start, dropped in by_statement.items():
        earlier = ga.tx.dropped.setdefault((pf.path, stmt_start), set())
        if set(dropped) <= earlier:
            continue  # already queued
        earlier.update(dropped)
        dropped = sorted(earlier)
        siblings = [i for i, r in enumerate(defs) if r.kind == IMPORT and r.start == stmt_start]
        rec = defs[dropped[0]]
        if set(siblings) <= set(dropped):
            start, end = _removal_range(content, rec.start, rec.end)
            ga.queue(pf.path, Edit(start, end, b"", "removal"))
            continue
        nodes = []
        for i in siblings:
            node = _binding_node(ga, ga.symbol(f, i))
            if node is None:
                where = f"{pf.path}:{rec.start_point[0] + 1}"
                raise EditError(f"Cannot find {defs[i].name!r} in the import at {where}.")
            nodes.append((node.start_byte, node.end_byte, i in dropped))
        nodes.sort()
        # Each maximal run of dropped bindings goes with the separator after it (or, for a run
        # at the end, the separator before it): runs never overlap.
        k = 0
        while k < len(nodes):
            if not nodes[k][2]:
                k += 1
                continue
            j = k
            while j + 1 < len(nodes) and nodes[j + 1][2]:
                j += 1
            if j + 1 < len(nodes):
                start, end = nodes[k][0], nodes[j + 1][0]
            else:
                start, end = nodes[k - 1][1], nodes[j][1]
            ga.queue(pf.path, Edit(start, end, b"", "removal"))
            k = j + 1


def _binding_node(ga: GraphAccess, imp: Import) -> ts.Node | None:
    """The element of an import statement that binds `imp` (`b as c`, `{ x }` item, ...)."""
    rec = imp._rec
    statement = ga.node_for(imp._f, rec.start, rec.end)
    support = support_for(ga.graph.files[imp._f].language)
    return support.import_binding_node(statement, rec.name_start, rec.name_end)


def set_docstring(ga: GraphAccess, sym: Symbol, text: str) -> None:
    content = sym._content
    nl = newline_of(content)
    node = sym._node()
    if support_for(ga.graph.files[sym._f].language).documents_with_comments:
        doc = (
            "/**\n"
            + "".join(f" * {line}\n" if line else " *\n" for line in text.splitlines())
            + " */"
        )
        prev = node.prev_sibling
        if (
            prev is not None
            and prev.type == "comment"
            and content[prev.start_byte : prev.end_byte].startswith(b"/**")
        ):
            indent = indent_at(content, prev.start_byte)
            text_b = encode(reindent(doc, indent, first=False), nl)
            ga.queue(sym.filepath, Edit(prev.start_byte, prev.end_byte, text_b, "docstring"))
        else:
            insert_before(ga, sym, doc)
        return
    body = node.child_by_field_name("body")
    if body is None or not body.named_children:
        raise EditError(f"{sym.qualified_name} has no body to hold a docstring.")
    first = body.named_children[0]
    quoted = '"""' + text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'
    indent = indent_at(content, first.start_byte)
    syntax = support_for(ga.graph.files[sym._f].language).syntax
    if (
        first.type in syntax.expression_statements
        and first.named_children
        and first.named_children[0].type in syntax.strings
    ):
        string = first.named_children[0]
        new = encode(reindent(quoted, indent, first=False), nl)
        ga.queue(sym.filepath, Edit(string.start_byte, string.end_byte, new, "docstring"))
        return
    if line_start(content, first.start_byte) <= sym._rec.start:
        raise EditError(f"{sym.qualified_name} is a one-line definition; give it a block first.")
    at = line_start(content, first.start_byte)
    ga.queue(sym.filepath, Edit(at, at, encode(reindent(quoted, indent), nl) + nl, "docstring"))


def add_decorator(ga: GraphAccess, sym: Symbol, src: str) -> bool:
    decorator = src.strip()
    if not decorator.startswith("@"):
        decorator = "@" + decorator
    existing = [d.strip() for d in sym._decorators()]
    if decorator in existing:
        return False
    content = sym._content
    rec = sym._rec
    at = line_start(content, rec.start)
    indent = indent_at(content, rec.start)
    ga.queue(
        sym.filepath,
        Edit(at, at, indent + encode(decorator, b"\n") + newline_of(content), "decorator"),
    )
    return True


# ----------------------------------------------------------------------------- imports
_TS_EXT = re.compile(r"\.(d\.ts|tsx?|jsx?|mjs|cjs|mts|cts)$")
_RUNTIME_EXT = {"ts": ".js", "tsx": ".js", "js": ".js", "jsx": ".js", "mts": ".mjs"}
_RUNTIME_EXT.update({"mjs": ".mjs", "cts": ".cjs", "cjs": ".cjs", "d.ts": ".js"})


def module_spec(ga: GraphAccess, importer: int, target_file: int, like: str | None = None) -> str:
    """How `importer` names the module of `target_file` in an import statement.

    TypeScript/JavaScript specifiers follow the importer's style: `like` (the specifier being
    rewritten) or else the file's other relative imports decide whether to write an
    extension (`./a.js` for `a.ts` in ESM programs, or the real one with
    `allowImportingTsExtensions`) and whether to keep `/index`.
    """
    graph = ga.graph
    pf = graph.files[target_file]
    if support_for(pf.language).dotted_modules:
        from graph_sitter.core._move import python_spec

        name = graph.module_of.get(target_file)
        if not name and not (like or "").startswith("."):
            like = "."
        return python_spec(ga, importer, target_file, like)
    here = posixpath.dirname(graph.files[importer].path)
    style = like if like is not None and like.startswith(".") else _ts_style(ga, importer)
    match = _TS_EXT.search(pf.path)
    stem = pf.path[: match.start()] if match else pf.path
    ext = ""
    style_match = _TS_EXT.search(style or "")
    if style_match is not None:
        real = match.group(1) if match else ""
        if style_match.group(1) in ("ts", "tsx", "mts", "cts"):
            ext = "." + real  # allowImportingTsExtensions: the file's own extension
        else:
            ext = _RUNTIME_EXT.get(real, "." + real if real else "")
    keep_index = style is not None and re.search(r"/index(\.\w+)?$", style) is not None
    if stem.endswith("/index") and not ext and not keep_index:
        stem = stem[: -len("/index")]
    rel = posixpath.relpath(stem, here or ".")
    rel = rel if rel.startswith("../") else "./" + rel
    return rel + ext


def _ts_style(ga: GraphAccess, f: int) -> str | None:
    """A relative specifier of file `f`'s imports, or None; `.mjs`/`.mts` files use `.js`."""
    pf = ga.graph.files[f]
    for rec in pf.index.defs:
        if rec.kind == IMPORT and (rec.module or "").startswith("."):
            return str(rec.module)
    for match in re.finditer(rb"""(?:from|require\(|import\()\s*['"](\.[^'"]*)['"]""", pf.content):
        return match.group(1).decode("utf-8", "replace")
    if pf.path.endswith((".mjs", ".mts")):
        return "./x.js"
    return None


def render_import(
    language: str,
    module: str,
    name: str | None,
    alias: str | None,
    type_only: bool,
    quote: str = '"',
) -> str:
    return support_for(language).render_import(module, name, alias, type_only, quote)


def _quote_style(content: bytes) -> str | None:
    """The quote the file's imports use (`'` or `"`), None when it has none."""
    match = re.search(rb"""\bfrom\s+(['"])""", content)
    return match.group(1).decode() if match else None


def _codebase_quote(ga: GraphAccess, language: str) -> str:
    """The quote most of the first files of `language` with imports use; `"` by default."""
    votes = {"'": 0, '"': 0}
    seen = 0
    for pf in ga.graph.files:
        if pf.language != language:
            continue
        quote = _quote_style(pf.content)
        if quote is not None:
            votes[quote] += 1
            seen += 1
            if seen >= 25:
                break
    return "'" if votes["'"] > votes['"'] else '"'


def add_import(
    ga: GraphAccess,
    file: SourceFile,
    spec: Any = None,
    *,
    module: str | None = None,
    name: str | None = None,
    alias: str | None = None,
    type_only: bool = False,
) -> bool:
    """Queue an import in `file` unless an equivalent one exists; return True if queued."""
    from graph_sitter.core.symbols import Symbol

    f = file._f
    pf = ga.graph.files[f]
    language = pf.language
    quote = '"'
    if support_for(language).quoted_modules:
        quote = _quote_style(pf.content) or _codebase_quote(ga, language)
    line: str
    if isinstance(spec, Symbol):
        if spec._f == f:
            return False  # defined here
        module = module_spec(ga, f, spec._f)
        name = spec.name
        line = render_import(language, module, name, alias, type_only, quote)
    elif isinstance(spec, str):
        line = spec.strip()
    else:
        if module is None:
            raise EditError("add_import needs a symbol, an import statement, or module=...")
        line = render_import(language, module, name, alias, type_only, quote)
    bound = alias or (name if name not in (None, "default") else (module or "").split(".")[0])
    for imp in file.imports:
        if imp.source.strip() == line:
            return False
        if isinstance(spec, Symbol) and imp.name == bound and imp.resolved_symbol == spec:
            return False
        if (
            module is not None
            and imp.module == module
            and imp.imported_name == name
            and (imp.alias or None) == (alias if alias != name else None)
        ):
            return False
    key = (pf.path, line)
    if key in ga.pending_imports:
        return False
    ga.pending_imports.add(key)
    at, prefix = _import_position(ga, f, line.startswith("from __future__"))
    nl = newline_of(pf.content)
    ga.queue(pf.path, Edit(at, at, prefix + encode(line, nl) + nl, "import"))
    content = pf.content
    follows = content[at : line_end(content, at)]
    has_imports = any(r.kind == IMPORT and r.parent == -1 for r in pf.index.defs)
    if not has_imports or _NO_GAP_NEEDED.match(follows):
        # A new import block, or the file keeps a blank line after its imports: so will we.
        ga.tx.imports.setdefault(pf.path, []).append(encode(line, nl) + nl)
    return True


_NO_GAP_NEEDED = re.compile(rb"\s*(import\b|from\b|#|//|/\*|\*|$)")


def separate_imports(content: bytes, added: list[bytes]) -> bytes:
    """`content` with a blank line after the last import line we added, when code follows
    it directly (the file had no blank line there)."""
    last = -1
    for line in added:
        at = 0 if content.startswith(line) else content.find(b"\n" + line)
        if at > 0:
            at += 1
        if at >= 0:
            last = max(last, at + len(line))
    if last < 0 or last >= len(content):
        return content
    nxt = content[last : line_end(content, last)]
    if _NO_GAP_NEEDED.match(nxt) or (nxt.startswith(b"export") and b" from " in nxt):
        return content
    return content[:last] + newline_of(content) + content[last:]


def _import_position(ga: GraphAccess, f: int, future: bool) -> tuple[int, bytes]:
    pf = ga.graph.files[f]
    content = pf.content
    tree = ga.tree(f)
    top_level = {(c.start_byte, c.end_byte) for c in tree.root_node.children}
    # Only imports that are statements of the module itself: not inside `try:` or `if`.
    imports = [
        r
        for r in pf.index.defs
        if r.kind == IMPORT and r.parent == -1 and (r.start, r.end) in top_level
    ]
    nl = newline_of(content)
    if imports and not future:
        last = max(imports, key=lambda r: r.end)
        at = line_end(content, last.end - 1)
        return at, (nl if at == len(content) and not content.endswith(b"\n") else b"")
    # No imports yet (or a __future__ import): after a shebang/encoding comment and docstring.
    syntax = support_for(pf.language).syntax
    at = 0
    for child in tree.root_node.children:
        if (
            child.type == "comment"
            and child.start_point[0] < 2
            and content[child.start_byte :].startswith(b"#")
        ):
            at = line_end(content, child.start_byte)
            continue
        if (
            not support_for(pf.language).documents_with_comments
            and child.type in syntax.expression_statements
            and child.named_children
            and child.named_children[0].type in syntax.strings
        ):
            at = line_end(content, child.end_byte - 1)
        elif future and child.type in syntax.future_imports:
            at = line_end(content, child.end_byte - 1)
            continue
        break
    return at, b""


# ----------------------------------------------------------------------------- rename
def rename(ga: GraphAccess, sym: Symbol, new_name: str) -> int:
    """Rename the definition, every resolved usage and every import naming it."""
    if not _IDENT.fullmatch(new_name) or keyword.iskeyword(new_name):
        raise EditError(f"{new_name!r} is not a valid identifier.")
    rec = sym._rec
    old = rec.name
    if new_name == old:
        return 0
    old_b, new_b = old.encode(), new_name.encode()
    done: set[tuple[int, int, int]] = set()
    renamed_in: set[int] = set()

    def put(f: int, start: int, end: int) -> None:
        if (f, start, end) in done:
            return
        done.add((f, start, end))
        ga.queue(ga.graph.files[f].path, Edit(start, end, new_b, "rename"))

    for f, d in _override_family(ga, sym):
        member = ga.graph.files[f].index.defs[d]
        path, qual = ga.graph.files[f].path, qualified(ga, f, d)
        ga.tx.follow[(path, qual)] = (path, qual[: len(qual) - len(old)] + new_name)
        if ga.graph.files[f].content[member.name_start : member.name_end] == old_b:
            put(f, member.name_start, member.name_end)
            renamed_in.add(f)
        for start, end in _overload_names(ga, f, member, old_b):
            put(f, start, end)
        for uf, start, end, flags, _ in sorted(set(ga.graph.iter_usages((f, d)))):
            content = ga.graph.files[uf].content
            # An import statement: rename the imported name, never the alias.
            if flags & IMPORT_FLAG:
                for node in _imported_name_nodes(ga, uf, start, end, old_b):
                    put(uf, node.start_byte, node.end_byte)
                    renamed_in.add(uf)
            elif content[start:end] == old_b:
                put(uf, start, end)
    for uf in renamed_in:
        _rename_in_dunder_all(ga, uf, old_b, new_b, put)
    return len(done)


def _overload_names(ga: GraphAccess, f: int, rec: Any, old: bytes) -> list[tuple[int, int]]:
    """Names of a TypeScript definition's overload signatures (one record spans them all)."""
    pf = ga.graph.files[f]
    support = support_for(pf.language)
    if not support.overload_signatures or rec.kind != FUNCTION:
        return []
    syntax = support.syntax
    scopes = syntax.declaration_scopes
    tree = ga.tree(f)
    node = tree.root_node.descendant_for_byte_range(rec.start, rec.end)
    while node is not None and node.parent is not None and node.parent.type not in scopes:
        node = node.parent
    scope = node.parent if node is not None and node.parent is not None else tree.root_node
    out = []
    for child in scope.children:
        inner = child
        if inner.type in syntax.export_statements:
            inner = inner.child_by_field_name("declaration") or inner
        if (
            inner.type in syntax.signatures
            and rec.ext_start <= child.start_byte
            and child.end_byte <= rec.end
        ):
            name = inner.child_by_field_name("name")
            if name is not None and pf.content[name.start_byte : name.end_byte] == old:
                out.append((name.start_byte, name.end_byte))
    return out


def _override_family(ga: GraphAccess, sym: Symbol) -> list[tuple[int, int]]:
    """A method (or class attribute) and the same-named members it overrides or that override it.

    Renaming one member of such a family alone would change which code runs; so the family
    is: every class of the codebase below the highest ancestor defining the name, restricted
    to those defining it (as a method or a class attribute). Anything else is its own family.
    """
    graph = ga.graph
    rec = sym._rec
    defs = graph.files[sym._f].index.defs
    if rec.kind not in (FUNCTION, ATTRIBUTE) or rec.parent < 0 or defs[rec.parent].kind != CLASS:
        return [(sym._f, sym._d)]
    name = rec.name

    def own(cls: tuple[int, int]) -> tuple[int, int] | None:
        for child in graph.children(cls[0], cls[1]):
            member = graph.files[cls[0]].index.defs[child]
            if member.kind in (FUNCTION, ATTRIBUTE) and member.name == name:
                return (cls[0], child)
        return None

    start = (sym._f, rec.parent)
    roots, seen, queue = [start], {start}, [start]
    while queue:  # ancestors that define the method too
        cls = queue.pop()
        for base in graph.superclasses(*cls):
            key = (base.f, base.d)
            if key not in seen:
                seen.add(key)
                queue.append(key)
                if own(key) is not None:
                    roots.append(key)
    family: dict[tuple[int, int], None] = {}
    queue = list(roots)
    visited = set(queue)
    while queue:  # and every class below them
        cls = queue.pop()
        method = own(cls)
        if method is not None:
            family.setdefault(method, None)
        for sub in ga.subclasses_of(*cls):
            key = (sub._f, sub._d)
            if key not in visited:
                visited.add(key)
                queue.append(key)
    return list(family) or [(sym._f, sym._d)]


def _imported_name_nodes(
    ga: GraphAccess, f: int, start: int, end: int, old: bytes
) -> list[ts.Node]:
    pf = ga.graph.files[f]
    statement = ga.node_for(f, start, end)
    return support_for(pf.language).imported_name_nodes(statement, pf.content, old)


def _rename_in_dunder_all(ga: GraphAccess, f: int, old: bytes, new: bytes, put: Any) -> None:
    pf = ga.graph.files[f]
    for rec in pf.index.defs:
        if rec.kind == GLOBAL_VAR and rec.name == "__all__":
            for quote in (b'"', b"'"):
                needle = quote + old + quote
                pos = pf.content.find(needle, rec.start, rec.end)
                while pos >= 0:
                    put(f, pos + 1, pos + 1 + len(old))
                    pos = pf.content.find(needle, pos + 1, rec.end)


# ----------------------------------------------------------------------------- move
def move_to_file(
    ga: GraphAccess,
    sym: Symbol,
    target: SourceFile | str,
    include_dependencies: bool = True,
    strategy: str = "update_all_imports",
) -> Any:
    """Move a top-level symbol (see `graph_sitter.core._move`)."""
    from graph_sitter.core import _move

    return _move.move_to_file(ga, sym, target, include_dependencies, strategy)


def _repoint_module(ga: GraphAccess, f: int, rec: Any, module: str) -> None:
    """Rewrite the module an import (or re-export) statement names, keeping its quoting."""
    pf = ga.graph.files[f]
    support = support_for(pf.language)
    statement = ga.node_for(f, rec.start, rec.end)
    while statement.parent is not None and statement.type not in support.syntax.import_statements:
        statement = statement.parent
    field = support.import_module_field
    node = statement.child_by_field_name(field)
    if node is None:
        raise EditError(
            f"Cannot find the module of the import at {pf.path}:{rec.start_point[0] + 1}."
        )
    text = module.encode("utf-8")
    if support.quoted_modules:
        quote = pf.content[node.start_byte : node.start_byte + 1]
        text = quote + text + quote
    ga.queue(pf.path, Edit(node.start_byte, node.end_byte, text, "move"))


# ----------------------------------------------------------------------------- import edits
def rename_import(ga: GraphAccess, imp: Import, new_name: str) -> int:
    """Rename what an import denotes: the definition it resolves to (through re-exports),
    with every file importing it; an external import gets a local alias instead."""
    from graph_sitter.core.symbols import Symbol

    target = ga.resolve_import(imp._f, imp._d)
    if isinstance(target, Symbol) and target.kind != IMPORT:
        return rename(ga, target, new_name)
    return set_import_alias(ga, imp, new_name)


def set_import_alias(ga: GraphAccess, imp: Import, alias: str) -> int:
    """Bind the import under `alias` (`x as alias`) and rename its uses in the file."""
    if not _IDENT.fullmatch(alias) or keyword.iskeyword(alias):
        raise EditError(f"{alias!r} is not a valid identifier.")
    rec = imp._rec
    f = imp._f
    pf = ga.graph.files[f]
    if rec.name == alias:
        return 0
    if rec.imported_name == "*" or (
        rec.imported_name is None and support_for(pf.language).namespace_imports
    ):
        raise EditError(f"The import of {rec.module!r} binds no single name to alias.")
    content = pf.content
    path = pf.path
    qual = qualified(ga, f, imp._d)
    if (path, qual) in ga.tx.follow:
        if ga.tx.follow[(path, qual)] == (path, qual[: len(qual) - len(rec.name)] + alias):
            return 0  # the same alias is already queued
        raise EditError(f"The import {rec.name!r} of {path} is already renamed in this commit.")
    count = 0
    if rec.alias:  # `a as b`: replace `b`
        ga.queue(path, Edit(rec.name_start, rec.name_end, alias.encode(), "rename"))
    else:
        node = _binding_node(ga, imp)
        if node is None:
            raise EditError(f"Cannot find {rec.name!r} in the import at {path}.")
        end = node.end_byte
        dotted = support_for(pf.language).dotted_modules
        if dotted and rec.imported_name is None and "." in (rec.module or ""):
            # `import a.b` binds `a`; `import a.b as x` binds `x` = a.b: uses of `a.b` change
            raise EditError(f"Give `import {rec.module}` an alias by rewriting it explicitly.")
        ga.queue(path, Edit(end, end, f" as {alias}".encode(), "rename"))
    count += 1
    for uf, start, stop, flags, _ in sorted(set(ga.graph.iter_usages((f, imp._d)))):
        if uf == f and not flags & IMPORT_FLAG and content[start:stop] == rec.name.encode():
            ga.queue(path, Edit(start, stop, alias.encode(), "rename"))
            count += 1
    ga.tx.follow[(path, qual)] = (path, qual[: len(qual) - len(rec.name)] + alias)
    return count


def set_import_module(ga: GraphAccess, imp: Import, module: str) -> None:
    """Point the import statement at another module (quotes kept in TypeScript)."""
    if not module or any(c in module for c in "'\"\n;"):
        raise EditError(f"{module!r} is not a module name or specifier.")
    _repoint_module(ga, imp._f, imp._rec, module)


def parse_import_string(ga: GraphAccess, file: SourceFile, text: str) -> str:
    """Check that `text` parses as import statements in `file`'s language; return it."""
    from graph_sitter.core.parse import parse_one

    line = text.strip()
    probe = support_for(file.language).sample_path
    _, index = parse_one(probe, line.encode("utf-8"))
    if index.errors or not line or not all(r.kind == IMPORT for r in index.defs if r.parent < 0):
        raise EditError(f"{line!r} is not an import statement in {file.language}.")
    return line


# ----------------------------------------------------------------------------- session
class Context:
    """Upstream's `codebase.ctx` / `codebase.G`: the transaction entry points."""

    def __init__(self, codebase: Codebase) -> None:
        self._codebase = codebase

    def commit_transactions(self, *args: Any, **kwargs: Any) -> None:
        """Apply the queued edits (`Codebase.commit`)."""
        del args, kwargs
        self._codebase.commit()

    def undo(self) -> None:
        """Drop the queued edits (`Codebase.reset`)."""
        self._codebase.reset()


class EditLimits:
    """Upstream's session limits on edits: how many may be queued, and for how long."""

    def __init__(self, max_transactions: int | None, max_seconds: float | None) -> None:
        import time

        self.max_transactions = max_transactions
        self.max_seconds = max_seconds
        self.queued = 0
        self.started = time.monotonic()

    @classmethod
    def configure(cls, current: EditLimits | None, **limits: Any) -> EditLimits:
        for key, value in limits.items():
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or value < 0
            ):
                raise ValueError(f"{key} must be a non-negative number or None, not {value!r}")
        if limits.get("max_transactions") is not None and not isinstance(
            limits["max_transactions"], int
        ):
            raise ValueError("max_transactions must be a whole number")
        return cls(
            limits.get("max_transactions", current.max_transactions if current else None),
            limits.get("max_seconds", current.max_seconds if current else None),
        )

    def count(self) -> None:
        """Account for one more queued edit, or raise `SessionLimitError` past a limit."""
        import time

        from graph_sitter.core.edits import SessionLimitError

        if self.max_transactions is not None and self.queued >= self.max_transactions:
            raise SessionLimitError(
                f"max_transactions={self.max_transactions} reached: no more edits are queued "
                "in this session (commit what is queued, or raise the limit)."
            )
        elapsed = time.monotonic() - self.started
        if self.max_seconds is not None and elapsed > self.max_seconds:
            raise SessionLimitError(
                f"max_seconds={self.max_seconds} passed ({elapsed:.1f} s since the limits were "
                "set): no more edits are queued in this session."
            )
        self.queued += 1


# ----------------------------------------------------------------------------- calls, parameters
def _items(syntax: Syntax, node: ts.Node | None) -> list[ts.Node]:
    """The elements of an argument list."""
    if node is None:
        return []
    skip = syntax.parameter_separators
    return [c for c in node.named_children if c.type != "comment" and c.type not in skip]


def _remove_item(ga: GraphAccess, path: str, items: list[ts.Node], k: int, label: str) -> None:
    """Remove element `k` of a comma-separated list with one separator."""
    item = items[k]
    if k + 1 < len(items):
        start, end = item.start_byte, items[k + 1].start_byte
    elif k > 0:
        start, end = items[k - 1].end_byte, item.end_byte
    else:
        start, end = item.start_byte, item.end_byte
    ga.queue(path, Edit(start, end, b"", label))


def _append_item(
    ga: GraphAccess, path: str, holder: ts.Node, items: list[ts.Node], text: str, label: str
) -> None:
    """Append `text` to the list `holder` (`(...)`) after its last element."""
    if items:
        at = items[-1].end_byte
        ga.queue(path, Edit(at, at, b", " + text.encode("utf-8"), label))
    else:
        at = holder.end_byte - 1  # before `)`
        ga.queue(path, Edit(at, at, text.encode("utf-8"), label))


def call_node(ga: GraphAccess, f: int, start: int, end: int) -> ts.Node:
    """The call expression spanning bytes `start..end` of file `f`."""
    calls = ga.syntax(f).calls
    node: ts.Node | None = ga.node_for(f, start, end)
    while node is not None and node.type not in calls:
        node = node.parent
    if node is None:
        raise EditError(f"No call at bytes {start}..{end} of {ga.graph.files[f].path}.")
    return node


def call_arguments(ga: GraphAccess, f: int, start: int, end: int) -> tuple[ts.Node, list[ts.Node]]:
    syntax = ga.syntax(f)
    node = call_node(ga, f, start, end)
    args = node.child_by_field_name("arguments")
    if args is None or args.type not in syntax.argument_lists:
        raise EditError(f"The call at bytes {start}..{end} has no argument list to edit.")
    return args, _items(syntax, args)


def rename_call(ga: GraphAccess, f: int, start: int, end: int, new_name: str) -> None:
    """Rename the called name of the call at `start..end` (`obj.old(...)` -> `obj.new(...)`)."""
    if not _IDENT.fullmatch(new_name):
        raise EditError(f"{new_name!r} is not a valid identifier.")
    syntax = ga.syntax(f)
    node = call_node(ga, f, start, end)
    callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
    while callee is not None and callee.type in syntax.member_accesses:
        callee = callee.child_by_field_name("attribute") or callee.child_by_field_name("property")
    if callee is None or not (callee.type == "identifier" or callee.type in syntax.property_names):
        raise EditError("The callee of this call is not a plain name.")
    path = ga.graph.files[f].path
    ga.queue(path, Edit(callee.start_byte, callee.end_byte, new_name.encode(), "rename"))


def edit_argument(ga: GraphAccess, f: int, start: int, end: int, new_source: str) -> None:
    """Replace the argument occupying bytes `start..end`."""
    ga.queue(ga.graph.files[f].path, Edit(start, end, new_source.encode("utf-8"), "argument"))


def rename_argument(ga: GraphAccess, f: int, start: int, end: int, new_name: str) -> None:
    """Rename the keyword occupying bytes `start..end` of a `name=value` argument."""
    if not _IDENT.fullmatch(new_name) or keyword.iskeyword(new_name):
        raise EditError(f"{new_name!r} is not a valid identifier.")
    ga.queue(ga.graph.files[f].path, Edit(start, end, new_name.encode(), "argument"))


def add_argument(ga: GraphAccess, f: int, start: int, end: int, source: str) -> None:
    """Append `source` (`x`, `name=x`) to the arguments of the call at `start..end`."""
    args, items = call_arguments(ga, f, start, end)
    _append_item(ga, ga.graph.files[f].path, args, items, source, "argument")


def remove_argument(ga: GraphAccess, f: int, start: int, end: int) -> None:
    """Remove the argument occupying bytes `start..end`, with its separator."""
    syntax = ga.syntax(f)
    node: ts.Node | None = ga.node_for(f, start, end)
    while node is not None and node.type not in syntax.argument_lists:
        node = node.parent  # the nearest argument list holding it (an argument may be a call)
    items = _items(syntax, node)
    for k, item in enumerate(items):
        if item.start_byte == start and item.end_byte == end:
            _remove_item(ga, ga.graph.files[f].path, items, k, "argument")
            return
    raise EditError(f"No argument at bytes {start}..{end}.")


def _param_items(ga: GraphAccess, fn: Function) -> tuple[ts.Node, list[ts.Node]]:
    """The parameter list and its elements (`*` and `/` separators included)."""
    node = fn._node()
    params = node.child_by_field_name("parameters")
    if params is None:
        raise EditError(f"{fn.qualified_name} has no parameter list.")
    items = [c for c in params.named_children if c.type != "comment"]
    return params, items


def _param_name(ga: GraphAccess, f: int, node: ts.Node) -> str:
    content = ga.graph.files[f].content
    name = node.child_by_field_name("name") or node.child_by_field_name("pattern")
    if name is None:
        name = node
        for sub in node.named_children:
            if sub.type == "identifier":
                name = sub
                break
    return bytes(content[name.start_byte : name.end_byte]).decode("utf-8", "replace").lstrip("*")


def _param_index(ga: GraphAccess, fn: Function, name: str) -> tuple[int, int, list[ts.Node]]:
    """(index among parameters, index among call arguments, parameter nodes)."""
    syntax = ga.syntax(fn._f)
    separators = syntax.parameter_separators
    _, items = _param_items(ga, fn)
    names = [_param_name(ga, fn._f, n) if n.type not in separators else "" for n in items]
    if not name or name not in names:
        raise EditError(f"{fn.qualified_name} has no parameter {name!r}.")
    k = names.index(name)
    position = sum(1 for n in items[:k] if n.type not in separators)
    if fn.is_method and names and names[0] in ("self", "cls"):
        position -= 1
    if any(n.type in syntax.keyword_only_markers for n in items[:k]):
        position = -1  # keyword-only: never passed positionally
    return k, position, items


def _argument_for(
    ga: GraphAccess, f: int, items: list[ts.Node], position: int, name: str
) -> int | None:
    """Which call argument binds parameter `name` (keyword) or `position` (positional)."""
    content = ga.graph.files[f].content
    syntax = ga.syntax(f)
    keywords = syntax.keyword_arguments
    for k, item in enumerate(items):
        if item.type in keywords:
            key = item.child_by_field_name("name")
            if key is not None and content[key.start_byte : key.end_byte] == name.encode():
                return k
    for k, item in enumerate(items):
        if item.type in keywords or item.type in syntax.splat_arguments:
            return None  # past positional arguments, or unknown after a splat
        if k == position:
            return k
    return None  # keyword-only parameters (position -1) are matched by name only


def remove_parameter(ga: GraphAccess, fn: Function, name: str) -> int:
    """Remove parameter `name` and the argument passing it at every call site; return how
    many call sites changed."""
    syntax = ga.syntax(fn._f)
    k, position, items = _param_index(ga, fn, name)
    keyword_variadic = {
        t for t, kind in syntax.variadic_parameters.items() if kind == "keyword_variadic"
    }
    last_keyword_only = (
        k > 0
        and items[k - 1].type in syntax.keyword_only_markers
        and (k + 1 == len(items) or items[k + 1].type in keyword_variadic)
    )
    if last_keyword_only:  # `a, *, b` -> `a`: the bare `*` goes too
        start = items[k - 2].end_byte if k >= 2 else items[k - 1].start_byte
        end = items[k].end_byte if k + 1 == len(items) or k >= 2 else items[k + 1].start_byte
        ga.queue(fn.filepath, Edit(start, end, b"", "parameter"))
    else:
        _remove_item(ga, fn.filepath, items, k, "parameter")
    changed = 0
    for call in ga.call_sites(fn._f, fn._d):
        cf = call.file._f
        _, args = call_arguments(ga, cf, call.start_byte, call.end_byte)
        a = _argument_for(ga, cf, args, position, name)
        if a is not None:
            _remove_item(ga, ga.graph.files[cf].path, args, a, "argument")
            changed += 1
    return changed


def rename_parameter(ga: GraphAccess, fn: Function, old: str, new: str) -> int:
    """Rename parameter `old`: its uses in the body and `old=` keyword arguments at every call
    site; return how many places changed."""
    if not _IDENT.fullmatch(new) or keyword.iskeyword(new):
        raise EditError(f"{new!r} is not a valid identifier.")
    _param_index(ga, fn, old)
    f = fn._f
    pf = ga.graph.files[f]
    content = pf.content
    old_b = old.encode()
    syntax = support_for(pf.language).syntax
    count = 0
    node = fn._node()
    for sub in walk(node):
        if sub.type != "identifier" and sub.type not in syntax.shorthand_bindings:
            continue
        if content[sub.start_byte : sub.end_byte] != old_b:
            continue
        parent = sub.parent
        if parent is not None and (
            (parent.type in syntax.member_accesses and parent.child(0) != sub)
            or (
                parent.type in syntax.keyword_arguments
                and parent.child_by_field_name("name") == sub
            )
            or parent.type in syntax.named_declarations
        ):
            continue
        ga.queue(pf.path, Edit(sub.start_byte, sub.end_byte, new.encode(), "rename"))
        count += 1
    for call in ga.call_sites(f, fn._d):
        cf = call.file._f
        ccontent = ga.graph.files[cf].content
        _, args = call_arguments(ga, cf, call.start_byte, call.end_byte)
        keywords = ga.syntax(cf).keyword_arguments
        for item in args:
            key = item.child_by_field_name("name") if item.type in keywords else None
            if key is not None and ccontent[key.start_byte : key.end_byte] == old_b:
                path = ga.graph.files[cf].path
                ga.queue(path, Edit(key.start_byte, key.end_byte, new.encode(), "rename"))
                count += 1
    return count


def edit_parameter(ga: GraphAccess, fn: Function, name: str, new_source: str) -> None:
    """Replace the whole source of parameter `name` (call sites unchanged)."""
    k, _, items = _param_index(ga, fn, name)
    if not new_source.strip():
        raise EditError("edit_parameter needs the new source; use remove_parameter to drop it.")
    node = items[k]
    ga.queue(fn.filepath, Edit(node.start_byte, node.end_byte, new_source.encode(), "parameter"))


def set_parameter_type(ga: GraphAccess, fn: Function, name: str, type_source: str) -> None:
    """Give parameter `name` the annotation `type_source`, replacing any it has."""
    text = type_source.strip()
    if not text:
        raise EditError("set_parameter_type needs a type.")
    k, _, items = _param_index(ga, fn, name)
    node = items[k]
    typ = node.child_by_field_name("type")
    if typ is not None:
        start = typ.start_byte
        content = ga.graph.files[fn._f].content
        if content[start : start + 1] == b":":  # TS type_annotation includes the colon
            ga.queue(fn.filepath, Edit(start, typ.end_byte, b": " + text.encode(), "type"))
        else:
            ga.queue(fn.filepath, Edit(start, typ.end_byte, text.encode(), "type"))
        return
    syntax = ga.syntax(fn._f)
    if node.type == "identifier" or node.type in syntax.variadic_names:
        at = node.end_byte
        ga.queue(fn.filepath, Edit(at, at, b": " + text.encode(), "type"))
        return
    if node.type in syntax.unannotated_defaults:  # `x=1` -> `x: int = 1`
        key, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        assert key is not None and value is not None
        edit = Edit(key.end_byte, value.start_byte, b": " + text.encode() + b" = ", "type")
        ga.queue(fn.filepath, edit)
        return
    # TypeScript required/optional parameter: after the name (and its `?`).
    pattern = node.child_by_field_name("pattern") or node
    at = pattern.end_byte
    for child in node.children:
        if child.type == "?":
            at = child.end_byte
    ga.queue(fn.filepath, Edit(at, at, b": " + text.encode(), "type"))


def asyncify(ga: GraphAccess, fn: Function) -> bool:
    """Insert `async` before the function (TS: wrap an annotated return type in `Promise<>`)."""
    from graph_sitter.core._details import function_node

    syntax = ga.syntax(fn._f)
    node = function_node(syntax, fn._node())
    if any(child.type == "async" for child in node.children):
        return False
    if node.type not in syntax.async_functions:
        raise EditError(f"{fn.qualified_name} cannot be made async ({node.type}).")
    content = ga.graph.files[fn._f].content
    at = node.start_byte
    if node.type in syntax.async_after_modifiers:  # after `static`/`public`..., before the name
        name = node.child_by_field_name("name")
        assert name is not None
        at = name.start_byte
    ga.queue(fn.filepath, Edit(at, at, b"async ", "async"))
    ret = node.child_by_field_name("return_type")
    wraps = support_for(ga.graph.files[fn._f].language).async_wraps_return_type
    if ret is not None and wraps:
        start = ret.start_byte
        if content[start : start + 1] == b":":
            start += 1
            while content[start : start + 1] in (b" ", b"\t"):
                start += 1
        text = bytes(content[start : ret.end_byte])
        if not text.startswith(b"Promise<"):
            ga.queue(fn.filepath, Edit(start, ret.end_byte, b"Promise<" + text + b">", "async"))
    return True


def arrow_to_named(ga: GraphAccess, fn: Function, name: str | None = None) -> None:
    """TypeScript: rewrite `const f = (...) => ...;` as `function f(...) {...}` (an expression
    body becomes `return expr;`; `export`, `async`, type parameters and return type stay)."""
    from graph_sitter.core._details import function_node

    syntax = ga.syntax(fn._f)
    arrow = function_node(syntax, fn._node())
    decl = arrow.parent.parent if arrow.parent is not None else None
    if arrow.type not in syntax.arrow_functions or decl is None or len(decl.named_children) != 1:
        raise EditError(f"{fn.qualified_name} is not a `const name = (...) => ...` declaration.")
    if name is not None and not _IDENT.fullmatch(name):
        raise EditError(f"{name!r} is not a valid identifier.")
    content = ga.graph.files[fn._f].content

    def text(node: ts.Node | None) -> str:
        if node is None:
            return ""
        return bytes(content[node.start_byte : node.end_byte]).decode("utf-8")

    params = arrow.child_by_field_name("parameters")
    params_src = (
        text(params) if params is not None else f"({text(arrow.child_by_field_name('parameter'))})"
    )
    body = arrow.child_by_field_name("body")
    assert body is not None
    indent = indent_at(content, decl.start_byte).decode()
    nl = newline_of(content).decode()
    if body.type in syntax.statement_blocks:
        body_src = text(body)
    else:
        expr = body
        while expr.type in syntax.parentheses and expr.named_children:
            expr = expr.named_children[0]
        body_src = f"{{{nl}{indent}  return {text(expr)};{nl}{indent}}}"
    is_async = any(child.type == "async" for child in arrow.children)
    new = (
        f"{'async ' if is_async else ''}function {name or fn.name}"
        f"{text(arrow.child_by_field_name('type_parameters'))}{params_src}"
        f"{text(arrow.child_by_field_name('return_type'))} {body_src}"
    )
    ga.queue(fn.filepath, Edit(decl.start_byte, decl.end_byte, new.encode("utf-8"), "arrow"))


def add_parameter(ga: GraphAccess, fn: Function, source: str, call_value: str | None = None) -> int:
    """Append parameter `source` (`name`, `name: int = 0`, ...); with `call_value`, pass it at
    every call site (as `name=value` in Python, positionally in TypeScript)."""
    params, items = _param_items(ga, fn)
    f = fn._f
    language = ga.graph.files[f].language
    text = source.strip()
    if not text:
        raise EditError("add_parameter needs the parameter's source.")
    support = support_for(language)
    # Before `*args`/`**kwargs`: a plain parameter cannot follow them.
    kinds = support.variadic_parameter_types
    first_var = next((n for n in params.named_children if n.type in kinds), None)
    if first_var is not None and "=" not in text:
        at = first_var.start_byte
        ga.queue(fn.filepath, Edit(at, at, text.encode("utf-8") + b", ", "parameter"))
    else:
        _append_item(ga, fn.filepath, params, items, text, "parameter")
    if call_value is None:
        return 0
    name = re.split(r"[\s:=?]", text.lstrip("*"), maxsplit=1)[0]
    changed = 0
    for call in ga.call_sites(f, fn._d):
        cf = call.file._f
        arg = support.keyword_argument(name, call_value)
        add_argument(ga, cf, call.start_byte, call.end_byte, arg)
        changed += 1
    return changed


# ----------------------------------------------------------------------------- files
def delete_files(root: str, paths: set[str]) -> None:
    """Remove committed deletions from disk (after the new contents are in place)."""
    import contextlib
    import os

    from graph_sitter.core.edits import check_inside

    for rel in sorted(paths):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(check_inside(root, rel))


def remove_file(ga: GraphAccess, file: SourceFile) -> None:
    """Queue deleting `file` on commit (its pending edits are refused from now on)."""
    path = file.filepath
    if path in ga.tx.created:
        raise EditError(f"{path} was created in this transaction: reset() drops it.")
    if path in ga.tx.edits:
        raise EditError(f"{path} has pending edits: commit or reset them before removing it.")
    ga.tx.deleted.add(path)
    ga.tx.follow[(path, "")] = None


def update_filepath(ga: GraphAccess, file: SourceFile, new_path: str) -> SourceFile:
    """Move `file` to `new_path` on commit: its relative imports and every importer follow."""
    old = file.filepath
    problem = ga.graph.files[file._f].problem
    if problem:
        raise EditError(f"Refusing to move {old}: {problem}.")
    if old in ga.tx.edits or old in ga.tx.created:
        raise EditError(f"{old} has pending edits: commit or reset them before moving it.")
    # What every import naming the file resolves to, before the file list changes.
    own = _relative_imports_of(ga, file._f)
    importers = _importers_of(ga, file._f)
    targets = {start: ga.graph.files[tf].path for start, (tf, _) in own.items()}
    content = bytes(ga.graph.files[file._f].content).decode("utf-8")
    new_file = ga.codebase.create_file(new_path, content)
    ga.tx.deleted.add(old)
    new_f = new_file._f
    graph = ga.graph  # create_file rebuilt the graph
    for start, target_path in targets.items():
        rec = own[start][1]
        spec = module_spec(ga, new_f, graph.file_index[target_path], like=rec.module)
        if spec != rec.module:
            _repoint_module(ga, new_f, rec, spec)
    for path, rec in importers:
        g = graph.file_index[path]
        spec = module_spec(ga, g, new_f, like=rec.module)
        if spec != rec.module:
            _repoint_module(ga, g, rec, spec)
    ga.tx.follow[(old, "")] = (new_file.filepath, "")
    return new_file


def _relative_imports_of(ga: GraphAccess, f: int) -> dict[int, tuple[int, Any]]:
    """The relative imports of file `f` that name files of ours: statement start -> (the file
    it names, its first import record)."""
    graph = ga.graph
    pf = graph.files[f]
    dotted = support_for(pf.language).dotted_modules
    own: dict[int, tuple[int, Any]] = {}
    for d, rec in enumerate(pf.index.defs):
        if rec.kind != IMPORT or not (rec.module or "").startswith("."):
            continue
        target = graph.resolve_import(f, d)
        tf = None
        if target is not None:
            tf = graph.file_of_target(target)
            if tf is None and type(target) is SymTarget:
                tf = target.f
        if tf is None and dotted:
            base = graph.module_spec_target(f, rec.module or "")
            tf = graph.file_of_target(base) if base is not None else None
        if tf is not None and rec.start not in own:
            own[rec.start] = (tf, rec)
    return own


def _importers_of(ga: GraphAccess, f: int) -> list[tuple[str, Any]]:
    """(path, first import record) of every import statement naming file `f` directly;
    `EditError` for a Python `import a.b` of it (uses of `a.b.x` would have to change)."""
    graph = ga.graph
    importers: list[tuple[str, Any]] = []
    for g, gpf in enumerate(graph.files):
        if g == f:
            continue
        seen: set[int] = set()
        for rec in gpf.index.defs:
            if rec.kind != IMPORT or rec.module is None:
                continue
            if graph.spec_file(g, rec.module) != f:
                continue
            if rec.imported_name is None and support_for(gpf.language).dotted_modules:
                raise EditError(
                    f"{gpf.path} imports {rec.module} as a module (`import ...`): "
                    "rewrite it before moving the file."
                )
            if rec.start not in seen:
                seen.add(rec.start)
                importers.append((gpf.path, rec))
    return importers


# ----------------------------------------------------------------------------- all-or-nothing
_P = ParamSpec("_P")
_R = TypeVar("_R")


def atomic(
    op: Callable[Concatenate[GraphAccess, _P], _R],
) -> Callable[Concatenate[GraphAccess, _P], _R]:
    """`op`, undone from the transaction when it raises (a conflict or a session limit
    halfway through a rename queues none of it)."""

    @functools.wraps(op)
    def run(ga: GraphAccess, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        state = ga.tx.save()
        pending = set(ga.pending_imports)
        try:
            return op(ga, *args, **kwargs)
        except BaseException:
            ga.tx.restore(state)
            ga.pending_imports = pending
            raise

    return run


class AtomicOps:
    """The operations views call (`ATOMIC.rename(ga, sym, "new")`), each all-or-nothing.

    Operations calling each other inside this module use the plain functions: only the
    outermost call saves and restores the transaction.
    """

    add_argument = staticmethod(atomic(add_argument))
    add_decorator = staticmethod(atomic(add_decorator))
    add_import = staticmethod(atomic(add_import))
    add_parameter = staticmethod(atomic(add_parameter))
    arrow_to_named = staticmethod(atomic(arrow_to_named))
    asyncify = staticmethod(atomic(asyncify))
    edit = staticmethod(atomic(edit))
    edit_argument = staticmethod(atomic(edit_argument))
    edit_parameter = staticmethod(atomic(edit_parameter))
    insert_after = staticmethod(atomic(insert_after))
    insert_before = staticmethod(atomic(insert_before))
    move_to_file = staticmethod(atomic(move_to_file))
    parse_import_string = staticmethod(atomic(parse_import_string))
    remove = staticmethod(atomic(remove))
    remove_argument = staticmethod(atomic(remove_argument))
    remove_file = staticmethod(atomic(remove_file))
    remove_parameter = staticmethod(atomic(remove_parameter))
    rename = staticmethod(atomic(rename))
    rename_argument = staticmethod(atomic(rename_argument))
    rename_call = staticmethod(atomic(rename_call))
    rename_import = staticmethod(atomic(rename_import))
    rename_parameter = staticmethod(atomic(rename_parameter))
    replace = staticmethod(atomic(replace))
    set_docstring = staticmethod(atomic(set_docstring))
    set_import_alias = staticmethod(atomic(set_import_alias))
    set_import_module = staticmethod(atomic(set_import_module))
    set_parameter_type = staticmethod(atomic(set_parameter_type))
    update_filepath = staticmethod(atomic(update_filepath))


ATOMIC = AtomicOps()
