; Definitions and the scopes they open. A function's scope starts at its parameters, so its
; name and decorators belong to the enclosing scope; a class's scope is its body.
(function_definition) @def.function
(class_definition) @def.class
(lambda) @scope.lambda
(list_comprehension) @scope.comp
(set_comprehension) @scope.comp
(dictionary_comprehension) @scope.comp
(generator_expression) @scope.comp

; Identifiers that are names, not references.
(function_definition name: (identifier) @name.def)
(class_definition name: (identifier) @name.def)
(attribute attribute: (identifier) @name.attr)
(keyword_argument name: (identifier) @name.kw)
(global_statement (identifier) @name.global)
(nonlocal_statement (identifier) @name.nonlocal)
(import_statement) @import
(import_from_statement) @import
(future_import_statement) @import

; Bindings.
(assignment left: (identifier) @bind.assign)
(augmented_assignment left: (identifier) @bind.aug)
(pattern_list (identifier) @bind.assign)
(tuple_pattern (identifier) @bind.assign)
(list_pattern (identifier) @bind.assign)
(list_splat_pattern (identifier) @bind)
(dictionary_splat_pattern (identifier) @bind)
(for_statement left: (identifier) @bind)
(for_in_clause left: (identifier) @bind)
(as_pattern_target (identifier) @bind)
(as_pattern_target (tuple (identifier) @bind))
(as_pattern_target (list (identifier) @bind))
(named_expression name: (identifier) @bind.walrus)
(parameters (identifier) @bind)
(lambda_parameters (identifier) @bind)
(default_parameter name: (identifier) @bind)
(typed_parameter (identifier) @bind)
(typed_default_parameter name: (identifier) @bind)

; Every identifier, every dotted chain, every callee name.
(identifier) @ident
(attribute) @chain
(call function: (identifier) @callee)
(call function: (attribute attribute: (identifier) @callee))

; What attributes hold and call results: `self.x = C()`, `self.x: C`, class-level `x: C`,
; and `C().m` (the call's callee heads a chain).
(assignment left: (attribute object: (identifier))) @assign.member
(class_definition body: (block (expression_statement (assignment left: (identifier)) @assign.class)))
(attribute object: (call function: [(identifier) (attribute)] @call.head))
