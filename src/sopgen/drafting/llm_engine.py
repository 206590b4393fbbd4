"""Drafting with a chat model: structured outline and section drafts, grounded in cited sources."""

from __future__ import annotations

import re
from typing import TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage
from pydantic import BaseModel, Field, model_validator

from sopgen.drafting import offline
from sopgen.drafting.sources import Source, format_sources
from sopgen.errors import InvalidOutputError, LLMError
from sopgen.llm.prompts import neutralise, render
from sopgen.llm.structured import structured_call
from sopgen.llm.tokens import count_tokens
from sopgen.schema import Brief, Outline, OutlineSection, Profile, Section, Step


class PlannedSection(BaseModel):
    id: str
    title: str = ""
    intent: str = ""
    planned_steps: list[str] = Field(default_factory=list)


class PlannedOutline(BaseModel):
    """What the model is asked for; normalised against the profile afterwards."""

    sections: list[PlannedSection]


class SectionDraft(BaseModel):
    """What the model returns for one section."""

    body: str = Field("", description="The section text (Markdown), citing sources inline as [S1].")
    steps: list[Step] = Field(default_factory=list, description="Procedure steps only.")
    citations: list[str] = Field(default_factory=list, description="Keys of the sources used, e.g. S1.")
    todo: list[str] = Field(default_factory=list, description="Facts the writer must still supply.")

    @model_validator(mode="after")
    def _not_empty(self) -> SectionDraft:
        if not self.body.strip() and not self.steps:
            raise ValueError("the section is empty: write its text in 'body' (and 'steps' for a procedure)")
        return self


T = TypeVar("T", bound=BaseModel)


def _call(chat: BaseChatModel, schema: type[T], messages: list[BaseMessage], method: str) -> T:
    """A structured call whose transport failures (after the client's own retries) become LLMError."""
    try:
        return structured_call(chat, schema, messages, method)
    except LLMError:
        raise
    except Exception as exc:  # openai.APIError, httpx errors, a garbage reply the client cannot parse
        raise LLMError(f"model call failed: {type(exc).__name__}: {exc}",
                       hint="check the server/URL and key; finished sections are kept") from exc


def _common(brief: Brief) -> dict[str, str]:
    return {"title": brief.title, "goal": brief.goal, "scope": brief.scope, "audience": brief.audience,
            "format": brief.format, "roles": ", ".join(brief.roles) or "-",
            "constraints": "; ".join(brief.constraints) or "-", "regulations": "; ".join(brief.regulations) or "-"}


def _fit(task: str, language: str, budget: int, sources: list[Source], **values: str) -> list[BaseMessage]:
    """Render a prompt with as many sources as the context window leaves room for (least relevant go first)."""
    bare = render(task, language, sources="", **values)
    used = sum(count_tokens(m.text) for m in bare) + 600  # schema/tool definition and reply framing
    return render(task, language, sources=format_sources(sources, max(0, budget - used)), **values)


def llm_outline(chat: BaseChatModel, method: str, brief: Brief, profile: Profile, sources: list[Source],
                budget: int = 4000) -> Outline:
    """Ask the model for a plan; the profile decides which sections exist and in which order."""
    base = offline.make_outline(brief, profile, sources)
    listing = "\n".join(f"- {s.id}: {s.title}" for s in base.sections)
    messages = _fit("outline", brief.language, min(budget, 3000), sources, sections=listing, **_common(brief))
    planned = _call(chat, PlannedOutline, messages, method)
    by_id = {p.id: p for p in planned.sections}
    sections = []
    for s in base.sections:
        p = by_id.get(s.id)
        sections.append(OutlineSection(
            id=s.id, title=(p.title.strip() if p and p.title.strip() else s.title),
            intent=(p.intent.strip() if p and p.intent.strip() else s.intent), required=s.required,
            planned_steps=[x for x in (p.planned_steps if p else []) if x.strip()] or s.planned_steps))
    return base.model_copy(update={"sections": sections})


def _plan_block(steps: list[str]) -> str:
    """Planned steps may come from corpus text, so they travel as data, never as instructions."""
    if not steps:
        return "-"
    return "<<<SOURCE PLAN>>>\n" + "\n".join(f"- {neutralise(s)}" for s in steps) + "\n<<<END SOURCE>>>"


def llm_section(chat: BaseChatModel, method: str, brief: Brief, section: OutlineSection,
                sources: list[Source], budget: int = 4000) -> Section:
    messages = _fit("section", brief.language, min(budget, 3000), sources, section_id=section.id,
                    heading=section.title, intent=section.intent, planned_steps=_plan_block(section.planned_steps),
                    **_common(brief))
    return _section_from(chat, method, section, sources, messages)


def _section_from(chat: BaseChatModel, method: str, section: OutlineSection, sources: list[Source],
                  messages: list[BaseMessage]) -> Section:
    draft = _call(chat, SectionDraft, messages, method)
    known = {s.key for s in sources}
    body = re.sub(r"\[(S\d+)\]", lambda m: m.group(0) if m.group(1) in known else "", draft.body)
    steps = [st.model_copy(update={"citations": [c for c in st.citations if c in known]}) for st in draft.steps]
    cited = set(re.findall(r"\[(S\d+)\]", body)) | {c for c in draft.citations if c in known}
    cited |= {c for st in steps for c in st.citations}
    if section.id != "procedure" and steps:  # steps outside the procedure become a plain list
        body = (body.strip() + "\n\n" + "\n".join(f"- {st.action}{''.join(f' [{c}]' for c in st.citations)}"
                                                  for st in steps)).strip()
        steps = []
    if not re.sub(r"\[S\d+\]", "", body).strip() and not steps:
        raise InvalidOutputError(f"the model did not return a valid section '{section.id}': nothing left but "
                                 "citation marks")
    return Section(id=section.id, title=section.title, body=body.strip(), steps=steps,
                   citations=sorted(cited, key=lambda k: int(k[1:])), todo=[t for t in draft.todo if t.strip()])


def llm_revise(chat: BaseChatModel, method: str, brief: Brief, section: Section, findings: list[str],
               sources: list[Source], budget: int = 4000) -> Section:
    """Ask the model to rewrite one section so that the listed check findings go away."""
    outline = OutlineSection(id=section.id, title=section.title, intent="Rewrite the current text without changing "
                             "its facts.", planned_steps=[st.action for st in section.steps])
    messages = _fit("section", brief.language, min(budget, 3000), sources, section_id=section.id,
                    heading=section.title, intent=outline.intent, planned_steps=_plan_block(outline.planned_steps),
                    **_common(brief))
    current = section.body + "\n" + "\n".join(f"- {st.actor + ': ' if st.actor else ''}{st.action}" for st in section.steps)
    messages.append(HumanMessage("Current text (data):\n<<<SOURCE CURRENT>>>\n" + neutralise(current) +
                                 "\n<<<END SOURCE>>>\nFix these problems found by the checker:\n" + "\n".join(findings)))
    revised = _section_from(chat, method, outline, sources, messages)
    return revised.model_copy(update={"title": section.title})
