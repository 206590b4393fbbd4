"""The gate every model-written section passes before it is kept.

Validation against the schema is not enough: a small model returns well-formed JSON full of junk ("5.
Safety and precautions – SOP – SOCRONICELAIDES_SAE_PRODUCTION_BUSINESS"), in the wrong language, or about
something else. A section is kept only if it is in the brief's language, shares enough words with the
brief and its sources to be on topic, cites only sources it was given, and has no garbage tokens; the
reason for a rejection goes into `sections_written_by` with the offline text that replaces it.
"""

from __future__ import annotations

import re

from sopgen.documents.language import detect_language
from sopgen.drafting.sources import CITATION, CONTENT_WORD, Source, content_stems
from sopgen.schema import Brief, Section

MIN_ON_TOPIC = 0.25  # share of the section's content words found in the brief and its sources
_WORD = CONTENT_WORD
_KEY = CITATION
_TOKEN = re.compile(r"\S+")


def _text(section: Section) -> str:
    return "\n".join([section.body, *(st.action for st in section.steps), *(st.actor or "" for st in section.steps)])


def _garbage(text: str, known: str) -> str | None:
    tokens = _TOKEN.findall(text)
    for token in tokens:
        bare = token.strip(".,;:()[]\"'«»„“")
        if len(bare) >= 16 and (bare.isupper() or bare.count("_") >= 2) and bare not in known:
            return f"garbage token '{bare[:40]}'"
    for i in range(len(tokens) - 3):
        if tokens[i] == tokens[i + 1] == tokens[i + 2] == tokens[i + 3]:
            return f"repeated token '{tokens[i][:20]}'"
    letters = sum(c.isalpha() for c in text)
    if text.strip() and letters / max(1, len(text.replace(" ", ""))) < 0.5:
        return "mostly not words"
    return None


def gate(section: Section, brief: Brief, sources: list[Source]) -> str | None:
    """Why a model-written section must not be kept, or None when it may."""
    text = _text(section)
    words = _WORD.findall(text)
    if not words and not section.todo:
        return "empty section"
    given = {s.key for s in sources}
    cited = set(_KEY.findall(section.body)) | set(section.citations) | {k for st in section.steps for k in st.citations}
    if cited - given:
        return f"cites sources it was not given: {', '.join(sorted(cited - given))}"
    known = "\n".join([brief.model_dump_json(), *(s.text for s in sources)])
    if (reason := _garbage(text, known)) is not None:
        return reason
    if len(words) >= 8:
        language = detect_language(text)
        if language != brief.language:
            return f"written in '{language}', not the brief's '{brief.language}'"
        overlap = len(content_stems(text) & content_stems(known)) / max(1, len(content_stems(text)))
        if overlap < MIN_ON_TOPIC:
            return f"off topic ({overlap:.0%} of its words are in the brief and sources)"
    return None
