"""brief -> retrieve -> outline -> section drafts (concurrent) -> assemble -> check, as LangChain runnables.

Every finished section is written to a parts folder as soon as it is done, so a failed or interrupted run
resumes where it stopped; parts belong to one (brief, engine, model, profile) and are ignored otherwise.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig, RunnableLambda

from sopgen.checks import check_text
from sopgen.drafting import offline
from sopgen.drafting.gate import gate
from sopgen.drafting.grounding import grounding_report
from sopgen.drafting.llm_engine import llm_outline, llm_revise, llm_section
from sopgen.drafting.selection import Selection, select_documents
from sopgen.drafting.sources import CITATION, Source, SourceSet
from sopgen.errors import InvalidOutputError, LLMError
from sopgen.index.search import Searcher, SearchResult
from sopgen.llm.factory import EngineChoice
from sopgen.render.markdown import render_markdown
from sopgen.schema import SOP, Brief, Outline, OutlineSection, Profile, Section, load_profile
from sopgen.schema.briefs import brief_hash

SectionProgress = Callable[[str, str], None]  # (section id, "drafted" | "resumed" | "failed")


@dataclass
class DraftState:
    """What flows between the stages."""

    brief: Brief
    profile: Profile
    engine: EngineChoice
    sources: SourceSet
    per_section: dict[str, list[Source]] = field(default_factory=dict)
    outline: Outline | None = None
    sections: list[Section] = field(default_factory=list)
    parts: Path | None = None
    concurrency: int = 4
    progress: SectionProgress | None = None
    sop: SOP | None = None
    revise: bool = False
    outline_written_by: str | None = None
    on_outline: Callable[[Outline], None] | None = None
    on_section: Callable[[Section], None] | None = None
    selection: Selection = field(default_factory=Selection)
    grounding: dict[str, Any] = field(default_factory=dict)


def run_key(state: DraftState) -> str:
    data = f"{brief_hash(state.brief)}|{state.engine.engine}|{state.engine.model}|{state.profile.model_dump_json()}"
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def retrieve(state: DraftState) -> DraftState:
    """Choose the documents (drafting.selection), then each section's sources, once before any drafting.

    The procedure comes from the primary document's procedure part only. Other sections look in the primary
    document first and then, for sections a brief cannot state itself, in the other related documents, by
    the section's canonical id; nothing is taken from documents the selection did not choose, so a hotline
    SOP does not borrow a lab procedure's purpose, and with `grounding: none` nothing is borrowed at all.
    """
    b = state.brief
    searcher = state.sources.searcher
    state.selection = select_documents(b, searcher)
    primary = state.selection.primary.path if state.selection.primary else None
    related = [p for p in state.selection.related if p != primary]
    proc: list[Source] = []
    if primary:
        whole = state.sources.expand(primary, None)
        proc = state.sources.expand(primary, "procedure") or [s for s in whole if offline.has_steps(s)] or [
            s for s in whole if s.section_id not in ("purpose", "scope", "definitions", "references",
                                                    "revision_history", "approval")]  # prose: one step per part
        proc = _one_procedure(state, primary, proc)
    state.per_section["procedure"] = proc
    extra = _extra_sections(state, primary) if primary and state.profile.extra_sections else {}
    for ps in state.profile.sections:
        if ps.id in extra:
            state.per_section[ps.id] = extra[ps.id]
            continue
        if ps.id in ("procedure", "revision_history", "approval", "definitions", "references"):
            continue
        heading = state.profile.spec(ps.id).heading(b.language)
        q = f"{b.title}: {heading}"
        found = state.sources.retrieve(q, k=2, section=ps.id, path_glob=glob.escape(primary)) if primary else []
        if not found and related and ps.id not in ("purpose", "scope"):  # the brief states those itself
            found = [s for s in state.sources.retrieve(q, k=6, section=ps.id, same_language=True)
                     if s.path in related][:1]
        state.per_section[ps.id] = found
    return state


def _headings(item: Source | SearchResult) -> list[str]:
    """A chunk's headings from the top down (its heading path, or just its own heading)."""
    return item.heading_path.split(" > ") if item.heading_path else [item.heading or ""]


