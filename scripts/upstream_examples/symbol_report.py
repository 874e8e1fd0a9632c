"""Describe each top-level symbol of one file, written against upstream graph-sitter's read API.

Usage: python symbol_report.py ROOT FILE

For every function, class and global variable of FILE (a path relative to ROOT), tab-separated:

    symbol      NAME  KIND  first line of its docstring or of the comment above it
    needs       NAME  DEPENDENCY  ITS_FILE  (what its body names, imports followed too)
    used-by     NAME  FILE  USAGE_TYPE  COUNT
    users       NAME  comma-separated names of the symbols that use it
"""

from __future__ import annotations

import sys
from collections import Counter

from graph_sitter import Codebase
from graph_sitter.core import UsageType


def summary(symbol) -> str:
    doc = getattr(symbol, "docstring", None)
    if doc:
        return doc.text.strip().splitlines()[0]
    if symbol.comment:
        return symbol.comment.text.strip().splitlines()[0]
    return ""


def main(root: str, path: str) -> int:
    codebase = Codebase(root)
    file = codebase.get_file(path)
    symbols = [*file.functions, *file.classes, *file.global_vars]
    for symbol in sorted(symbols, key=lambda s: s.start_point):
        name = symbol.name
        print(f"symbol\t{name}\t{type(symbol).__name__}\t{summary(symbol)}")
        every_kind = UsageType.DIRECT | UsageType.CHAINED | UsageType.INDIRECT | UsageType.ALIASED
        for dependency in symbol.dependencies(usage_types=every_kind):
            print(f"needs\t{name}\t{dependency.name}\t{dependency.filepath}")
        counts = Counter((u.match.filepath, u.usage_type.name) for u in symbol.usages)
        for (where, usage_type), count in sorted(counts.items()):
            print(f"used-by\t{name}\t{where}\t{usage_type}\t{count}")
        users = [user.name for user in symbol.symbol_usages]
        print(f"users\t{name}\t{','.join(users)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
