"""`source` with decorators, decorators in both languages, parameters, and lookups that
return None, as upstream graph-sitter defines them."""

from __future__ import annotations

import pytest

from graph_sitter import Codebase
from graph_sitter.core import Expression, FunctionCall, SymbolNotFoundError

PY = (
    "import functools\n"
    "\n"
    "# Cached views.\n"
    "@functools.lru_cache(maxsize=None)\n"
    "@staticmethod\n"
    "def lookup(key: str, *args, retries: int = 3, **options) -> str:\n"
    "    def normalise(value):\n"
    "        return value.strip()\n"
    "    def fallback():\n"
    "        return ''\n"
    "    return normalise(key)\n"
    "\n"
    "class Base:\n"
    "    pass\n"
    "\n"
    "@dataclass(frozen=True)\n"
    "class Point(Base, metaclass=Meta):\n"
    "    x: int = 0\n"
    "    y: int = 0\n"
    "\n"
    "    @property\n"
    "    def norm(self) -> float:\n"
    "        return (self.x ** 2 + self.y ** 2) ** 0.5\n"
    "\n"
    "    def plain(self):\n"
    "        pass\n"
)

TS = (
    "@Component({ selector: 'app-card' })\n"
    "export class CardComponent extends Base implements OnInit {\n"
    "  @Input() title?: string;\n"
    "  count = 0;\n"
    "\n"
    "  constructor(@Inject(TOKEN) private readonly api: Api) {}\n"
    "\n"
    "  @HostListener('click', ['$event'])\n"
    "  @Debounce(300)\n"
    "  onClick(event: MouseEvent, label?: string, retries = 2, ...rest: unknown[]): void {}\n"
    "\n"
    "  plain() {}\n"
    "}\n"
)


@pytest.fixture(scope="module")
def py() -> Codebase:
    return Codebase.from_files({"views.py": PY})


@pytest.fixture(scope="module")
def ts() -> Codebase:
    return Codebase.from_files({"card.ts": TS})


def test_source_includes_decorators(py: Codebase) -> None:
    lookup = py.get_function("lookup")
    assert lookup.source.startswith(
        "@functools.lru_cache(maxsize=None)\n@staticmethod\ndef lookup("
    )
    assert lookup.definition_source.startswith("def lookup(")
    assert lookup.extended_source.startswith("# Cached views.\n@functools")
    assert lookup.start_point == (5, 0)  # still the `def` line
    norm = py.get_function("Point.norm")
    assert norm.source == (
        "@property\n    def norm(self) -> float:\n        return (self.x ** 2 + self.y ** 2) ** 0.5"
    )
    plain = py.get_function("Point.plain")
    assert plain.source == plain.definition_source == "def plain(self):\n        pass"
    assert py.get_class("Point").source.startswith("@dataclass(frozen=True)\nclass Point(")


def test_edit_of_a_decorated_symbol_replaces_its_source(py: Codebase) -> None:
    cb = Codebase.from_files({"views.py": PY})
    norm = cb.get_function("Point.norm")
    norm.edit(norm.source.replace("norm", "length"))
    cb.commit()
    content = cb.get_file("views.py").content
    assert "    @property\n    def length(self) -> float:\n" in content
    assert content.count("@property") == 1
    # Round trips of `source` keep the file's indentation, decorated or not.
    cb = Codebase.from_files({"views.py": PY})
    for name in ("Point.plain", "Point.norm"):
        method = cb.get_function(name)
        method.edit(method.source.replace("self", "me"))
    cb.commit()
    assert cb.get_file("views.py").content == PY.replace("self", "me")


def test_python_decorators(py: Codebase) -> None:
    lookup = py.get_function("lookup")
    assert lookup.decorators == ["@functools.lru_cache(maxsize=None)", "@staticmethod"]
    assert lookup.decorators[1].source == "@staticmethod"
    assert lookup.decorators[1].start_point == (4, 0)
    assert lookup.is_decorated and py.get_class("Point").is_decorated
    assert not py.get_function("Point.plain").is_decorated
    assert py.get_class("Point").decorators == ["@dataclass(frozen=True)"]


def test_typescript_decorators_and_source(ts: Codebase) -> None:
    card = ts.get_class("CardComponent")
    assert card.decorators == ["@Component({ selector: 'app-card' })"]
    assert card.source.startswith("@Component({ selector: 'app-card' })\nexport class")
    on_click = ts.get_function("CardComponent.onClick")
    assert on_click.decorators == ["@HostListener('click', ['$event'])", "@Debounce(300)"]
    assert on_click.source.startswith(
        "@HostListener('click', ['$event'])\n  @Debounce(300)\n  onClick("
    )
    assert on_click.is_decorated and not ts.get_function("CardComponent.plain").is_decorated
    title = card.get_attribute("title")
    assert title is not None and title.decorators == ["@Input()"]
    ctor = ts.get_function("CardComponent.constructor")
    assert ctor.parameters[0].decorators == ("@Inject(TOKEN)",)


