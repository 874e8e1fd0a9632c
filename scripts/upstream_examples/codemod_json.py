"""Refactor a copy of the stdlib ``json`` package with upstream graph-sitter's write API.

Usage: python codemod_json.py PATH

PATH is the directory holding the ``json`` package (so ``json.x`` imports resolve inside it).
The codemod keeps behaviour:

1. renames the private helper ``_decode_uXXXX`` (decoder) to ``_decode_hex4``;
2. moves ``JSONDecodeError`` (with its dependencies) to a new module ``json/_errors.py``,
   repointing every importer;
3. imports ``make_scanner`` by name in ``json/decoder.py``, rewrites ``scanner.make_scanner(...)``
   calls to use it and removes the now unused ``from json import scanner``;
4. passes ``strict=True`` (the default) explicitly at every call constructing ``JSONDecoder``
   that does not pass ``strict`` already.
"""

from __future__ import annotations

import sys

from graph_sitter import Codebase


def main(argv: list[str]) -> int:
    codebase = Codebase(argv[0])

    helper = codebase.get_function("_decode_uXXXX")
    helper.rename("_decode_hex4")
    codebase.commit()

    error = codebase.get_class("JSONDecodeError")
    dest = codebase.create_file("json/_errors.py")
    error.move_to_file(dest, include_dependencies=True, strategy="update_all_imports")
    codebase.commit()

    decoder = codebase.get_file("json/decoder.py")
    decoder.add_import("from json.scanner import make_scanner")
    for call in decoder.function_calls:
        if call.source == "scanner.make_scanner(self)":
            call.edit("make_scanner(self)")
    codebase.commit()

    decoder = codebase.get_file("json/decoder.py")
    for imp in decoder.imports:
        if imp.source == "from json import scanner":
            imp.remove()
    codebase.commit()

    edited = 0
    for call in codebase.get_class("JSONDecoder").call_sites:
        if not any(arg.name == "strict" for arg in call.args):
            call.add_argument("strict=True")
            edited += 1
    codebase.commit()

    print(f"renamed 1 helper, moved JSONDecodeError, edited {edited} call sites")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
