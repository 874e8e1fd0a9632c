"""`Codebase.refresh()`: re-reading files changed on disk, incrementally, like a fresh build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from graph_sitter import Codebase

FIXTURE = Path(__file__).parent.parent / "fixtures" / "python"
SHOP = Path("src") / "shop"


def snapshot(cb: Codebase) -> dict[str, Any]:
    """Every symbol's usages and every import's target: what the graph answers."""
    symbols = []
    for sym in [*cb.functions, *cb.methods, *cb.classes, *cb.global_vars]:
        uses = sorted((u.filepath, u.start_byte, u.end_byte, u.kind) for u in sym.usages())
        symbols.append((sym.filepath, sym.qualified_name, sym.start_byte, uses))
    imports = []
    for imp in cb.imports:
        target = imp.resolved_symbol
        where = None if target is None else (target.filepath, getattr(target, "name", None))
        imports.append((imp.filepath, imp.start_byte, imp.name, where))
    return {
        "files": sorted((f.filepath, f.content) for f in cb.files),
        "symbols": sorted(symbols),
        "imports": sorted(imports, key=repr),
    }


def copy_fixture(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURE, root)
    return root


def test_modified_added_and_deleted_files_match_a_fresh_build(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    cb = Codebase(root, cache_dir="")
    assert cb.refresh() == []
    pricing = root / SHOP / "pricing.py"
    pricing.write_text(
        pricing.read_text()
        .replace("def apply_tax(", "def add_tax(")
        .replace("apply_tax(total)", "add_tax(total)")
        + "\n\ndef discount(order: models.Order) -> float:\n    return total_price(order) * 0.9\n"
    )
    (root / SHOP / "report.py").write_text(
        "from shop.pricing import discount, total_price\n"
        "from shop.models import Order\n\n\n"
        "def report(order: Order) -> str:\n"
        "    return f'{total_price(order)} {discount(order)}'\n"
    )
    (root / SHOP / "payments" / "gateway.py").unlink()

    changed = cb.refresh()

    assert changed == [
        "src/shop/payments/gateway.py",
        "src/shop/pricing.py",
        "src/shop/report.py",
    ]
    fresh = Codebase(root, cache_dir="")
    assert snapshot(cb) == snapshot(fresh)
    assert {u.filepath for u in cb.get_function("discount").usages()} == {"src/shop/report.py"}
    assert cb.get_function("apply_tax", optional=True) is None
    assert cb.get_file("src/shop/payments/gateway.py", optional=True) is None
    assert cb.refresh() == []


def test_a_modified_file_updates_its_readers_incrementally(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    cb = Codebase(root, cache_dir="")
    before = cb.get_function("total_price").usages()
    assert "src/shop/payments/gateway.py" in {u.filepath for u in before}
    parsed_before = {pf.path: pf for pf in cb._graph.files}
    models = root / SHOP / "models.py"
    models.write_text(models.read_text().replace("class Order:", "class Basket:"))

    assert cb.refresh() == ["src/shop/models.py"]

    # Only the changed file was re-read and re-parsed.
    for pf in cb._graph.files:
        assert (pf is parsed_before[pf.path]) == (pf.path != "src/shop/models.py")

    assert snapshot(cb) == snapshot(Codebase(root, cache_dir=""))
    assert cb.get_class("Order", optional=True) is None
    imports = [i for i in cb.imports if i.name == "Order" and i.filepath.endswith("gateway.py")]
    assert imports and imports[0].resolved_symbol is None


def test_pending_edits_are_discarded_and_nothing_is_written(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    cb = Codebase(root, cache_dir="")
    cb.get_function("total_price").rename("grand_total")
    assert cb.has_pending_edits
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert cb.refresh() == []

    assert not cb.has_pending_edits and cb.get_diff() == ""
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    cb.get_function("total_price").rename("grand_total")  # edits can be made again
    cb.commit()
    assert "def grand_total(" in (root / SHOP / "pricing.py").read_text()


def test_rewriting_identical_content_is_not_a_change(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    cb = Codebase(root, cache_dir="")
    path = root / SHOP / "models.py"
    content = path.read_bytes()
    path.unlink()
    path.write_bytes(content)  # new inode and times, same bytes
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert cb.refresh() == []
    # Same size, same (restored) modification time, different bytes: still found.
    path.write_bytes(content.replace(b"EUR", b"USD"))
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert cb.refresh() == ["src/shop/models.py"]
    assert "USD" in cb.get_symbol("DEFAULT_CURRENCY").source  # type: ignore[union-attr]


def test_after_commit_refresh_sees_no_change_and_binary_files_stay_out(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    cb = Codebase(root, cache_dir="")
    cb.get_function("total_price").rename("grand_total")
    cb.commit()
    assert cb.refresh() == []
    (root / "blob.py").write_bytes(b"\x00\x01binary")
    assert cb.refresh() == []
    assert any(s.path == "blob.py" and s.reason == "binary" for s in cb.skipped)


def test_in_memory_codebase_refresh_only_drops_edits() -> None:
    cb = Codebase.from_files({"a.py": "def f():\n    return 1\n"})
    cb.get_function("f").rename("g")
    assert cb.refresh() == []
    assert not cb.has_pending_edits
    assert cb.get_function("f").name == "f"
