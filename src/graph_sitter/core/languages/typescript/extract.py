"""TypeScript and JavaScript: extraction of definitions, imports and references; module resolution.

Scoping follows the language: functions, arrow functions, methods and classes open scopes;
blocks, `for` heads and `catch` clauses open block scopes for `let`/`const`/`class`; `var` is
hoisted to the nearest function. Value and type names share one namespace (a class is both).
A tree-sitter query does the tree walk in C; Python only sweeps over positions sorted by offset.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from functools import cache

import tree_sitter as ts

from graph_sitter.core._records import (
    CLASS,
    DEF_HEAD,
    ENUM,
    FUNCTION,
    GLOBAL_VAR,
    IMPORT,
    INSTANCE_HEAD,
    INTERFACE,
    NAMESPACE,
    REF_CALL,
    REF_TYPE,
    REF_WRITE,
    SELF_HEAD,
    SUPER_HEAD,
    TYPE_ALIAS,
    DefRecord,
    FileIndex,
)
from graph_sitter.core.languages import _scopes as sc
from graph_sitter.core.languages._common import error_ranges, line_count, load_query
from graph_sitter.core.languages.typescript.modules import resolve_relative

ATTRIBUTE = "attribute"  # a class field (exposed through `Class.attributes`)

NAME = "typescript"

# Scope kinds beyond the shared ones: a type-level scope (interface, type alias, signature) that
# holds type parameters and signature parameters but is not a `var` or `this` boundary.
_TYPE_SCOPE = "type"
_HOIST = (sc.FUNCTION, sc.LAMBDA, sc.CLASS)

# How a definition binds its name: not at all (members, re-exports), in the innermost scope,
# or in the nearest function scope (`var`).
_NO_BIND, _NEAREST, _VAR = 0, 1, 2
# Binding-pattern roots.
_ROOT_VAR, _ROOT_LET, _ROOT_WRITE = 0, 1, 2

_TS_SUFFIXES = (".ts", ".mts", ".cts")  # .d.ts included

_WORD = rb"#?[A-Za-z_$][\w$]*"
_CHAIN_RE = re.compile(rb"[A-Za-z_$][\w$]*(?:\s*\??\.\s*#?[A-Za-z_$][\w$]*)+")
_WORD_RE = re.compile(_WORD)
_CALL_RE = re.compile(rb"\s*(?:\?\.\s*)?\(")
_CHAIN_NEXT = (b".", b"?", b" ", b"\n", b"\t", b"\r")

_FUNCTION_VALUES = ("arrow_function", "function_expression", "generator_function")
# Expressions whose own name is bound inside them (their scope starts before the name).
_SELF_NAMED = frozenset({"function_expression", "generator_function", "class"})


@cache
def _grammar(name: str) -> ts.Language:
    import tree_sitter_typescript

    if name == "tsx":
        return ts.Language(tree_sitter_typescript.language_tsx())
    return ts.Language(tree_sitter_typescript.language_typescript())


def language_for(path: str) -> ts.Language:
    """The grammar for a file: typescript for .ts/.mts/.cts (and .d.ts), tsx for everything else.

    JavaScript files use the tsx grammar rather than tree-sitter-javascript: node types are then
    the same as for TypeScript, so one query and one code path serve all files, and JSX in `.js`
    files parses. On the 1,152 JavaScript files of npm's own install the two grammars disagree on
    one file (an odd construct tsx rejects) at the same speed. `.ts` keeps the typescript grammar
    because `<T>value` type assertions are not valid TSX.
    """
    return _grammar("typescript" if path.lower().endswith(_TS_SUFFIXES) else "tsx")


# Constructs tree-sitter-typescript 0.23.2 (the newest published grammar) rejects, each
# rewritten without moving a byte: `export type * from` (TS 5.0) loses the `type` keyword; a
# generic call signature starting a line in an interface or type literal (`<T>(a: T): T`) after
# a member without `;` gets a `;` in place of its last indentation character.
_TYPE_STAR_RE = re.compile(rb"\bexport[ \t]+(type)[ \t]+\*")
_SIGNATURE_LINE_RE = re.compile(rb"\n[ \t]+<")
_NO_SEPARATOR_AFTER = frozenset(b";,{([<=|&")


def recover(parser: ts.Parser, content: bytes, tree: ts.Tree) -> ts.Tree:
    """Re-parse a file with syntax errors after offset-preserving rewrites of constructs the
    grammar does not know; keep the new tree only when it has less of the file in errors.
    """
    patched = bytearray(content)
    for match in _TYPE_STAR_RE.finditer(content):
        patched[match.start(1) : match.end(1)] = b"    "
    if tree.language == _grammar("typescript"):  # in tsx files a line may start a JSX element
        for match in _SIGNATURE_LINE_RE.finditer(content):
            i = match.start() - 1
            while i >= 0 and content[i] in b" \t\r\n":
                i -= 1
            if i >= 0 and content[i] not in _NO_SEPARATOR_AFTER:
                patched[match.end() - 2] = ord(";")
    if patched == content:
        return tree
    retry = parser.parse(bytes(patched))
    if _error_bytes(retry.root_node) < _error_bytes(tree.root_node):
        return retry
    return tree


def _error_bytes(root: ts.Node) -> int:
    """Bytes of a tree inside ERROR nodes, plus one per MISSING node."""
    total = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error:
            total += node.end_byte - node.start_byte + 1
        elif node.is_missing:
            total += 1
        elif node.has_error:
            stack.extend(node.children)
    return total


@cache
def _query(name: str) -> ts.Query:
    files = ("typescript.scm", "tsx.scm") if name == "tsx" else ("typescript.scm",)
    return load_query(_grammar(name), __package__, *files)


def _text(content: bytes, node: ts.Node) -> str:
    return content[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _string_value(content: bytes, node: ts.Node) -> str:
    """The text of a string literal without its quotes."""
    return content[node.start_byte + 1 : node.end_byte - 1].decode("utf-8", "replace")


def _point(point: tuple[int, int]) -> tuple[int, int]:
    """A plain tuple for a tree-sitter Point (Points do not survive pickling)."""
    return (point[0], point[1])


def _comment_start(content: bytes, start: int) -> int:
    """Extend `start` upwards over `//` and `/* */` comments directly above it."""
    line_start = content.rfind(b"\n", 0, start) + 1
    if content[line_start:start].strip():
        return start  # something else precedes the definition on its line
    result = start
    while line_start > 0:
        prev_start = content.rfind(b"\n", 0, line_start - 1) + 1
        raw = content[prev_start : line_start - 1]
        line = raw.strip()
        if line.startswith(b"//"):
            result = prev_start + len(raw) - len(raw.lstrip())
            line_start = prev_start
        elif line.endswith(b"*/"):
            opening = content.rfind(b"/*", 0, prev_start + len(raw.rstrip()) - 2)
            if opening < 0:
                break
            opening_line = content.rfind(b"\n", 0, opening) + 1
            if content[opening_line:opening].strip():
                break  # the comment trails code
            result = opening
            line_start = opening_line
        else:
            break
    return result


class _Defs:
    """Collects definitions before they are numbered in document order."""

    __slots__ = ("ambient", "content", "events", "exported", "seq")

    def __init__(self, content: bytes, exported: dict[int, tuple[int, bool]]) -> None:
        self.content = content
        self.exported = exported  # declaration start -> (export statement start, is default)
        self.ambient: dict[int, int] = {}  # declaration start -> `declare` start
        # (position, seq, record, bind mode, scope node start or -1, overload group or "")
        self.events: list[tuple[int, int, DefRecord, int, int, str]] = []
        self.seq = 0

    def add(
        self,
        kind: str,
        node: ts.Node,
        name_node: ts.Node | None,
        bind: int,
        scope_key: int = -1,
        group: str = "",
        name: str | None = None,
        ext_base: int | None = None,
    ) -> DefRecord:
        content = self.content
        start = node.start_byte
        if name_node is not None:
            ns, ne = name_node.start_byte, name_node.end_byte
            if name is None:
                name = content[ns:ne].decode("utf-8", "replace")
        else:
            ns = ne = start
        base = start if ext_base is None else ext_base
        if ext_base is None and node.parent is not None and node.parent.type == "class_body":
            prev = node.prev_sibling  # a member's decorators are its preceding siblings
            while prev is not None and prev.type == "decorator":
                base, prev = prev.start_byte, prev.prev_sibling
        exported = self.exported.get(base)
        ext = exported[0] if exported is not None else self.ambient.get(base, base)
        record = DefRecord(
            kind,
            name or "",
            start,
            node.end_byte,
            _comment_start(content, ext),
            ns,
            ne,
            _point(node.start_point),
            _point(node.end_point),
            is_exported=exported is not None,
        )
        self.events.append((ns, self.seq, record, bind, scope_key, group))
        self.seq += 1
        return record


def extract(content: bytes, tree: ts.Tree) -> FileIndex:
    """Extract the `FileIndex` of one parsed TypeScript or JavaScript file."""
    return _Extraction(content, tree).run()


class _Extraction:
    """One file's extraction, phase by phase over the captures of one query.

    Phases run in order, each reading what the previous ones left: export statements, then
    declarations, variables and imports (collected as events), numbering (merging overloads),
    scopes, one sweep over every name, references and chains, and the export table.
    """

    def __init__(self, content: bytes, tree: ts.Tree) -> None:
        self.content = content
        self.tree = tree
        self.root = tree.root_node
        grammar = "tsx" if tree.language == _grammar("tsx") else "typescript"
        caps: dict[str, list[ts.Node]] = ts.QueryCursor(_query(grammar)).captures(self.root)
        self.get = caps.get
        self.index = FileIndex(language=NAME, line_count=line_count(content))
        self.defs = self.index.defs
        # export statements
        self.exported: dict[int, tuple[int, bool]] = {}
        self.reexports: list[ts.Node] = []
        self.local_exports: list[tuple[ts.Node, str]] = []  # (local name node, exported name)
        self.top_vars: list[ts.Node] = []  # module-level declarators
        self.cjs: list[ts.Node] = []  # module-level `x.y = ...` assignments
        # definitions
        self.col = _Defs(content, self.exported)
        self.skip: set[int] = set()  # name positions that are not references
        self.pats: list[ts.Node] = []
        self.pat_starts: list[int] = []
        # numbering and scopes
        self.owner_of: dict[int, int] = {}  # scope node start -> def index
        self.placed: list[tuple[int, int, int]] = []  # (position, def index, bind mode)
        self.def_names: set[bytes] = set()
        self.scopes: list[sc.Scope] = []
        self.method_scopes: set[int] = set()  # id() of scopes of class methods
        self.module = sc.Scope(0, len(content) + 1, sc.MODULE, -1)
        self.this_nodes: list[ts.Node] = []
        # the name sweep
        self.jsx: set[int] = set()
        self.pending: list[tuple[str, int, int, int, int]] = []  # (name, start, end, scope, flags)

    def run(self) -> FileIndex:
        self.export_statements()
        self.declarations()
        self.variables()
        self.imports()
        self.number_definitions()
        self.build_scopes()
        self.sweep_names()
        self.references()
        self.export_table()
        root = self.root
        if root.has_error:
            self.index.errors = [(_point(a), _point(b)) for a, b in error_ranges(root)]
        return self.index

    def export_statements(self) -> None:
        """Which declarations export statements export; module-level declarators."""
        content, exported, top_vars = self.content, self.exported, self.top_vars
        export_stmts: list[ts.Node] = []
        for stmt in self.root.named_children:
            kind = stmt.type
            if kind == "export_statement":
                export_stmts.append(stmt)
                decl = stmt.child_by_field_name("declaration")
                if decl is not None:
                    _top_declarators(decl, top_vars)
            elif kind == "expression_statement":
                expr = stmt.named_children[0] if stmt.named_child_count else None
                if expr is not None and expr.type == "assignment_expression":
                    self.cjs.append(expr)
            else:
                _top_declarators(stmt, top_vars)
        for stmt in export_stmts:
            decl = stmt.child_by_field_name("declaration")
            is_default = any(c.type == "default" for c in stmt.children)
            if decl is not None:
                if decl.type == "ambient_declaration" and decl.named_child_count:
                    decl = decl.named_children[0]
                exported[decl.start_byte] = (stmt.start_byte, is_default)
            elif stmt.child_by_field_name("source") is not None:
                self.reexports.append(stmt)
            else:
                self._local_exports(content, stmt, is_default)
        # Namespace bodies: their declarations are members, the exported ones visible outside.
        for ns in self.get("def.namespace", ()):
            _namespace_members(ns, exported, top_vars)

    def _local_exports(self, content: bytes, stmt: ts.Node, is_default: bool) -> None:
        """`export default x`, `export = x`, `export { a, b as c }`."""
        value = stmt.child_by_field_name("value")
        if value is None and not is_default:
            # `export = x` (TypeScript's CommonJS export)
            value = next((c for c in stmt.named_children if c.type == "identifier"), None)
            is_default = value is not None
        if value is not None:
            if is_default and value.type == "identifier":
                self.local_exports.append((value, "default"))
            return
        for clause in stmt.named_children:
            if clause.type != "export_clause":
                continue
            for spec in clause.named_children:
                local = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias")
                if local is not None:
                    exported_node = alias if alias is not None else local
                    self.local_exports.append((local, _text(content, exported_node)))

    def declarations(self) -> None:
        """Functions, signatures, classes, interfaces, types, enums, namespaces, members."""
        get, col = self.get, self.col
        for node in get("ambient", ()):
            if node.named_child_count:
                col.ambient[node.named_children[0].start_byte] = node.start_byte
        add = col.add
        skip = self.skip
        skip.update(n.start_byte for n in get("skip", ()))
        skip.update(n.start_byte for n in get("name.def", ()))
        for key, kind in (
            ("def.function", FUNCTION),
            ("def.signature", FUNCTION),
            ("def.class", CLASS),
            ("def.interface", INTERFACE),
            ("def.type", TYPE_ALIAS),
            ("def.enum", ENUM),
            ("def.namespace", NAMESPACE),
        ):
            group = "f" if kind == FUNCTION else ""
            scoped = kind in (FUNCTION, CLASS, NAMESPACE)
            if key == "def.signature":
                group, scoped = "f?", False
            for node in get(key, ()):
                scope_key = node.start_byte if scoped else -1
                add(kind, node, node.child_by_field_name("name"), _NEAREST, scope_key, group)
        for key, group in (("def.method", "m"), ("def.method_sig", "m?")):
            for node in get(key, ()):
                scope_key = node.start_byte if group == "m" else -1
                add(FUNCTION, node, node.child_by_field_name("name"), _NO_BIND, scope_key, group)
        for node in get("def.field", ()):
            add(ATTRIBUTE, node, node.child_by_field_name("name"), _NO_BIND)

    def variables(self) -> None:
        """`require`s, dynamic imports, functions and classes bound to names, module globals."""
        content, get, col, skip = self.content, self.get, self.col, self.skip
        add = col.add
        pats = self.pats = sorted(get("pat", ()), key=lambda n: n.start_byte)
        pat_starts = self.pat_starts = [n.start_byte for n in pats]
        special: set[int] = set()  # declarators handled as functions, classes or requires
        for decl in get("def.require", ()):
            special.add(decl.start_byte)
            _require_records(content, decl, col, pats, pat_starts, skip)
        if b"import(" in content or b"require(" in content:
            _dynamic_import_records(content, self.tree, col, special, skip)
        for decl in get("def.var_value", ()):
            name_node = decl.child_by_field_name("name")
            value = decl.child_by_field_name("value")
            if name_node is None or value is None or name_node.type != "identifier":
                continue
            if decl.start_byte in special:
                continue
            special.add(decl.start_byte)
            node, ext, bind = _declaration_of(decl)
            kind = FUNCTION if value.type in _FUNCTION_VALUES else CLASS
            add(kind, node, name_node, bind, value.start_byte, ext_base=ext)
            skip.add(name_node.start_byte)
        for decl in self.top_vars:
            if decl.start_byte in special:
                continue
            name_node = decl.child_by_field_name("name")
            if name_node is None:
                continue
            node, ext, bind = _declaration_of(decl)
            if name_node.type == "identifier":
                names = [name_node]
            else:
                lo = bisect_left(pat_starts, name_node.start_byte)
                hi = bisect_left(pat_starts, name_node.end_byte)
                names = pats[lo:hi]
            for bound in names:
                add(GLOBAL_VAR, node, bound, bind, ext_base=ext)
                skip.add(bound.start_byte)

    def imports(self) -> None:
        """Import statements and re-exporting export statements."""
        for stmt in self.get("import", ()):
            _import_records(self.content, stmt, self.col, reexport=False)
        for stmt in self.reexports:
            _import_records(self.content, stmt, self.col, reexport=True)

    def number_definitions(self) -> None:
        """Number the definitions in document order, merging overloads (`f(): A; f(x): B;
        f(x) {}`) into one definition spanning them."""
        defs, owner_of, placed = self.defs, self.owner_of, self.placed
        events = self.col.events
        events.sort(key=lambda e: (e[0], e[1]))
        open_group = ""
        for pos, _, record, bind, scope_key, group in events:
            if open_group and group and group.rstrip("?") == open_group[0]:
                last = defs[-1]
                if last.name == record.name and open_group[1:] == record.name:
                    last.start, last.end = record.start, record.end
                    last.name_start, last.name_end = record.name_start, record.name_end
                    last.start_point, last.end_point = record.start_point, record.end_point
                    last.is_exported = last.is_exported or record.is_exported
                    if scope_key >= 0:
                        owner_of[scope_key] = len(defs) - 1
                    if not group.endswith("?"):
                        open_group = ""
                    continue
            defs.append(record)
            i = len(defs) - 1
            if scope_key >= 0:
                owner_of[scope_key] = i
            placed.append((pos, i, bind))
            open_group = group[0] + record.name if group.endswith("?") else ""

    def build_scopes(self) -> None:
        """The scopes that matter, and each definition placed in its scope.

        Only names that some definition or import of this file carries can resolve to one, so
        only bindings of those names matter, and only scopes holding one of them (or a def, or
        a `this`) need to exist: most blocks and callbacks of a file never open a scope here.
        """
        content, get, defs, owner_of = self.content, self.get, self.defs, self.owner_of
        def_names = self.def_names = {d.name.encode() for d in defs if d.name}
        binding_nodes: list[ts.Node] = []
        for key in ("root.var", "root.let", "pat", "bind"):
            binding_nodes.extend(
                n for n in get(key, ()) if content[n.start_byte : n.end_byte] in def_names
            )
        this_nodes = self.this_nodes = get("this", [])
        marks = sorted(
            [pos for pos, _, _ in self.placed]
            + [n.start_byte for n in binding_nodes]
            + [n.start_byte for n in this_nodes]
        )
        n_marks = len(marks)
        scopes = self.scopes
        for key, kind in (
            ("scope.function", sc.FUNCTION),
            ("scope.lambda", sc.LAMBDA),
            ("scope.class", sc.CLASS),
            ("scope.block", sc.BLOCK),
            ("scope.type", _TYPE_SCOPE),
        ):
            named = kind in (sc.FUNCTION, sc.CLASS, _TYPE_SCOPE)
            for node in get(key, ()):
                start = node.start_byte
                end = node.end_byte
                owner = owner_of.get(start, -1) if kind != sc.BLOCK else -1
                if owner < 0 and kind != sc.CLASS:
                    i = bisect_left(marks, start)
                    if i == n_marks or marks[i] >= end:
                        continue  # binds nothing that matters
                if named and node.type not in _SELF_NAMED:
                    name_node = node.child_by_field_name("name")
                    if name_node is not None:
                        start = name_node.end_byte
                scope = sc.Scope(start, end, kind, owner)
                if owner >= 0 and kind == sc.FUNCTION and node.type == "method_definition":
                    self.method_scopes.add(id(scope))
                scopes.append(scope)
        sc.link_scopes(scopes)
        scope_obj, hoisted = self._scope_obj, self._hoisted
        sweep = sc.ScopeSweep(scopes)
        for pos, i, bind in self.placed:
            s = sweep.at(pos)
            record = defs[i]
            record.parent = scope_obj(s).owner
            if bind and record.name:
                scope_obj(hoisted(s) if bind == _VAR else s).add_def(record.name, pos, i)

    def _scope_obj(self, i: int) -> sc.Scope:
        return self.scopes[i] if i >= 0 else self.module

    def _hoisted(self, i: int) -> int:
        scopes = self.scopes
        while i >= 0 and scopes[i].kind not in _HOIST:
            i = scopes[i].parent
        return i

    def sweep_names(self) -> None:
        """One sweep over every name in document order: bindings go to their scope, the
        rest become pending references (with write/call/type flags)."""
        content, get = self.content, self.get
        roots: list[tuple[int, int, int]] = []
        root_ident: dict[int, int] = {}
        for key, root_code in (
            ("root.var", _ROOT_VAR),
            ("root.let", _ROOT_LET),
            ("root.write", _ROOT_WRITE),
        ):
            for node in get(key, ()):
                if node.type == "identifier":
                    root_ident[node.start_byte] = root_code
                else:
                    roots.append((node.start_byte, node.end_byte, root_code))
        root_sweep = sc.OwnerSweep(roots)
        pat_set = set(self.pat_starts)
        binds = {n.start_byte for n in get("bind", ())}
        writes = {n.start_byte for n in get("write", ())}
        callees = {n.start_byte for n in get("callee", ())}
        types = {n.start_byte for n in get("type", ())}
        jsx = self.jsx = {n.start_byte for n in get("jsx", ())}
        jsx_close = {n.start_byte for n in get("jsx.close", ())}
        stmt_ranges = sorted(
            [(n.start_byte, n.end_byte) for n in get("import", ())]
            + [(n.start_byte, n.end_byte) for n in self.reexports]
        )
        n_stmts = len(stmt_ranges)
        stmt_i = 0
        skip = self.skip
        scope_obj, hoisted = self._scope_obj, self._hoisted
        sweep = sc.ScopeSweep(self.scopes)
        pending = self.pending
        # Names no definition carries (locals, runtime globals) resolve to nothing: skip them.
        def_names = self.def_names
        idents = [n for n in get("ident", ()) if content[n.start_byte : n.end_byte] in def_names]
        idents.sort(key=lambda n: n.start_byte)
        for node in idents:
            pos = node.start_byte
            end = node.end_byte
            if pos in skip:
                continue
            while stmt_i < n_stmts and stmt_ranges[stmt_i][1] <= pos:
                stmt_i += 1
            if stmt_i < n_stmts and stmt_ranges[stmt_i][0] <= pos:
                continue  # a name inside an import statement: handled by its import record
            flags = 0
            if pos in jsx:
                if 97 <= content[pos] <= 122:
                    continue  # an intrinsic element (`<div>`), not a component
                flags = REF_CALL
            elif pos in jsx_close and 97 <= content[pos] <= 122:
                continue  # `</div>`
            s = sweep.at(pos)
            name = content[pos:end].decode("utf-8", "replace")
            if pos in binds:
                scope_obj(s).binds.add(name)
                continue
            code: int | None = root_ident.get(pos)
            if code is None and pos in pat_set:
                code = root_sweep.at(pos)
            if code == _ROOT_LET:
                scope_obj(s).binds.add(name)
                continue
            if code == _ROOT_VAR:
                scope_obj(hoisted(s)).binds.add(name)
                continue
            if code == _ROOT_WRITE or pos in writes:
                flags |= REF_WRITE
            if pos in callees:
                flags |= REF_CALL
            if pos in types:
                flags |= REF_TYPE
            pending.append((name, pos, end, s, flags))

    def references(self) -> None:
        """Resolve the pending names now that every scope's bindings are known; chains from
        them, from `this`, from typed values and constructed locals."""
        content, index, defs, scopes, jsx = (
            self.content,
            self.index,
            self.defs,
            self.scopes,
            self.jsx,
        )
        module = self.module
        owners = sc.OwnerSweep(
            (d.ext_start, d.end, i) for i, d in enumerate(defs) if d.kind != IMPORT
        )
        refs = index.refs
        for name, start, end, s, flags in self.pending:
            target = _resolve(scopes, module, name, start, s)
            if target < 0:
                continue
            owner = owners.at(start)
            refs.append((start, end, target, owner, flags))
            if content[end : end + 1] in _CHAIN_NEXT:
                _add_chain(index, content, start, target, DEF_HEAD, owner, start in jsx)
        if self.this_nodes:
            sweep = sc.ScopeSweep(scopes)
            owners = sc.OwnerSweep(
                (d.ext_start, d.end, i) for i, d in enumerate(defs) if d.kind != IMPORT
            )
            for pos in sorted({n.start_byte for n in self.this_nodes}):
                s = sweep.at(pos)
                cls = _this_class(scopes, self.method_scopes, defs, s)
                if cls >= 0:
                    _add_chain(index, content, pos, cls, SELF_HEAD, owners.at(pos), False)
            index.chains.sort(key=lambda c: c[3][0])
        if b"new " in content or b":" in content:
            _typed_values(index, content, self.tree, defs)
        if b"new " in content:
            _constructed_locals(index, content, self.tree, scopes, defs)
        index.chains.sort(key=lambda c: c[3][0])

    def export_table(self) -> None:
        """The names the module exports, and the definitions they stand for."""
        content, defs, exported = self.content, self.defs, self.exported
        exports = self.index.exports
        for i, record in enumerate(defs):
            if record.is_exported and record.parent < 0:
                if record.kind == IMPORT:
                    if record.imported_name != "*":
                        exports[record.name] = i
                    continue
                default = exported.get(record.start)
                out = "default" if default is not None and default[1] else record.name
                known = exports.get(out)
                if known is not None and record.kind == NAMESPACE and defs[known].kind != NAMESPACE:
                    continue  # `interface X` + `namespace X`: the name stands for the first
                exports[out] = i
        for name_node, out in self.local_exports:
            target = _module_binding(self.module, _text(content, name_node))
            if target >= 0:
                exports[out] = target
                defs[target].is_exported = True
        for node in self.cjs:
            _commonjs_exports(content, node, self.module, self.index)


def _top_declarators(stmt: ts.Node, out: list[ts.Node]) -> None:
    """Collect the declarators of a module-level `const`/`let`/`var` (possibly `declare`d)."""
    if stmt.type == "ambient_declaration" and stmt.named_child_count:
        stmt = stmt.named_children[0]
    if stmt.type in ("lexical_declaration", "variable_declaration"):
        out.extend(c for c in stmt.named_children if c.type == "variable_declarator")


def _namespace_members(
    ns: ts.Node, exported: dict[int, tuple[int, bool]], out: list[ts.Node]
) -> None:
    """Mark the exported declarations of a namespace body and collect its declarators.

    In an ambient namespace (`declare namespace X {}`) every declaration is exported.
    """
    body = ns.child_by_field_name("body")
    if body is None:
        return
    parent = ns.parent
    ambient = parent is not None and parent.type == "ambient_declaration"
    for stmt in body.named_children:
        decl = stmt
        if stmt.type == "export_statement":
            inner = stmt.child_by_field_name("declaration")
            if inner is None:
                continue
            decl = inner
        elif not ambient:
            _top_declarators(stmt, out)
            continue
        if decl.type == "ambient_declaration" and decl.named_child_count:
            decl = decl.named_children[0]
        exported[decl.start_byte] = (stmt.start_byte, False)
        _top_declarators(decl, out)


def _declaration_of(decl: ts.Node) -> tuple[ts.Node, int, int]:
    """The node a declarator's definition spans, where its extended range starts, its binding.

    A lone declarator spans its whole statement (`const f = () => 1;`); one of several spans
    only itself, except that the first one's extended range starts with the statement.
    """
    stmt = decl.parent
    if stmt is None:
        return decl, decl.start_byte, _NEAREST
    bind = _VAR if stmt.type == "variable_declaration" else _NEAREST
    if stmt.named_child_count == 1:
        return stmt, stmt.start_byte, bind
    first = stmt.named_children[0]
    return decl, stmt.start_byte if first.start_byte == decl.start_byte else decl.start_byte, bind


def _module_binding(module: sc.Scope, name: str) -> int:
    bindings = module.defs.get(name)
    return bindings[-1][1] if bindings else -1


def _resolve(scopes: list[sc.Scope], module: sc.Scope, name: str, position: int, s: int) -> int:
    sequential = True  # no function or class boundary between the reference and here
    while s >= 0:
        scope = scopes[s]
        if name in scope.binds:
            bindings = scope.defs.get(name)
            if bindings is None:
                return sc.LOCAL
            return sc.pick_binding(bindings, position, sequential)
        if scope.kind in _HOIST:
            sequential = False
        s = scope.parent
    bindings = module.defs.get(name)
    if bindings is not None:
        return sc.pick_binding(bindings, position, sequential)
    return sc.LOCAL if name in module.binds else sc.UNBOUND


def _this_class(
    scopes: list[sc.Scope], method_scopes: set[int], defs: list[DefRecord], s: int
) -> int:
    """The class `this` refers to at scope `s` (arrow functions see through), or -1."""
    while s >= 0:
        scope = scopes[s]
        if scope.kind == sc.CLASS:
            return scope.owner
        if scope.kind == sc.FUNCTION:
            if id(scope) not in method_scopes:
                return -1
            parent = defs[scope.owner].parent
            return parent if parent >= 0 and defs[parent].kind == CLASS else -1
        s = scope.parent
    return -1


@cache
def _typed_query(grammar: ts.Language) -> ts.Query:
    return load_query(grammar, __package__, "typed.scm")


def _typed_values(index: FileIndex, content: bytes, tree: ts.Tree, defs: list[DefRecord]) -> None:
    """Values whose class the code states: typed fields and parameters, `this.x = new C()`,
    parameter properties; and `super.m` in methods. Their member chains can then be followed.
    """
    classes = [(d.start, d.end, i) for i, d in enumerate(defs) if d.kind == CLASS]
    functions = [(d.start, d.end) for d in defs if d.kind == FUNCTION]

    def innermost_class(pos: int) -> int:
        best = -1
        for start, end, i in classes:
            if start <= pos < end and (best < 0 or start >= defs[best].start):
                best = i
        return best

    owners = sc.OwnerSweep((d.ext_start, d.end, i) for i, d in enumerate(defs) if d.kind != IMPORT)
    chains: list[tuple[int, int, int, int]] = []  # (position, head, kind, span start)
    params: list[tuple[str, int, int, int]] = []
    for _, caps in ts.QueryCursor(_typed_query(tree.language)).matches(tree.root_node):
        if "super" in caps:
            pos = caps["super"][0].start_byte
            cls = innermost_class(pos)
            if cls >= 0:
                chains.append((pos, cls, SUPER_HEAD, -1))
        elif "member.name" in caps:
            name, type_ = caps["member.name"][0], caps["member.type"][0]
            cls = innermost_class(name.start_byte)
            if cls >= 0:
                attr = content[name.start_byte : name.end_byte].decode("utf-8", "replace")
                index.instance_attrs.append((cls, attr, type_.start_byte, type_.end_byte))
        if "param.name" in caps:
            name, type_ = caps["param.name"][0], caps["param.type"][0]
            key = content[name.start_byte : name.end_byte].decode("utf-8", "replace")
            params.append((key, name.start_byte, type_.start_byte, type_.end_byte))
    # A typed parameter: `p.m()` inside its function (unless a nested function reuses the name).
    declared = [(k, pos) for k, pos, _, _ in params]
    for key, pos, type_start, type_end in params:
        body = min(
            ((start, end) for start, end in functions if start <= pos < end),
            key=lambda r: r[1] - r[0],
            default=None,
        )
        if body is None:
            continue
        if any(k == key and p != pos and body[0] <= p < body[1] for k, p in declared):
            continue
        pattern = re.compile(rb"(?<![\w$.])" + re.escape(key.encode()) + rb"(?=\??\.[A-Za-z_$])")
        for match in pattern.finditer(content, pos + len(key), body[1]):
            index.local_ctors.append((type_start, type_end))
            chains.append((match.start(), len(index.local_ctors) - 1, INSTANCE_HEAD, -1))
    for pos, head, kind, _ in sorted(chains):
        _add_chain(index, content, pos, head, kind, owners.at(pos), False)


@cache
def _ctor_query(grammar: ts.Language) -> ts.Query:
    return load_query(grammar, __package__, "ctor.scm")


def _constructed_locals(
    index: FileIndex,
    content: bytes,
    tree: ts.Tree,
    scopes: list[sc.Scope],
    defs: list[DefRecord],
) -> None:
    """`const x = new Foo(...)`: `x.method()` in the same scope can be followed to `Foo`.

    Heuristic: only names declared once in the file this way, and only uses inside the
    declaring scope after the declaration.
    """
    found: dict[str, list[tuple[int, int, int]]] = {}
    for _, caps in ts.QueryCursor(_ctor_query(tree.language)).matches(tree.root_node):
        name, ctor = caps["name"][0], caps["ctor"][0]
        key = content[name.start_byte : name.end_byte].decode("utf-8", "replace")
        found.setdefault(key, []).append((name.end_byte, ctor.start_byte, ctor.end_byte))
    if not found:
        return
    owners = sc.OwnerSweep((d.ext_start, d.end, i) for i, d in enumerate(defs) if d.kind != IMPORT)
    uses: list[tuple[int, int, int, int]] = []
    for key, entries in found.items():
        if len(entries) != 1:
            continue
        declared, ctor_start, ctor_end = entries[0]
        scope_end = min(
            (sc_.end for sc_ in scopes if sc_.start <= declared < sc_.end), default=len(content)
        )
        pattern = re.compile(rb"(?<![\w$.])" + re.escape(key.encode()) + rb"(?=\??\.[A-Za-z_$])")
        for match in pattern.finditer(content, declared, scope_end):
            uses.append((match.start(), ctor_start, ctor_end, 0))
    for pos, ctor_start, ctor_end, _ in sorted(uses):
        index.local_ctors.append((ctor_start, ctor_end))
        head = len(index.local_ctors) - 1
        _add_chain(index, content, pos, head, INSTANCE_HEAD, owners.at(pos), False)


def _add_chain(
    index: FileIndex, content: bytes, start: int, head: int, head_kind: int, owner: int, jsx: bool
) -> None:
    """Record the dotted chain (`a.b.c`, `this.x`) that the name at `start` heads, if any.

    The chain is read from the text: after an identifier, `.` and `?.` can only be member
    access. It stops where the chain stops being a plain dotted name (`a.b(c).d` -> `a.b`).
    """
    match = _CHAIN_RE.match(content, start)
    if match is None:
        return
    end = match.end()
    words = _WORD_RE.findall(content, start, end)
    components: list[tuple[int, int]] = []
    offset = start + len(words[0])
    for word in words[1:]:
        offset = content.index(word, offset)
        components.append((offset, offset + len(word)))
        offset += len(word)
    after = _CALL_RE.match(content, end)
    last_call = REF_CALL if jsx or after is not None else 0
    index.chains.append((head, head_kind, owner, tuple(components), last_call))


def _import_records(content: bytes, stmt: ts.Node, col: _Defs, reexport: bool) -> None:
    """One import record per name an import (or `export ... from`) statement binds."""
    source = stmt.child_by_field_name("source")
    module = _string_value(content, source) if source is not None else ""
    type_only = any(c.type == "type" for c in stmt.children)
    bind = _NO_BIND if reexport else _NEAREST
    made = False

    def make(
        name_node: ts.Node | None, name: str, imported: str | None, alias: str | None, typed: bool
    ) -> None:
        nonlocal made
        made = True
        record = col.add(IMPORT, stmt, name_node, bind, name=name, ext_base=stmt.start_byte)
        record.ext_start = stmt.start_byte
        record.module = module
        record.imported_name = imported
        record.alias = alias
        record.is_reexport = reexport
        record.is_type_only = type_only or typed
        record.is_exported = reexport

    for child in stmt.named_children:
        kind = child.type
        if kind == "import_clause":
            for part in child.named_children:
                if part.type == "identifier":
                    name = _text(content, part)
                    make(part, name, "default", name, False)
                elif part.type == "namespace_import":
                    ident = part.named_children[0] if part.named_child_count else None
                    if ident is not None:
                        name = _text(content, ident)
                        make(ident, name, None, name, False)
                elif part.type == "named_imports":
                    _specifiers(content, part, make)
        elif kind == "export_clause":
            _specifiers(content, child, make)
        elif kind == "namespace_export":
            ident = child.named_children[0] if child.named_child_count else None
            if ident is not None:
                name = _text(content, ident)
                make(ident, name, None, name, False)
        elif kind == "import_require_clause":
            ident = child.named_children[0] if child.named_child_count else None
            src = child.child_by_field_name("source")
            if ident is not None and src is not None:
                module = _string_value(content, src)
                name = _text(content, ident)
                make(ident, name, None, name, False)
    if not made:
        star = next((c for c in stmt.children if c.type == "*"), None)
        if reexport and star is not None:
            make(star, "*", "*", None, False)
        elif not reexport:
            make(None, "", None, None, False)  # `import './side-effect'`


def _specifiers(
    content: bytes,
    clause: ts.Node,
    make: Callable[[ts.Node | None, str, str | None, str | None, bool], None],
) -> None:
    for spec in clause.named_children:
        name_node = spec.child_by_field_name("name")
        if name_node is None:
            continue
        alias_node = spec.child_by_field_name("alias")
        if name_node.type == "string":
            imported = _string_value(content, name_node)
        else:
            imported = _text(content, name_node)
        typed = any(c.type == "type" for c in spec.children)
        if alias_node is not None:
            alias = _text(content, alias_node)
            make(alias_node, alias, imported, alias, typed)
        else:
            make(name_node, imported, imported, None, typed)


@cache
def _dynamic_query(grammar: ts.Language) -> ts.Query:
    return load_query(grammar, __package__, "dynamic.scm")


def _dynamic_import_records(
    content: bytes, tree: ts.Tree, col: _Defs, special: set[int], skip: set[int]
) -> None:
    """`import("m")` and `require("m")` calls a declarator does not already bind: an import
    record for each, binding `x` for `const x = await import("m")`, else no name."""
    cursor = ts.QueryCursor(_dynamic_query(tree.language))
    calls = cursor.captures(tree.root_node).get("dyn", ())
    for call in calls:
        args = call.child_by_field_name("arguments")
        if args is None or not args.named_child_count:
            continue
        holder = call.parent
        if holder is not None and holder.type == "await_expression":
            holder = holder.parent
        if holder is not None and holder.type == "variable_declarator":
            if holder.start_byte in special:
                continue  # `const x = require("m")`: recorded already
            name_node = holder.child_by_field_name("name")
            if name_node is not None and name_node.type == "identifier":
                special.add(holder.start_byte)
                skip.add(name_node.start_byte)
                stmt = holder.parent if holder.parent is not None else holder
                bind = _VAR if stmt.type == "variable_declaration" else _NEAREST
                record = col.add(IMPORT, stmt, name_node, bind, ext_base=stmt.start_byte)
                record.ext_start = stmt.start_byte
                record.module = _string_value(content, args.named_children[0])
                record.alias = record.name
                continue
        node = call
        parent = call.parent
        if parent is not None and parent.type == "await_expression":
            node, parent = parent, parent.parent
        if parent is not None and parent.type == "expression_statement":
            node = parent
        record = col.add(IMPORT, node, None, _NO_BIND, ext_base=node.start_byte)
        record.ext_start = node.start_byte
        record.module = _string_value(content, args.named_children[0])


def _require_records(
    content: bytes,
    decl: ts.Node,
    col: _Defs,
    pats: list[ts.Node],
    pat_starts: list[int],
    skip: set[int],
) -> None:
    """Import records for `const x = require('m')` and `const {a, b: c} = require('m')`."""
    name_node = decl.child_by_field_name("name")
    value = decl.child_by_field_name("value")
    args = value.child_by_field_name("arguments") if value is not None else None
    if name_node is None or args is None or not args.named_child_count:
        return
    module = _string_value(content, args.named_children[0])
    stmt = decl.parent if decl.parent is not None else decl
    bind = _VAR if stmt.type == "variable_declaration" else _NEAREST
    bound: list[tuple[ts.Node, str | None, str | None]] = []
    if name_node.type == "identifier":
        bound.append((name_node, None, _text(content, name_node)))
    elif name_node.type == "object_pattern":
        for part in name_node.named_children:
            if part.type == "shorthand_property_identifier_pattern":
                bound.append((part, _text(content, part), None))
            elif part.type == "pair_pattern":
                key = part.child_by_field_name("key")
                val = part.child_by_field_name("value")
                if key is not None and val is not None and val.type == "identifier":
                    bound.append((val, _text(content, key), _text(content, val)))
    for node, imported, alias in bound:
        record = col.add(IMPORT, stmt, node, bind, ext_base=stmt.start_byte)
        record.ext_start = stmt.start_byte
        record.module = module
        record.imported_name = imported
        record.alias = alias
        skip.add(node.start_byte)


def _commonjs_exports(content: bytes, node: ts.Node, module: sc.Scope, index: FileIndex) -> None:
    """`module.exports = x`, `module.exports = {a, b: c}`, `exports.y = x`."""
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if left is None or right is None:
        return
    target = content[left.start_byte : left.end_byte]
    if target == b"module.exports":
        if right.type == "identifier":
            _export_local(content, right, "default", module, index)
        elif right.type == "object":
            for part in right.named_children:
                if part.type == "shorthand_property_identifier":
                    _export_local(content, part, _text(content, part), module, index)
                elif part.type == "pair":
                    key = part.child_by_field_name("key")
                    val = part.child_by_field_name("value")
                    if key is not None and val is not None and val.type == "identifier":
                        _export_local(content, val, _text(content, key), module, index)
        return
    for prefix in (b"module.exports.", b"exports."):
        if target.startswith(prefix) and right.type == "identifier":
            name = target[len(prefix) :].decode("utf-8", "replace")
            if name.isidentifier():
                _export_local(content, right, name, module, index)
            return


def _export_local(
    content: bytes, node: ts.Node, exported_as: str, module: sc.Scope, index: FileIndex
) -> None:
    target = _module_binding(module, _text(content, node))
    if target >= 0:
        index.exports[exported_as] = target
        index.defs[target].is_exported = True


def resolve_module(importer: str, specifier: str, exists: Callable[[str], bool]) -> str | None:
    """Resolve a relative import specifier to a file path, or None (external or missing).

    `importer` and the result are POSIX paths relative to the codebase root. Tries the exact
    path, then each TypeScript/JavaScript extension, then `<path>/index.<ext>`; a `.js`-style
    specifier also finds the TypeScript source beside it (`./a.js` -> `./a.ts`). Package names,
    tsconfig `paths` and workspaces are resolved by `typescript_modules.ModuleResolver`.
    """
    return resolve_relative(importer, specifier, exists)
