"""Graph-aware context: a target plus its graph neighbours, ranked and packed into a token budget.

:func:`build` collects, for a target symbol,

* its **class** (for a method: a skeleton of the enclosing class: header, docstring,
  attributes and method signatures),
* its **dependencies** (functions it calls, classes and variables it uses, imported symbols
  resolved to their definitions),
* its **callers** (the functions around each call site; a few lines around module-level
  calls), and, for a class, its base classes, subclasses and users,

scores each candidate (role first, then same file, then order of first use), and packs the
best into ``max_context_tokens`` greedily; a candidate that does not fit in full is tried
as its signature alone. The target itself always goes in. The result is an
:class:`AIContext`: inspectable (``cb.ai_context(target)``), rendered into the prompt, and
summarised in the response metadata (``metadata["context"]``).

Token counting: no tokenizer ships with graph-sitter (``tiktoken`` downloads its tables at
run time), so sizes are **estimated** as ``ceil(utf8_bytes / 3.5)``: BPE tokenizers of the
GPT-4/4o and Claude families average 3.5 to 4.5 bytes per token on source code, so the
estimate errs on the side of more tokens. Pass ``token_counter=`` (a callable
``str -> int``, e.g. a loaded ``tiktoken`` encoding's ``len(enc.encode(s))``) to count with a
real tokenizer.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph_sitter.core.symbols import Class, Function, SourceFile, Symbol

__all__ = [
    "DEFAULT_MAX_CONTEXT_TOKENS",
    "AIContext",
    "ContextItem",
    "TokenCounter",
    "build",
    "dedented_source",
    "estimate_tokens",
    "explicit_items",
    "render_symbol",
    "target_item",
    "wants_auto",
]

DEFAULT_MAX_CONTEXT_TOKENS = 6000
TokenCounter = Callable[[str], int]

# Base scores by role (higher is more relevant).
_SCORES = {
    "class": 100.0,
    "call": 90.0,
    "type": 85.0,
    "superclass": 82.0,
    "caller": 76.0,
    "variable": 70.0,
    "user": 65.0,
    "subclass": 55.0,
    "dependency": 60.0,
}
_MAX_CALLERS = 12
_SNIPPET_LINES = 2


def estimate_tokens(text: str) -> int:
    """Estimated tokens of ``text``: ``ceil(utf8_bytes / 3.5)`` (see the module docstring)."""
    return math.ceil(len(text.encode("utf-8")) / 3.5)


@dataclass(frozen=True, slots=True)
class ContextItem:
    """One piece of context.

    Attributes:
        role: ``target``, ``class``, ``call``, ``type``, ``variable``, ``caller``,
            ``superclass``, ``subclass``, ``user``, ``dependency`` or ``explicit``.
        name: Qualified name (or a label for explicit text).
        filepath: The file it comes from, if any.
        line: 1-based first line, if any.
        source: The text sent (the definition, a skeleton, a signature or a snippet).
        reason: Why it was chosen, in words.
        score: Relevance; higher first.
        tokens: Counted size of the rendered block.
        shape: ``full``, ``skeleton``, ``signature`` or ``snippet``.
    """

    role: str
    name: str
    filepath: str | None
    line: int | None
    source: str
    reason: str
    score: float
    tokens: int
    shape: str = "full"

    def render(self) -> str:
        """The block as it appears in the prompt."""
        where = f" ({self.filepath}:{self.line})" if self.filepath and self.line else ""
        header = f"### {self.reason}: {self.name}{where}"
        if self.role == "explicit" and not self.filepath:
            return f"### {self.name}\n{self.source}"
        return f"{header}\n```{_fence_language(self.filepath)}\n{self.source}\n```"

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly description (no source), for metadata and logs."""
        return {
            "role": self.role,
            "name": self.name,
            "filepath": self.filepath,
            "line": self.line,
            "shape": self.shape,
            "tokens": self.tokens,
            "score": round(self.score, 2),
        }


