"""Checks on a model's reply to ``cb.ai_edit``: is it a replacement of the target?

The reply must parse as code of the target's language and define the target's name, as
the same kind of symbol, and nothing else. Markdown fences around it are removed.
"""

from __future__ import annotations

import re
import textwrap

from graph_sitter.ai.errors import AIEditError
from graph_sitter.core.symbols import Function, Symbol

__all__ = ["check_replacement", "strip_fences"]

_FENCE = re.compile(r"^\s*```[\w+-]*[ \t]*\n(?P<body>.*?)\n?```\s*$", re.DOTALL)


def strip_fences(reply: str) -> str:
    """The reply without one Markdown code fence around it."""
    text = reply.strip("\n")
    match = _FENCE.match(text)
    if match:
        return match.group("body")
    return text


def _language_suffix(filepath: str) -> str:
    return "." + filepath.rsplit(".", 1)[-1] if "." in filepath else ".py"


def check_replacement(target: Symbol, code: str, provider: str | None) -> str:
    """Validate a reply as a replacement of ``target``; return the code to queue.

    Raises:
        AIEditError: The reply is empty, does not parse, or defines something else
            (``reason`` says which).
    """
    from graph_sitter.core.codebase import Codebase

    def fail(reason: str, detail: str) -> AIEditError:
        return AIEditError(
            f"the reply cannot replace {target.qualified_name}: {detail}; nothing was changed",
            target=target.qualified_name,
            reason=reason,
            reply=code,
            provider=provider,
        )

    source = textwrap.dedent(strip_fences(code)).strip("\n")
    if not source.strip():
        raise fail("empty", "it is empty")
    probe = Codebase.from_files({f"_ai_edit_check{_language_suffix(target.filepath)}": source})
    if not probe.files:
        raise fail("unsupported", "its language cannot be checked")
    file = probe.files[0]
    if file.problem or file.syntax_errors:
        where = file.syntax_errors[0][0] if file.syntax_errors else (0, 0)
        raise fail(
            "not code",
            f"it does not parse as code (syntax error at line {where[0] + 1}); the model "
            f"answered: {source[:80]!r}",
        )
    defined = [s for s in file.symbols if s.name]
    names = [s.name for s in defined]
    same = [s for s in defined if s.name == target.name]
    if not same:
        found = ", ".join(names) or "nothing"
        raise fail("wrong name", f"it does not define {target.name!r} (it defines {found})")
    if type(same[0]) is not type(target) and not (
        isinstance(same[0], Function) and isinstance(target, Function)
    ):
        raise fail(
            "wrong kind",
            f"it defines {target.name!r} as a {type(same[0]).__name__.lower()}, "
            f"not a {type(target).__name__.lower()}",
        )
    others = [n for n in names if n != target.name] + [i.name for i in file.imports]
    if len(same) > 1 or others:
        extra = ", ".join(others) or target.name
        raise fail("extra definitions", f"it also defines {extra}; only the target may change")
    return source
