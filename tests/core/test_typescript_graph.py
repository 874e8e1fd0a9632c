"""Cross-file TypeScript/JavaScript graph of tests/fixtures/typescript."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_sitter import Codebase
from graph_sitter.core.symbols import SourceFile

FIXTURE = Path(__file__).parent.parent / "fixtures" / "typescript"


@pytest.fixture(scope="module")
def cb() -> Codebase:
    return Codebase(FIXTURE, cache_dir="")


def test_imports_resolve_across_files(cb: Codebase) -> None:
    main = cb.get_file("src/app/main.ts")
    assert main.get_import("summary").resolved_symbol == cb.get_function("summary")  # default
    assert main.get_import("padText").resolved_symbol == cb.get_function("pad")  # alias
    models = main.get_import("models").resolved_symbol  # `* as models` from "../models/index.js"
    assert isinstance(models, SourceFile) and models.filepath == "src/models/index.ts"
    greeting = cb.get_file("src/components/Greeting.tsx")
    # Through the `utils/index.ts` barrel (`export * from "./format.js"`).
    assert greeting.get_import("formatUser").resolved_symbol == cb.get_function("formatUser")
    assert greeting.get_import("React").is_external
    index = cb.get_file("src/models/index.ts")
    assert index.get_import("Key").resolved_symbol == cb.get_symbol("ID")  # export {ID as Key}
    legacy = cb.get_file("src/legacy/config.js")
    assert legacy.get_import("defaults").resolved_symbol == cb.get_file("src/legacy/defaults.js")


def test_usages_and_hierarchy(cb: Codebase) -> None:
    found = cb.get_function("formatUser").usages()
    usages = [(u.filepath, u.start_point[0], u.kind) for u in found]
    assert usages == [
        ("src/app/main.ts", 1, "import"),
        ("src/app/main.ts", 18, "reference"),
        ("src/components/Greeting.tsx", 2, "import"),
        ("src/components/Greeting.tsx", 16, "call"),
        ("src/utils/format.ts", 23, "reference"),
    ]
    user = cb.get_class("User")
    entity = cb.get_class("Entity")
    assert user.superclasses == [entity]
    assert entity.subclasses == [user]
    assert user.superclass_names == ["Entity", "Identifiable"]
    assert {i.name for i in cb.interfaces} == {"GreetingProps", "Identifiable"}
    assert [t.name for t in cb.types] == ["ID"]
    assert cb.get_file("src/broken.ts").syntax_errors


NAMESPACES = {
    "command.ts": """export interface Command {
  id: string
}
export namespace Command {
  export function is(arg: unknown): arg is Command {
    return typeof arg === 'object'
  }
}
export namespace CommonCommands {
  export const OPEN: Command = { id: 'core.open' }
  const PREFIX = 'core.'
  export function toId(name: string): string {
    return PREFIX + name
  }
  export namespace File {
    export const SAVE: Command = { id: toId('save') }
  }
}
declare module 'vscode' {
  export function hidden(): void
}
export const Registry = Symbol('Registry')
export namespace Registry {
  export interface Options {
    strict: boolean
  }
}
""",
    "use.ts": """import { Command, CommonCommands, Registry } from './command'
export function register(cmd: Command): string {
  if (Command.is(cmd)) {
    return CommonCommands.toId(CommonCommands.File.SAVE.id)
  }
  return CommonCommands.OPEN.id + CommonCommands.PREFIX
}
export const options: Registry.Options = { strict: true }
""",
}


def test_namespaces_are_symbols_with_exported_members() -> None:
    cb = Codebase.from_files(NAMESPACES)
    use = cb.get_file("use.ts")
    common = use.get_import("CommonCommands").resolved_symbol
    assert common is not None and (common.kind, common.name) == ("namespace", "CommonCommands")
    assert common == cb.get_symbol("CommonCommands")
    # `interface Command` + `namespace Command`: the import names the interface; members of
    # the merged namespace are still followed (`Command.is`).
    assert use.get_import("Command").resolved_symbol == cb.interfaces[0]
    assert cb.interfaces[0].name == "Command"

    def calls(name: str) -> list[tuple[str, int, str]]:
        found = cb.get_symbol(name).usages()
        return [(u.filepath, u.start_point[0], u.kind) for u in found]

    assert calls("is") == [("use.ts", 2, "call")]
    assert calls("toId") == [("command.ts", 15, "call"), ("use.ts", 3, "call")]
    assert calls("SAVE") == [("use.ts", 3, "reference")]  # through a nested namespace
    assert calls("OPEN") == [("use.ts", 5, "reference")]
    # Not exported: visible inside the namespace only.
    assert calls("PREFIX") == [("command.ts", 12, "reference")]
    # `const Registry` + a namespace of types only (theia's service-identifier shape).
    assert calls("Options") == [("use.ts", 7, "reference")]
    # `declare module 'vscode' {}` describes another module: no namespace symbol.
    namespaces = [s.name for s in cb.symbols if s.kind == "namespace"]
    assert namespaces == ["Command", "CommonCommands", "Registry"]


def test_name_of_a_function_or_class_expression_is_bound_inside_it() -> None:
    cb = Codebase.from_files(
        {
            "timing.ts": """export const timing = (config?: object) => {
  return async function timing(c: unknown, next: () => Promise<void>) {
    await next()
    return timing
  }
}
export class Node {}
export function mixin() {
  return class Node {
    parent(): Node {
      return new Node()
    }
  }
}
""",
            "app.ts": """import { timing, Node } from './timing'
export const handler = timing()
export const root = new Node()
""",
        }
    )
    usages = cb.get_function("timing").usages()
    assert [(u.filepath, u.start_point[0], u.kind) for u in usages] == [
        ("app.ts", 0, "import"),
        ("app.ts", 1, "call"),
    ]
    node = cb.get_symbol("timing.ts::Node")
    assert [(u.filepath, u.start_point[0]) for u in node.usages()] == [("app.ts", 0), ("app.ts", 2)]


def test_jsx_closing_tag_is_a_usage_and_is_renamed() -> None:
    cb = Codebase.from_files(
        {
            "box.tsx": "export function Box(p: { children: unknown }) {\n"
            "  return <div>{p.children}</div>\n}\n",
            "app.tsx": 'import { Box } from "./box"\n'
            "export const App = () => <Box>hi</Box>\n"
            "export const Empty = () => <Box />\n",
        }
    )
    box = cb.get_function("Box")
    assert [(u.start_point, u.kind) for u in box.usages()] == [
        ((0, 0), "import"),
        ((1, 26), "call"),
        ((1, 34), "reference"),  # </Box>
        ((2, 28), "call"),
    ]
    box.rename("Panel")
    assert "export const App = () => <Panel>hi</Panel>\n" in cb.get_diff()
