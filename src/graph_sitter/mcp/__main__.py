"""`python -m graph_sitter.mcp [PATH] [options]`: the same as `graph-sitter mcp`."""

from __future__ import annotations

import sys

from graph_sitter.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["mcp", *sys.argv[1:]]))
