"""Edits reached through the read objects (`Parameter`, `FunctionCall`, `Argument`): each goes
through the one edit operation, updates call sites where the function method does, and is
all-or-nothing."""

from __future__ import annotations

import pytest

from graph_sitter import Codebase
from graph_sitter.core import EditError

PY_LIB = "def area(width, height=1, *, unit='m'):\n    return width * height\n"
PY_USE = "from lib import area\n\na = area(2, height=3)\nb = area(4, 5, unit='cm')\n"
TS_LIB = "export function scale(size, factor?: number) {\n  return size * (factor ?? 1);\n}\n"
TS_USE = "import { scale } from './lib';\n\nconst a = scale(2, 3);\nconst b = scale(4);\n"


def py() -> Codebase:
    return Codebase.from_files({"lib.py": PY_LIB, "use.py": PY_USE})


def ts() -> Codebase:
    return Codebase.from_files({"src/lib.ts": TS_LIB, "src/use.ts": TS_USE})


def test_parameter_rename_updates_body_and_keyword_arguments() -> None:
    cb = py()
    before = cb.get_file("use.py").content
    assert "height=3" in before
    height = cb.get_function("area").get_parameter("height")
    assert height is not None and height.parent_function == cb.get_function("area")
    height.rename("tall")
    cb.commit()
    assert cb.get_file("lib.py").content == (
        "def area(width, tall=1, *, unit='m'):\n    return width * tall\n"
    )
    assert "a = area(2, tall=3)\n" in cb.get_file("use.py").content
    assert "b = area(4, 5, unit='cm')\n" in cb.get_file("use.py").content


def test_parameter_remove_drops_the_argument_at_call_sites() -> None:
    cb = py()
    height = cb.get_function("area").get_parameter("height")
    assert height is not None
    assert height.remove() == 2
    cb.commit()
    assert cb.get_file("lib.py").content.startswith("def area(width, *, unit='m'):\n")
    content = cb.get_file("use.py").content
    assert "a = area(2)\n" in content and "b = area(4, unit='cm')\n" in content


def test_parameter_edit_and_type_annotation_python() -> None:
    cb = py()
    fn = cb.get_function("area")
    width, height, unit = fn.parameters
    assert width.type is None and height.type is None
    width.set_type_annotation("float")
    height.set_type_annotation("int")
    unit.edit("unit: str = 'cm'")
    cb.commit()
    assert cb.get_file("lib.py").content.startswith(
        "def area(width: float, height: int = 1, *, unit: str = 'cm'):\n"
    )
    fn = cb.get_function("area")
    assert [p.type for p in fn.parameters] == ["float", "int", "str"]
    fn.parameters[0].set_type_annotation("int | float")
    cb.commit()
    assert cb.get_file("lib.py").content.startswith("def area(width: int | float, height")


def test_parameter_edits_typescript() -> None:
    cb = ts()
    size, factor = cb.get_function("scale").parameters
    size.set_type_annotation("number")
    factor.set_type_annotation("bigint")
    cb.commit()
    assert cb.get_file("src/lib.ts").content.startswith(
        "export function scale(size: number, factor?: bigint) {\n"
    )
    cb.get_function("scale").get_parameter("factor").remove()  # type: ignore[union-attr]
    cb.commit()
    assert cb.get_file("src/lib.ts").content.startswith("export function scale(size: number) {")
    assert cb.get_file("src/use.ts").content.endswith("const a = scale(2);\nconst b = scale(4);\n")


def test_bad_parameter_edits_raise_and_queue_nothing() -> None:
    cb = py()
    height = cb.get_function("area").get_parameter("height")
    assert height is not None
    with pytest.raises(EditError):
        height.rename("not valid")
    with pytest.raises(EditError):
        height.set_type_annotation("  ")
    with pytest.raises(EditError):
        height.edit("")
    cb.commit()
    assert cb.get_file("lib.py").content == PY_LIB
    assert cb.get_file("use.py").content == PY_USE


def test_call_rename_add_argument_and_argument_edits_python() -> None:
    cb = py()
    first, second = cb.get_function("area").call_sites
    first.set_name("surface")
    first.add_argument("unit='km'")
    second.args[2].rename("units")
    second.args[1].remove()
    cb.commit()
    content = cb.get_file("use.py").content
    assert "a = surface(2, height=3, unit='km')\n" in content
    assert "b = area(4, units='cm')\n" in content


