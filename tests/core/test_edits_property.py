"""Property: queued non-overlapping edits + commit == the same edits applied to the text."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from graph_sitter import Codebase
from graph_sitter.core import EditError, EditValidationError

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


# ----------------------------------------------------------------------------- refactorings
PROGRAM = {
    "pkg/__init__.py": "",
    "pkg/a.py": (
        "import os\nfrom pkg.b import helper, LIMIT\n\nRATE = 2\n\n\n"
        "def alpha(x, y=1):\n    return helper(x) * RATE + y + len(os.sep)\n\n\n"
        "class Beta:\n    def gamma(self, z):\n        return alpha(z, y=LIMIT)\n\n\n"
        "def delta():\n    return Beta().gamma(1) + alpha(2)\n"
    ),
    "pkg/b.py": "LIMIT = 3\n\n\ndef helper(v):\n    return v + LIMIT\n",
    "pkg/c.py": (
        "from pkg.a import alpha, delta\n\n\ndef main():\n    return alpha(1, 2) + delta()\n"
    ),
    "pkg/d.py": "",
}
NAMES = ["alpha", "Beta", "delta", "helper", "RATE", "LIMIT", "main", "gamma"]
STRATEGY = ["update_all_imports", "add_back_edge", "duplicate_dependencies"]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("rename"), st.sampled_from(NAMES), st.sampled_from(["n1", "n2"])),
        st.tuples(st.just("remove"), st.sampled_from(NAMES), st.just("")),
        st.tuples(st.just("move"), st.sampled_from(NAMES), st.sampled_from(STRATEGY)),
        st.tuples(st.just("import"), st.sampled_from(["pkg/c.py", "pkg/d.py"]), st.just("")),
        st.tuples(st.just("alias"), st.sampled_from(["helper", "alpha", "os"]), st.just("al")),
        st.tuples(st.just("param"), st.sampled_from(["alpha", "helper"]), st.just("")),
        st.tuples(st.just("create"), st.just("pkg/e.py"), st.just("")),
    ),
    max_size=6,
)


def _apply(cb: Codebase, op: tuple[str, str, str]) -> None:
    kind, what, arg = op
    if kind == "import":
        cb.get_file(what).add_import(module="typing", name="Any")
    elif kind == "create":
        cb.create_file(what, "VALUE = 1\n")
    elif kind == "alias":
        for imp in cb.imports:
            if imp.name == what:
                imp.set_import_symbol_alias(arg)
                return
    else:
        sym = cb.get_symbol(what) if what != "gamma" else cb.get_function("Beta.gamma")
        assert sym is not None
        if kind == "rename":
            sym.rename(arg)
        elif kind == "remove":
            sym.remove()
        elif kind == "move":
            sym.move_to_file("pkg/d.py", strategy=arg)
        else:
            sym.add_parameter("extra=None")


@settings(max_examples=60, deadline=None)
@given(operations)
def test_refactorings_commit_parseable_files_or_change_nothing(
    ops: list[tuple[str, str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, text in PROGRAM.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        cb = Codebase(root, cache_dir="")
        for op in ops:
            before = cb.get_diff()
            try:
                _apply(cb, op)
            except (EditError, LookupError):
                assert cb.get_diff() == before  # a refused operation queues nothing
        disk_before = {p: p.read_bytes() for p in root.rglob("*.py")}
        try:
            cb.commit()
        except EditValidationError:
            assert {p: p.read_bytes() for p in root.rglob("*.py")} == disk_before
            return
        for f in cb.files:
            assert not f.syntax_errors, (f.filepath, f.content)
            assert (root / f.filepath).read_bytes() == f.content_bytes
