; TypeScript (and, through the tsx grammar, JavaScript). Compiles against both the typescript
; and the tsx grammar; `tsx.scm` adds the JSX patterns for the tsx grammar only.

; Definitions.
(function_declaration name: (_) @name.def) @def.function
(generator_function_declaration name: (_) @name.def) @def.function
(function_signature name: (_) @name.def) @def.signature
(class_declaration name: (_) @name.def) @def.class
(abstract_class_declaration name: (_) @name.def) @def.class
(interface_declaration name: (_) @name.def) @def.interface
(type_alias_declaration name: (_) @name.def) @def.type
(enum_declaration name: (_) @name.def) @def.enum
; `namespace X {}` and `module X {}` (not `declare module 'x' {}`, an ambient external module).
(internal_module name: (identifier) @name.def) @def.namespace
(module name: (identifier) @name.def) @def.namespace
(class_body (method_definition) @def.method)
(class_body (method_signature) @def.method_sig)
(class_body (abstract_method_signature) @def.method_sig)
(class_body (public_field_definition) @def.field)
(variable_declarator
  value: [(arrow_function) (function_expression) (generator_function) (class)]) @def.var_value
((variable_declarator
   value: (call_expression
     function: (identifier) @_req
     arguments: (arguments . (string) .))) @def.require
 (#eq? @_req "require"))
(import_statement) @import
(ambient_declaration) @ambient
; Module-level variables, export statements and `module.exports = ...` are read in Python from
; the program's children (cheaper than patterns rooted at `program`).

; Scopes. Function and class scopes start after their name (bound outside them).
[(function_declaration) (generator_function_declaration) (function_expression)
 (generator_function) (method_definition) (internal_module) (module)] @scope.function
(arrow_function) @scope.lambda
[(class_declaration) (abstract_class_declaration) (class)] @scope.class
[(statement_block) (for_statement) (for_in_statement) (catch_clause) (switch_body)] @scope.block
[(interface_declaration) (type_alias_declaration) (function_signature) (method_signature)
 (abstract_method_signature) (call_signature) (construct_signature) (function_type)
 (constructor_type)] @scope.type

; Binding patterns: the roots say how they bind, the leaves are the names bound.
(variable_declaration (variable_declarator name: (_) @root.var))
(lexical_declaration (variable_declarator name: (_) @root.let))
(required_parameter pattern: (_) @root.let)
(optional_parameter pattern: (_) @root.let)
(arrow_function parameter: (identifier) @root.let)
(catch_clause parameter: (_) @root.let)
(for_in_statement kind: "var" left: (_) @root.var)
(for_in_statement kind: ["let" "const"] left: (_) @root.let)
(for_in_statement !kind left: [(array_pattern) (object_pattern)] @root.write)
(assignment_expression left: [(array_pattern) (object_pattern)] @root.write)
(object_pattern (shorthand_property_identifier_pattern) @pat)
(object_pattern (pair_pattern value: (identifier) @pat))
(array_pattern (identifier) @pat)
(rest_pattern (identifier) @pat)
(assignment_pattern left: (identifier) @pat)
(object_assignment_pattern left: (shorthand_property_identifier_pattern) @pat)
(type_parameter name: (type_identifier) @bind)
(mapped_type_clause name: (type_identifier) @bind)
(infer_type (type_identifier) @bind)
; The name of a function or class expression is bound only inside it.
(function_expression name: (identifier) @bind)
(generator_function name: (identifier) @bind)
(class name: (type_identifier) @bind)

; Names that are neither bindings nor references.
(index_signature name: (identifier) @skip)
(export_specifier alias: (_) @skip)

; Writes, calls and type positions.
(assignment_expression left: (identifier) @write)
(augmented_assignment_expression left: (identifier) @write)
(update_expression argument: (identifier) @write)
(for_in_statement !kind left: (identifier) @write)
(call_expression function: (identifier) @callee)
(new_expression constructor: (identifier) @callee)
(extends_clause value: (identifier) @type)
(nested_type_identifier module: (identifier) @type)

; Every name; `this` heading a member chain (chains are read from the text after their head).
[(identifier) (shorthand_property_identifier) (shorthand_property_identifier_pattern)] @ident
(type_identifier) @ident @type
(member_expression object: (this) @this)
