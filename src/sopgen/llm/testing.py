"""A deterministic tool-calling chat model for tests and benchmarks (LangChain's fakes cannot do structured output)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field, PrivateAttr

Responder = Callable[[str, list[BaseMessage]], dict[str, Any] | str]


class ScriptedToolModel(BaseChatModel):
    """Answers every call through `responder(tool_name, messages)`: a dict becomes a tool call to the bound
    tool (or to the tool named by its "__tool__" key), a string a plain (possibly broken) text reply. Counts
    calls and the peak of concurrent calls."""

    responder: Responder
    delay: float = 0.0
    _tool: str | None = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _active: int = PrivateAttr(default=0)
    calls: int = 0
    peak: int = 0
    prompts: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted-tool-model"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any:
        tool = tools[0]
        name = tool.__name__ if isinstance(tool, type) else tool["function"]["name"] if isinstance(tool, dict) else str(tool)
        clone = self.model_copy()
        clone._tool = name
        clone._lock = self._lock
        clone._parent = self  # type: ignore[attr-defined]
        return clone

    def _root(self) -> ScriptedToolModel:
        return getattr(self, "_parent", self)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        root = self._root()
        with root._lock:
            root.calls += 1
            root._active += 1
            root.peak = max(root.peak, root._active)
            root.prompts.append(list(messages))
        try:
            if self.delay:
                time.sleep(self.delay)
            reply = self.responder(self._tool or "", messages)
        finally:
            with root._lock:
                root._active -= 1
        if isinstance(reply, str):
            message = AIMessage(content=reply)
        else:
            args = dict(reply)
            name = str(args.pop("__tool__", self._tool or "tool"))
            message = AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"call{root.calls}"}])
        return ChatResult(generations=[ChatGeneration(message=message)])
