"""The grounding report: how much of a draft stands on its sources, and how much is template or prompt.

Per section: `grounded` (it cites a source), `templated` (text, but nothing cited: the brief's own words or
a generic rule) or `prompt` (only writer prompts). Citation support is the share of cited sentences whose
content words are found in the span they cite, a check that a citation holds (lexical, so it is strict
for text copied from a source and says nothing about a translation). Placeholder share is the share of
writer prompts among everything the draft says.
"""

from __future__ import annotations

import re
from typing import Any

from sopgen.drafting.selection import Selection
from sopgen.drafting.sources import CITATION, CONTENT_WORD, Source, content_stems
from sopgen.schema import Section

_KEY = CITATION
_WORD = CONTENT_WORD
_PROMPT = re.compile(r"\[\[[^\]]*\]\]")
SUPPORTED = 0.6  # share of a sentence's content words found in the cited span


def _supported(sentence: str, cited: list[Source]) -> bool:
    words = content_stems(_KEY.sub("", sentence))
    if not words:
        return True
    span = set().union(*(content_stems(s.text) for s in cited)) if cited else set()
    return len(words & span) / len(words) >= SUPPORTED


def _sentences(section: Section) -> list[tuple[str, list[str]]]:
    """(sentence, cited keys) for every cited statement of a section."""
    out = [(st.action, st.citations) for st in section.steps if st.citations]
    previous = ""
    for paragraph in section.body.split("\n\n"):
        keys = _KEY.findall(paragraph)
        bare = _KEY.sub("", paragraph).strip(" -|():")
        if keys and len(bare.split()) <= 2 and previous:  # "(Source: [S4])" under a list or table
            out.append((previous, keys))
        else:
            for part in re.split(r"(?<=[.!?])\s+|\n", paragraph):
                part_keys = _KEY.findall(part)
                if part_keys and _KEY.sub("", part).strip(" -|()"):
                    out.append((part, part_keys))
        previous = paragraph
    return out


def section_status(section: Section) -> str:
    cited = bool(section.citations or any(st.citations for st in section.steps) or _KEY.search(section.body))
    if cited:
        return "grounded"
    text = _PROMPT.sub("", section.body).strip()
    return "templated" if text or section.steps else "prompt"


def grounding_report(sections: list[Section], cited: list[Source], selection: Selection) -> dict[str, Any]:
    """The report that goes into the front matter, the SOP object and every integration's result."""
    by_key = {s.key: s for s in cited}
    statements = supported = prompts = items = 0
    per_section: dict[str, str] = {}
    for section in sections:
        if section.id in ("references", "revision_history", "approval"):
            continue  # lists and tables the engine builds; nothing to support
        per_section[section.id] = section_status(section)
        for sentence, keys in _sentences(section):
            statements += 1
            supported += _supported(sentence, [by_key[k] for k in keys if k in by_key])
        n_prompts = len(section.todo) + len(_PROMPT.findall(section.body))
        prompts += n_prompts
        items += n_prompts + len(section.steps) + len([p for p in section.body.split("\n\n") if p.strip()])
    return {
        **selection.front_matter(),
        "sections": per_section,
        "citation_support": round(supported / statements, 3) if statements else None,
        "cited_statements": statements,
        "placeholder_share": round(prompts / items, 3) if items else 0.0,
    }
