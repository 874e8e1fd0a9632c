"""The upstream-style write script `codemod_json.py` refactors a copy of the stdlib json package
and the stdlib's own json tests still pass against the refactored copy."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

SCRIPT = Path(__file__).parent.parent.parent / "scripts" / "upstream_examples" / "codemod_json.py"

RUN_STDLIB_TESTS = """
import sys
sys.path.insert(0, sys.argv[1])
import json
assert json.__file__.startswith(sys.argv[1]), json.__file__
import json._errors
assert json.JSONDecodeError is json._errors.JSONDecodeError is json.decoder.JSONDecodeError
import unittest
import test.test_json as suite
result = unittest.TextTestRunner().run(unittest.defaultTestLoader.loadTestsFromModule(suite))
print("ran", result.testsRun)
sys.exit(not result.wasSuccessful())
"""


def run_stdlib_json_tests(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_STDLIB_TESTS, str(root)],
        capture_output=True, text=True, timeout=120, cwd=root.parent,
    )  # fmt: skip


def test_codemod_refactors_json_and_its_tests_still_pass(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    package = root / "json"
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    shutil.copytree(stdlib / "json", package, ignore=shutil.ignore_patterns("__pycache__"))

    out = subprocess.run(
        [sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip().endswith("edited 1 call sites"), out.stdout

    sources = {p.name: p.read_text() for p in package.glob("*.py")}
    trees = {name: ast.parse(text) for name, text in sources.items()}  # every file parses

    # moved: the class is defined in the new module only, and importers are repointed
    assert "_errors.py" in sources
    errors_classes = [n.name for n in trees["_errors.py"].body if isinstance(n, ast.ClassDef)]
    assert errors_classes == ["JSONDecodeError"]
    decoder_classes = [n.name for n in trees["decoder.py"].body if isinstance(n, ast.ClassDef)]
    assert "JSONDecodeError" not in decoder_classes
    assert "from json._errors import JSONDecodeError" in sources["decoder.py"]
    assert "from ._errors import JSONDecodeError" in sources["__init__.py"]
    assert "from .decoder import JSONDecoder\n" in sources["__init__.py"]

    # renamed: the old name is gone everywhere, the new one defined and used
    assert not any("_decode_uXXXX" in text for text in sources.values())
    assert "def _decode_hex4(s, pos):" in sources["decoder.py"]
    assert sources["decoder.py"].count("_decode_hex4(s, end") == 2

    # imports: the added name is used, the now unused module import is removed
    assert "from json.scanner import make_scanner" in sources["decoder.py"]
    assert "from json import scanner\n" not in sources["decoder.py"]
    assert "self.scan_once = make_scanner(self)" in sources["decoder.py"]
    assert "scanner." not in sources["decoder.py"].replace("json.scanner", "")

    # call arguments: the default passed explicitly at the constructor call
    assert (
        "_default_decoder = JSONDecoder(object_hook=None, object_pairs_hook=None, strict=True)"
        in sources["__init__.py"]
    )

    result = run_stdlib_json_tests(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stderr
    assert int(result.stdout.split()[-1]) > 100
