"""Calls on files, classes and functions; arguments; queued edits through calls."""

from __future__ import annotations

from graph_sitter import Codebase
from graph_sitter.core import Argument, FunctionCall

PY_SERVICE = (
    "import logging\n"
    "from store import fetch, save\n"
    "\n"
    "log = logging.getLogger(__name__)\n"
    "\n"
    "def retry(times):\n"
    "    def wrap(fn):\n"
    "        return fn\n"
    "    return wrap\n"
    "\n"
    "class Service:\n"
    "    cache = dict()\n"
    "\n"
    "    @retry(times=3)\n"
    "    async def sync(self, key, *, force=False):\n"
    "        row = await fetch(key, timeout=5)\n"
    "        await asyncio.gather(save(row), self.audit(key))\n"
    "        return row\n"
    "\n"
    "    def audit(self, key):\n"
    "        log.info('audit %s', key)\n"
    "\n"
    "if __name__ == '__main__':\n"
    "    Service().audit('x')\n"
)
PY_STORE = "def fetch(key, timeout=10):\n    pass\n\ndef save(row):\n    pass\n"

TS_APP = (
    "import { fetchUser, render } from './api';\n"
    "\n"
    "export class Page {\n"
    "  title = render('x');\n"
    "  async load(id: string) {\n"
    "    const user = await fetchUser(id, { cache: true });\n"
    "    await Promise.all([render(user), this.track(id)]);\n"
    "    return items.map((i) => render(i));\n"
    "  }\n"
    "  track(id: string) {}\n"
    "}\n"
    "export const page = new Page();\n"
)
TS_API = (
    "export async function fetchUser(id: string, opts?: object) {}\n"
    "export function render(x: unknown): string { return ''; }\n"
)


def py() -> Codebase:
    return Codebase.from_files({"service.py": PY_SERVICE, "store.py": PY_STORE})


def ts() -> Codebase:
    return Codebase.from_files({"src/app.ts": TS_APP, "src/api.ts": TS_API})


def test_function_calls_on_file_class_and_function() -> None:
    cb = py()
    file = cb.get_file("service.py")
    assert [c.name for c in file.function_calls] == [
        "getLogger",
        "dict",
        "retry",
        "fetch",
        "gather",
        "save",
        "audit",
        "info",
        "audit",  # Service().audit('x'): the outer call first, as upstream
        "Service",
    ]
    service = cb.get_class("Service")
    assert [c.name for c in service.function_calls] == [
        "dict",
        "retry",
        "fetch",
        "gather",
        "save",
        "audit",
        "info",
    ]
    sync = cb.get_function("Service.sync")
    calls = sync.function_calls
    assert all(isinstance(c, FunctionCall) for c in calls)
    assert [c.name for c in calls] == ["retry", "fetch", "gather", "save", "audit"]
    assert calls[0].function_definition == cb.get_function("retry")  # the decorator's call
    assert calls[1].function_definition == cb.get_function("fetch")
    assert calls[2].function_definition is None  # asyncio is not imported: unknown, not guessed
    assert calls[4].function_definition == cb.get_function("Service.audit")


def test_call_sites_of_functions_and_classes() -> None:
    cb = py()
    audit_sites = cb.get_function("Service.audit").call_sites
    # `Service().audit('x')`: a method of an instance built inline is followed to its class.
    assert [(c.source, c.start_point) for c in audit_sites] == [
        ("self.audit(key)", (16, 40)),
        ("Service().audit('x')", (23, 4)),
    ]
    assert [c.source for c in cb.get_class("Service").call_sites] == ["Service()"]
    assert [c.source for c in cb.get_function("fetch").call_sites] == ["fetch(key, timeout=5)"]


