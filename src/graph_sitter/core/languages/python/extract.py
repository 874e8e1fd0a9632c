"""Python: extraction of definitions, imports and references (module names: `modules.py`).

Scoping follows the language: function locals are decided by the whole function body; a class
body is visible only to code directly inside it (not to its methods); comprehensions and lambdas
open their own scopes; `global` and `nonlocal` are honoured.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import tree_sitter as ts

from graph_sitter.core._gc import paused_gc
from graph_sitter.core._records import (
    CLASS,
    DEF_HEAD,
    FUNCTION,
    GLOBAL_VAR,
    IMPORT,
    INSTANCE_HEAD,
    REF_CALL,
    REF_WRITE,
    SELF_HEAD,
    SUPER_HEAD,
    TARGET_STAR,
    DefRecord,
    FileIndex,
)
from graph_sitter.core.languages import _scopes as sc
from graph_sitter.core.languages._common import (
    error_ranges,
    leading_comment_start,
    line_count,
    load_query,
)

ATTRIBUTE = "attribute"  # a class-body variable (exposed through `Class.attributes`)

NAME = "python"

_END = 1 << 62
_CHAIN_RE = re.compile(rb"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


@cache
def language() -> ts.Language:
    import tree_sitter_python

    return ts.Language(tree_sitter_python.language())


@cache
def _query() -> ts.Query:
    return load_query(language(), __package__, "python.scm")


def _text(content: bytes, node: ts.Node) -> str:
    return content[node.start_byte : node.end_byte].decode("utf-8", "replace")


def extract(content: bytes, tree: ts.Tree) -> FileIndex:
    """Extract the `FileIndex` of one parsed Python file."""
    with paused_gc():
        return _Extraction(content, tree).run()


class _Extraction:
    """One file's extraction, phase by phase over the captures of one query: scopes and
    function/class records, one sweep over identifiers (definitions and imports placed as it
    passes them), references and chains, then the extras (call heads, instance attributes,
    dynamic imports)."""

    def __init__(self, content: bytes, tree: ts.Tree) -> None:
        self.content = content
        self.root = tree.root_node
        self.caps: dict[str, list[ts.Node]] = ts.QueryCursor(_query()).captures(self.root)
        self.get = self.caps.get
        self.index = FileIndex(language=NAME, line_count=line_count(content))
        self.defs = self.index.defs
        self.scopes: list[sc.Scope] = []
        self.def_events: list[tuple[int, str, ts.Node, ts.Node | None, sc.Scope | None]] = []
        self.module = sc.Scope(0, len(content), sc.MODULE, -1)
        self.pending: list[tuple[str, int, int, int, int]] = []  # (name, start, end, scope, flags)
        self.local_binds: dict[tuple[int, str], list[ts.Node]] = {}  # plain locals: where bound
        self.callees: set[int] = set()
        self.star = False
        # the sweep's cursor over definitions and imports
        self.imports: list[ts.Node] = []
        self.def_i = 0
        self.imp_i = 0
        self.upcoming = -1  # where the next definition or import starts (flush only from there)
        self.import_end = -1  # where the last import statement seen ends

    def run(self) -> FileIndex:
        self.definitions()
        self.sweep_names()
        self.references()
        self.extras()
        root = self.root
        if root.has_error:
            self.index.errors = error_ranges(root)
        return self.index

    def definitions(self) -> None:
        """Scopes, and the function and class records in document order (scope owners are
        def indices, known only once records exist)."""
        content, get, index, defs = self.content, self.get, self.index, self.defs
        scopes, def_events = self.scopes, self.def_events
        for kind, field in ((FUNCTION, "parameters"), (CLASS, "body")):
            for node in get(f"def.{kind}", ()):
                inner = node.child_by_field_name(field)
                scope = None
                if inner is not None:
                    scope = sc.Scope(inner.start_byte, node.end_byte, kind, -1)
                    scopes.append(scope)
                def_events.append(
                    (node.start_byte, kind, node, node.child_by_field_name("name"), scope)
                )
        for node in get("scope.lambda", ()):
            scopes.append(sc.Scope(node.start_byte, node.end_byte, sc.LAMBDA, -1))
        for node in get("scope.comp", ()):
            scopes.append(sc.Scope(node.start_byte, node.end_byte, sc.COMPREHENSION, -1))
        def_events.sort(key=lambda e: e[0])
        for _, kind, node, name_node, scope in def_events:
            start = node.start_byte
            parent_node = node.parent
            ext = (
                parent_node.start_byte
                if parent_node is not None and parent_node.type == "decorated_definition"
                else start
            )
            ext = leading_comment_start(content, ext, b"#")
            name = _text(content, name_node) if name_node is not None else ""
            ns = name_node.start_byte if name_node is not None else start
            ne = name_node.end_byte if name_node is not None else start
            defs.append(
                DefRecord(
                    kind, name, start, node.end_byte, ext, ns, ne, node.start_point, node.end_point
                )
            )
            if scope is not None:
                scope.owner = len(defs) - 1
            if kind == FUNCTION:
                returns = _type_span(node.child_by_field_name("return_type"))
                if returns is not None:
                    index.return_types[len(defs) - 1] = returns
        sc.link_scopes(scopes)

    def _scope_obj(self, i: int) -> sc.Scope:
        return self.scopes[i] if i >= 0 else self.module

    def _flush(self, limit: int, sweep: sc.ScopeSweep) -> None:
        """Place definitions and imports starting at or before `limit`, in order."""
        def_events, imports, defs = self.def_events, self.imports, self.defs
        n_events = len(def_events)
        scope_obj = self._scope_obj
        while True:
            d = def_events[self.def_i][0] if self.def_i < n_events else None
            m = imports[self.imp_i].start_byte if self.imp_i < len(imports) else None
            if d is not None and d <= limit and (m is None or d <= m):
                owner_scope = scope_obj(sweep.at(d))
                record = defs[self.def_i]
                record.parent = owner_scope.owner
                if record.name:
                    owner_scope.add_def(record.name, d, self.def_i)
                self.def_i += 1
            elif m is not None and m <= limit:
                target = scope_obj(sweep.at(m))
                for record in _import_records(self.content, imports[self.imp_i]):
                    record.parent = target.owner
                    defs.append(record)
                    if record.imported_name == "*":
                        self.star = True
                    else:
                        target.add_def(record.name, record.start, len(defs) - 1)
                self.import_end = imports[self.imp_i].end_byte
                self.imp_i += 1
            else:
                self.upcoming = min(d if d is not None else _END, m if m is not None else _END)
                return

    def sweep_names(self) -> None:
        """One sweep over identifiers, definitions and imports in document order: bindings
        go to their scope (module and class assignments become records), the rest pending."""
        content, get, defs, scopes = self.content, self.get, self.defs, self.scopes
        skip: set[int] = set()
        for key in ("name.def", "name.attr", "name.kw"):
            skip.update(n.start_byte for n in get(key, ()))
        globals_ = {n.start_byte for n in get("name.global", ())}
        nonlocals = {n.start_byte for n in get("name.nonlocal", ())}
        assign_binds = {n.start_byte for n in get("bind.assign", ())}
        binds = {n.start_byte for n in get("bind", ())}
        aug_binds = {n.start_byte for n in get("bind.aug", ())}
        walrus = {n.start_byte for n in get("bind.walrus", ())}
        callees = self.callees = {n.start_byte for n in get("callee", ())}
        self.imports = sorted(get("import", ()), key=lambda n: n.start_byte)
        sweep = sc.ScopeSweep(scopes)
        pending, local_binds = self.pending, self.local_binds
        idents = sorted(get("ident", ()), key=lambda n: n.start_byte)
        scope_obj, flush = self._scope_obj, self._flush
        upcoming = self.upcoming
        import_end = self.import_end
        for node in idents:
            pos = node.start_byte
            if pos >= upcoming:
                flush(pos, sweep)
                upcoming, import_end = self.upcoming, self.import_end
            if pos in skip:
                continue
            if import_end > pos:
                continue  # a name inside an import statement: handled by its import record
            s = sweep.at(pos)
            scope = scope_obj(s)
            name = content[pos : node.end_byte].decode("utf-8", "replace")
            if pos in globals_:
                scope.globals.add(name)
                continue
            if pos in nonlocals:
                scope.nonlocals.add(name)
                continue
            if pos in walrus:
                while s >= 0 and scopes[s].kind == sc.COMPREHENSION:
                    s = scopes[s].parent
                scope = scope_obj(s)
            if pos in assign_binds or pos in binds or pos in walrus:
                if (
                    name in scope.globals
                    or name in scope.nonlocals
                    or (scope.kind in (sc.MODULE, sc.CLASS) and name in scope.defs)
                ):
                    pending.append((name, pos, node.end_byte, s, REF_WRITE))
                elif scope.kind in (sc.MODULE, sc.CLASS) and pos in assign_binds:
                    stmt = _statement_of(node)
                    kind = GLOBAL_VAR if scope.kind == sc.MODULE else ATTRIBUTE
                    defs.append(
                        DefRecord(
                            kind,
                            name,
                            stmt.start_byte,
                            stmt.end_byte,
                            stmt.start_byte,
                            pos,
                            node.end_byte,
                            stmt.start_point,
                            stmt.end_point,
                            scope.owner,
                        )
                    )
                    scope.add_def(name, pos, len(defs) - 1)
                else:
                    scope.binds.add(name)
                    local_binds.setdefault((s, name), []).append(node)
                continue
            flags = REF_CALL if pos in callees else 0
            if pos in aug_binds:
                flags |= REF_WRITE
                scope.binds.add(name)
                local_binds.setdefault((s, name), []).append(node)
            pending.append((name, pos, node.end_byte, s, flags))
        flush(len(content) + 1, sweep)  # definitions after the last identifier

    def references(self) -> None:
        """Resolve the pending names now that every scope's bindings are known; chains from
        names, `self`/`cls`, `super()` and locals bound to one class."""
        content, index, defs, scopes = self.content, self.index, self.defs, self.scopes
        module, star, callees = self.module, self.star, self.callees
        chains = _chain_ranges(self.get("chain", []))
        owners = sc.OwnerSweep(
            (d.ext_start, d.end, i) for i, d in enumerate(defs) if d.kind != IMPORT
        )
        refs = index.refs
        for name, start, end, s, flags in self.pending:
            target = _resolve(scopes, module, name, start, s, star)
            owner = owners.at(start)
            if name == "super" and target in (sc.UNBOUND, TARGET_STAR) and start in chains:
                cls = _enclosing_class(scopes, defs, s)
                if cls >= 0:
                    _add_super_chain(index, content, start, chains[start], cls, owner, callees)
                if target == sc.UNBOUND:
                    continue
            if target >= 0 or target == TARGET_STAR:
                refs.append((start, end, target, owner, flags))
                chain_end = chains.get(start)
                if chain_end is not None and target >= 0:
                    _add_chain(index, content, start, chain_end, target, DEF_HEAD, owner, callees)
            elif target == sc.LOCAL and name in ("self", "cls") and start in chains:
                cls = _enclosing_class(scopes, defs, s)
                if cls >= 0:
                    _add_chain(index, content, start, chains[start], cls, SELF_HEAD, owner, callees)
            elif target == sc.LOCAL and start in chains:
                self._local_chain(name, start, s, chains[start], owner)

    def _local_chain(self, name: str, start: int, s: int, chain_end: int, owner: int) -> None:
        """Every binding of `x` names one class (`x = C(...)`, `x: C`, a parameter `x: C`,
        `x = make()` with `def make() -> C`): `x.method()` can be followed."""
        index = self.index
        binds_of = self.local_binds.get((_binding_scope(self.scopes, name, s), name))
        ctor = _class_of_bindings(self.content, binds_of)
        if ctor is not None:
            index.local_ctors.append(ctor)
            head = len(index.local_ctors) - 1
            _add_chain(
                index, self.content, start, chain_end, head, INSTANCE_HEAD, owner, self.callees
            )

    def extras(self) -> None:
        """Call heads (`C().m`), instance attributes, `import_module("m")` records."""
        content, caps, get, index = self.content, self.caps, self.get, self.index
        if "call.head" in caps:
            _call_heads(index, content, caps["call.head"], self.callees)
        if "assign.member" in caps or "assign.class" in caps:
            assigns = get("assign.member", []) + get("assign.class", [])
            _instance_attributes(index, content, assigns, self.scopes, self.defs)
        if b"import_module(" in content or b"__import__(" in content:
            _dynamic_import_records(content, self.root, self.defs)


def _instance_attributes(
    index: FileIndex,
    content: bytes,
    assigns: list[ts.Node],
    scopes: list[sc.Scope],
    defs: list[DefRecord],
) -> None:
    """The class an attribute holds: `self.x = C(...)`, `cls.x = C(...)`, `self.x: C`, and in
    a class body `x: C` or `x = C(...)`. An annotation wins over assignments; an attribute
    given different classes is left out (a wrong usage is worse than a missing one)."""
    sweep = sc.ScopeSweep(scopes)
    seen: dict[tuple[int, str], list[tuple[bool, bytes, int, int]]] = {}
    for node in sorted(assigns, key=lambda n: n.start_byte):
        left = node.child_by_field_name("left")
        if left is None:
            continue
        if left.type == "attribute":
            obj, attr = left.child_by_field_name("object"), left.child_by_field_name("attribute")
            if obj is None or attr is None or obj.text not in (b"self", b"cls"):
                continue
            cls = _enclosing_class(scopes, defs, sweep.at(obj.start_byte))
        else:
            attr = left
            at = sweep.at(attr.start_byte)
            body = scopes[at] if at >= 0 else None
            cls = body.owner if body is not None and body.kind == sc.CLASS else -1
        if cls < 0:
            continue
        annotation = node.child_by_field_name("type")
        if annotation is not None:
            span = _type_span(annotation)
        else:
            right = node.child_by_field_name("right")
            function = right.child_by_field_name("function") if right is not None else None
            if right is None or right.type != "call" or function is None:
                continue
            if function.type not in ("identifier", "attribute") or not _dotted(function):
                span = None
            else:
                span = _span(function)
        name = content[attr.start_byte : attr.end_byte].decode("utf-8", "replace")
        text = content[span[0] : span[1]] if span else b""
        entry = (annotation is not None, text, *(span or (-1, -1)))
        seen.setdefault((cls, name), []).append(entry)
    found = []
    for (cls, name), entries in seen.items():
        typed = [e for e in entries if e[0]] or entries
        if typed[0][2] >= 0 and all(e[1] == typed[0][1] for e in typed):
            found.append((cls, name, typed[0][2], typed[0][3]))
    index.instance_attrs = found


def _call_heads(
    index: FileIndex,
    content: bytes,
    heads: list[ts.Node],
    callees: set[int],
) -> None:
    """`C().m`, `make().m.n`: chains whose head is the instance a call returns."""
    defs = index.defs
    owners = sc.OwnerSweep((d.ext_start, d.end, i) for i, d in enumerate(defs) if d.kind != IMPORT)
    for node in sorted(heads, key=lambda n: n.start_byte):
        call = node.parent
        head = _CHAIN_HEAD_RE.fullmatch(content, node.start_byte, node.end_byte)
        if call is None or head is None:
            continue
        if content.startswith(b"super", node.start_byte) and node.end_byte - node.start_byte == 5:
            continue
        rest = _MEMBERS_RE.match(content, call.end_byte)
        if rest is None:
            continue
        components: list[tuple[int, int]] = []
        offset = call.end_byte
        for part in rest.group(0).split(b".")[1:]:
            offset += 1
            components.append((offset, offset + len(part)))
            offset += len(part)
        index.local_ctors.append((node.start_byte, node.end_byte))
        last_call = REF_CALL if components[-1][0] in callees else 0
        owner = owners.at(node.start_byte)
        index.chains.append(
            (len(index.local_ctors) - 1, INSTANCE_HEAD, owner, tuple(components), last_call)
        )


_CHAIN_HEAD_RE = re.compile(rb"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_MEMBERS_RE = re.compile(rb"(?:\.[A-Za-z_]\w*)+")


def _span(node: ts.Node) -> tuple[int, int]:
    return node.start_byte, node.end_byte


def _type_span(node: ts.Node | None) -> tuple[int, int] | None:
    """The class an annotation names: `C`, `m.C`, `Optional[C]`, `C | None`; else None."""
    while node is not None:
        kind = node.type
        if kind == "type":
            node = node.named_children[0] if node.named_child_count == 1 else None
        elif kind in ("identifier", "attribute"):
            return _span(node) if _dotted(node) else None
        elif kind == "generic_type":  # Optional[C]
            head, params = node.named_children[0], node.named_children[-1]
            if head.type != "identifier" or head.text != b"Optional":
                return None
            inner = [c for c in params.named_children if c.type == "type"]
            node = inner[0] if len(inner) == 1 else None
        elif kind == "subscript":  # typing.Optional[C]
            value = node.child_by_field_name("value")
            subs = node.children_by_field_name("subscript")
            if value is None or not value.text or not value.text.endswith(b"Optional"):
                return None
            node = subs[0] if len(subs) == 1 else None
        elif kind == "binary_operator":  # C | None
            operator = node.child_by_field_name("operator")
            if operator is None or operator.type != "|":
                return None
            sides = [node.child_by_field_name("left"), node.child_by_field_name("right")]
            kept = [n for n in sides if n is not None and n.type != "none"]
            node = kept[0] if len(kept) == 1 else None
        else:
            return None
    return None


def _dotted(node: ts.Node) -> bool:
    while node.type == "attribute":
        obj = node.child_by_field_name("object")
        if obj is None:
            return False
        node = obj
    return node.type == "identifier"


@cache
def _dynamic_query() -> ts.Query:
    return load_query(language(), __package__, "dynamic.scm")


def _dynamic_import_records(content: bytes, root: ts.Node, defs: list[DefRecord]) -> None:
    """`importlib.import_module("a.b")` and `__import__("a.b")` with a literal name: an import
    record without a name (appended after the others, so existing indices stay put)."""
    import ast

    scopes = [(d.start, d.end, i) for i, d in enumerate(defs) if d.kind in (FUNCTION, CLASS)]
    for _, caps in ts.QueryCursor(_dynamic_query()).matches(root):
        fn, module_node, call = caps["fn"][0], caps["module"][0], caps["call"][0]
        if content[fn.start_byte : fn.end_byte] not in (b"import_module", b"__import__"):
            continue
        try:
            module = ast.literal_eval(_text(content, module_node))
        except (ValueError, SyntaxError):
            continue
        if not isinstance(module, str) or not module or module.startswith("."):
            continue
        node = call
        if node.parent is not None and node.parent.type == "expression_statement":
            node = node.parent
        start = node.start_byte
        parent = -1
        for s_start, s_end, i in scopes:
            if s_start <= start < s_end and (parent < 0 or s_start >= defs[parent].start):
                parent = i
        defs.append(
            DefRecord(
                IMPORT,
                "",
                start,
                node.end_byte,
                start,
                start,
                start,
                node.start_point,
                node.end_point,
                parent,
                module=module,
            )
        )


def _statement_of(node: ts.Node) -> ts.Node:
    """The statement holding an assignment target (for a global variable's source)."""
    current = node
    while current.parent is not None and current.type != "expression_statement":
        current = current.parent
    return current if current.type == "expression_statement" else node


def _resolve(
    scopes: list[sc.Scope], module: sc.Scope, name: str, position: int, s: int, star: bool
) -> int:
    first = True
    sequential = True  # only module/class bodies between the reference and here
    while s >= 0:
        scope = scopes[s]
        if scope.kind == sc.CLASS and not first:
            s = scope.parent
            continue
        first = False
        if name in scope.globals:
            break
        if name in scope.binds and name not in scope.nonlocals:
            bindings = scope.defs.get(name)
            if bindings is None:
                return sc.LOCAL
            return sc.pick_binding(bindings, position, sequential and scope.kind == sc.CLASS)
        if scope.kind != sc.CLASS:
            sequential = False
        s = scope.parent
    bindings = module.defs.get(name)
    if bindings is not None:
        return sc.pick_binding(bindings, position, sequential)
    if name in module.binds:
        return sc.LOCAL
    return TARGET_STAR if star else sc.UNBOUND


def _binding_scope(scopes: list[sc.Scope], name: str, s: int) -> int:
    """The scope index where a local `name` seen from scope `s` is bound (-1: module)."""
    first = True
    while s >= 0:
        scope = scopes[s]
        if not (scope.kind == sc.CLASS and not first) and name in scope.binds:
            return s
        first = False
        s = scope.parent
    return -1


def _class_of_bindings(content: bytes, binds: list[ts.Node] | None) -> tuple[int, int] | None:
    """The class span all bindings of a local agree on, or None.

    A binding counts when it is `x = Ctor(...)` / `x = make(...)` (a dotted callee),
    `x: C [= ...]`, or a parameter `x: C`; any other binding (a loop target, `x = y`, `x += 1`)
    makes the local unknown.
    """
    if not binds:
        return None
    spans = []
    for bind in binds:
        span = _class_of_binding(bind)
        if span is None:
            return None
        spans.append(span)
    first = content[spans[0][0] : spans[0][1]]
    if any(content[a:b] != first for a, b in spans[1:]):
        return None
    return spans[0]


def _class_of_binding(bind: ts.Node) -> tuple[int, int] | None:
    parent = bind.parent
    if parent is None:
        return None
    if parent.type == "assignment":
        if parent.child_by_field_name("left") != bind:
            return None
        annotation = parent.child_by_field_name("type")
        if annotation is not None:
            return _type_span(annotation)
        right = parent.child_by_field_name("right")
        if right is None or right.type != "call":
            return None
        function = right.child_by_field_name("function")
        if function is None or function.type not in ("identifier", "attribute"):
            return None
        return _span(function) if _dotted(function) else None
    if parent.type == "typed_parameter" or (
        parent.type == "typed_default_parameter" and parent.child_by_field_name("name") == bind
    ):
        return _type_span(parent.child_by_field_name("type"))
    return None


def _enclosing_class(scopes: list[sc.Scope], defs: list[DefRecord], s: int) -> int:
    """The class whose method holds scope `s` (for `self.x` / `cls.x`), or -1."""
    while s >= 0 and scopes[s].kind != sc.FUNCTION:
        s = scopes[s].parent
    if s < 0:
        return -1
    parent = defs[scopes[s].owner].parent
    return parent if parent >= 0 and defs[parent].kind == CLASS else -1


def _chain_ranges(nodes: list[ts.Node]) -> dict[int, int]:
    chains: dict[int, int] = {}
    for node in nodes:
        start, end = node.start_byte, node.end_byte
        if chains.get(start, -1) < end:
            chains[start] = end
    return chains


def _add_chain(
    index: FileIndex,
    content: bytes,
    start: int,
    end: int,
    head: int,
    head_kind: int,
    owner: int,
    callees: set[int],
) -> None:
    text = content[start:end]
    if _CHAIN_RE.fullmatch(text) is None:
        # Not a plain dotted name (e.g. `a.b(c).d`): keep the leading dotted prefix.
        match = _CHAIN_RE.match(text)
        if match is None:
            return
        text = match.group(0)
    parts = text.split(b".")
    offset = start + len(parts[0]) + 1
    components: list[tuple[int, int]] = []
    for part in parts[1:]:
        components.append((offset, offset + len(part)))
        offset += len(part) + 1
    last_call = REF_CALL if components[-1][0] in callees else 0
    index.chains.append((head, head_kind, owner, tuple(components), last_call))


_SUPER_RE = re.compile(rb"super\([^()]*\)((?:\.[A-Za-z_]\w*)+)")


def _add_super_chain(
    index: FileIndex,
    content: bytes,
    start: int,
    end: int,
    cls: int,
    owner: int,
    callees: set[int],
) -> None:
    """`super().name...`: a chain whose head is the bases of the enclosing class (flag 2)."""
    match = _SUPER_RE.match(content, start, end)
    if match is None:
        return
    components: list[tuple[int, int]] = []
    offset = match.start(1)
    for part in match.group(1).split(b".")[1:]:
        offset += 1
        components.append((offset, offset + len(part)))
        offset += len(part)
    last_call = REF_CALL if components[-1][0] in callees else 0
    index.chains.append((cls, SUPER_HEAD, owner, tuple(components), last_call))


def _import_records(content: bytes, node: ts.Node) -> list[DefRecord]:
    """One `DefRecord` per name an import statement binds."""
    records: list[DefRecord] = []
    start, end = node.start_byte, node.end_byte
    sp, ep = node.start_point, node.end_point

    def make(name: str, ns: int, ne: int, module: str, imported: str | None, alias: Any) -> None:
        records.append(
            DefRecord(
                IMPORT,
                name,
                start,
                end,
                start,
                ns,
                ne,
                sp,
                ep,
                module=module,
                imported_name=imported,
                alias=alias,
            )
        )

    if node.type == "import_statement":
        for child in node.children_by_field_name("name"):
            if child.type == "aliased_import":
                dotted = child.child_by_field_name("name")
                alias = child.child_by_field_name("alias")
                if dotted is None or alias is None:
                    continue
                alias_text = _text(content, alias)
                make(
                    alias_text,
                    alias.start_byte,
                    alias.end_byte,
                    _text(content, dotted),
                    None,
                    alias_text,
                )
            elif child.type == "dotted_name":
                first = child.named_children[0] if child.named_children else child
                make(
                    _text(content, first),
                    first.start_byte,
                    first.end_byte,
                    _text(content, child),
                    None,
                    None,
                )
        return records
    module_node = node.child_by_field_name("module_name")
    module = "__future__" if node.type == "future_import_statement" else ""
    if module_node is not None:
        module = _text(content, module_node)
    names = node.children_by_field_name("name")
    for child in names:
        if child.type == "aliased_import":
            dotted = child.child_by_field_name("name")
            alias = child.child_by_field_name("alias")
            if dotted is None or alias is None:
                continue
            alias_text = _text(content, alias)
            make(
                alias_text,
                alias.start_byte,
                alias.end_byte,
                module,
                _text(content, dotted),
                alias_text,
            )
        elif child.type == "dotted_name":
            text = _text(content, child)
            make(text, child.start_byte, child.end_byte, module, text, None)
    if not names:
        for child in node.named_children:
            if child.type == "wildcard_import":
                make("*", child.start_byte, child.end_byte, module, "*", None)
    return records
