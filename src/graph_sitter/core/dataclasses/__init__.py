"""Upstream graph-sitter's import paths for usage types (`graph_sitter.core.dataclasses.usage`)."""