_LABEL = re.compile(r"^(?:#+\s*)?(.{2,60}?):?\s*$")


def _extra_sections(state: DraftState, primary: str) -> dict[str, list[Source]]:
    """Sections a profile adds to the canonical ones (a job description's duties, rights, liability...),
    read from the primary document: its lines are sorted under the labels and headings that name those
    sections ("Обязанности:", "Ihre Aufgaben", "Rights"). Each becomes the source of its section, citing the
    chunk it came from."""
    from sopgen.documents.classify import match_heading

    specs = {sid: spec for sid, spec in state.profile.extra_sections.items() if sid in state.profile.ids}
    out: dict[str, list[Source]] = {}
    for src in state.sources.expand(primary, None):
        current = None
        for heading in reversed(_headings(src)):
            if heading and (m := match_heading(heading, specs)) is not None:  # deepest heading that names one
                current = m[0]
                break
        items: dict[str, list[str]] = {}
        for line in src.text.split("\n"):
            text = line.strip()
            if not text or text == (src.heading or "").strip():
                continue
            label = _LABEL.match(text) if len(text.split()) <= 6 and not text.startswith(("-", "*")) else None
            if label and (m := match_heading(label.group(1), specs)) is not None:
                current = m[0]
                continue
            if current is not None:
                items.setdefault(current, []).append(text if text.startswith(("-", "*")) else f"- {text}")
        for sid, lines in items.items():
            out.setdefault(sid, []).append(src.model_copy(update={"text": "\n".join(lines), "heading": None}))
    return out


def _one_procedure(state: DraftState, primary: str, proc: list[Source]) -> list[Source]:
    """A document may hold several procedures ("7. Procedure A: daily check", "8. Procedure B: restore"):
    keep the one whose chunks best match the brief. Procedures are told apart by the first heading below
    what all procedure chunks share (the document title, usually); subsections of one procedure
    ("5 Ablauf > 5.1", "5 Ablauf > 5.2") share that heading and stay together."""
    paths = {s.key: _headings(s) for s in proc}
    common = 0
    lists = list(paths.values())
    while all(len(p) > common + 1 for p in lists) and len({p[common] for p in lists}) == 1:
        common += 1
    group = {key: p[common] if len(p) > common else "" for key, p in paths.items()}
    title = (state.selection.primary.title if state.selection.primary else None) or ""
    below_title = common == 0 or (common == 1 and lists[0][0] == title and len(lists[0]) > 1)
    if len(set(group.values())) < 2 or not below_title or state.sources.searcher is None:
        return proc  # the chunks are subsections of one procedure heading ("5 Ablauf > 5.1", "> 5.2")
    hits = state.sources.searcher.search(state.brief.title, 1, path_glob=glob.escape(primary), section="procedure")
    if not hits:
        return proc
    best_path = _headings(hits[0])
    best = best_path[common] if len(best_path) > common else ""
    return [s for s in proc if group[s.key] == best] or proc


def _budget(state: DraftState) -> int:
    """Prompt tokens available: the context window less the reply."""
    return state.engine.context_tokens - state.engine.max_tokens


def _parts_file(state: DraftState, name: str) -> Path | None:
    return state.parts / f"{name}.json" if state.parts else None


def make_outline(state: DraftState) -> DraftState:
    cached = _parts_file(state, "outline")
    if cached and cached.is_file():
        state.outline = Outline.model_validate_json(cached.read_text(encoding="utf-8"))
        return state
    proc = state.per_section.get("procedure", [])
    if state.engine.chat is None:
        state.outline = offline.make_outline(state.brief, state.profile, proc)
    else:
        try:
            state.outline = llm_outline(state.engine.chat, state.engine.structured_method, state.brief, state.profile,
                                        proc, _budget(state))
        except InvalidOutputError as exc:
            state.outline = offline.make_outline(state.brief, state.profile, proc)
            state.outline_written_by = f"offline (fallback: {str(exc).splitlines()[0][:120]})"
    if cached:
        cached.write_text(state.outline.model_dump_json(indent=2), encoding="utf-8")
    if state.on_outline:
        state.on_outline(state.outline)
    return state


