"""Call expressions and their arguments, read from the syntax tree on demand.

A `FunctionCall` is a view over one call expression node (the language's `Syntax.calls`),
identified by file and byte range. What the callee resolves to comes from
the resolved graph (`function_definition`); calls through receivers whose type we cannot know
(an untyped parameter, a value returned by an external function) resolve to `None`, never to a
guess.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import tree_sitter as ts

from graph_sitter.core._records import CLASS, FUNCTION
from graph_sitter.core._view import RangeView, SameIdentity
from graph_sitter.core.expression import Expression

if TYPE_CHECKING:
    from graph_sitter.core._access import GraphAccess
    from graph_sitter.core._edit_ops import AtomicOps
    from graph_sitter.core.languages._syntax import Syntax
    from graph_sitter.core.symbols import Class, Function, SourceFile, Symbol

__all__ = ["Argument", "FunctionCall"]

Point = tuple[int, int]


class FunctionCall(SameIdentity, RangeView):
    """One call expression: `name(args)`, `obj.name(args)`, `new Name(args)`."""

    __slots__ = ("_end", "_f", "_ga", "_start")

    def __init__(self, ga: GraphAccess, f: int, start: int, end: int) -> None:
        self._ga = ga
        self._f = f
        self._start = start
        self._end = end

    def _identity(self) -> tuple[object, ...]:
        return ("call", self._f, self._start, self._end)

    def __repr__(self) -> str:
        return f"<FunctionCall {self.name} at {self.filepath}:{self.start_point[0] + 1}>"

    # -- tree access ---------------------------------------------------------------------
    def _node(self) -> ts.Node:
        calls = self._ga.syntax(self._f).calls
        node = self._ga.tree(self._f).root_node.descendant_for_byte_range(self._start, self._end)
        while node is not None and not (
            node.type in calls and node.start_byte == self._start and node.end_byte == self._end
        ):
            node = node.parent
        if node is None:  # pragma: no cover - the range came from this tree
            raise LookupError(f"no call at {self.filepath}:{self._start}")
        return node

    def _name_node(self) -> ts.Node | None:
        node = self._node()
        syntax = self._ga.syntax(self._f)
        callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        while callee is not None and callee.type in syntax.member_accesses:
            callee = callee.child_by_field_name("attribute") or callee.child_by_field_name(
                "property"
            )
        while callee is not None and callee.type in syntax.type_applications:
            callee = callee.named_children[0] if callee.named_children else None
        return callee

    # -- position (file, filepath, start/end byte and point: RangeView) ------------------
    @property
    def source(self) -> Expression:
        return Expression(self._ga, self._f, self._start, self._end)

    # -- what is called ------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The called name: `bar` for `foo.bar(1)`, `Cls` for `new Cls()`."""
        node = self._name_node()
        if node is None:
            return ""
        return Expression(self._ga, self._f, node.start_byte, node.end_byte)

    @property
    def function_definition(self) -> Symbol | None:
        """What the callee resolves to in this codebase (a function, or a class for
        `Cls()`/`new Cls()`), else None: external, or through an unknown receiver."""
        node = self._name_node()
        if node is None:
            return None
        key = self._ga.graph.resolved_refs[self._f].get(node.start_byte)
        return self._ga.symbol(*key) if key is not None else None

    @property
    def args(self) -> list[Argument]:
        """The arguments as written, in order (keyword arguments carry a `name`)."""
        arguments = self._node().child_by_field_name("arguments")
        if arguments is None:
            return []
        keyword = self._ga.syntax(self._f).keyword_arguments
        out: list[Argument] = []
        for child in arguments.named_children:
            if child.type == "comment":
                continue
            name_node = child.child_by_field_name("name") if child.type in keyword else None
            value = child.child_by_field_name("value") if name_node is not None else child
            assert value is not None
            out.append(
                Argument(
                    self,
                    len(out),
                    (child.start_byte, child.end_byte),
                    (name_node.start_byte, name_node.end_byte) if name_node else None,
                    (value.start_byte, value.end_byte),
                )
            )
        return out

    arguments = args

    def get_arg_by_index(self, index: int) -> Argument | None:
        args = self.args
        return args[index] if 0 <= index < len(args) else None

    def get_arg_by_parameter_name(self, name: str) -> Argument | None:
        """The keyword argument `name`, else the positional one in that parameter's place
        (when the callee resolves to a function of ours)."""
        args = self.args
        for arg in args:
            if arg.name == name:
                return arg
        definition = self.function_definition
        params = getattr(definition, "parameters", None)
        if params is None:
            return None
        positions = [p for p in params if p.kind != "self"]
        for i, param in enumerate(positions):
            if param.name == name and i < len(args) and args[i].name is None:
                return args[i]
        return None

    # -- where it is ---------------------------------------------------------------------
    @property
    def is_awaited(self) -> bool:
        """Whether the call's value is awaited: `await f()`, `await Promise.all([f()])`,
        `await g(() => f())`."""
        return _awaited(self._ga.syntax(self._f), self._node())

    def _owner(self) -> Symbol | SourceFile:
        owner: Symbol | SourceFile = self._ga.owner_view(self._f, self._start)
        return owner

    @property
    def parent_function(self) -> Function | None:
        """The innermost function or method holding the call, else None."""
        from graph_sitter.core.symbols import Function

        found = self._enclosing(FUNCTION)
        return found if isinstance(found, Function) else None

    @property
    def parent_class(self) -> Class | None:
        from graph_sitter.core.symbols import Class

        found = self._enclosing(CLASS)
        return found if isinstance(found, Class) else None

    def _enclosing(self, kind: str) -> Symbol | None:
        from graph_sitter.core.symbols import Symbol

        owner = self._owner()
        while isinstance(owner, Symbol):
            if owner.kind == kind:
                return owner
            owner = owner.parent
        return None

    @property
    def parent_symbol(self) -> Symbol | SourceFile:
        """The top-level symbol (or method of a top-level class) holding the call, else the
        file."""
        return self._owner().parent_symbol

    # -- edits (queued) -----------------------------------------------------------------
    def edit(self, new_source: str) -> None:
        """Queue replacing the whole call expression."""
        self.source.edit(new_source)

    def rename(self, new_name: str) -> None:
        """Queue renaming the called name at this call only (`obj.old()` -> `obj.new()`)."""
        _ops().rename_call(self._ga, self._f, self._start, self._end, new_name)

    set_name = rename

    def add_argument(self, source: str) -> None:
        """Queue appending `source` (`x`, or `name=x` in Python) to the arguments."""
        _ops().add_argument(self._ga, self._f, self._start, self._end, source)

    def remove(self) -> None:
        """Queue deleting the call expression (not the statement around it)."""
        self.source.edit("")


