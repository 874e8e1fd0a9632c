;; import("m") and require("m") with a literal specifier.
(call_expression function: (import) arguments: (arguments . (string) .)) @dyn
((call_expression function: (identifier) @_f arguments: (arguments . (string) .)) @dyn
 (#eq? @_f "require"))
