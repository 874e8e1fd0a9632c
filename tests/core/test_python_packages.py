"""Submodules bound in a package `__init__` (issue 12, defect 1), in real-code shapes."""

from __future__ import annotations

from graph_sitter import Codebase
from graph_sitter.core.symbols import Function, SourceFile


def target_of(cb: Codebase, path: str, name: str) -> str | None:
    file = cb.get_file(path)
    assert file is not None
    imp = file.get_import(name)
    assert imp is not None
    found = imp.resolved_symbol
    if found is None:
        return None
    if isinstance(found, SourceFile):
        return found.filepath
    return f"{found.filepath}::{found.qualified_name}"


def usage_files(cb: Codebase, address: str) -> list[tuple[str, int]]:
    sym = cb.get_symbol(address)
    assert sym is not None
    return sorted((u.filepath, u.start_point[0] + 1) for u in sym.usages())


# The stdlib's encodings package: `from . import aliases` in its own __init__.
ENCODINGS = {
    "encodings/__init__.py": (
        "import codecs\nfrom . import aliases\n\n"
        "_aliases = aliases.aliases\n\n\n"
        "def search_function(encoding):\n    return aliases.aliases.get(encoding)\n"
    ),
    "encodings/aliases.py": "aliases = {'latin': 'latin_1'}\n",
    "encodings/latin_1.py": "import codecs\n\n\ndef getregentry():\n    return None\n",
    "tool.py": (
        "import encodings.latin_1\nfrom encodings import aliases\n\n"
        "print(aliases.aliases, encodings.latin_1.getregentry())\n"
    ),
}

# asyncio: the package re-exports with `from .events import *`; modules do `from . import events`.
ASYNCIO = {
    "asyncio/__init__.py": (
        "from .base_events import *\nfrom .events import *\nfrom .futures import *\n\n"
        "__all__ = base_events.__all__ + events.__all__ + futures.__all__\n"
    ),
    "asyncio/base_events.py": (
        "from . import events\nfrom . import futures\n\n__all__ = ('BaseEventLoop',)\n\n\n"
        "class BaseEventLoop(events.AbstractEventLoop):\n"
        "    def create_future(self):\n        return futures.Future(loop=self)\n"
    ),
    "asyncio/events.py": (
        "__all__ = ('AbstractEventLoop', 'get_event_loop')\n\n\n"
        "class AbstractEventLoop:\n    pass\n\n\ndef get_event_loop():\n    return None\n"
    ),
    "asyncio/futures.py": (
        "from . import events\n\n__all__ = ('Future',)\n\n\n"
        "class Future:\n    def __init__(self, *, loop=None):\n"
        "        self._loop = loop or events.get_event_loop()\n"
    ),
}

# django.template: `from . import autoreload` next to `from .engine import Engine`.
DJANGO = {
    "django/__init__.py": "",
    "django/template/__init__.py": (
        "from .engine import Engine\nfrom .utils import *\nfrom . import autoreload\n"
    ),
    "django/template/autoreload.py": (
        "def get_template_directories():\n    return set()\n\n\n"
        "def reset_loaders():\n    return None\n"
    ),
    "django/template/engine.py": "class Engine:\n    pass\n",
    "django/template/utils.py": "from . import autoreload\n\n\nclass EngineHandler:\n    pass\n",
    "django/utils/autoreload.py": (
        "import django.template.autoreload\nfrom django.template import autoreload, Engine\n\n"
        "def watch():\n"
        "    autoreload.get_template_directories()\n"
        "    django.template.autoreload.reset_loaders()\n"
        "    return Engine()\n"
    ),
}


def test_package_binds_its_submodule_with_from_dot_import() -> None:
    cb = Codebase.from_files(ENCODINGS)
    assert target_of(cb, "encodings/__init__.py", "aliases") == "encodings/aliases.py"
    assert target_of(cb, "tool.py", "aliases") == "encodings/aliases.py"
    assert usage_files(cb, "encodings/aliases.py::aliases") == [
        ("encodings/__init__.py", 4),
        ("encodings/__init__.py", 8),
        ("tool.py", 4),
    ]
    assert usage_files(cb, "encodings/latin_1.py::getregentry") == [("tool.py", 4)]


def test_sibling_submodule_beats_star_reexports() -> None:
    cb = Codebase.from_files(ASYNCIO)
    for path in ("asyncio/futures.py", "asyncio/base_events.py"):
        assert target_of(cb, path, "events") == "asyncio/events.py"
    assert target_of(cb, "asyncio/base_events.py", "futures") == "asyncio/futures.py"
    assert usage_files(cb, "asyncio/events.py::get_event_loop") == [("asyncio/futures.py", 8)]
    loop = cb.get_class("AbstractEventLoop")
    assert loop is not None and [c.name for c in loop.subclasses] == ["BaseEventLoop"]
    assert usage_files(cb, "asyncio/futures.py::Future") == [("asyncio/base_events.py", 9)]


def test_django_template_autoreload_shape() -> None:
    cb = Codebase.from_files(DJANGO)
    assert target_of(cb, "django/template/__init__.py", "autoreload") == (
        "django/template/autoreload.py"
    )
    assert target_of(cb, "django/template/utils.py", "autoreload") == (
        "django/template/autoreload.py"
    )
    assert target_of(cb, "django/utils/autoreload.py", "autoreload") == (
        "django/template/autoreload.py"
    )
    # The package binds Engine to something else than a submodule: that binding wins.
    assert target_of(cb, "django/utils/autoreload.py", "Engine") == (
        "django/template/engine.py::Engine"
    )
    get_dirs = cb.get_function("get_template_directories")
    assert isinstance(get_dirs, Function)
    assert [(u.filepath, u.start_point[0] + 1) for u in get_dirs.usages()] == [
        ("django/utils/autoreload.py", 5)
    ]
    assert usage_files(cb, "reset_loaders") == [("django/utils/autoreload.py", 6)]


def test_a_name_the_package_binds_otherwise_wins_over_the_submodule() -> None:
    cb = Codebase.from_files(
        {
            "pkg/__init__.py": "from .impl import signals\n",
            "pkg/impl.py": "signals = ['pre_save']\n",
            "pkg/signals.py": "def connect():\n    return None\n",
            "user.py": "from pkg import signals\n",
        }
    )
    assert target_of(cb, "user.py", "signals") == "pkg/impl.py::signals"