class Argument:
    """One argument of a call: `value`, or `name=value` (Python), in place `index`."""

    __slots__ = ("_call", "_name", "_span", "_value", "index")

    def __init__(
        self,
        call: FunctionCall,
        index: int,
        span: tuple[int, int],
        name: tuple[int, int] | None,
        value: tuple[int, int],
    ) -> None:
        self._call = call
        self.index = index
        self._span = span
        self._name = name
        self._value = value

    def __repr__(self) -> str:
        return f"<Argument {self.index} {self.source!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Argument) and (other._call, other._span) == (
            self._call,
            self._span,
        )

    def __hash__(self) -> int:
        return hash((self._call, self._span))

    def _text(self, span: tuple[int, int]) -> Expression:
        return Expression(self._call._ga, self._call._f, *span)

    @property
    def call(self) -> FunctionCall:
        return self._call

    @property
    def source(self) -> Expression:
        return self._text(self._span)

    @property
    def value(self) -> Expression:
        return self._text(self._value)

    @property
    def name(self) -> Expression | None:
        """The keyword for `name=value`, else None."""
        return self._text(self._name) if self._name is not None else None

    @property
    def is_named(self) -> bool:
        return self._name is not None

    @property
    def filepath(self) -> str:
        return self._call.filepath

    @property
    def start_point(self) -> Point:
        return self.source.start_point

    def edit(self, new_source: str) -> None:
        """Queue replacing the whole argument (`name=value` included)."""
        if not new_source.strip():
            raise ValueError("Argument.edit needs the new source; use remove() to drop it.")
        _ops().edit_argument(self._call._ga, self._call._f, *self._span, new_source)

    def set_value(self, new_value: str) -> None:
        """Queue replacing the value only (the keyword stays)."""
        _ops().edit_argument(self._call._ga, self._call._f, *self._value, new_value)

    def rename(self, new_name: str) -> None:
        """Queue renaming the keyword of `name=value`."""
        if self._name is None:
            raise ValueError(f"{self!r} is positional: it has no keyword to rename")
        _ops().rename_argument(self._call._ga, self._call._f, *self._name, new_name)

    def remove(self) -> None:
        """Queue deleting the argument with the comma that separates it."""
        _ops().remove_argument(self._call._ga, self._call._f, *self._span)


def _ops() -> AtomicOps:
    """The edit operations, each all-or-nothing: one that raises queues nothing."""
    from graph_sitter.core import _edit_ops as ops

    return ops.ATOMIC


def _awaited(syntax: Syntax, node: ts.Node) -> bool:
    arg_lists, callbacks = syntax.argument_lists, syntax.callbacks
    current = node
    parent = current.parent
    while parent is not None:
        kind = parent.type
        if kind in syntax.awaits:
            return True
        if kind in syntax.await_pass_through or kind in arg_lists:
            current, parent = parent, parent.parent
            continue
        if kind in syntax.calls and current.type in arg_lists:
            current, parent = parent, parent.parent  # an argument of an awaited call
            continue
        if kind in callbacks or kind in syntax.returns:
            arrow = parent if kind in callbacks else _enclosing_callback(syntax, parent)
            if arrow is None or arrow.parent is None or arrow.parent.type not in arg_lists:
                return False
            current, parent = arrow, arrow.parent
            continue
        return False
    return False


def _enclosing_callback(syntax: Syntax, node: ts.Node) -> ts.Node | None:
    """The callback a `return` belongs to (through `if` blocks and the like), if any."""
    callbacks, scopes = syntax.callbacks, syntax.callback_scopes
    current = node.parent
    while current is not None and current.type not in callbacks and current.type not in scopes:
        current = current.parent
    return current if current is not None and current.type in callbacks else None


def calls_in_range(ga: GraphAccess, f: int, start: int, end: int) -> list[FunctionCall]:
    from graph_sitter.core import _details

    return [
        FunctionCall(ga, f, node.start_byte, node.end_byte)
        for node in _details.call_nodes(ga, f, start, end)
    ]


def call_at(ga: GraphAccess, f: int, callee_start: int, callee_end: int) -> FunctionCall | None:
    """The call expression whose callee name sits at the given range."""
    calls = ga.syntax(f).calls
    node = ga.tree(f).root_node.descendant_for_byte_range(callee_start, callee_end)
    while node is not None and node.type not in calls:
        node = node.parent
    return FunctionCall(ga, f, node.start_byte, node.end_byte) if node is not None else None