def _draft_one(state: DraftState, section: OutlineSection) -> Section:
    part = _parts_file(state, f"section-{section.id}")
    if part and part.is_file():
        if state.progress:
            state.progress(section.id, "resumed")
        resumed = Section.model_validate_json(part.read_text(encoding="utf-8"))
        if state.on_section:
            state.on_section(resumed)
        return resumed
    sources = state.per_section.get(section.id, [])
    if state.engine.chat is None or section.id in ("revision_history", "approval", "references", "definitions"):
        # tables and lists the engine builds from facts it has; a model adds nothing but risk here
        drafted = offline.draft_section(section, state.brief, state.profile, sources, state.sources.sources)
    else:
        try:
            drafted = llm_section(state.engine.chat, state.engine.structured_method, state.brief, section, sources,
                                  _budget(state))
            reason = gate(drafted, state.brief, sources)
            if reason is not None:
                drafted = offline.draft_section(section, state.brief, state.profile, sources, state.sources.sources)
                drafted.written_by = f"offline (model output rejected: {reason})"
        except InvalidOutputError as exc:
            # The model answered but never usably: keep the run going with the offline text for this section,
            # and say so in the draft, so no reader mistakes it for model output.
            drafted = offline.draft_section(section, state.brief, state.profile, sources, state.sources.sources)
            drafted.written_by = f"offline (fallback: {str(exc).splitlines()[0][:120]})"
    if part:
        part.write_text(drafted.model_dump_json(indent=2), encoding="utf-8")
    if state.progress:
        state.progress(section.id, "drafted")
    if state.on_section:
        state.on_section(drafted)
    return drafted


def draft_sections(state: DraftState) -> DraftState:
    """All sections, concurrently (bounded); finished ones are on disk even if another fails."""
    assert state.outline is not None
    drafter: RunnableLambda[OutlineSection, Section] = RunnableLambda(lambda s: _draft_one(state, s))
    config = RunnableConfig(max_concurrency=state.concurrency)
    results = drafter.batch(state.outline.sections, config=config, return_exceptions=True)
    failed = [(s.id, r) for s, r in zip(state.outline.sections, results, strict=True) if isinstance(r, Exception)]
    if failed:
        for sid, _ in failed:
            if state.progress:
                state.progress(sid, "failed")
        names = ", ".join(f"{sid} ({type(err).__name__}: {str(err)[:200]})" for sid, err in failed)
        where = f"; finished sections are kept in {state.parts}, run again to resume" if state.parts else ""
        raise LLMError(f"{len(failed)} section(s) failed: {names}{where}")
    state.sections = [r for r in results if isinstance(r, Section)]
    return state


def assemble(state: DraftState) -> DraftState:
    offline.define_terms(state.sections, state.sources.sources, state.brief.language)
    used = {k for s in state.sections if s.id != "references"
            for k in [*s.citations, *(c for st in s.steps for c in st.citations)]}
    cited = _renumber(state.sections, [src for src in state.sources.sources if src.key in used])
    offline.list_references(state.sections, cited, state.brief)
    citations = [src.citation() for src in cited]
    state.grounding = grounding_report(state.sections, cited, state.selection)
    state.sop = SOP(title=state.brief.title, language=state.brief.language, profile=state.profile.name,
                    format=state.brief.format, engine=state.engine.engine, model=state.engine.model,
                    brief_hash=brief_hash(state.brief), sections=state.sections, sources=citations,
                    author=state.brief.author, owner=state.brief.owner, version=state.brief.version,
                    outline_written_by=state.outline_written_by,
                    untrusted_source_text=[f.model_dump() for f in state.sources.flagged],
                    selection=state.selection.front_matter(), grounding=state.grounding)
    return state




