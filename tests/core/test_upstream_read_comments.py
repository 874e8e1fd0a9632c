"""Comments and docstrings as objects with `.source` and `.text`, in Python and TypeScript."""

from __future__ import annotations

from graph_sitter import Codebase
from graph_sitter.core import SourceText

PY = '''\
import functools

# Retries the call.
#   Waits between attempts.
@functools.cache
def retry(fn):
    """
    Call `fn` until it succeeds.

        Backs off exponentially.
    """
    return fn


#no space after the marker
LIMIT = 3

x = 1  # trailing, not above


class Store:
    \'\'\'Keeps things.\'\'\'

    # Looks a key up.
    def get(self, key):
        return key

    def put(self, key):
        pass
'''

TS = """\
import { log } from "./log";

// Formats a value.
/* Used by the renderer. */
/**
 * Formats `value` for display.
 *   Keeps nested indentation.
 */
export function format(value: unknown): string {
  return String(value);
}

// only a line comment
export const WIDTH = 80;

/** A point. */
export interface Point { x: number }

const gap = 1;

class Canvas {
    /**
     * Draws the scene.
     */
    draw(): void {
        log("draw");
    }
}
"""


def _py() -> Codebase:
    return Codebase.from_files({"retry.py": PY})


def _ts() -> Codebase:
    return Codebase.from_files({"format.ts": TS, "log.ts": "export function log(m: string) {}\n"})


def test_python_comment_blocks_above_definitions() -> None:
    cb = _py()
    retry = cb.get_function("retry")
    assert retry is not None and retry.comment is not None
    assert retry.comment.source == "# Retries the call.\n#   Waits between attempts."
    assert retry.comment.text == "Retries the call.\n  Waits between attempts."
    limit = cb.get_symbol("LIMIT")
    assert limit is not None and limit.comment is not None
    assert (limit.comment.source, limit.comment.text) == (
        "#no space after the marker",
        "no space after the marker",
    )
    get = cb.get_function("Store.get")
    assert get is not None and get.comment == "Looks a key up."  # indented, in a class
    assert cb.get_function("Store.put").comment is None  # type: ignore[union-attr]
    assert cb.get_symbol("x").comment is None  # type: ignore[union-attr]
    assert cb.get_class("Store").comment is None  # type: ignore[union-attr]


def test_python_docstrings_keep_their_quotes_in_source() -> None:
    cb = _py()
    retry = cb.get_function("retry")
    assert retry is not None
    doc = retry.docstring
    assert isinstance(doc, SourceText)
    assert doc.text == "Call `fn` until it succeeds.\n\n    Backs off exponentially."
    assert doc.source.startswith('"""\n    Call `fn`') and doc.source.endswith('"""')
    # Still the plain string existing callers compare against.
    assert doc == "Call `fn` until it succeeds.\n\n    Backs off exponentially."
    assert doc.splitlines()[0] == "Call `fn` until it succeeds."
    store = cb.get_class("Store")
    assert store is not None and store.docstring is not None
    assert (store.docstring.source, store.docstring.text) == (
        "'''Keeps things.'''",
        "Keeps things.",
    )
    assert cb.get_function("Store.get").docstring is None  # type: ignore[union-attr]
    assert cb.get_symbol("LIMIT").docstring is None  # type: ignore[union-attr]


def test_typescript_comment_groups_mix_line_and_block_comments() -> None:
    cb = _ts()
    fmt = cb.get_function("format")
    assert fmt is not None and fmt.comment is not None
    assert fmt.comment.source == (
        "// Formats a value.\n/* Used by the renderer. */\n"
        "/**\n * Formats `value` for display.\n *   Keeps nested indentation.\n */"
    )
    assert fmt.comment.text == (
        "Formats a value.\nUsed by the renderer.\n"
        "Formats `value` for display.\n  Keeps nested indentation."
    )
    width = cb.get_symbol("WIDTH")
    assert width is not None and width.comment == "only a line comment"
    assert cb.get_symbol("gap").comment is None  # type: ignore[union-attr]


def test_typescript_docstrings_are_the_block_comments_above() -> None:
    cb = _ts()
    fmt = cb.get_function("format")
    assert fmt is not None and fmt.docstring is not None
    assert fmt.docstring.source == (
        "/* Used by the renderer. */\n"
        "/**\n * Formats `value` for display.\n *   Keeps nested indentation.\n */"
    )
    assert fmt.docstring.text == (
        "Used by the renderer.\nFormats `value` for display.\n  Keeps nested indentation."
    )
    assert cb.get_symbol("WIDTH").docstring is None  # type: ignore[union-attr]
    point = cb.get_symbol("Point")
    assert point is not None and point.docstring == "A point."
    draw = cb.get_function("Canvas.draw")
    assert draw is not None and draw.docstring is not None
    assert draw.docstring.source == "/**\n     * Draws the scene.\n     */"
    assert draw.docstring.text == "Draws the scene."


def test_a_blank_line_ends_the_group() -> None:
    cb = Codebase.from_files(
        {
            "a.py": "# file header\n\ndef f():\n    pass\n",
            "b.ts": "/** Not about g. */\n\nfunction g() {}\n",
        }
    )
    assert cb.get_function("f").comment is None  # type: ignore[union-attr]
    assert cb.get_function("g").comment is None  # type: ignore[union-attr]
    assert cb.get_function("g").docstring is None  # type: ignore[union-attr]


def test_inline_comments_trail_the_definition() -> None:
    cb = Codebase.from_files(
        {
            "a.py": "RETRIES = 3  # how many times\nPLAIN = 1\n",
            "b.ts": "const WIDTH = 80;  // columns\nconst HEIGHT = 24; /* rows */\nconst D = 1;\n",
        }
    )
    retries = cb.get_symbol("RETRIES")
    assert retries is not None and retries.comment is None
    assert retries.inline_comment is not None
    assert (retries.inline_comment.source, retries.inline_comment.text) == (
        "# how many times",
        "how many times",
    )
    assert cb.get_symbol("PLAIN").inline_comment is None  # type: ignore[union-attr]
    width = cb.get_symbol("WIDTH")
    assert width is not None and width.inline_comment is not None
    assert (width.inline_comment.source, width.inline_comment.text) == ("// columns", "columns")
    assert cb.get_symbol("HEIGHT").inline_comment == "rows"  # type: ignore[union-attr]
    assert cb.get_symbol("D").inline_comment is None  # type: ignore[union-attr]
