"""Pydantic-settings models; see :mod:`graph_sitter.configs.models.secrets`."""
