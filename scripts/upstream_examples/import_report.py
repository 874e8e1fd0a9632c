"""Summarise a codebase's imports, written against upstream graph-sitter's read API.

Usage: python import_report.py PATH

For each file: its imports (internal, external or unresolved; dynamic ones marked) and the files
that import it. Lines are tab-separated so other tools can read them:

    import  FILE  LINE  MODULE  NAME  KIND  [dynamic]
    imported-by  FILE  IMPORTER
"""

from __future__ import annotations

import sys

from graph_sitter import Codebase


def kind_of(imp) -> str:
    if imp.from_file is not None:
        return "internal"
    if str(imp.module).startswith("."):
        return "unresolved"
    return "external"


def main(path: str) -> int:
    codebase = Codebase(path)
    counts = {"internal": 0, "external": 0, "unresolved": 0, "dynamic": 0}
    for file in sorted(codebase.files, key=lambda f: f.filepath):
        for imp in file.imports:
            kind = kind_of(imp)
            counts[kind] += 1
            fields = ["import", file.filepath, str(imp.start_point[0] + 1), str(imp.module)]
            fields += [imp.symbol_name or "", kind]
            if imp.is_dynamic:
                counts["dynamic"] += 1
                fields.append("dynamic")
            print("\t".join(fields))
        importers = {i.filepath for i in file.importers}
        for importer in sorted(importers):
            print(f"imported-by\t{file.filepath}\t{importer}")
    print("\t".join(["total", *(f"{k}={v}" for k, v in counts.items())]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
