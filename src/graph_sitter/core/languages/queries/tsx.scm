; JSX patterns, appended to typescript.scm for the tsx grammar (which also parses JavaScript).
; A component name is a call-like reference; lowercase (intrinsic) tags are filtered in Python.
(jsx_opening_element name: (identifier) @jsx)
(jsx_self_closing_element name: (identifier) @jsx)
(jsx_closing_element name: (identifier) @skip)
(jsx_closing_element name: (member_expression object: (identifier) @skip))
