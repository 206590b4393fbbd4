"""Retrieval for drafting: per-section sources with stable citation keys, formatted as delimited data
within a token budget (the least relevant are dropped first)."""

from __future__ import annotations

import re

from pydantic import BaseModel

from sopgen.drafting.screening import Flagged, screen
from sopgen.index.search import Searcher, SearchResult
from sopgen.llm.prompts import neutralise
from sopgen.llm.tokens import count_tokens
from sopgen.schema import Brief, Citation

CITATION = re.compile(r"\[(S\d+)\]")  # a citation in drafted text: [S1]
CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")


def content_stems(text: str) -> set[str]:
    """Content words (4+ letters) cut to five letters: the crude stems the gate, the grounding report and
    source selection compare texts by (inflected German and Russian forms meet)."""
    return {w.lower()[:5] for w in CONTENT_WORD.findall(text)}


class Source(BaseModel):
    key: str
    path: str
    heading: str | None
    line: int
    end_line: int
    language: str | None
    section_id: str | None
    text: str
    score: float
    heading_path: str = ""

    def citation(self) -> Citation:
        return Citation(key=self.key, path=self.path, heading=self.heading, line=self.line, end_line=self.end_line,
                        score=self.score)


class SourceSet:
    """Every source any section drew on, keyed S1, S2... in order of first use."""

    def __init__(self, searcher: Searcher | None, brief: Brief) -> None:
        self.searcher = searcher
        self.brief = brief
        self.by_chunk: dict[str, Source] = {}
        self.flagged: list[Flagged] = []  # source lines left out as untrusted (see drafting.screening)

    @property
    def sources(self) -> list[Source]:
        return list(self.by_chunk.values())

    def _add(self, hit: SearchResult) -> Source:
        if hit.id not in self.by_chunk:
            text, flagged = screen(hit.text, hit.path, hit.line)
            self.flagged += [f for f in flagged if f not in self.flagged]
            self.by_chunk[hit.id] = Source(key=f"S{len(self.by_chunk) + 1}", path=hit.path, heading=hit.heading,
                                           line=hit.line, end_line=hit.end_line, language=hit.language,
                                           section_id=hit.section_id, text=text, score=hit.score,
                                           heading_path=hit.heading_path)
        return self.by_chunk[hit.id]

    def retrieve(self, query: str, k: int = 4, section: str | None = None, same_language: bool = False,
                 path_glob: str | None = None) -> list[Source]:
        if self.searcher is None:
            return []
        language = self.brief.language if same_language else self.brief.source_language
        hits = self.searcher.search(query, k, language=language, section=section,
                                    path_glob=path_glob or self.brief.source_path)
        return [self._add(h) for h in hits]


    def expand(self, path: str, section: str | None) -> list[Source]:
        """All chunks of one document's section, in line order (a procedure is drafted from all its steps)."""
        if self.searcher is None:
            return []
        return [self._add(h) for h in self.searcher.document_chunks(path, section)]


def format_sources(sources: list[Source], budget: int = 2500) -> str:
    """Sources as data blocks, most relevant first, as many as fit the token budget."""
    blocks: list[str] = []
    used = 0
    for s in sorted(sources, key=lambda s: -s.score):
        block = (f"<<<SOURCE {s.key} path={s.path} lines={s.line}-{s.end_line} heading={s.heading or '-'}>>>\n"
                 f"{neutralise(s.text)}\n<<<END SOURCE>>>")
        size = count_tokens(block)
        if used + size > budget:
            continue
        blocks.append(block)
        used += size
    return "\n\n".join(blocks) if blocks else "(no reference material found)"
