"""Hybrid retrieval: chunk and document evidence, dense per language and BM25 with a glossary, fused by
reciprocal rank fusion; filters and grouping.

Why each part is here (measured on benchmarks/retrieval, real third-party documents, tune half):
- multilingual-e5 scores same-language text higher, so the dense ranking is made per language and each
  language's list counts on its own: an English question still sees the German answer near the top.
- A chunk alone is often too small to say what its document is about; each document also has a centroid
  of its chunk vectors and a title/heading text, ranked against the query as wholes, and a chunk inherits
  its document's rank.
- BM25 finds exact terms (form numbers, commands); the glossary (index/data/glossary.yaml) adds the other
  languages' words for the query's domain terms, so "soldering" also looks for "Löten" and "пайка".
- Stubs and near-empty chunks (a TODO page, a link list) are ranked down: they match everything weakly.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Literal

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from sopgen.index.bm25 import BM25, expand_query, translate_query
from sopgen.index.embeddings import embedding_name
from sopgen.index.store import open_collection

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 15  # small k: the top of each list counts most
BM25_WEIGHT = 0.5  # lexical evidence breaks ties; it must not drown the other languages' dense lists
# CSLS hubness correction of document centroids: tuned on the realdocs tune split (MRR 0.737 -> 0.763, recall
# unchanged; 1.0 cost same-language recall). The same correction on chunks cost same-language recall too.
HUB_WEIGHT, HUB_K, HUB_SAMPLE = 0.5, 10, 4000
# Each language's text is also compared with the query translated into it word by word (the glossary); the
# better similarity counts. Tune split: recall@5 0.865 -> 0.879 (max and mean tied).
QUERY_TRANSLATION = True
DOC_WEIGHT = 1.0  # a chunk's share of its document's rank (centroid and title/heading lists)
STUB_CHUNK_WORDS, STUB_DOC_WORDS = 6, 60  # a chunk or a whole document this short is a stub: ranked down
STUB_FACTOR = 0.5
IDENTIFIER_BOOST = 4.0  # a query naming a code (FRM-QA-017, XQ-77, pg_dump) is answered by the exact term
_IDENTIFIER = re.compile(r"\b(?=[\w-]*\d)[A-Za-z][\w]*[-_./][\w-]+\b|\b[A-Z]{2,}[-_]?\d+\b|\b\w+_\w+\b")
DENSE_FUSION = "rank"  # "z": one list of per-language standard scores; "rank": one ranked list per language  # (a penalty on every short chunk cost recall: real steps are short)


class SearchResult(BaseModel):
    """One hit; `path`, `heading`, `line`, `score`, `text` are the DESIGN.md contract."""

    path: str
    heading: str | None
    line: int
    end_line: int
    score: float
    text: str
    section_id: str | None = None
    language: str | None = None
    title: str | None = None
    heading_path: str = ""
    id: str


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


class Searcher:
    """Queries one collection. Loads chunk texts and vectors once; each query is one embedding and numpy."""

    def __init__(self, store: str, embeddings: Embeddings, collection: str = "sopgen") -> None:
        self.embeddings = embeddings
        name = embedding_name(embeddings)
        dimension = int(getattr(embeddings, "dimension", 0) or 0)
        self.col = open_collection(store, collection, name, dimension, create=False)
        data = self.col.get(include=["metadatas", "documents", "embeddings"])
        self.ids: list[str] = list(data["ids"])
        self.metas: list[dict[str, Any]] = list(data["metadatas"] or [])
        self.texts: list[str] = list(data["documents"] or [])
        vectors = data.get("embeddings")
        self.matrix = _normalise(np.asarray(vectors, dtype=np.float32)) if vectors is not None and len(self.ids) \
            else np.zeros((0, max(dimension, 1)), dtype=np.float32)
        self.position = {cid: i for i, cid in enumerate(self.ids)}
        self.chunk_language = np.array([str(m.get("language")) for m in self.metas])
        self.languages = sorted({str(m.get("language")) for m in self.metas if m.get("language")})
        paths = [str(m.get("path")) for m in self.metas]
        self.doc_paths = sorted(set(paths))
        doc_index = {p: i for i, p in enumerate(self.doc_paths)}
        self.chunk_doc = np.array([doc_index[p] for p in paths], dtype=np.int64)
        words = np.array([len(t.split()) for t in self.texts], dtype=np.float32)
        doc_words = np.bincount(self.chunk_doc, weights=words, minlength=len(self.doc_paths)) if len(paths) else words
        self.stub = np.where((words < STUB_CHUNK_WORDS) | (doc_words[self.chunk_doc] < STUB_DOC_WORDS), STUB_FACTOR,
                             1.0) if len(paths) else words
        self._docs_ready = False
        self._bm25: BM25 | None = None
        self._doc_bm25: BM25 | None = None

    # -- document-level evidence, built on first use ------------------------------------------------------
    def _prepare_docs(self) -> None:
        if self._docs_ready:
            return
        n_docs, dim = len(self.doc_paths), self.matrix.shape[1]
        centroids = np.zeros((n_docs, dim), dtype=np.float32)
        np.add.at(centroids, self.chunk_doc, self.matrix)
        self.doc_matrix = _normalise(centroids)
        self.doc_hub = self._hubness(self.doc_matrix, self.chunk_doc, np.arange(n_docs))
        self.doc_language = np.array([""] * n_docs, dtype=object)
        cards: list[list[str]] = [[] for _ in range(n_docs)]
        for i, m in enumerate(self.metas):
            d = self.chunk_doc[i]
            self.doc_language[d] = self.doc_language[d] or str(m.get("language"))
            if not cards[d]:
                cards[d].append(str(m.get("title") or ""))
            heading = str(m.get("heading_path") or m.get("heading") or "")
            if heading and heading not in cards[d]:
                cards[d].append(heading)
        self.doc_cards = [" \n".join(c) for c in cards]
        self._docs_ready = True

    def _hubness(self, vectors: np.ndarray, owner: np.ndarray, own: np.ndarray) -> np.ndarray:
        """Each vector's mean similarity to its nearest chunks of other documents (CSLS, Conneau et al. 2018).

        A long, general document's centroid sits close to everything and comes first for unrelated
        questions (a hub); subtracting this term ranks it by how much closer it is to the query than to
        the rest of the collection. The reference chunks are a fixed sample, so the cost stays bounded."""
        if not HUB_WEIGHT or not len(vectors) or not len(self.matrix):
            return np.zeros(len(vectors), dtype=np.float32)
        rng = np.random.default_rng(0)
        sample = np.sort(rng.choice(len(self.matrix), size=min(len(self.matrix), HUB_SAMPLE), replace=False))
        out = np.zeros(len(vectors), dtype=np.float32)
        for start in range(0, len(vectors), 512):
            sims = vectors[start : start + 512] @ self.matrix[sample].T
            sims[owner[sample][None, :] == own[start : start + 512, None]] = -1.0  # not its own chunks
            k = min(HUB_K, sims.shape[1])
            out[start : start + 512] = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
        return out

    @property
    def bm25(self) -> BM25:
        if self._bm25 is None:
            self._bm25 = BM25(self.texts)
        return self._bm25

    @property
    def doc_bm25(self) -> BM25:
        if self._doc_bm25 is None:
            self._prepare_docs()
            self._doc_bm25 = BM25(self.doc_cards)
        return self._doc_bm25

    def _allowed_mask(self, language: str | None, section: str | None, path_glob: str | None) -> np.ndarray:
        mask = np.ones(len(self.ids), dtype=bool)
        if language is not None:
            mask &= self.chunk_language == language
        if section is not None:
            mask &= np.array([m.get("section_id") == section for m in self.metas], dtype=bool)
        if path_glob is not None:
            mask &= np.array([fnmatch.fnmatch(str(m.get("path")), path_glob) for m in self.metas], dtype=bool)
        return mask

    def _per_language_z(self, sims: np.ndarray, languages: np.ndarray) -> np.ndarray:
        """Similarities as standard scores within each language: e5 rates same-language text higher by an
        offset, so the answer in another language is compared with its own language's background."""
        out = np.zeros_like(sims)
        for lang in self.languages:
            sel = languages == lang
            if sel.any():
                values = sims[sel]
                out[sel] = (values - values.mean()) / (values.std() or 1.0)
        return out

    @staticmethod
    def _rrf(scores: np.ndarray, mask: np.ndarray, depth: int, weight: float, out: np.ndarray) -> None:
        """Add weight/(k + rank) for the `depth` best of `scores` among `mask` (rank 1 = best)."""
        candidates = np.flatnonzero(mask)
        if not len(candidates):
            return
        top = candidates[np.argsort(-scores[candidates], kind="stable")[:depth]]
        out[top] += weight / (RRF_K + np.arange(1, len(top) + 1))

    def _translated_sims(self, query: str, q: np.ndarray, sims: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Chunk and document similarities where each language's text is also compared with the query
        translated into that language word by word (the glossary): the better of the two counts."""
        if not QUERY_TRANSLATION or len(self.languages) < 2:
            return None
        from sopgen.documents.language import detect_language

        own = detect_language(query)
        self._prepare_docs()
        chunk_sims, doc_sims = sims.copy(), self.doc_matrix @ q
        changed = False
        for lang in self.languages:
            if lang == own:
                continue
            text = translate_query(query, lang)
            if text is None:
                continue
            qt = np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
            sel = self.chunk_language == lang
            dsel = self.doc_language == lang
            chunk_sims[sel] = np.maximum(chunk_sims[sel], self.matrix[sel] @ qt)
            doc_sims[dsel] = np.maximum(doc_sims[dsel], self.doc_matrix[dsel] @ qt)
            changed = True
        return (chunk_sims, doc_sims) if changed else None

    def document_chunks(self, path: str, section: str | None = None) -> list[SearchResult]:
        """Every chunk of one document (optionally one section id), in line order."""
        out = []
        for i, m in enumerate(self.metas):
            if m.get("path") == path and (section is None or m.get("section_id") == section):
                out.append(self._result(i, 0.0))
        return sorted(out, key=lambda r: r.line)

    def _result(self, i: int, score: float) -> SearchResult:
        m = self.metas[i]
        return SearchResult(
            id=self.ids[i], path=str(m["path"]), heading=str(m.get("heading") or "") or None, line=int(m["line"]),
            end_line=int(m["end_line"]), score=round(score, 6), text=self.texts[i],
            section_id=str(m.get("section_id") or "") or None, language=str(m.get("language")),
            title=str(m.get("title")), heading_path=str(m.get("heading_path") or ""),
        )

    def rank_documents(self, query: str, vector: list[float] | None = None) -> list[tuple[str, float]]:
        """Whole documents ranked for a query (centroid per language, title/headings BM25), best first."""
        self._prepare_docs()
        q = np.asarray(vector if vector is not None else self.embeddings.embed_query(query), dtype=np.float32)
        fused = np.zeros(len(self.doc_paths), dtype=np.float32)
        doc_sims = self.doc_matrix @ q - HUB_WEIGHT * self.doc_hub
        for lang in self.languages:
            self._rrf(doc_sims, self.doc_language == lang, len(self.doc_paths), 1.0, fused)
        card = self.doc_bm25.scores(expand_query(query))
        self._rrf(card, card > 0, len(self.doc_paths), BM25_WEIGHT, fused)
        order = np.argsort(-fused, kind="stable")
        return [(self.doc_paths[i], float(fused[i])) for i in order if fused[i] > 0]

    def search(self, query: str, k: int = 5, *, language: str | None = None, section: str | None = None,
               path_glob: str | None = None, group: bool = False, mode: Mode = "hybrid") -> list[SearchResult]:
        n = len(self.ids)
        if n == 0:
            return []
        depth = max(k * 8, 40) * (4 if path_glob or group else 1)
        mask = self._allowed_mask(language, section, path_glob)
        fused = np.zeros(n, dtype=np.float32)
        if mode != "bm25":
            q = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
            sims = self.matrix @ q
            translated = self._translated_sims(query, q, sims) if mode == "hybrid" and language is None else None
            if translated is not None:
                sims, doc_translated = translated
            else:
                doc_translated = None
            per_language = mode == "hybrid" and language is None and len(self.languages) > 1
            if per_language and DENSE_FUSION == "z":
                self._rrf(self._per_language_z(sims, self.chunk_language), mask, depth, 1.0, fused)
            else:
                for lang in self.languages if per_language else [None]:
                    self._rrf(sims, mask if lang is None else mask & (self.chunk_language == lang), depth, 1.0, fused)
            if mode == "hybrid":
                self._prepare_docs()
                doc_fused = np.zeros(len(self.doc_paths), dtype=np.float32)
                doc_sims = (self.doc_matrix @ q if doc_translated is None else doc_translated) - HUB_WEIGHT * self.doc_hub
                if per_language and DENSE_FUSION == "z":
                    self._rrf(self._per_language_z(doc_sims, self.doc_language), np.ones(len(self.doc_paths), bool),
                              depth, 1.0, doc_fused)
                else:
                    for lang in self.languages if per_language else [None]:
                        doc_mask = np.ones(len(self.doc_paths), dtype=bool) if lang is None else self.doc_language == lang
                        self._rrf(doc_sims, doc_mask, depth, 1.0, doc_fused)
                card = self.doc_bm25.scores(expand_query(query))
                self._rrf(card, card > 0, depth, BM25_WEIGHT, doc_fused)
                fused += np.where(mask, DOC_WEIGHT * doc_fused[self.chunk_doc], 0.0).astype(np.float32)
        if mode == "hybrid":
            fused *= self.stub.astype(np.float32)  # a stub's vague semantic match counts less; its exact terms do not
        if mode in ("hybrid", "bm25"):
            lexical = self.bm25.scores(expand_query(query) if mode == "hybrid" else query)
            weight = (BM25_WEIGHT * (IDENTIFIER_BOOST if _IDENTIFIER.search(query) else 1.0)) if mode == "hybrid" else 1.0
            self._rrf(lexical, mask & (lexical > 0), depth * 4, weight, fused)
        order = np.argsort(-fused, kind="stable")
        results: list[SearchResult] = []
        seen_paths: set[str] = set()
        for i in order:
            if fused[i] <= 0:
                break
            if not mask[i]:
                continue
            path = str(self.metas[i]["path"])
            if group and path in seen_paths:
                continue
            seen_paths.add(path)
            results.append(self._result(int(i), float(fused[i])))
            if len(results) >= k:
                break
        return results


def best_passage(text: str, query: str, width: int = 220) -> str:
    """The line or sentence of `text` that shares most words with the query (glossary included), cut to
    `width` characters at a word boundary: what a results table shows instead of a chunk's first words.

    >>> best_passage("Intro line.\\nBackups are kept for 30 days on bkp-nas-02.\\nOther.", "how long are backups kept")
    'Backups are kept for 30 days on bkp-nas-02.'
    """
    from sopgen.index.bm25 import expand_query, tokenize

    wanted = set(tokenize(expand_query(query)))
    parts = [p.strip() for line in text.split("\n") for p in re.split(r"(?<=[.!?])\s+", line) if p.strip()]
    if not parts:
        return ""
    best = max(parts, key=lambda p: (len(wanted & set(tokenize(p))), -parts.index(p)))
    if len(best) <= width:
        return best
    cut = best[:width].rsplit(" ", 1)[0]
    return cut + " …"
