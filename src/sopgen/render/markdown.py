"""SOP -> Markdown with YAML front matter naming the engine, model, profile, brief hash and sources."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import yaml

from sopgen._version import __version__
from sopgen.render.common import mermaid, step_lines, writer_lines
from sopgen.schema import SOP

_SOURCES = {"en": "Sources", "de": "Quellen", "ru": "Источники"}


def front_matter(sop: SOP) -> dict[str, Any]:
    return {
        "title": sop.title,
        "language": sop.language,
        "profile": sop.profile,
        "format": sop.format,
        "version": sop.version,
        **({"author": sop.author} if sop.author else {}),
        **({"owner": sop.owner} if sop.owner else {}),
        "engine": sop.engine,
        "model": sop.model,
        "generator": f"sopgen {__version__}",
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "brief_hash": sop.brief_hash,
        **sop.selection,
        "sources": [c.model_dump(mode="json", exclude_none=True) for c in sop.sources],
        **({"grounding_report": sop.grounding} if sop.grounding else {}),
        "check": sop.check_summary,
        **({"usage": sop.usage} if sop.usage else {}),
        **({"outline_written_by": sop.outline_written_by} if sop.outline_written_by else {}),
        **({"untrusted_source_text": sop.untrusted_source_text} if sop.untrusted_source_text else {}),
        **({"sections_written_by": {s.id: s.written_by for s in sop.sections if s.written_by}}
           if any(s.written_by for s in sop.sections) else {}),
    }


def render_markdown(sop: SOP, with_front_matter: bool = True) -> str:
    out: list[str] = []
    if with_front_matter:
        out += ["---", yaml.safe_dump(front_matter(sop), allow_unicode=True, sort_keys=False).rstrip(), "---", ""]
    out += [f"# {sop.title}", ""]
    for number, section in enumerate(sop.sections, start=1):
        out += [f"## {number}. {section.title}", ""]
        if section.body:
            out += [section.body, ""]
        if section.steps:
            out += [*step_lines(sop, section), ""]
            if sop.format == "flowchart":
                out += ["```mermaid", mermaid(sop, section), "```", ""]
        if section.todo:
            out += [*writer_lines(sop, section), ""]
    if sop.sources:
        out += [f"## {_SOURCES.get(sop.language, 'Sources')}", ""]
        for c in sop.sources:
            where = f"{c.path}:{c.line}-{c.end_line}"
            out.append(f"- [{c.key}] {where}" + (f" ({c.heading})" if c.heading else ""))
        out.append("")
    return "\n".join(out)
