"""Python's node types, by the part they play for the core's tree readers."""

from __future__ import annotations

from graph_sitter.core.languages._syntax import Syntax

__all__ = ["SYNTAX"]

SYNTAX = Syntax(
    calls=frozenset({"call"}),
    argument_lists=frozenset({"argument_list"}),
    keyword_arguments=frozenset({"keyword_argument"}),
    member_accesses=frozenset({"attribute"}),
    type_applications=frozenset({"generic_type"}),
    awaits=frozenset({"await"}),
    await_pass_through=frozenset(
        {"parenthesized_expression", "list", "tuple", "conditional_expression"}
    ),
    callbacks=frozenset({"lambda"}),
    callback_scopes=frozenset({"function_definition", "class_definition"}),
    definitions=frozenset({"function_definition", "class_definition"}),
    decorator_wrappers=frozenset({"decorated_definition"}),
    decorated_member_lists=frozenset(),
    functions=frozenset({"function_definition"}),
    function_holders=frozenset({"decorated_definition"}),
    assignments=frozenset({"assignment"}),
    assignment_statements=frozenset({"expression_statement"}),
    variadic_parameters={
        "list_splat_pattern": "variadic",
        "dictionary_splat_pattern": "keyword_variadic",
    },
    variadic_names=frozenset({"list_splat_pattern", "dictionary_splat_pattern"}),
    parameter_separators=frozenset({"keyword_separator", "positional_separator"}),
    single_parameter_functions=frozenset(),
    optional_parameters=frozenset(),
    annotated_parameters=frozenset(
        {"typed_parameter", "typed_default_parameter", "default_parameter"}
    ),
    type_argument_lists=frozenset({"type_parameter"}),
    generic_types=frozenset({"generic_type"}),
    subclass_clauses=frozenset(),
    base_lists=frozenset({("class_definition", "argument_list")}),
    type_aliases=frozenset({"type_alias_statement"}),
    type_annotations=frozenset(),
    export_clauses=frozenset(),
    bodies=frozenset({"block", "module"}),
    splat_arguments=frozenset({"list_splat", "dictionary_splat"}),
    keyword_only_markers=frozenset({"keyword_separator"}),
    unannotated_defaults=frozenset({"default_parameter"}),
    named_declarations=frozenset({"function_definition", "class_definition"}),
    async_functions=frozenset({"function_definition"}),
    import_statements=frozenset({"import_from_statement", "import_statement"}),
    future_imports=frozenset({"future_import_statement"}),
)
