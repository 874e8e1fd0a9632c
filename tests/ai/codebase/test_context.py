"""Graph-aware context: what goes in, in which order, within which budget; recorded in metadata."""

from __future__ import annotations

from pathlib import Path

from ai_helpers import session_for

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai
from graph_sitter.ai.context import estimate_tokens
from graph_sitter.http import SleepRecorder
from graph_sitter.testing import OpenAIEmulator


def test_auto_context_of_a_function_with_callers_and_dependencies(shop: Codebase) -> None:
    checkout = shop.get_function("checkout")
    ctx = shop.ai_context(checkout)
    assert ctx.target is not None and ctx.target.name == "checkout"
    assert ctx.target.source.startswith("def checkout(items: list[Item]) -> float:")
    by_name = {item.name: item for item in ctx.items}
    # Dependencies: the called function and the class used in the annotation (both imported
    # from another file and resolved to their definitions), and its callers in two files.
    assert by_name["apply_tax"].role == "call"
    assert "round(amount * (1 + TAX_RATE), 2)" in by_name["apply_tax"].source
    assert by_name["apply_tax"].filepath == "shop/models.py"
    assert by_name["Item"].role == "type" and "class Item:" in by_name["Item"].source
    assert by_name["quick_buy"].role == "caller" and by_name["quick_buy"].filepath == "shop/cart.py"
    assert by_name["handle"].role == "caller" and by_name["handle"].filepath == "shop/api.py"
    assert "unrelated" not in by_name and "checkout" not in by_name
    # Ranked: what it calls, then the types it uses, then its callers (same file first).
    assert ctx.names() == ["apply_tax", "Item", "quick_buy", "handle"]
    assert ctx.tokens == ctx.target.tokens + sum(item.tokens for item in ctx.items)
    rendered = ctx.render()
    assert rendered.index("apply_tax") < rendered.index("def handle")


def test_a_method_gets_its_class_skeleton_first(shop: Codebase) -> None:
    total = shop.get_class("Item").get_method("total")
    ctx = shop.ai_context(total)
    assert ctx.items[0].role == "class" and ctx.items[0].shape == "skeleton"
    skeleton = ctx.items[0].source
    assert skeleton.splitlines()[0] == "class Item:"
    assert "    def __init__(self, name: str, price: float) -> None:" in skeleton
    assert "self.name = name" not in skeleton  # bodies are left out
    assert ctx.target is not None and ctx.target.source.startswith("def total(self")
    assert "apply_tax" in ctx.names()


def test_budget_packs_by_rank_and_degrades_to_signatures(shop: Codebase) -> None:
    checkout = shop.get_function("checkout")
    full = shop.ai_context(checkout)
    target_tokens = full.target.tokens if full.target else 0
    budget = target_tokens + 70  # room for apply_tax in full and Item's signature only
    tight = shop.ai_context(checkout, max_context_tokens=budget)
    assert tight.tokens <= budget
    assert [(i.name, i.shape) for i in tight.items] == [
        ("apply_tax", "full"),
        ("Item", "signature"),
    ]
    assert tight.items[1].source.startswith("class Item:")
    assert [i.name for i in tight.dropped] == ["quick_buy", "handle"]
    assert tight.summary()["dropped"][0]["name"] == "quick_buy"
    only_target = shop.ai_context(checkout, max_context_tokens=1)
    assert only_target.items == () and only_target.target is not None
    assert estimate_tokens("a" * 35) == 10  # documented estimate: ceil(bytes / 3.5)


def test_explicit_context_forms(shop: Codebase) -> None:
    fn = shop.get_function("handle")
    api = shop.get_file("shop/api.py")
    ctx = shop.ai_context(fn, context={"Notes": "be brief", "File": api})
    assert [i.name for i in ctx.items] == ["Notes", "File"]
    assert ctx.items[1].source == api.content and ctx.mode == "explicit"
    mixed = shop.ai_context(fn, context=["auto", "extra words"])
    assert mixed.items[0].source == "extra words" and "checkout" in mixed.names()


def test_context_is_sent_and_recorded_in_metadata(
    shop: Codebase, echo_emu: OpenAIEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    session_for(shop, echo_emu, state_dir, cache=False)
    checkout = shop.get_function("checkout")
    response = codebase_ai.ask_response(shop, "Explain", target=checkout)
    recorded = response.metadata["context"]
    assert recorded == shop.ai_context(checkout).summary()
    assert [i["name"] for i in recorded["items"]] == ["apply_tax", "Item", "quick_buy", "handle"]
    sent = echo_emu.requests[-1].json["messages"][-1]["content"]
    assert "return round(amount * (1 + TAX_RATE), 2)" in sent
    assert "def handle(request):" in sent and "def unrelated" not in sent
    assert sent.rstrip().endswith("## Task\nExplain")
