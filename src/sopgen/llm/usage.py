"""Usage accounting for a draft: model calls, tokens, cache hits and a rough cost estimate."""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult

# USD per million tokens (input, output), for the estimate only; unknown models cost None.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
}


class UsageCounter(BaseCallbackHandler):
    """Counts model calls and tokens across threads (sections are drafted concurrently)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls = 0
        self.input_tokens = 0
        self.output_tokens = 0

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        with self._lock:
            self.calls += 1
            for generations in response.generations:
                for g in generations:
                    usage = getattr(getattr(g, "message", None), "usage_metadata", None) or {}
                    self.input_tokens += int(usage.get("input_tokens", 0))
                    self.output_tokens += int(usage.get("output_tokens", 0))

    def summary(self, model: str | None, cache_hits: int = 0) -> dict[str, Any]:
        price = PRICES.get(model or "")
        cost = None
        if price is not None:
            cost = round((self.input_tokens * price[0] + self.output_tokens * price[1]) / 1e6, 6)
        return {"calls": self.calls, "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                "cache_hits": cache_hits, "cost_usd_estimate": cost}
