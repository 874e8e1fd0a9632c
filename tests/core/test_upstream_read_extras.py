"""Read-side names upstream scripts use that the example scripts found missing:
`parent_class` / `parent_function` on symbols, `usages` / `symbol_usages` on TS exports."""

from __future__ import annotations

from graph_sitter import Codebase
from graph_sitter.core import UsageType

PY = """\
class Outer:
    def method(self):
        def helper():
            return 1
        return helper()

    class Inner:
        def deep(self):
            pass


def top():
    def nested():
        pass
    return nested
"""


def test_parent_class_and_parent_function_of_python_symbols() -> None:
    cb = Codebase.from_string(PY, language="python")
    outer = cb.get_class("Outer")
    method = outer.get_method("method")
    assert method.parent_class == outer
    assert method.parent_function is None
    helper = next(s for s in method.nested_functions if s.name == "helper")
    assert helper.parent_function == method
    assert helper.parent_class == outer  # the nearest class out from the helper
    inner = next(c for c in cb.classes if c.name == "Inner")
    assert inner.get_method("deep").parent_class == inner
    assert inner.parent_class == outer
    top = cb.get_function("top")
    assert top.parent_class is None and top.parent_function is None
    assert next(iter(top.nested_functions)).parent_function == top


MODULE = """\
export function used(n: number) { return n + 1; }
export function unused() { return used(1); }
const local = 2;
export { local as renamed };
export default function main() { return used(local); }
"""

CONSUMER = """\
import main, { used, renamed as r } from "./module";
import { unused as u } from "./other";

export function run() {
  return used(main()) + r;
}
"""


def test_export_usages_are_the_uses_from_other_files() -> None:
    cb = Codebase.from_files({"module.ts": MODULE, "consumer.ts": CONSUMER}, language="typescript")
    module = cb.get_file("module.ts")
    by_name = {e.name: e for e in module.exports}
    used = by_name["used"]
    # inside module.ts `used` is called twice: those uses do not go through the export
    assert {u.match.filepath for u in used.usages} == {"consumer.ts"}
    assert [s.name for s in used.symbol_usages] == ["used", "run"]
    assert used.usages(UsageType.DIRECT) == [
        u for u in used.usages if u.usage_type == UsageType.DIRECT
    ]
    assert by_name["unused"].usages == [] and by_name["unused"].symbol_usages == []
    renamed = by_name["renamed"]
    assert [s.name for s in renamed.symbol_usages] == ["r", "run"]
    default = module.get_export("default")
    assert default is not None and default.symbol_usages
    assert {s.filepath for s in default.symbol_usages} == {"consumer.ts"}


def test_reexport_usages_are_the_uses_of_its_import_record() -> None:
    cb = Codebase.from_files(
        {
            "a.ts": "export const a = 1;\n",
            "index.ts": 'export { a } from "./a";\nexport * from "./a";\n',
            "app.ts": 'import { a } from "./index";\nconsole.log(a);\n',
        },
        language="typescript",
    )
    index = cb.get_file("index.ts")
    named, wildcard = index.exports
    assert [s.filepath for s in named.symbol_usages] == ["app.ts"]
    assert wildcard.usages == []
    direct = cb.get_file("a.ts").get_export("a")
    assert direct is not None
    # as `Symbol.usages`, the chain is followed: index.ts re-exports `a`, app.ts imports and uses it
    assert [repr(s) for s in direct.symbol_usages] == [
        "<Import a at app.ts:1>",
        "<SourceFile app.ts>",
        "<Import a at index.ts:1>",
    ]


FLAGS_PY = """\
import functools
from typing import overload


class Shape:
    def __init__(self, side):
        self._side = side

    def __repr__(self):
        return "Shape"

    @property
    def side(self):
        return self._side

    @functools.cached_property
    def area(self):
        return self._side**2

    @staticmethod
    def unit():
        return Shape(1)

    @classmethod
    def of(cls, side):
        return cls(side)

    def _helper(self):
        pass

    def __private(self):
        pass
"""