def _renumber(sections: list[Section], cited: list[Source]) -> list[Source]:
    """Citation keys S1..Sn in order of first use in the text (retrieval hands out keys to chunks that
    end up uncited; gaps in the numbering would send readers looking for sources that are not there)."""
    order: list[str] = []
    for section in sections:
        for key in [*CITATION.findall(section.body), *(k for st in section.steps for k in st.citations),
                    *section.citations]:
            if key not in order and any(c.key == key for c in cited):
                order.append(key)
    mapping = {old: f"S{i}" for i, old in enumerate(order, start=1)}
    for section in sections:
        section.body = CITATION.sub(lambda m: f"[{mapping.get(m.group(1), m.group(1))}]", section.body)
        section.citations = [mapping.get(k, k) for k in section.citations]
        for step in section.steps:
            step.citations = [mapping.get(k, k) for k in step.citations]
    by_key = {c.key: c for c in cited}
    return [by_key[old].model_copy(update={"key": new}) for old, new in mapping.items()]


def check(state: DraftState) -> DraftState:
    """Run the `sopgen check` engine on the draft and record the summary in its front matter."""
    assert state.sop is not None
    text = render_markdown(state.sop)
    report = check_text(text, state.profile, language=state.sop.language, path="draft.md")
    summary = report.counts()
    summary["score"] = report.score or 0
    summary["missing_sections"] = sum(1 for s in report.sections if s.required and s.status == "missing")
    state.sop.check_summary = summary
    return state


def revise(state: DraftState) -> DraftState:
    """Optional pass (model engines only): each section with wording findings is rewritten once, and the
    rewrite is kept only if it has fewer findings."""
    if not state.revise or state.engine.chat is None or state.sop is None:
        return state
    lang = state.sop.language

    def findings_of(section: Section) -> list[str]:
        one = state.sop.model_copy(update={"sections": [section], "sources": []})  # type: ignore[union-attr]
        report = check_text(render_markdown(one, with_front_matter=False), state.profile, language=lang,
                            path="section.md")
        return [f"- '{f.text}': {f.message} {f.suggestion}" for f in report.findings if f.category == "ambiguity"
                and f.rule != "writer-prompt"]

    revised = []
    for section in state.sop.sections:
        problems = findings_of(section) if not section.written_by else []
        if problems:
            try:
                candidate = llm_revise(state.engine.chat, state.engine.structured_method, state.brief, section,
                                       problems, state.per_section.get(section.id, []), _budget(state))
                if len(findings_of(candidate)) < len(problems):
                    section = candidate
            except LLMError:
                pass  # a failed revision keeps the draft as it was
        revised.append(section)
    state.sop.sections = revised
    return check(state)


def pipeline() -> Any:
    """The whole chain as one Runnable over a DraftState; each stage is also importable on its own."""
    return (RunnableLambda(retrieve) | RunnableLambda(make_outline) | RunnableLambda(draft_sections)
            | RunnableLambda(assemble) | RunnableLambda(check) | RunnableLambda(revise))


def build_state(brief: Brief, engine: EngineChoice, searcher: Searcher | None, parts: Path | None = None,
                concurrency: int = 4, progress: SectionProgress | None = None, revise: bool = False) -> DraftState:
    profile = load_profile(brief.profile)
    state = DraftState(brief=brief, profile=profile, engine=engine, sources=SourceSet(searcher, brief),
                       concurrency=concurrency, progress=progress, revise=revise)
    if parts is not None:
        parts.mkdir(parents=True, exist_ok=True)
        key_file = parts / "run.json"
        key = run_key(state)
        if key_file.is_file() and json.loads(key_file.read_text()).get("key") != key:
            for old in parts.glob("*.json"):
                old.unlink()
        key_file.write_text(json.dumps({"key": key}), encoding="utf-8")
        state.parts = parts
    return state
