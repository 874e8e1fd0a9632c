"""Tables that fit the terminal without cutting what matters.

Rules every table of the CLI follows (`graph-sitter usage` at 80 columns is the test case):

- A number is never cut: right-aligned columns are as wide as their widest cell and never wrap.
- Text (paths, names, URLs) folds onto more lines rather than ending in an ellipsis.
- When even that does not fit, low-value columns are dropped first (a caption says which, and
  ``--wide`` brings them back, printed past the terminal's width if need be).
- A title wider than its table is printed as a line of its own instead of wrapping word by word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

__all__ = ["Col", "fit_numbers", "make_table", "print_table"]

# Width a column costs beyond its content: one space of padding each side and a border.
_COLUMN_OVERHEAD = 3
_TABLE_OVERHEAD = 1
_TEXT_FLOOR = 4
_UNLIMITED = 100_000


@dataclass(frozen=True, slots=True)
class Col:
    """One column of :func:`make_table`.

    Attributes:
        header: The column heading.
        numeric: Right-aligned, never wrapped or cut.
        drop: 0 = always shown; otherwise dropped when the table does not fit, highest first.
        min_width: Text columns fold below their content but not below this width.
        whole: Never folded by the fitting (a URL stays clickable); columns are dropped and
            other text folds first.
    """

    header: str
    numeric: bool = False
    drop: int = 0
    min_width: int = 10
    whole: bool = False


def _plain(cell: object) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return Text.from_markup(cell).plain if isinstance(cell, str) else str(cell)


def _widest(cells: Iterable[object]) -> int:
    return max(
        (len(line) for cell in cells for line in _plain(cell).splitlines() or [""]), default=0
    )


def fit_numbers(table: Table) -> Table:
    """Make every right-aligned column of ``table`` as wide as its widest cell, never wrapped.

    Works on any rich table (``graph-sitter usage`` and ``providers`` can adopt it in one line:
    ``console.print(fit_numbers(table))``); returns the same table.
    """
    for column in table.columns:
        if column.justify == "right":
            header = _plain(column.header)
            column.min_width = max(_widest(column.cells), len(header), column.min_width or 0)
            column.no_wrap = True
            column.overflow = "fold"
    return table


def make_table(
    columns: Sequence[Col],
    rows: Sequence[Sequence[str]],
    *,
    width: int,
    title: str | None = None,
    caption: str | None = None,
    wide: bool = False,
    show_header: bool = True,
    table_box: box.Box | None = box.SIMPLE_HEAD,
) -> Table:
    """A table of ``rows`` (markup strings) that fits ``width`` columns of terminal.

    Columns with ``drop > 0`` are left out, highest first, until the narrowest rendering fits;
    the caption then names them and suggests ``--wide`` (which keeps every column).
    """
    keep = list(range(len(columns)))
    content = [
        max(_widest(row[i] for row in rows), len(col.header)) for i, col in enumerate(columns)
    ]
    widths = list(content)

    def needed() -> int:
        return _TABLE_OVERHEAD + sum(widths[i] + _COLUMN_OVERHEAD for i in keep)

    def fold_text(floor: int | None) -> None:
        """Narrow the text column furthest above its floor, one character at a time."""
        while needed() > width:
            room = {
                i: widths[i] - min(columns[i].min_width if floor is None else floor, content[i])
                for i in keep
                if not (columns[i].numeric or columns[i].whole)
            }
            i = max(room, key=lambda k: room[k], default=None)
            if i is None or room[i] <= 0:
                return
            widths[i] -= 1

    dropped: list[str] = []
    while not wide:
        widths[:] = content
        fold_text(None)  # text folds down to each column's min_width ...
        candidates = [i for i in keep if columns[i].drop > 0]
        if needed() <= width or not candidates:
            break
        worst = max(candidates, key=lambda i: (columns[i].drop, i))  # ... then columns go
        keep.remove(worst)
        dropped.append(columns[worst].header)
    if not wide:
        fold_text(_TEXT_FLOOR)  # still too wide: text folds further; numbers never do
    notes = [caption] if caption else []
    if dropped:
        notes.append(f"not shown at this width: {', '.join(sorted(dropped))} (--wide shows them)")
    table = Table(
        title=escape(title) if title else None,
        caption="; ".join(notes) or None,
        box=table_box,
        show_header=show_header,
        caption_justify="left",
    )
    for i in keep:
        col = columns[i]
        if col.numeric:
            table.add_column(col.header, justify="right", no_wrap=True, overflow="fold")
        else:
            table.add_column(col.header, overflow="fold", width=widths[i])
    for row in rows:
        table.add_row(*(row[i] for i in keep))
    return fit_numbers(table)


def print_table(console: Console, table: Table, *, wide: bool = False) -> None:
    """Print ``table``: numbers whole, the title on its own line if it would wrap.

    With ``wide`` the table is printed at its natural width even past the terminal's edge.
    """
    fit_numbers(table)
    natural = console.measure(table, options=console.options.update_width(_UNLIMITED))
    width = max(natural.maximum, 1)
    if wide:
        # rich clamps a print to the console's width: a console as wide as the table
        wide_console = Console(
            file=console.file,
            width=max(width, console.width),
            force_terminal=console.is_terminal,
            no_color=console.no_color,
        )
        wide_console.print(table, crop=False)
        return
    width = min(width, console.width)
    title = table.title
    if isinstance(title, str) and len(_plain(title)) > width:
        table.title = None
        console.print(Text.from_markup(title, style="bold"), overflow="fold")
    console.print(table)