@dataclass(frozen=True, slots=True)
class AIContext:
    """The context chosen for one request.

    Attributes:
        target: The target's own item, or ``None`` without a target.
        items: Context items included, most relevant first.
        dropped: Candidates left out because the budget was spent.
        budget: ``max_context_tokens`` used.
        tokens: Tokens of the target plus the included items.
        counter: ``"estimate"`` or ``"custom"`` (a caller-supplied tokenizer).
    """

    target: ContextItem | None
    items: tuple[ContextItem, ...] = ()
    dropped: tuple[ContextItem, ...] = ()
    budget: int = DEFAULT_MAX_CONTEXT_TOKENS
    tokens: int = 0
    counter: str = "estimate"
    mode: str = "auto"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        """The context section of the prompt (empty when there is nothing to add)."""
        return "\n\n".join(item.render() for item in self.items)

    def summary(self) -> dict[str, Any]:
        """What went in and what was dropped, for ``AIResponse.metadata["context"]``."""
        return {
            "mode": self.mode,
            "budget": self.budget,
            "tokens": self.tokens,
            "counter": self.counter,
            "target": self.target.summary() if self.target else None,
            "items": [item.summary() for item in self.items],
            "dropped": [item.summary() for item in self.dropped],
        }

    def names(self) -> list[str]:
        """Names of the included items, in order (handy in tests and the CLI)."""
        return [item.name for item in self.items]

    def __str__(self) -> str:
        return self.render()


# -- rendering helpers ---------------------------------------------------------------------
def _fence_language(filepath: str | None) -> str:
    if not filepath:
        return ""
    ext = filepath.rsplit(".", 1)[-1].lower() if "." in filepath else ""
    return {
        "py": "python",
        "pyi": "python",
        "ts": "typescript",
        "tsx": "tsx",
        "js": "javascript",
        "jsx": "jsx",
        "mjs": "javascript",
        "cjs": "javascript",
    }.get(ext, "")


def _line_of(symbol: Symbol | SourceFile) -> int | None:
    if isinstance(symbol, Symbol):
        return symbol.start_point[0] + 1
    return None


def render_symbol(symbol: Symbol | SourceFile) -> str:
    """The text used for a symbol or file given as explicit context."""
    if isinstance(symbol, SourceFile):
        return symbol.content
    return symbol.extended_source


def _plain_source(symbol: Symbol) -> str:
    """``definition_source`` (the definition alone) dedented as a top-level block."""
    row = symbol.start_point[0]
    lines = symbol.file.content.splitlines()
    first = lines[row] if 0 <= row < len(lines) else ""
    indent = first[: len(first) - len(first.lstrip())]
    return textwrap.dedent(indent + symbol.definition_source)


def _signature(symbol: Symbol) -> str:
    """Header lines up to the body (``def f(...) -> T:`` / ``function f(...) {``), plus a
    one-line docstring summary."""
    lines = _plain_source(symbol).splitlines()
    head: list[str] = []
    for line in lines:
        head.append(line)
        stripped = line.rstrip()
        if stripped.endswith((":", "{")) or stripped.endswith("=>"):
            break
    text = "\n".join(head)
    doc = getattr(symbol, "docstring", None)
    if isinstance(symbol, Function | Class) and doc:
        first = doc.strip().splitlines()[0] if doc.strip() else ""
        if first:
            text += f'\n    """{first}"""'
    if text.rstrip().endswith("{"):
        return text + " ... }"
    return text + "\n    ..."


def _class_skeleton(cls: Class) -> str:
    """Class header, docstring, attributes and method signatures."""
    lines = _plain_source(cls).splitlines()
    parts: list[str] = []
    for line in lines:
        parts.append(line)
        if line.rstrip().endswith((":", "{")):
            break
    indent = "    "
    doc = cls.docstring
    if doc:
        parts.append(f'{indent}"""{doc.strip()}"""')
    for attribute in cls.attributes:
        parts.append(indent + attribute.source.strip())
    for method in cls.methods:
        parts.extend(textwrap.indent(d, indent) for d in method.decorators)
        parts.append(textwrap.indent(_signature(method), indent))
    return "\n".join(parts)


def _snippet(file: SourceFile, row: int) -> tuple[str, int]:
    lines = file.content.splitlines()
    start = max(0, row - _SNIPPET_LINES)
    end = min(len(lines), row + _SNIPPET_LINES + 1)
    return "\n".join(lines[start:end]), start + 1


# -- candidate collection ------------------------------------------------------------------
@dataclass(slots=True)
class _Candidate:
    role: str
    node: Symbol | SourceFile
    score: float
    reason: str
    order: int
    snippet: tuple[str, int] | None = None


def _is_within(inner: Symbol, outer: Symbol) -> bool:
    return (
        inner.filepath == outer.filepath
        and outer.start_byte <= inner.start_byte
        and inner.end_byte <= outer.end_byte
    )


