"""List a TypeScript package's exports, written against upstream graph-sitter's read API.

Usage: python ts_exports_report.py PATH

One tab-separated line per export: ``export  FILE  NAME  FORM  TARGET`` where FORM is default,
reexport, wildcard, type or named, and TARGET is the file finally defining it. Then the exports
that nothing imports (``unused``), and a total.
"""

from __future__ import annotations

import sys

from graph_sitter import Codebase


def form_of(export) -> str:
    if export.is_default_export():
        return "default"
    if export.is_wildcard_export():
        return "wildcard"
    if export.is_reexport():
        return "reexport"
    if export.is_type_export():
        return "type"
    return "named"


def target_of(export) -> str:
    resolved = export.resolved_symbol
    if resolved is None:
        return ""
    return str(getattr(resolved, "filepath", ""))


def main(path: str) -> int:
    codebase = Codebase(path)
    unused = []
    total = 0
    for file in sorted(codebase.files(extensions=[".ts", ".tsx"]), key=lambda f: f.filepath):
        for export in file.exports:
            total += 1
            fields = [
                "export",
                file.filepath,
                export.name or "",
                form_of(export),
                target_of(export),
            ]
            print("\t".join(fields))
            if not export.is_reexport() and not export.symbol_usages:
                unused.append(export)
    for export in unused:
        print(f"unused\t{export.filepath}\t{export.name}")
    print(f"total\t{total} exports\t{len(unused)} unused")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
