"""The one Document model every loader produces, whatever the file format."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BlockKind = Literal["heading", "paragraph", "list_item", "table", "code", "front_matter"]
DocFormat = Literal["md", "txt", "rst", "html", "docx", "pdf"]


class Block(BaseModel):
    """A structural unit with its 1-based line span in the decoded text."""

    model_config = ConfigDict(frozen=True)

    kind: BlockKind
    text: str = Field(description="Content without markup: no '#', list markers or table pipes.")
    line: int = Field(ge=1)
    end_line: int = Field(ge=1)
    level: int = Field(0, description="Heading level (1 = top); 0 for other blocks.")
    ordered: bool = Field(False, description="List item of a numbered list.")
    number: str | None = Field(None, description="List or heading number as written, e.g. '3.2'.")
    style: str | None = Field(None, description="How a heading was marked: atx, setext, numbered, caps, bold...")


class DocSection(BaseModel):
    """A heading and the blocks under it, up to the next heading. The preamble has no heading."""

    heading: str | None
    level: int
    line: int = Field(description="Heading line, or the first line of the preamble.")
    end_line: int
    blocks: list[Block] = Field(default_factory=list, description="Body blocks, headings excluded.")
    number: str | None = None

    @property
    def body(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.kind not in ("code", "front_matter"))

    @property
    def word_count(self) -> int:
        return len(self.body.split())


class Document(BaseModel):
    """A decoded, structured process document with its provenance."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    path: str
    format: DocFormat
    encoding: str | None = Field(description="Detected text encoding; None for docx/pdf.")
    language: str
    other_language: str | None = Field(
        None, description="A language without rules that the text looks like (fr, es, ...); `language` is then "
                          "only the fallback the rules ran in.")
    text: str = Field(description="Decoded text, line ends normalised to LF; line numbers index into it.")
    sha256: str = Field(description="Hash of the original bytes.")
    title: str | None = None
    blocks: list[Block] = Field(default_factory=list)
    sections: list[DocSection] = Field(default_factory=list)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]

    @property
    def steps(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "list_item"]

    def _repr_markdown_(self) -> str:
        outline = "\n".join(f"{'  ' * (s.level - 1)}- line {s.line}: {s.heading}" for s in self.sections if s.heading)
        return f"**{self.title or self.path}** ({self.format}, {self.encoding or 'binary'}, {self.language})\n\n{outline}"
