"""Python member chains followed through what a name is known to hold (issue 12).

Shapes from real code (django tests' `setUpClass`, factories with return annotations, typed
parameters and attributes). Precision first: when the class is not certain, nothing is added.
"""

from __future__ import annotations

from graph_sitter import Codebase

MODELS = """\
from typing import Optional, Union


class Engine:
    def start(self):
        return 1


class Pump:
    def start(self):
        return 2


class Car:
    engine: Engine
    spare: Optional[Engine] = None
    either: Union[Engine, Pump]

    def __init__(self, engine: Engine | None = None):
        self.motor: Engine = engine or Engine()
        self.part = Engine()

    def swap(self):
        self.part = Pump()

    def drive(self):
        self.engine.start()
        self.spare.start()
        self.motor.start()
        self.either.start()
        self.part.start()


def make() -> Engine:
    return Engine()
"""

USERS = """\
import models
from models import Engine, Pump, make


class EngineTest:
    @classmethod
    def setUpClass(cls):
        cls.engine = Engine()

    def test_start(self):
        self.engine.start()


def run(e: Engine, f: "Engine", g):
    e.start()
    f.start()
    g.start()
    x = Engine()
    if e:
        x = Engine()
    x.start()
    Engine().start()
    models.Engine().start()
    make().start()
    y = make()
    y.start()
    z = Engine() if e else None
    z.start()
    w = Engine()
    w = Pump()
    w.start()
"""


def codebase() -> Codebase:
    return Codebase.from_files({"models.py": MODELS, "users.py": USERS})


def test_usages_follow_known_classes_and_nothing_else() -> None:
    cb = codebase()
    start = cb.get_function("Engine.start")
    assert start is not None
    got = [(u.filepath, u.start_point[0] + 1, u.kind) for u in start.usages()]
    assert got == [
        ("models.py", 27, "call"),  # engine: Engine (class-level annotation)
        ("models.py", 28, "call"),  # spare: Optional[Engine]
        ("models.py", 29, "call"),  # self.motor: Engine
        ("users.py", 11, "call"),  # cls.engine = Engine() in a classmethod
        ("users.py", 15, "call"),  # e: Engine
        ("users.py", 21, "call"),  # x assigned twice, Engine both times
        ("users.py", 22, "call"),  # Engine().start()
        ("users.py", 23, "call"),  # models.Engine().start()
        ("users.py", 24, "call"),  # def make() -> Engine
        ("users.py", 26, "call"),  # y = make()
    ]
    # Left out, since not certain: a string annotation, an untyped parameter, a Union, an
    # attribute or local given two classes, a conditional expression.
    pump = cb.get_function("Pump.start")
    assert pump is not None and pump.usages() == []


def test_renaming_a_method_updates_every_followed_call_site() -> None:
    cb = codebase()
    start = cb.get_function("Engine.start")
    assert start is not None
    start.rename("ignite")
    cb.commit()
    models = cb.get_file("models.py")
    users = cb.get_file("users.py")
    assert models is not None and users is not None
    assert models.content == (
        MODELS.replace("class Engine:\n    def start", "class Engine:\n    def ignite")
        .replace("self.engine.start()", "self.engine.ignite()")
        .replace("self.spare.start()", "self.spare.ignite()")
        .replace("self.motor.start()", "self.motor.ignite()")
    )
    assert users.content == USERS.replace(
        """\
    def test_start(self):
        self.engine.start()


def run(e: Engine, f: "Engine", g):
    e.start()
    f.start()
    g.start()
    x = Engine()
    if e:
        x = Engine()
    x.start()
    Engine().start()
    models.Engine().start()
    make().start()
    y = make()
    y.start()
""",
        """\
    def test_start(self):
        self.engine.ignite()


def run(e: Engine, f: "Engine", g):
    e.ignite()
    f.start()
    g.start()
    x = Engine()
    if e:
        x = Engine()
    x.ignite()
    Engine().ignite()
    models.Engine().ignite()
    make().ignite()
    y = make()
    y.ignite()
""",
    )
    ignite = cb.get_function("Engine.ignite")
    assert ignite is not None and len(ignite.usages()) == 10


def test_renaming_the_class_keeps_the_followed_call_sites() -> None:
    cb = codebase()
    engine = cb.get_class("Engine")
    assert engine is not None
    engine.rename("Motor")  # annotations, constructors and return types move with it
    cb.commit()
    users = cb.get_file("users.py")
    assert users is not None
    assert 'def run(e: Motor, f: "Engine", g):' in users.content  # strings are not renamed
    start = cb.get_function("Motor.start")
    assert start is not None and len(start.usages()) == 10
    fresh = Codebase.from_files({p.filepath: p.content for p in cb.files})
    again = fresh.get_function("Motor.start")
    assert again is not None
    assert [u.start_byte for u in again.usages()] == [u.start_byte for u in start.usages()]
