"""Comments and docstrings as values with `.source` (as written) and `.text` (clean).

`symbol.comment` is the group of comments directly above a definition (no blank line between):
`#` lines in Python; `//` lines and `/* */`, `/** */` blocks in TypeScript/JavaScript. Its
`.source` is each comment as written, joined by newlines (the indentation before each comment
left out); its `.text` drops the markers (`#`, `//`, `/*`, `*/`, a leading `*` on block lines)
and one space after them.

`docstring` is a Python function's or class's string literal (`.source` with its quotes,
`.text` cleaned as `inspect.cleandoc` does), or in TypeScript the block comments of that group
(`//` lines are comments, not documentation). Both are `SourceText`: the value *is* the clean
text, so `fn.docstring == "Adds."` keeps working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_sitter.core.languages import LanguageSupport, support_for
from graph_sitter.core.text import SourceText

if TYPE_CHECKING:
    from graph_sitter.core.symbols import Symbol

__all__ = ["comment_of", "docstring_of", "inline_comment_of"]

_LINE, _BLOCK = "line", "block"


def _anchor(content: bytes, ext_start: int, start: int) -> int:
    """The first code position of a definition: past any comments its extended range has."""
    pos = ext_start
    while pos < start:
        while pos < start and content[pos : pos + 1].isspace():
            pos += 1
        if content.startswith((b"#", b"//"), pos):
            end = content.find(b"\n", pos)
            pos = start if end < 0 or end >= start else end + 1
        elif content.startswith(b"/*", pos):
            end = content.find(b"*/", pos + 2)
            pos = start if end < 0 or end + 2 > start else end + 2
        else:
            break
    return min(pos, start)


def _group_above(
    content: bytes, anchor: int, language: LanguageSupport
) -> list[tuple[str, int, int]]:
    """The comments directly above `anchor`, top to bottom, as (kind, start, end)."""
    line_start = content.rfind(b"\n", 0, anchor) + 1
    if content[line_start:anchor].strip():
        return []  # code precedes the definition on its line
    found: list[tuple[str, int, int]] = []
    while line_start > 0:
        prev_start = content.rfind(b"\n", 0, line_start - 1) + 1
        raw = content[prev_start : line_start - 1]
        line = raw.strip()
        indent = len(raw) - len(raw.lstrip())
        if line.startswith(language.line_comment):
            found.append((_LINE, prev_start + indent, prev_start + len(raw.rstrip())))
            line_start = prev_start
        elif language.block_comments and line.endswith(b"*/"):
            close = prev_start + len(raw.rstrip())
            opening = content.rfind(b"/*", 0, close - 2)
            if opening < 0:
                break
            opening_line = content.rfind(b"\n", 0, opening) + 1
            if content[opening_line:opening].strip():
                break  # the block trails code
            found.append((_BLOCK, opening, close))
            line_start = opening_line
        else:
            break
    found.reverse()
    return found


def _clean_line(text: str, marker: str) -> str:
    body = text[len(marker) :]
    return body[1:] if body.startswith(" ") else body


def _clean_block(text: str) -> str:
    body = text[3:] if text.startswith("/**") and len(text) > 4 else text[2:]
    body = body[:-2] if body.endswith("*/") else body
    lines = []
    for raw in body.split("\n"):
        line = raw.lstrip()
        if line.startswith("*"):
            line = line[1:]
            line = line[1:] if line.startswith(" ") else line
        lines.append(line.rstrip())
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _render(
    content: bytes, group: list[tuple[str, int, int]], language: LanguageSupport
) -> SourceText:
    sources = [content[s:e].decode("utf-8", "replace") for _, s, e in group]
    texts = []
    for (kind, _, _), source in zip(group, sources, strict=True):
        if kind == _BLOCK:
            texts.append(_clean_block(source))
        else:
            texts.append(_clean_line(source, language.line_comment.decode()))
    return SourceText("\n".join(texts), "\n".join(sources))


def comment_of(symbol: Symbol) -> SourceText | None:
    """The comment group directly above `symbol`'s definition, else None."""
    rec = symbol._rec
    content = symbol._content
    language = support_for(symbol.file.language)
    start = rec.start
    if language.decorated_wrapper is not None:
        node = symbol._node()
        parent = node.parent
        if parent is not None and parent.type == language.decorated_wrapper:
            start = parent.start_byte
    anchor = _anchor(content, min(rec.ext_start, start), start)
    group = _group_above(bytes(content), anchor, language)
    if not group:
        return None
    return _render(bytes(content), group, language)


def docstring_of(symbol: Symbol) -> SourceText | None:
    """Python: the body's leading string literal; TypeScript: the block comments above."""
    language = support_for(symbol.file.language)
    if not language.documents_with_comments:
        return language.docstring(symbol._content, symbol._node())
    rec = symbol._rec
    content = bytes(symbol._content)
    anchor = _anchor(content, min(rec.ext_start, rec.start), rec.start)
    blocks = [g for g in _group_above(content, anchor, language) if g[0] == _BLOCK]
    if not blocks:
        return None
    return _render(content, blocks, language)


def inline_comment_of(symbol: Symbol) -> SourceText | None:
    """The comment after the definition on its last line (`x = 1  # note`), else None."""
    rec = symbol._rec
    content = bytes(symbol._content)
    language = support_for(symbol.file.language)
    line_end = content.find(b"\n", rec.end)
    rest = content[rec.end : len(content) if line_end < 0 else line_end]
    body = rest.lstrip()
    start = rec.end + len(rest) - len(body)
    body = body.rstrip()
    if body.startswith(language.line_comment):
        kind = _LINE
    elif language.block_comments and body.startswith(b"/*") and body.endswith(b"*/"):
        kind = _BLOCK
    else:
        return None
    return _render(content, [(kind, start, start + len(body))], language)