FLAGS_TS = """\
class Shape {
  #secret = 1;
  constructor(private side: number) {}
  get area(): number { return this.side ** 2; }
  static unit(): Shape { return new Shape(1); }
  private helper(): void {}
  #hidden(): void {}
  public scale(): void {}
  __proto__(): void {}
}
"""


def _flags(cb: Codebase) -> dict[str, list[str]]:
    names = ("is_magic", "is_private", "is_property", "is_static_method", "is_class_method")
    out: dict[str, list[str]] = {}
    for method in cb.get_class("Shape").methods:
        flags = [n for n in (*names, "is_constructor") if getattr(method, n)]
        out[method.name] = flags
    return out


def test_method_flags_in_python() -> None:
    assert _flags(Codebase.from_string(FLAGS_PY, language="python")) == {
        "__init__": ["is_magic", "is_constructor"],
        "__repr__": ["is_magic"],
        "side": ["is_property"],
        "area": ["is_property"],
        "unit": ["is_static_method"],
        "of": ["is_class_method"],  # upstream answers with the @staticmethod test here
        "_helper": ["is_private"],
        "__private": ["is_private"],
    }


def test_method_flags_in_typescript() -> None:
    assert _flags(Codebase.from_string(FLAGS_TS, language="typescript")) == {
        "constructor": ["is_constructor"],
        "area": ["is_property"],
        "unit": ["is_static_method"],
        "helper": ["is_private"],
        "#hidden": ["is_private"],
        "scale": [],
        "__proto__": [],  # dunder names mean nothing special in TypeScript
    }


def test_from_file_and_importers_follow_workspace_packages() -> None:
    from pathlib import Path

    cb = Codebase(str(Path(__file__).parent.parent / "fixtures" / "typescript_monorepo"))
    core = cb.get_file("packages/runtime-core/src/index.ts")
    ref_import = core.get_import("ref")
    assert ref_import is not None
    # `import { ref } from '@mono/reactivity'`: the package's entry file re-exports it
    assert ref_import.from_file == cb.get_file("packages/reactivity/src/index.ts")
    assert repr(ref_import.imported_symbol) == "<Import ref at packages/reactivity/src/index.ts:1>"
    assert ref_import.resolve_import() is not None
    entry = cb.get_file("packages/reactivity/src/index.ts")
    assert [f.filepath for f in entry.importers] == [
        "packages/mono/src/index.ts",
        "packages/runtime-core/src/index.ts",
    ]
    assert ref_import in entry.inbound_imports


HIERARCHY = """\
import abc
from typing import Generic, TypeVar

T = TypeVar("T")


class Base(abc.ABC):
    pass


class Middle(Base, Generic[T]):
    pass


class Leaf(Middle[int]):
    pass


class Other:
    pass
"""


def test_is_subclass_of_by_name_and_by_class() -> None:
    cb = Codebase.from_string(HIERARCHY, language="python")
    base, middle, leaf, other = (cb.get_class(n) for n in ("Base", "Middle", "Leaf", "Other"))
    assert leaf.is_subclass_of("Middle") and leaf.is_subclass_of(middle)
    assert leaf.is_subclass_of("Base") and leaf.is_subclass_of(base)
    assert leaf.is_subclass_of("ABC")  # external, matched by name through the chain
    assert leaf.is_subclass_of("abc.ABC")
    assert not leaf.is_subclass_of(base, max_depth=1)
    assert leaf.is_subclass_of(base, max_depth=2)
    assert not leaf.is_subclass_of("Other") and not leaf.is_subclass_of(other)
    assert not base.is_subclass_of(base) and not other.is_subclass_of("Base")
    ts = Codebase.from_string(
        "class A {}\\nclass B extends A {}\\nclass C extends B implements I {}\\n",
        language="typescript",
    )
    c = ts.get_class("C")
    assert c.is_subclass_of("A") and c.is_subclass_of(ts.get_class("A")) and c.is_subclass_of("I")
    assert not ts.get_class("A").is_subclass_of("B")
