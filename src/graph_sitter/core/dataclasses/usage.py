"""`from graph_sitter.core.dataclasses.usage import UsageType` works as it does upstream."""

from graph_sitter.core.usages import Usage, UsageKind, UsageType

__all__ = ["Usage", "UsageKind", "UsageType"]
