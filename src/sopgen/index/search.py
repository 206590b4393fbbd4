"""Hybrid retrieval: dense (Chroma) + BM25, fused with reciprocal rank fusion; filters and grouping."""

from __future__ import annotations

import fnmatch
from typing import Any, Literal

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from sopgen.index.bm25 import BM25
from sopgen.index.embeddings import embedding_name
from sopgen.index.store import open_collection

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 15  # small k: the top of each language's list counts most (tuned on benchmarks/retrieval)
BM25_WEIGHT = 0.3  # lexical evidence breaks ties; it must not drown the other languages' dense lists


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
    id: str


class Searcher:
    """Queries one collection. Loads the chunk texts once for BM25 (cheap next to the embedding model)."""

    def __init__(self, store: str, embeddings: Embeddings, collection: str = "sopgen") -> None:
        self.embeddings = embeddings
        name = embedding_name(embeddings)
        dimension = int(getattr(embeddings, "dimension", 0) or 0)
        self.col = open_collection(store, collection, name, dimension, create=False)
        data = self.col.get(include=["metadatas", "documents"])
        self.ids: list[str] = list(data["ids"])
        self.metas: list[dict[str, Any]] = list(data["metadatas"] or [])
        self.texts: list[str] = list(data["documents"] or [])
        self.position = {cid: i for i, cid in enumerate(self.ids)}
        self._bm25: BM25 | None = None
        self.languages = sorted({str(m.get("language")) for m in self.metas if m.get("language")})

    @property
    def bm25(self) -> BM25:
        if self._bm25 is None:
            self._bm25 = BM25(self.texts)
        return self._bm25

    def _allowed(self, i: int, language: str | None, section: str | None, path_glob: str | None) -> bool:
        m = self.metas[i]
        return ((language is None or m.get("language") == language)
                and (section is None or m.get("section_id") == section)
                and (path_glob is None or fnmatch.fnmatch(str(m.get("path")), path_glob)))

    def _dense(self, vector: list[float], n: int, language: str | None, section: str | None) -> list[str]:
        clauses: list[dict[str, Any]] = []
        if language:
            clauses.append({"language": language})
        if section:
            clauses.append({"section_id": section})
        where: dict[str, Any] | None = None
        if len(clauses) == 1:
            where = clauses[0]
        elif clauses:
            where = {"$and": clauses}
        n = min(n, len(self.ids))
        if n == 0:
            return []
        res = self.col.query(query_embeddings=[vector], n_results=n, where=where,
                             include=[])
        return list(res["ids"][0])

    def _sparse(self, query: str, n: int) -> list[str]:
        scores = self.bm25.scores(query)
        order = scores.argsort()[::-1]
        return [self.ids[i] for i in order[:n] if scores[i] > 0]

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
            title=str(m.get("title")),
        )

    def search(self, query: str, k: int = 5, *, language: str | None = None, section: str | None = None,
               path_glob: str | None = None, group: bool = False, mode: Mode = "hybrid") -> list[SearchResult]:
        depth = max(k * 8, 40) * (4 if path_glob or group else 1)
        ranked: dict[str, float] = {}
        lists: list[tuple[list[str], float]] = []
        vector = self.embeddings.embed_query(query) if mode != "bm25" else []
        if mode == "dense" or (mode == "hybrid" and (language is not None or len(self.languages) < 2)):
            lists.append((self._dense(vector, depth, language, section), 1.0))
        elif mode == "hybrid":
            # Cross-lingual balance: e5 scores same-language text higher, so each language gets its own
            # ranked list; every chunk appears in exactly one of them, none is counted twice.
            for lang in self.languages:
                lists.append((self._dense(vector, depth, lang, section), 1.0))
        if mode in ("hybrid", "bm25"):
            lists.append((self._sparse(query, depth * 4), BM25_WEIGHT if mode == "hybrid" else 1.0))
        for ranking, weight in lists:
            rank = 0
            for cid in ranking:
                i = self.position.get(cid)
                if i is None or not self._allowed(i, language, section, path_glob):
                    continue
                rank += 1
                ranked[cid] = ranked.get(cid, 0.0) + weight / (RRF_K + rank)
        results: list[SearchResult] = []
        seen_paths: set[str] = set()
        for cid, score in sorted(ranked.items(), key=lambda kv: -kv[1]):
            m = self.metas[self.position[cid]]
            if group and m["path"] in seen_paths:
                continue
            seen_paths.add(str(m["path"]))
            results.append(self._result(self.position[cid], score))
            if len(results) >= k:
                break
        return results