def _dependency_role(dep: Symbol, called: set[Symbol]) -> tuple[str, str]:
    if dep in called:
        return "call", "instantiates" if isinstance(dep, Class) else "calls"
    if isinstance(dep, Class):
        return "type", "uses class"
    if isinstance(dep, Function):
        return "call", "references"
    if dep.kind in ("global_var", "attribute"):
        return "variable", "uses"
    return "dependency", "depends on"


def _candidates(target: Symbol) -> list[_Candidate]:
    found: list[_Candidate] = []
    order = 0

    def add(
        role: str,
        node: Symbol | SourceFile,
        reason: str,
        bonus: float = 0.0,
        snippet: tuple[str, int] | None = None,
    ) -> None:
        nonlocal order
        if node.filepath == target.filepath:
            bonus += 2.0
        found.append(_Candidate(role, node, _SCORES[role] + bonus, reason, order, snippet))
        order += 1

    parent = target.parent
    if isinstance(parent, Class):
        add("class", parent, "enclosing class")

    called: set[Symbol] = set()
    if isinstance(target, Function):
        for call in target.function_calls:
            definition = call.function_definition
            if isinstance(definition, Symbol):
                called.add(definition)
    for index, dep in enumerate(target.resolved_dependencies):
        if dep == target or _is_within(dep, target):
            continue
        if isinstance(parent, Class) and dep.parent == parent and dep.kind == "attribute":
            continue  # already in the class skeleton
        role, reason = _dependency_role(dep, called)
        add(role, dep, reason, bonus=-0.5 * index)

    if isinstance(target, Class):
        for base in target.superclasses:
            add("superclass", base, "base class")
        for sub in target.subclasses:
            add("subclass", sub, "subclass")

    seen_callers: set[Symbol] = set()
    callers = 0
    for usage in target.usages():
        if usage.kind == "import" or callers >= _MAX_CALLERS:
            continue
        holder = usage.usage_symbol
        role = "caller" if usage.kind == "call" else "user"
        reason = "called by" if role == "caller" else "used by"
        if isinstance(holder, Symbol):
            if holder == target or _is_within(holder, target) or holder in seen_callers:
                continue
            if isinstance(holder, Class) and _is_within(target, holder):
                continue
            seen_callers.add(holder)
            add(role, holder, reason, bonus=-1.0 * callers)
        else:
            snippet = _snippet(holder, usage.start_point[0])
            add(role, holder, f"{reason} module code", bonus=-1.0 * callers, snippet=snippet)
        callers += 1
    return found


def _shapes(candidate: _Candidate) -> list[tuple[str, str, int | None]]:
    """(shape, source, first line) alternatives, largest first."""
    node = candidate.node
    if candidate.snippet is not None:
        return [("snippet", candidate.snippet[0], candidate.snippet[1])]
    assert isinstance(node, Symbol)
    line = _line_of(node)
    if candidate.role == "class" and isinstance(node, Class):
        return [("skeleton", _class_skeleton(node), line)]
    if isinstance(node, Function | Class):
        full = dedented_source(node)
        signature = _signature(node)
        options = [("full", full, line)]
        if signature != full:
            options.append(("signature", signature, line))
        return options
    return [("full", node.source, line)]


def _name(node: Symbol | SourceFile) -> str:
    return node.qualified_name if isinstance(node, Symbol) else node.filepath


def _item(
    candidate: _Candidate, shape: str, source: str, line: int | None, count: TokenCounter
) -> ContextItem:
    node = candidate.node
    draft = ContextItem(
        role=candidate.role,
        name=_name(node),
        filepath=node.filepath,
        line=line,
        source=source,
        reason=candidate.reason,
        score=candidate.score,
        tokens=0,
        shape=shape,
    )
    return _with_tokens(draft, count)


def _with_tokens(item: ContextItem, count: TokenCounter) -> ContextItem:
    return ContextItem(
        item.role,
        item.name,
        item.filepath,
        item.line,
        item.source,
        item.reason,
        item.score,
        count(item.render()),
        item.shape,
    )


def dedented_source(symbol: Symbol) -> str:
    """``extended_source`` (decorators and leading comments included) as a top-level block.

    A method's source starts at its column while its other lines keep the file's
    indentation; this puts the first line's indentation back and dedents the whole.
    """
    extended = symbol.extended_source
    row = symbol.start_point[0] - (extended.count("\n") - symbol.definition_source.count("\n"))
    lines = symbol.file.content.splitlines()
    first = lines[row] if 0 <= row < len(lines) else ""
    indent = first[: len(first) - len(first.lstrip())]
    return textwrap.dedent(indent + extended)