def test_python_parameters(py: Codebase) -> None:
    lookup = py.get_function("lookup")
    rows = [
        (p.name, p.index, p.type, p.default, p.is_optional, p.is_variadic, p.is_typed)
        for p in lookup.parameters
    ]
    assert rows == [
        ("key", 0, "str", None, False, False, True),
        ("args", 1, None, None, True, True, False),
        ("retries", 2, "int", "3", True, False, True),
        ("options", 3, None, None, True, True, False),
    ]
    retries = lookup.get_parameter("retries")
    assert retries is not None and retries.type is not None and retries.default is not None
    assert retries.type.source == "int" and retries.default.source == "3"
    assert retries.type.start_point == (5, 37)
    assert lookup.get_parameter("missing") is None


def test_typescript_parameters(ts: Codebase) -> None:
    on_click = ts.get_function("CardComponent.onClick")
    rows = [(p.name, p.type, p.default, p.is_optional, p.is_variadic) for p in on_click.parameters]
    assert rows == [
        ("event", "MouseEvent", None, False, False),
        ("label", "string", None, True, False),
        ("retries", None, "2", True, False),  # a default makes it optional too
        ("rest", "unknown[]", None, True, True),
    ]
    assert on_click.get_parameter("event").type.source == "MouseEvent"  # type: ignore[union-attr]


def test_parameter_type_edit(py: Codebase) -> None:
    cb = Codebase.from_files({"views.py": PY})
    key = cb.get_function("lookup").get_parameter("key")
    assert key is not None and key.type is not None
    assert isinstance(key.type, Expression)
    key.type.edit("bytes")
    cb.commit()
    assert "def lookup(key: bytes, *args" in cb.get_file("views.py").content


def test_structure_helpers(py: Codebase, ts: Codebase) -> None:
    lookup = py.get_function("lookup")
    assert [f.name for f in lookup.nested_functions] == ["normalise", "fallback"]
    normalise = lookup.nested_functions[0]
    assert normalise.parent_symbol == lookup
    point = py.get_class("Point")
    assert point.get_attribute("y") is not None and point.get_attribute("z") is None
    outer = Codebase.from_files({"o.py": "class Outer:\n    class Inner:\n        pass\n"})
    inner = outer.get_class("Outer").get_nested_class("Inner")  # type: ignore[union-attr]
    assert inner is not None and inner.qualified_name == "Outer.Inner"
    assert outer.get_class("Outer").get_nested_class("Nope") is None  # type: ignore[union-attr]
    assert point.parent_class_names == ["Base"]  # keyword arguments are not bases
    assert py.get_function("Point.norm").parent_symbol == py.get_function("Point.norm")
    assert point.parent_symbol == point
    card = ts.get_class("CardComponent")
    assert card.parent_class_names == ["Base", "OnInit"]


def test_file_lookups_return_none(py: Codebase, ts: Codebase) -> None:
    views = py.get_file("views.py")
    assert views.get_function("missing") is None
    assert views.get_class("Missing") is None
    assert views.get_symbol("missing") is None
    assert views.get_global_var("missing") is None
    assert views.get_import("missing") is None
    assert ts.get_file("card.ts").get_class("Nope") is None
    assert views.get_function("lookup") == py.get_function("lookup")
    assert views.get_import("functools") is not None
    with pytest.raises(SymbolNotFoundError):
        views.get_function("missing", optional=False)
    # The codebase keeps raising by default, as upstream's does.
    with pytest.raises(SymbolNotFoundError):
        py.get_function("missing")
    assert py.get_function("missing", optional=True) is None


def test_global_var_value() -> None:
    cb = Codebase.from_files(
        {
            "settings.py": "TIMEOUT = 30\nclient = make_client(TIMEOUT)\nA = B = 'x'\nname: str\n",
            "config.ts": "export const page = new Page();\nlet retries = 3;\n",
        }
    )
    timeout = cb.get_symbol("TIMEOUT").value  # type: ignore[union-attr]
    assert timeout == "30" and timeout.source == "30"
    client = cb.get_symbol("client").value  # type: ignore[union-attr]
    assert isinstance(client, FunctionCall) and client.name == "make_client"
    assert [a.value for a in client.args] == ["TIMEOUT"]
    assert cb.get_symbol("A").value == cb.get_symbol("B").value == "'x'"  # type: ignore[union-attr]
    assert cb.get_symbol("name").value is None  # type: ignore[union-attr]
    page = cb.get_symbol("page").value  # type: ignore[union-attr]
    assert isinstance(page, FunctionCall) and page.source == "new Page()"
    assert cb.get_symbol("retries").value == "3"  # type: ignore[union-attr]


def test_typescript_decorated_member_extends_over_its_decorators() -> None:
    src = (
        "class Panel {\n"
        "  // Refresh on click.\n"
        "  @HostListener('click')\n"
        "  @Debounce(100)\n"
        "  refresh() { return reload(); }\n"
        "  close() {}\n"
        "}\n"
    )
    cb = Codebase.from_files({"panel.ts": src})
    refresh = cb.get_function("Panel.refresh")
    assert refresh.extended_source.startswith("// Refresh on click.\n  @HostListener('click')")
    assert refresh.source.startswith("@HostListener('click')\n  @Debounce(100)\n  refresh()")
    calls = refresh.function_calls
    assert [c.name for c in calls] == ["HostListener", "Debounce", "reload"]
    assert all(c.parent_function == refresh for c in calls)
    refresh.remove()  # decorators and comment go with it
    cb.commit()
    assert cb.get_file("panel.ts").content == "class Panel {\n  close() {}\n}\n"
