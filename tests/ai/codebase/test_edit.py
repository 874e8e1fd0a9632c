"""cb.ai_edit: a valid reply is queued (commit is the caller's); an invalid one changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from ai_helpers import session_for

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai
from graph_sitter.ai.errors import AIEditError
from graph_sitter.http import SleepRecorder
from graph_sitter.testing import OpenAIEmulator, ToolCall

NEW_APPLY_TAX = '''\
```python
def apply_tax(amount: float) -> float:
    """Add the tax."""
    return round(amount * (1 + TAX_RATE), 2)
```'''

NEW_TOTAL = """\
def total(self, quantity: int) -> float:
    if quantity < 0:
        raise ValueError("quantity must be >= 0")
    return apply_tax(self.price * quantity)
"""


def test_valid_reply_is_queued_and_the_diff_returned(
    shop: Codebase,
    echo_emu: OpenAIEmulator,
    state_dir: Path,
    project: Path,
    sleeps: SleepRecorder,
) -> None:
    session_for(shop, echo_emu, state_dir)
    before = (project / "shop/models.py").read_text()
    echo_emu.queue_reply(ToolCall("answer", {"answer": NEW_APPLY_TAX}))
    diff = shop.ai_edit("Add a docstring", shop.get_function("apply_tax"))
    assert '+    """Add the tax."""' in diff and diff.startswith("--- a/shop/models.py")
    assert (project / "shop/models.py").read_text() == before  # only queued
    sent = echo_emu.requests[-1].json
    assert "Target to rewrite: apply_tax" in sent["messages"][-1]["content"]
    assert "checkout" in sent["messages"][-1]["content"]  # its callers are in the context
    shop.commit()
    assert (project / "shop/models.py").read_text() == before.replace(
        "def apply_tax(amount: float) -> float:\n",
        'def apply_tax(amount: float) -> float:\n    """Add the tax."""\n',
    )


def test_a_method_reply_is_reindented_in_place(
    shop: Codebase, echo_emu: OpenAIEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    session_for(shop, echo_emu, state_dir)
    echo_emu.queue_reply(ToolCall("answer", {"answer": NEW_TOTAL}))
    diff = shop.ai_edit("Validate quantity", shop.get_class("Item").get_method("total"))
    assert "+        if quantity < 0:" in diff
    assert '+            raise ValueError("quantity must be >= 0")' in diff
    assert "-    def total" not in diff  # the header line is unchanged


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("I'm sorry, I can't help with that: the function is fine as it is.", "not code"),
        ("def something_else(amount):\n    return amount\n", "wrong name"),
        ("import math\n\ndef apply_tax(amount):\n    return math.ceil(amount)\n", "extra"),
        ("class apply_tax:\n    pass\n", "wrong kind"),
        ("", "empty"),
    ],
    ids=["prose", "other-name", "extra-import", "other-kind", "empty"],
)
def test_invalid_reply_raises_and_changes_nothing(
    reply: str,
    reason: str,
    shop: Codebase,
    echo_emu: OpenAIEmulator,
    state_dir: Path,
    sleeps: SleepRecorder,
) -> None:
    session_for(shop, echo_emu, state_dir)
    echo_emu.queue_reply(ToolCall("answer", {"answer": reply}))
    target = shop.get_function("apply_tax")
    with pytest.raises(AIEditError) as info:
        shop.ai_edit("Improve", target)
    assert info.value.reason.startswith(reason)
    assert info.value.target == "apply_tax" and info.value.reply == reply
    assert "nothing was changed" in str(info.value)
    assert shop.get_diff() == ""
    # An unusable reply is not cached: asking again goes to the model again.
    echo_emu.queue_reply(ToolCall("answer", {"answer": NEW_APPLY_TAX}))
    assert "Add the tax" in shop.ai_edit("Improve", target)
    assert sum(1 for r in echo_emu.requests if r.method == "POST") == 2
    response = codebase_ai.last_response(shop)
    assert response is not None and response.metadata["operation"] == "edit"
