"""Cost estimation from the price table shipped as package data (``prices.json``).

Unknown models cost ``None``, never a guess. Dated snapshots (``gpt-4o-2024-08-06``,
``claude-3-5-haiku-20241022``) and ``-latest`` / ``-0`` aliases resolve to their base model;
nothing else is matched by prefix.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

__all__ = ["ModelPrice", "PriceTable", "estimate_cost", "load_prices"]

_SNAPSHOT = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest|0)$")


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """USD per million tokens."""

    input: float
    output: float


@dataclass(frozen=True, slots=True)
class PriceTable:
    """The loaded price table.

    Attributes:
        as_of: The date the prices were checked (``YYYY-MM-DD``).
        models: Base model name -> price.
    """

    as_of: str
    models: dict[str, ModelPrice]

    def lookup(self, model: str) -> ModelPrice | None:
        """The price of ``model`` (or its base model), else ``None``."""
        name = model.strip().lower()
        if "/" in name:  # "openai/gpt-4o" style prefixes of OpenAI-compatible routers
            name = name.rsplit("/", 1)[1]
        price = self.models.get(name)
        if price is not None:
            return price
        base = _SNAPSHOT.sub("", name)
        return self.models.get(base) if base != name else None


@functools.cache
def load_prices() -> PriceTable:
    """Load ``prices.json`` once (package data)."""
    from importlib import resources

    raw = json.loads(resources.files("graph_sitter.ai").joinpath("prices.json").read_text("utf-8"))
    models = {
        name.lower(): ModelPrice(float(entry["input"]), float(entry["output"]))
        for name, entry in raw["models"].items()
    }
    return PriceTable(as_of=str(raw["as_of"]), models=models)


def estimate_cost(model: str | None, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD cost of one call, or ``None`` when the model is not in the table.

    Args:
        model: The model the vendor reports having used.
        prompt_tokens: Input tokens.
        completion_tokens: Output tokens.
    """
    if not model:
        return None
    price = load_prices().lookup(model)
    if price is None:
        return None
    return (prompt_tokens * price.input + completion_tokens * price.output) / 1_000_000
