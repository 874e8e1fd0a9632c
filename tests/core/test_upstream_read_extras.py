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
