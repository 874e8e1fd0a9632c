;; const x = new C(): a local whose class the code states.
(variable_declarator
  name: (identifier) @name
  value: (new_expression constructor: [(identifier) (member_expression)] @ctor))
