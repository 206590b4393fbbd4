"""Choosing the documents a draft is built from, as whole documents, before any section is written.

A brief asks for one procedure. Ranking chunks and taking the steps of the best chunk's document picked
whatever document had one lucky chunk (a patching runbook for a restore brief). Here documents are ranked
as wholes for the brief (title, goal and scope against each document's centroid, title and headings, in
every language), a document that states a procedure is preferred, and the winner must stand out from the
rest of the index: when nothing does, the draft says `grounding: none` and asks the writer for the steps
instead of borrowing another process's.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

from sopgen.drafting.sources import content_stems
from sopgen.index.bm25 import expand_query
from sopgen.index.search import Searcher
from sopgen.schema import Brief

# The primary document must stand out: its dense evidence and its lexical evidence (BM25 of the brief with
# the glossary's translations), each in standard deviations above the mean document of the index, add up
# to at least MIN_Z (tuned on the tune half of benchmarks/drafting/briefs and the developers' no-match
# briefs in benchmarks/drafting/briefs-dev; the two kinds overlap there, see the issue note).
MIN_Z = 4.0
MIN_DOCUMENTS = 8  # below this, relevance is the share of the brief's words found in the document
MIN_OVERLAP = 0.25  # of title and goal; twice that of the title alone
RRF_K = 15
# the documents' own evidence (best chunk, centroid, title and headings) counts twice in the fusion: chunk
# search alone favours a long document with many near chunks (a lab code of conduct over the soldering
# instruction it mentions); tuned on the tune half of the blind briefs (10 -> 11 of 13)
EVIDENCE_WEIGHT = 2.0


class DocumentChoice(BaseModel):
    path: str
    score: float = Field(description="Fused rank score for the brief (higher is better).")
    similarity_z: float = Field(description="Dense plus lexical evidence for the brief, in standard deviations "
                                            "above the mean document of the index.")
    title: str | None = None


class Selection(BaseModel):
    """The primary procedure document, the runner-up, and the related documents other sections may use."""

    primary: DocumentChoice | None = None
    runner_up: DocumentChoice | None = None
    related: list[str] = Field(default_factory=list)
    grounding: str = Field("none", description="'document' when a primary document was chosen, else 'none'.")

    def front_matter(self) -> dict[str, object]:
        out: dict[str, object] = {"grounding": self.grounding}
        if self.primary is not None:
            out["primary_source"] = {"path": self.primary.path, "score": round(self.primary.score, 4),
                                     "similarity_z": round(self.primary.similarity_z, 2)}
        if self.runner_up is not None:
            out["runner_up"] = {"path": self.runner_up.path, "score": round(self.runner_up.score, 4),
                                "similarity_z": round(self.runner_up.similarity_z, 2)}
        return out


def brief_query(brief: Brief) -> str:
    return f"{brief.title}. {brief.goal} {brief.scope}"


def _evidence(searcher: Searcher, query: str) -> np.ndarray:
    """Per document: its best chunk's and its centroid's similarity to `query`, each as a standard score
    within the document's language (e5's same-language offset removed)."""
    q = np.asarray(searcher.embeddings.embed_query(query), dtype=np.float32)
    chunk_z = searcher._per_language_z(searcher.matrix @ q, searcher.chunk_language)
    best = np.full(len(searcher.doc_paths), -1e9, dtype=np.float32)
    np.maximum.at(best, searcher.chunk_doc, chunk_z)
    centroid_z = searcher._per_language_z(searcher.doc_matrix @ q, searcher.doc_language)
    return best + 0.5 * centroid_z  # type: ignore[no-any-return]


def select_documents(brief: Brief, searcher: Searcher | None, related: int = 3) -> Selection:
    """Rank whole documents for the brief (see module doc).

    Three views are fused by rank: hybrid chunk search with the title, and with title and goal (each
    document ranked by its best chunk), and the documents' own evidence (best chunk and centroid per
    language, plus title/heading BM25 with the glossary; this view counts EVIDENCE_WEIGHT times). The
    evidence's standard score decides whether the winner is relevant at all.
    """
    if searcher is None or not searcher.doc_paths:
        return Selection()
    searcher._prepare_docs()
    short, long = brief.title, f"{brief.title}. {brief.goal}"
    fused = np.zeros(len(searcher.doc_paths), dtype=np.float32)
    index = {p: i for i, p in enumerate(searcher.doc_paths)}
    language = brief.source_language
    for query in (short, long):
        for rank, hit in enumerate(searcher.search(query, 10, group=True, language=language), start=1):
            fused[index[hit.path]] += 1 / (RRF_K + rank)
    evidence = _evidence(searcher, short) + _evidence(searcher, long)
    card = searcher.doc_bm25.scores(expand_query(long))
    evidence = evidence + 0.5 * (card - card.mean()) / (card.std() or 1.0)
    allowed = np.ones(len(searcher.doc_paths), dtype=bool) if language is None else searcher.doc_language == language
    order = np.flatnonzero(allowed)[np.argsort(-evidence[allowed], kind="stable")]
    for rank, i in enumerate(order[:10], start=1):
        fused[i] += EVIDENCE_WEIGHT / (RRF_K + rank)
    z = (evidence - evidence[allowed].mean()) / (evidence[allowed].std() or 1.0)
    lexical = searcher.bm25.scores(expand_query(long))
    per_doc = np.zeros(len(searcher.doc_paths), dtype=np.float32)
    np.maximum.at(per_doc, searcher.chunk_doc, lexical)
    z = z + (per_doc - per_doc[allowed].mean()) / (per_doc[allowed].std() or 1.0)
    ranked = [int(i) for i in np.argsort(-fused, kind="stable") if fused[i] > 0 and allowed[i]]
    if not ranked:
        return Selection()
    titles = {str(m.get("path")): str(m.get("title") or "") for m in searcher.metas}
    choices = [DocumentChoice(path=searcher.doc_paths[i], score=float(fused[i]), similarity_z=float(z[i]),
                              title=titles.get(searcher.doc_paths[i])) for i in ranked[:related]]
    top = choices[0]
    if int(allowed.sum()) >= MIN_DOCUMENTS:
        grounded = top.similarity_z >= MIN_Z
    else:  # too few documents for standard scores to mean anything: ask for plain word overlap instead
        texts = [t for t, d in zip(searcher.texts, searcher.chunk_doc, strict=True) if searcher.doc_paths[d] == top.path]
        grounded = _overlap(short, texts) >= 2 * MIN_OVERLAP or _overlap(long, texts) >= MIN_OVERLAP
    return Selection(primary=top if grounded else None, runner_up=choices[1] if len(choices) > 1 else None,
                     related=[c.path for c in choices] if grounded else [],
                     grounding="document" if grounded else "none")


def _overlap(query: str, texts: list[str]) -> float:
    """Share of the query's content words (first five letters) that occur in `texts`."""
    words = content_stems(query)
    found = set().union(*(content_stems(t) for t in texts)) if texts else set()
    return len(words & found) / len(words) if words else 0.0
