"""Property: queued non-overlapping edits + commit == the same edits applied to the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from graph_sitter import Codebase

SOURCE = (
    "import os\n\n\ndef alpha(x):\n    return os.path.join(x, 'a')\n\n\n"
    "class Beta:\n    value = 1\n\n    def gamma(self):\n        return self.value\n"
)


@st.composite
def edit_sets(draw: st.DrawFn) -> list[tuple[int, int, str]]:
    cuts = sorted(draw(st.lists(st.integers(0, len(SOURCE)), min_size=0, max_size=12)))
    edits = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        text = draw(st.text(alphabet="abc xyz_\n()é", max_size=8))
        edits.append((a, b, text))
    return draw(st.permutations(edits))


@settings(max_examples=150, deadline=None)
@given(edit_sets())
def test_commit_equals_direct_application(edits: list[tuple[int, int, str]]) -> None:
    cb = Codebase.from_files({"m.py": SOURCE})
    f = cb.get_file("m.py")
    for start, end, text in edits:
        f.edit_range(start, end, text)
    cb.commit(validate=False)
    # Apply from the end of the text backwards; insertions at one point keep queue order.
    expected = SOURCE.encode()
    order = sorted(enumerate(edits), key=lambda e: (e[1][0], e[1][1], e[0]), reverse=True)
    for _, (start, end, text) in order:
        expected = expected[:start] + text.encode() + expected[end:]
    assert cb.get_file("m.py").content_bytes == expected
