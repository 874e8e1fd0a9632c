"""Report functions nobody uses, written against upstream graph-sitter's read API.

Usage: python dead_code_report.py PATH

A function is reported when no other code uses it (``function.usages`` is empty), it is not
exported, and it is not a test, a dunder or decorated (decorators often register functions).
Each line is ``path:line name``; the last line counts them.
"""

from __future__ import annotations

import sys

from graph_sitter import Codebase


def is_candidate(function) -> bool:
    name = function.name
    if name.startswith("test") or (name.startswith("__") and name.endswith("__")):
        return False
    # decorators often register a function; an exported one is used from outside
    return not function.decorators and not function.is_exported


def main(path: str) -> int:
    codebase = Codebase(path)
    dead = []
    for function in codebase.functions:
        if not is_candidate(function):
            continue
        if function.usages:
            continue
        dead.append(function)
    for function in sorted(dead, key=lambda f: (f.filepath, f.start_point[0])):
        doc = function.docstring.text.splitlines()[0] if function.docstring else ""
        print(f"{function.filepath}:{function.start_point[0] + 1} {function.name}  {doc}".rstrip())
    print(f"{len(dead)} unused functions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
