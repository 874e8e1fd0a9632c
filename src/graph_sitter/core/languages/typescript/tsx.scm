; JSX patterns, appended to typescript.scm for the tsx grammar (which also parses JavaScript).
; A component name is a call-like reference; lowercase (intrinsic) tags are filtered in Python.
(jsx_opening_element name: (identifier) @jsx)
(jsx_self_closing_element name: (identifier) @jsx)
; A closing tag names the component again (a reference: renaming must change it too).
(jsx_closing_element name: (identifier) @jsx.close)
