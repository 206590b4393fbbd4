"""One exception hierarchy for sopgen.

Every message names the file or setting at fault and says how to fix it, because the people reading them
are writers and CI logs, not debuggers.
"""

from __future__ import annotations

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
