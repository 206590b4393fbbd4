"""Versioned prompt templates (`prompts/<task>.<lang>.v<N>.md`), shipped in the wheel."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from sopgen.errors import OfflineResourceError

PROMPT_VERSION = "v1"
_DELIMITER = re.compile(r"<<<\s*(?:END\s+)?SOURCE", re.I)


def _folder() -> Path:
    packaged = resources.files("sopgen") / "_prompts"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "prompts"  # source checkout / editable install


@cache
def template(task: str, language: str) -> tuple[str, str]:
    path = _folder() / f"{task}.{language}.{PROMPT_VERSION}.md"
    if not path.is_file():
        path = _folder() / f"{task}.en.{PROMPT_VERSION}.md"
    if not path.is_file():
        raise OfflineResourceError(f"prompt template '{task}' is missing", path=path, hint="reinstall sopgen")
    system, _, user = path.read_text(encoding="utf-8").partition("---USER---")
    return system.strip(), user.strip()


def neutralise(text: str) -> str:
    """Corpus text must not be able to close its data block and pose as instructions."""
    return _DELIMITER.sub("<< SOURCE", text)


def render(task: str, language: str, **values: str) -> list[BaseMessage]:
    system, user = template(task, language)
    return [SystemMessage(system.format(**values)), HumanMessage(user.format(**values))]
