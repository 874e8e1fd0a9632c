;; importlib.import_module("a.b") / __import__("a.b") with a literal module name.
(call function: [(identifier) @fn (attribute attribute: (identifier) @fn)]
      arguments: (argument_list . (string) @module)) @call
