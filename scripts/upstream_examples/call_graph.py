"""Print who calls what, written against upstream graph-sitter's read API.

Usage: python call_graph.py PATH [FUNCTION]

Without FUNCTION: one line per call edge between functions defined in the codebase,
``caller -> callee (N args)``. With FUNCTION: its callers (from ``call_sites``, with the keyword
arguments each passes) and its callees.
"""

from __future__ import annotations

import sys

from graph_sitter import Codebase


def label(function) -> str:
    parent = function.parent_class
    return f"{parent.name}.{function.name}" if parent is not None else function.name


def edges(codebase) -> int:
    count = 0
    functions = list(codebase.functions)
    for cls in codebase.classes:
        functions.extend(cls.methods)
    for function in functions:
        for call in function.function_calls:
            target = call.function_definition
            if target is None or not hasattr(target, "parameters"):
                continue
            print(
                f"{function.filepath}:{label(function)} -> {label(target)} ({len(call.args)} args)"
            )
            count += 1
    print(f"{count} call edges")
    return 0


def one(codebase, name: str) -> int:
    function = codebase.get_function(name)
    if function is None:
        print(f"no function named {name}")
        return 1
    for call in function.call_sites:
        keywords = sorted(str(arg.name) for arg in call.args if arg.name)
        caller = call.parent_function
        where = label(caller) if caller is not None else "<module>"
        print(f"caller\t{call.filepath}\t{where}\t{','.join(keywords)}")
    for call in function.function_calls:
        print(f"callee\t{call.name}\t{'awaited' if call.is_awaited else ''}".rstrip())
    return 0


def main(argv: list[str]) -> int:
    codebase = Codebase(argv[0])
    return one(codebase, argv[1]) if len(argv) > 1 else edges(codebase)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