def test_call_context() -> None:
    cb = py()
    sync = cb.get_function("Service.sync")
    fetch_call, gather, save_call = sync.function_calls[1:4]
    assert fetch_call.is_awaited and gather.is_awaited
    assert save_call.is_awaited  # an argument of an awaited call
    assert fetch_call.parent_function == sync
    assert fetch_call.parent_class == cb.get_class("Service")
    assert fetch_call.parent_symbol == sync  # a method of a top-level class
    assert fetch_call.filepath == "service.py" and fetch_call.start_point == (15, 20)
    main_call = cb.get_file("service.py").function_calls[-1]
    assert not main_call.is_awaited
    assert main_call.parent_function is None
    assert main_call.parent_symbol == cb.get_file("service.py")
    info = cb.get_file("service.py").function_calls[-3]
    assert info.name == "info" and info.parent_function == cb.get_function("Service.audit")


def test_arguments() -> None:
    cb = py()
    fetch_call = cb.get_function("fetch").call_sites[0]
    args = fetch_call.args
    assert all(isinstance(a, Argument) for a in args)
    assert [(a.index, a.name, a.value, a.is_named) for a in args] == [
        (0, None, "key", False),
        (1, "timeout", "5", True),
    ]
    assert args[1].value.source == "5" and args[1].source == "timeout=5"
    assert fetch_call.get_arg_by_parameter_name("timeout") == args[1]
    assert fetch_call.get_arg_by_parameter_name("key") == args[0]  # positional, by place
    assert fetch_call.get_arg_by_index(5) is None


def test_argument_and_call_edits() -> None:
    cb = py()
    fetch_call = cb.get_function("fetch").call_sites[0]
    fetch_call.args[1].rename("deadline")
    fetch_call.args[0].edit("str(key)")
    cb.get_function("save").call_sites[0].rename("persist")
    cb.commit()
    content = cb.get_file("service.py").content
    assert "row = await fetch(str(key), deadline=5)\n" in content
    assert "await asyncio.gather(persist(row), self.audit(key))\n" in content

    cb = py()
    gather = cb.get_function("Service.sync").function_calls[2]
    gather.args[0].remove()
    cb.get_function("fetch").call_sites[0].args[1].set_value("30")
    cb.commit()
    content = cb.get_file("service.py").content
    assert "await asyncio.gather(self.audit(key))\n" in content
    assert "fetch(key, timeout=30)" in content


def test_typescript_calls() -> None:
    cb = ts()
    file = cb.get_file("src/app.ts")
    assert [c.name for c in file.function_calls] == [
        "render",
        "fetchUser",
        "all",
        "render",
        "track",
        "map",
        "render",
        "Page",
    ]
    page = cb.get_class("Page")
    assert [c.name for c in page.function_calls] == file_names_inside(file, page)
    load = cb.get_function("Page.load")
    fetch_user, promise_all, render_user, track, items_map, render_item = load.function_calls
    assert fetch_user.is_awaited and promise_all.is_awaited and render_user.is_awaited
    assert track.is_awaited and not items_map.is_awaited and not render_item.is_awaited
    assert fetch_user.function_definition == cb.get_function("fetchUser")
    assert track.function_definition == cb.get_function("Page.track")
    assert [(a.index, a.value.source) for a in fetch_user.args] == [
        (0, "id"),
        (1, "{ cache: true }"),
    ]
    assert render_item.parent_function == load  # arrow functions are not symbols here
    assert [c.source for c in page.call_sites] == ["new Page()"]
    assert [c.source for c in cb.get_function("fetchUser").call_sites] == [
        "fetchUser(id, { cache: true })"
    ]
    fetch_user.args[1].edit("{ cache: false }")
    fetch_user.rename("loadUser")
    cb.commit()
    assert "await loadUser(id, { cache: false });" in cb.get_file("src/app.ts").content


def test_awaited_through_arrow_callback() -> None:
    code = "async function f() {\n  await retry(() => send(1));\n  later(() => send(2));\n}\n"
    cb = Codebase.from_files({"a.ts": code})
    calls = cb.get_function("f").function_calls
    assert [(c.source, c.is_awaited) for c in calls] == [
        ("retry(() => send(1))", True),
        ("send(1)", True),
        ("later(() => send(2))", False),
        ("send(2)", False),
    ]


def file_names_inside(file, symbol) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        c.name for c in file.function_calls if symbol.start_byte <= c.start_byte < symbol.end_byte
    ]
