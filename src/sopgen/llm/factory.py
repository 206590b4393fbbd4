"""Which engine drafts: OpenAI, an OpenAI-compatible server, a local GGUF model, or the offline engine.

`auto` picks the first configured: an OpenAI key, then a base URL, then a local model path, else offline.
The offline engine is not a model and never pretends to be one: every draft records its engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel

from sopgen.config import Settings
from sopgen.errors import ConfigError
from sopgen.llm.cache import SQLiteResponseCache


@dataclass
class EngineChoice:
    engine: str  # openai | openai-compatible | local | offline
    model: str | None
    chat: BaseChatModel | None
    structured_method: str = "json_schema"
    cache: SQLiteResponseCache | None = None
    context_tokens: int = 8192
    max_tokens: int = 1500


def resolve_engine(settings: Settings) -> str:
    if settings.engine != "auto":
        return settings.engine
    if settings.api_key() and not settings.base_url:
        return "openai"
    if settings.base_url:
        return "openai-compatible"
    if settings.local_model_path:
        return "local"
    return "offline"


def make_engine(settings: Settings, *, use_cache: bool = True) -> EngineChoice:
    engine = resolve_engine(settings)
    if engine == "offline":
        return EngineChoice("offline", None, None)
    cache = SQLiteResponseCache(settings.cache_dir / "responses.sqlite") if use_cache else None
    if engine in ("openai", "openai-compatible"):
        from langchain_openai import ChatOpenAI

        key = settings.api_key()
        if engine == "openai" and not key:
            raise ConfigError("engine 'openai' needs an API key", hint="set OPENAI_API_KEY, or use --engine offline")
        if engine == "openai-compatible" and not settings.base_url:
            raise ConfigError("engine 'openai-compatible' needs a server URL",
                              hint="set SOPGEN_BASE_URL, e.g. http://127.0.0.1:11434/v1 for Ollama")
        kwargs: dict[str, Any] = {
            "model": settings.model, "api_key": key or "not-needed", "timeout": settings.timeout,
            "max_retries": settings.max_retries, "temperature": 0.2, "cache": cache,
        }
        if engine == "openai-compatible":
            kwargs["base_url"] = settings.base_url
            # llama.cpp, Ollama and vLLM honour the classic max_tokens, not max_completion_tokens (measured:
            # llama.cpp ignored max_completion_tokens=30 and wrote 201 tokens)
            kwargs["extra_body"] = {"max_tokens": settings.max_tokens}
        else:
            kwargs["max_completion_tokens"] = settings.max_tokens
        chat = ChatOpenAI(**kwargs)
        # OpenAI serves strict JSON schema; local servers (llama.cpp, Ollama) reliably do forced tool calls.
        method = "json_schema" if engine == "openai" else "function_calling"
        return EngineChoice(engine, settings.model, chat, method, cache, settings.context_tokens, settings.max_tokens)
    if engine == "local":
        if settings.local_model_path is None or not settings.local_model_path.is_file():
            raise ConfigError("engine 'local' needs a GGUF model file", path=settings.local_model_path,
                              hint="set SOPGEN_LOCAL_MODEL_PATH; pip install 'sopgen[local]'")
        from sopgen.llm.local import LlamaCppChat

        chat_local = LlamaCppChat(model_path=str(settings.local_model_path), cache=cache, max_tokens=settings.max_tokens,
                                  n_ctx=settings.context_tokens)
        return EngineChoice("local", settings.local_model_path.name, chat_local, "prompt", cache,
                            settings.context_tokens, settings.max_tokens)
    raise ConfigError(f"unknown engine '{engine}'", hint="auto, openai, openai-compatible, local or offline")