def test_call_edits_typescript() -> None:
    cb = ts()
    first, second = cb.get_function("scale").call_sites
    second.add_argument("10")
    first.args[0].edit("size")
    first.rename("resize")
    cb.commit()
    content = cb.get_file("src/use.ts").content
    assert "const a = resize(size, 3);\nconst b = scale(4, 10);\n" in content


def test_bad_call_edits_raise_and_queue_nothing() -> None:
    cb = py()
    call = cb.get_function("area").call_sites[0]
    with pytest.raises(EditError):
        call.rename("1bad")
    with pytest.raises(EditError):
        call.args[1].rename("class")
    with pytest.raises(ValueError):
        call.args[0].rename("w")  # positional: no keyword
    with pytest.raises(ValueError):
        call.args[0].edit(" ")
    cb.commit()
    assert cb.get_file("use.py").content == PY_USE


TSX = (
    "export const Badge = () => <b>new</b>;\n"
    "export function Card(props: Props): JSX.Element {\n"
    "  const inner = () => <i/>;\n"
    "  if (!props.open) {\n"
    "    return null;\n"
    "  }\n"
    "  return (\n"
    "    <div>{props.title}</div>\n"
    "  );\n"
    "}\n"
    "export function helper(): number {\n"
    "  const make = () => <p/>;\n"
    "  return 1;\n"
    "}\n"
    "class Store {\n"
    "  static load(id: string): Item {\n"
    "    return get(id);\n"
    "  }\n"
    "}\n"
)


def test_is_jsx_typescript_and_python() -> None:
    cb = Codebase.from_files({"ui.tsx": TSX, "lib.py": PY_LIB})
    assert cb.get_function("Badge").is_jsx
    assert cb.get_function("Card").is_jsx
    assert not cb.get_function("helper").is_jsx  # only a nested arrow returns JSX
    assert not cb.get_function("area").is_jsx


def test_asyncify_python_and_typescript() -> None:
    decorated = "import functools\n\n@functools.cache\ndef load(key):\n    return key\n"
    cb = Codebase.from_files({"ui.tsx": TSX, "lib.py": PY_LIB, "deco.py": decorated})
    assert cb.get_function("load").asyncify()
    assert not cb.get_function("area").is_async
    assert cb.get_function("area").asyncify()
    assert cb.get_function("helper").asyncify()
    assert cb.get_function("Badge").asyncify()
    assert cb.get_function("Store.load").asyncify()
    cb.commit()
    assert cb.get_file("lib.py").content.startswith("async def area(width")
    assert "@functools.cache\nasync def load(key):\n" in cb.get_file("deco.py").content
    content = cb.get_file("ui.tsx").content
    assert "export async function helper(): Promise<number> {\n" in content
    assert "export const Badge = async () => <b>new</b>;\n" in content
    assert "  static async load(id: string): Promise<Item> {\n" in content
    assert cb.get_function("area").is_async
    assert not cb.get_function("area").asyncify()  # already async: nothing queued
    cb.commit()
    assert cb.get_file("lib.py").content.startswith("async def area(width")


ARROWS = (
    "export const double = (n: number): number => n * 2;\n"
    "const greet = async <T,>(who: T) => {\n"
    "  await log(who);\n"
    "  return `hi ${who}`;\n"
    "};\n"
    "const id = x => (x);\n"
    "export function plain() {}\n"
    "const a = () => 1, b = 2;\n"
)


def test_arrow_to_named() -> None:
    cb = Codebase.from_files({"m.ts": ARROWS})
    cb.get_function("double").arrow_to_named()
    cb.get_function("greet").arrow_to_named()
    cb.get_function("id").arrow_to_named("identity")
    cb.commit()
    assert cb.get_file("m.ts").content == (
        "export function double(n: number): number {\n  return n * 2;\n}\n"
        "async function greet<T,>(who: T) {\n"
        "  await log(who);\n"
        "  return `hi ${who}`;\n"
        "}\n"
        "function identity(x) {\n  return x;\n}\n"
        "export function plain() {}\n"
        "const a = () => 1, b = 2;\n"
    )
    for bad in ("plain", "a"):  # not an arrow; one of several declarators
        with pytest.raises(EditError):
            cb.get_function(bad).arrow_to_named()
    cb.commit()
    assert cb.get_file("m.ts").content.endswith("const a = () => 1, b = 2;\n")
