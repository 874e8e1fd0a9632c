"""Codegen agent SDK (see issue 4); the public names arrive with it."""

__all__: list[str] = []