def target_item(target: Symbol, count: TokenCounter = estimate_tokens) -> ContextItem:
    """The target's own block (its definition with decorators and leading comments)."""
    draft = ContextItem(
        role="target",
        name=target.qualified_name,
        filepath=target.filepath,
        line=_line_of(target),
        source=dedented_source(target),
        reason="target",
        score=math.inf,
        tokens=0,
    )
    return _with_tokens(draft, count)


def explicit_items(value: Any, count: TokenCounter = estimate_tokens) -> list[ContextItem]:
    """Items for caller-given context: a string, symbol, file, list or dict of those.

    The string ``"auto"`` inside a list is skipped here (it asks for automatic context).
    """
    items: list[ContextItem] = []

    def walk(node: Any, label: str | None) -> None:
        if node is None or (isinstance(node, str) and node == "auto" and label is None):
            return
        if isinstance(node, str):
            draft = ContextItem("explicit", label or "Context", None, None, node, "context", 0, 0)
        elif isinstance(node, Symbol):
            draft = ContextItem(
                "explicit",
                label or node.qualified_name,
                node.filepath,
                _line_of(node),
                render_symbol(node),
                "context",
                0,
                0,
            )
        elif isinstance(node, SourceFile):
            draft = ContextItem(
                "explicit", label or node.filepath, node.filepath, 1, node.content, "file", 0, 0
            )
        elif isinstance(node, Mapping):
            for key, value in node.items():
                walk(value, str(key))
            return
        elif isinstance(node, Iterable):
            for value in node:
                walk(value, label)
            return
        else:
            text = str(node)
            draft = ContextItem("explicit", label or "Context", None, None, text, "context", 0, 0)
        items.append(_with_tokens(draft, count))

    walk(value, None)
    return items


def wants_auto(context: Any, target: Any) -> bool:
    """Whether ``context`` asks for automatic graph context (``None`` with a target counts)."""
    if context is None:
        return target is not None
    if isinstance(context, str):
        return context == "auto"
    if isinstance(context, list | tuple):
        return any(isinstance(c, str) and c == "auto" for c in context)
    return False


def build(
    target: Symbol | None,
    context: Any = None,
    *,
    max_context_tokens: int = DEFAULT_MAX_CONTEXT_TOKENS,
    token_counter: TokenCounter | None = None,
) -> AIContext:
    """Choose the context for a request about ``target``.

    Args:
        target: The symbol the prompt is about, or ``None``.
        context: ``None``/``"auto"`` for graph context (with a target), or explicit context
            (a string, symbol, file, list or dict of those; a list may include ``"auto"``).
        max_context_tokens: Budget for the target plus context. Explicit context is always
            included; automatic context fills what is left.
        token_counter: Count tokens with this instead of the estimate.

    Returns:
        The chosen :class:`AIContext`.
    """
    count = token_counter or estimate_tokens
    counter_name = "estimate" if token_counter is None else "custom"
    auto = wants_auto(context, target)
    only_auto = isinstance(context, str) and context == "auto"
    explicit = [] if only_auto else explicit_items(context, count)
    target_block = target_item(target, count) if isinstance(target, Symbol) else None
    used = (target_block.tokens if target_block else 0) + sum(i.tokens for i in explicit)
    chosen: list[ContextItem] = list(explicit)
    dropped: list[ContextItem] = []
    if auto and isinstance(target, Symbol):
        merged: dict[Symbol | SourceFile | tuple[str, int], _Candidate] = {}
        for cand in _candidates(target):
            key: Symbol | SourceFile | tuple[str, int] = (
                (cand.node.filepath, cand.snippet[1]) if cand.snippet else cand.node
            )
            previous = merged.get(key)
            if previous is None or cand.score > previous.score:
                merged[key] = cand
        ranked = sorted(merged.values(), key=lambda c: (-c.score, c.order))
        for cand in ranked:
            placed = False
            shapes = _shapes(cand)
            for shape, source, line in shapes:
                item = _item(cand, shape, source, line, count)
                if used + item.tokens <= max_context_tokens:
                    chosen.append(item)
                    used += item.tokens
                    placed = True
                    break
            if not placed:
                shape, source, line = shapes[-1]
                dropped.append(_item(cand, shape, source, line, count))
    return AIContext(
        target=target_block,
        items=tuple(chosen),
        dropped=tuple(dropped),
        budget=max_context_tokens,
        tokens=used,
        counter=counter_name,
        mode="auto" if auto else ("explicit" if explicit else "none"),
    )
