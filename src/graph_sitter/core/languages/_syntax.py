"""The node types of a grammar that the core's tree readers look for.

The core reads syntax trees on demand in a few places: parameters, decorators, calls and their
arguments, what a definition assigns, where a usage sits (`UsageKind`), JSX returns. Those
readers are written once for every language; each language's package says which of its node
types play each part (`LanguageSupport.syntax`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Syntax"]

_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Syntax:
    """Node types of one language's grammar, by the part they play."""

    # -- calls
    calls: frozenset[str]  # `f()`, `new C()`
    argument_lists: frozenset[str]
    keyword_arguments: frozenset[str]  # `name=value`
    member_accesses: frozenset[str]  # `obj.name` (the name is field `attribute`/`property`)
    type_applications: frozenset[str]  # callees applied to type arguments: `f<T>()`
    awaits: frozenset[str]
    # values an `await` reaches through: parentheses, array literals, conditionals
    await_pass_through: frozenset[str]
    callbacks: frozenset[str]  # inline functions: `lambda`, `() => ...`, `function () {}`
    # definitions a `return` inside a callback cannot belong past
    callback_scopes: frozenset[str]
    # -- definitions
    # definitions that carry decorators, documentation or a body of their own
    definitions: frozenset[str]
    # parents whose decorators belong to the definition they wrap
    decorator_wrappers: frozenset[str]
    # bodies whose members are preceded by their decorators as siblings (TypeScript classes)
    decorated_member_lists: frozenset[str]
    functions: frozenset[str]  # a function's own node (`function_node`)
    # nodes a function node sits in when a symbol's node is not the function itself
    # (`const f = () => ...`)
    function_holders: frozenset[str]
    assignments: frozenset[str]  # `a = 1`, `const a = 1` (the value is field `right`/`value`)
    assignment_statements: frozenset[str]  # statements that hold an assignment
    # -- parameters
    # variadic parameters: node type -> `variadic` / `keyword_variadic`
    variadic_parameters: Mapping[str, str]
    # the variadic node types a parameter's name may hide under (`*args` in `*args: int`)
    variadic_names: frozenset[str]
    parameter_separators: frozenset[str]  # `*`, `/`
    single_parameter_functions: frozenset[str]  # `x => ...` (field `parameter`)
    optional_parameters: frozenset[str]  # `x?: T`
    # parameters whose fields are `type` and `value`
    annotated_parameters: frozenset[str]
    # -- where a usage sits
    type_argument_lists: frozenset[str]  # `List<T>`, `def f[T]()`
    generic_types: frozenset[str]  # `List[int]` (a usage inside the arguments)
    subclass_clauses: frozenset[str]  # `extends B`, `implements I`
    # (class, argument list) pairs: the list of a class's bases (`class A(B):`)
    base_lists: frozenset[tuple[str, str]]
    type_aliases: frozenset[str]
    type_annotations: frozenset[str]  # `: T` as a node of its own
    export_clauses: frozenset[str]  # `export { a }`, `export default a`
    bodies: frozenset[str]  # blocks and module roots
    decorators: frozenset[str] = field(default=frozenset({"decorator"}))
    returns: frozenset[str] = field(default=frozenset({"return_statement"}))
    # -- edits of calls and parameters
    property_names: frozenset[str] = field(default=_NONE)  # `name` in `obj.name`
    splat_arguments: frozenset[str] = field(default=_NONE)  # `*xs`, `**kw`, `...xs`
    keyword_only_markers: frozenset[str] = field(default=_NONE)  # the bare `*` of `def f(a, *, b)`
    unannotated_defaults: frozenset[str] = field(default=_NONE)  # `x=1` (no room for a type)
    shorthand_bindings: frozenset[str] = field(default=_NONE)  # `{ x }` in a destructuring
    # declarations whose name a rename of a same-named local leaves alone
    named_declarations: frozenset[str] = field(default=_NONE)
    async_functions: frozenset[str] = field(default=_NONE)  # what `asyncify` can mark `async`
    # functions whose `async` goes after their modifiers, before the name (`static async m()`)
    async_after_modifiers: frozenset[str] = field(default=_NONE)
    arrow_functions: frozenset[str] = field(default=_NONE)  # `(x) => ...`
    # -- edits of imports, exports and docstrings
    import_statements: frozenset[str] = field(default=_NONE)  # statements naming a module
    future_imports: frozenset[str] = field(default=_NONE)  # `from __future__ import x`
    expression_statements: frozenset[str] = field(default=frozenset({"expression_statement"}))
    strings: frozenset[str] = field(default=frozenset({"string"}))
    parentheses: frozenset[str] = field(default=frozenset({"parenthesized_expression"}))
    export_statements: frozenset[str] = field(default=_NONE)  # `export ...`
    export_lists: frozenset[str] = field(default=_NONE)  # `{ a, b as c }` of an export
    export_specifiers: frozenset[str] = field(default=_NONE)  # `b as c`
    # overload signatures and the implementation they precede (one definition record)
    signatures: frozenset[str] = field(default=_NONE)
    declaration_scopes: frozenset[str] = field(default=_NONE)  # where overloads sit side by side
    # -- members
    private_names: frozenset[str] = field(default=_NONE)  # `#name`
    access_modifiers: frozenset[str] = field(default=_NONE)  # `private`, `protected`, `public`
    jsx_elements: frozenset[str] = field(default=_NONE)  # `<div/>` in a return
    statement_blocks: frozenset[str] = field(default=_NONE)  # `{ ... }` function bodies
