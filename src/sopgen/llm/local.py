"""In-process GGUF models through llama-cpp-python (the `local` extra), as a LangChain chat model."""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import PrivateAttr

from sopgen.errors import ConfigError

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


class LlamaCppChat(BaseChatModel):
    """Runs a GGUF model in this process; one call at a time (llama.cpp contexts are not thread-safe)."""

    model_path: str
    n_ctx: int = 4096
    max_tokens: int = 1024
    temperature: float = 0.2
    _llm: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-local"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "temperature": self.temperature, "max_tokens": self.max_tokens}

    def _load(self) -> Any:
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ConfigError("engine 'local' needs llama-cpp-python", hint="pip install 'sopgen[local]'") from exc
            self._llm = Llama(model_path=self.model_path, n_ctx=self.n_ctx, verbose=False)
        return self._llm

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        payload = [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]
        with self._lock:
            out = self._load().create_chat_completion(messages=payload, max_tokens=self.max_tokens,
                                                      temperature=self.temperature, stop=stop)
        choice = out["choices"][0]["message"]
        usage = out.get("usage") or {}
        message = AIMessage(content=choice.get("content") or "", usage_metadata={
            "input_tokens": usage.get("prompt_tokens", 0), "output_tokens": usage.get("completion_tokens", 0),
            "total_tokens": usage.get("total_tokens", 0)})
        return ChatResult(generations=[ChatGeneration(message=message)])
