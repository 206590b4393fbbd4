"""The SOP data model: what a brief asks for, what an outline plans and what a draft contains."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Language = Literal["en", "de", "ru"]
Format = Literal["step-by-step", "checklist", "narrative", "flowchart"]
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "de", "ru")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Role(_Model):
    """A role that acts in the procedure."""

    name: str
    description: str = ""


class Citation(_Model):
    """Where a piece of drafted text came from: a span of an indexed document."""

    key: str = Field(description="Citation label used in the text, e.g. 'S1'.")
    path: str
    heading: str | None = None
    line: int = Field(ge=1)
    end_line: int = Field(ge=1)
    score: float | None = None


class Step(_Model):
    """One procedure step: who does what, what should come out, what to watch."""

    action: str
    actor: str | None = None
    expected_result: str | None = None
    cautions: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list, description="Citation keys backing this step.")


class Section(_Model):
    """A drafted section of a SOP."""

    id: str
    title: str
    body: str = ""
    steps: list[Step] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    todo: list[str] = Field(default_factory=list, description="Facts the writer still has to supply.")
    written_by: str | None = Field(None, description="Engine that wrote this section, where it differs from the SOP's.")


class Brief(_Model):
    """What the writer wants: the input of drafting."""

    title: str = Field(min_length=3)
    goal: str = Field(min_length=3)
    scope: str = Field(min_length=3)
    audience: str = Field(min_length=2)
    language: Language = "en"
    profile: str = "basic"
    format: Format = "step-by-step"
    roles: list[str] = Field(default_factory=list)
    constraints: list[str] = Field(default_factory=list)
    regulations: list[str] = Field(default_factory=list)
    source_language: str | None = Field(None, description="Only retrieve documents in this language.")
    source_path: str | None = Field(None, description="Only retrieve documents whose path matches this glob.")
    author: str | None = Field(None, description="Who writes the SOP: the author of the DOCX/PDF and front matter.")
    owner: str | None = Field(None, description="The role or person who keeps the SOP current (front matter).")
    version: str = Field("0.1", max_length=20, description="Document version (a draft starts at 0.1).")

    @field_validator("roles", "constraints", "regulations", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class OutlineSection(_Model):
    """One planned section: what it must achieve and, for procedures, the planned step skeleton."""

    id: str
    title: str
    intent: str
    required: bool = True
    planned_steps: list[str] = Field(default_factory=list)


class Outline(_Model):
    """The plan of a SOP before any section is drafted."""

    title: str
    language: Language
    profile: str
    format: Format
    sections: list[OutlineSection]

    def _repr_markdown_(self) -> str:
        lines = [f"**{self.title}** ({self.profile}, {self.format}, {self.language})", ""]
        for i, s in enumerate(self.sections, start=1):
            lines.append(f"{i}. **{s.title}**{'' if s.required else ' (optional)'}: {s.intent}")
            lines += [f"    - {step}" for step in s.planned_steps]
        return "\n".join(lines)


class SOP(_Model):
    """A drafted SOP with its provenance (notebooks display it formatted: see integrations.notebook)."""

    title: str
    language: Language
    profile: str
    format: Format
    engine: str = Field(description="Which engine wrote it: offline, openai, openai-compatible, local.")
    model: str | None = None
    brief_hash: str | None = None
    author: str | None = None
    owner: str | None = None
    version: str = "0.1"
    sections: list[Section]
    sources: list[Citation] = Field(default_factory=list)
    check_summary: dict[str, int] = Field(default_factory=dict)
    roles: list[Role] = Field(default_factory=list)
    usage: dict[str, Any] = Field(default_factory=dict, description="Model calls, tokens, cache hits, cost estimate.")
    outline_written_by: str | None = Field(None, description="Engine that planned the outline, where it differs.")
    selection: dict[str, Any] = Field(default_factory=dict, description="grounding, primary_source, runner_up.")
    grounding: dict[str, Any] = Field(default_factory=dict, description="Per-section grounding report.")
    untrusted_source_text: list[dict[str, Any]] = Field(
        default_factory=list, description="Source lines left out because they address an AI or carry unsafe links.")
