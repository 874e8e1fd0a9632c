"""TypeScript's (and JavaScript's) node types, by the part they play for the core's tree
readers (the TSX grammar's JSX nodes included)."""

from __future__ import annotations

from graph_sitter.core.languages._syntax import Syntax

__all__ = ["SYNTAX"]

_FUNCTION_DECLARATIONS = frozenset(
    {"function_declaration", "generator_function_declaration", "method_definition"}
)

SYNTAX = Syntax(
    calls=frozenset({"call_expression", "new_expression"}),
    argument_lists=frozenset({"arguments"}),
    keyword_arguments=frozenset(),
    member_accesses=frozenset({"member_expression"}),
    type_applications=frozenset({"generic_type", "instantiation_expression"}),
    awaits=frozenset({"await_expression"}),
    await_pass_through=frozenset({"parenthesized_expression", "array", "ternary_expression"}),
    callbacks=frozenset({"arrow_function", "function_expression"}),
    callback_scopes=_FUNCTION_DECLARATIONS | {"class_declaration"},
    definitions=_FUNCTION_DECLARATIONS
    | {
        "class_declaration",
        "abstract_class_declaration",
        "abstract_method_signature",
        "public_field_definition",
    },
    decorator_wrappers=frozenset({"export_statement"}),
    decorated_member_lists=frozenset({"class_body"}),
    functions=_FUNCTION_DECLARATIONS | {"function_expression", "arrow_function"},
    function_holders=frozenset({"variable_declarator", "export_statement", "lexical_declaration"}),
    assignments=frozenset({"variable_declarator"}),
    assignment_statements=frozenset(
        {"expression_statement", "lexical_declaration", "variable_declaration"}
    ),
    variadic_parameters={"rest_pattern": "variadic"},
    variadic_names=frozenset(),
    parameter_separators=frozenset(),
    single_parameter_functions=frozenset({"arrow_function"}),
    optional_parameters=frozenset({"optional_parameter"}),
    annotated_parameters=frozenset({"required_parameter", "optional_parameter"}),
    type_argument_lists=frozenset({"type_arguments", "type_parameter"}),
    generic_types=frozenset({"generic_type"}),
    subclass_clauses=frozenset(
        {"class_heritage", "extends_clause", "implements_clause", "extends_type_clause"}
    ),
    base_lists=frozenset(),
    type_aliases=frozenset({"type_alias_declaration"}),
    type_annotations=frozenset({"type_annotation"}),
    export_clauses=frozenset({"export_statement", "export_clause"}),
    bodies=frozenset({"statement_block", "class_body", "module", "program"}),
    property_names=frozenset({"property_identifier"}),
    splat_arguments=frozenset({"spread_element"}),
    shorthand_bindings=frozenset({"shorthand_property_identifier_pattern"}),
    named_declarations=frozenset({"function_declaration", "class_declaration"}),
    async_functions=frozenset({"function_declaration", "arrow_function", "method_definition"}),
    async_after_modifiers=frozenset({"method_definition"}),
    arrow_functions=frozenset({"arrow_function"}),
    import_statements=frozenset({"import_statement", "export_statement"}),
    export_statements=frozenset({"export_statement"}),
    export_lists=frozenset({"export_clause"}),
    export_specifiers=frozenset({"export_specifier"}),
    signatures=frozenset(
        {
            "function_signature",
            "function_declaration",
            "method_signature",
            "method_definition",
            "abstract_method_signature",
        }
    ),
    declaration_scopes=frozenset({"program", "class_body", "statement_block", "interface_body"}),
    private_names=frozenset({"private_property_identifier"}),
    access_modifiers=frozenset({"accessibility_modifier"}),
    jsx_elements=frozenset({"jsx_element", "jsx_self_closing_element"}),
    statement_blocks=frozenset({"statement_block"}),
)
