"""Incremental, idempotent indexing into Chroma.

Chunk ids are derived from (path, chunk number), and every chunk carries its document's hash and chunk
count. A document counts as indexed only when all its chunks are there with the current hash, so a run
killed at any point leaves either complete documents or ones the next run redoes; upserts overwrite, and
stale chunks of a changed document are deleted after the new ones are written. Unchanged files are
skipped by hash; files that disappeared from an indexed folder lose their chunks.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from sopgen.batch.limits import Limits
from sopgen.batch.pool import BoundedPool
from sopgen.documents import load_document
from sopgen.documents.loaders import content_hash, load_shipped, ship
from sopgen.documents.names import identity
from sopgen.documents.walk import collect
from sopgen.index.chunking import DEFAULT_BUDGET, Chunk, chunk_document
from sopgen.index.embeddings import embedding_name
from sopgen.index.lock import store_lock
from sopgen.index.store import SCHEMA, mark_schema, open_collection

BATCH = 256


@dataclass
class IndexStats:
    """What an indexing run did."""

    seen: int = 0
    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks_written: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why it was not indexed)
    seconds: float = 0.0

    @property
    def chunks_per_second(self) -> float:
        return self.chunks_written / self.seconds if self.seconds else 0.0


FileProgress = Callable[[str, str, int], None]  # (path, outcome: indexed|unchanged|failed, chunks)


def _existing(collection: Any) -> dict[str, list[tuple[str, str, int]]]:
    found: dict[str, list[tuple[str, str, int]]] = {}
    data = collection.get(include=["metadatas"])
    for chunk_id, meta in zip(data["ids"], data["metadatas"] or [], strict=False):
        found.setdefault(str(meta["path"]), []).append((chunk_id, str(meta["doc_hash"]), int(meta["chunk_count"])))
    return found


def _load_and_chunk(path: str, name: str, budget: int, limits: Limits) -> list[Chunk]:
    """Runs in a bounded worker: a file that would hang or exhaust the machine fails alone."""
    return chunk_document(load_document(path, display_path=name, limits=limits), budget)


def _chunk_and_embed(data: bytes | str, name: str, budget: int, limits: Limits,
                     embeddings: Embeddings) -> tuple[list[Chunk], list[list[float]]]:
    """The cluster task: decode, structure, chunk and embed one document whose bytes the driver read."""
    chunks = chunk_document(load_shipped(data, name, limits), budget)
    return chunks, embeddings.embed_documents([c.embed_text() for c in chunks]) if chunks else []


def index_corpus(
    paths: Iterable[str | Path],
    store: str,
    embeddings: Embeddings,
    *,
    collection: str = "sopgen",
    budget: int = DEFAULT_BUDGET,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    progress: FileProgress | None = None,
    on_start: Callable[[int], None] | None = None,
    limits: Limits | None = None,
    root: str | None = None,
    jobs: int | None = None,
    cache_dir: Path = Path(".sopgen/cache"),
    on_wait: Callable[[str], None] | None = None,
    cluster: str | None = None,
) -> IndexStats:
    """Index every supported document under `paths` into the collection (see module doc).

    A document's identity is its resolved path relative to `root` (default: the working directory), so
    `corpus`, `../here/corpus` and an absolute spelling index one copy. Reading and chunking run in
    bounded worker processes (`limits`); a second writer on the same store waits for the first.
    With `cluster` (a Ray address), decoding, chunking and embedding run as Ray tasks and the driver writes
    the results: the same chunk ids, hashes and vectors as a local run.
    """
    started = time.perf_counter()
    stats = IndexStats()
    limits = limits or Limits()
    targets, skipped, broken = collect([str(p) for p in paths], include, exclude)
    stats.skipped = [(s.shown, s.reason) for s in skipped]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(targets)))
    # Workers are forked before the embedding model starts its threads and before any progress bar does.
    pool: Any
    if cluster is not None:
        from sopgen.cluster import RayPool

        pool = RayPool(_chunk_and_embed, cluster, limits)
    else:
        pool = BoundedPool(_load_and_chunk, workers, limits)
    with pool:
        name = embedding_name(embeddings)
        dimension = int(getattr(embeddings, "dimension", 0) or len(embeddings.embed_query("dimension probe")))
        if on_start:
            on_start(len(targets))
        for t in broken:
            stats.failed.append((t.shown, f"{t.shown}: file not found"))
        roots = [identity(str(p), root) for p in paths]
        with store_lock(store, cache_dir, on_wait=on_wait):
            col = open_collection(store, collection, name, dimension)
            existing = _existing(col)
            outdated = (col.metadata or {}).get("sopgen_schema") != SCHEMA  # embedded the old way: redo all
            seen_paths: set[str] = set()
            todo: dict[str, tuple[Path, list[tuple[str, str, int]]]] = {}
            for target in targets:
                ident = identity(str(target.path), root)
                if ident in seen_paths:
                    continue  # the same file reached through two spellings or a link
                seen_paths.add(ident)
                stats.seen += 1
                old = existing.get(ident, [])
                digest = content_hash(target.path, limits.max_bytes)
                if not outdated and old and digest and all(h == digest for _, h, _ in old) and len(old) == old[0][2]:
                    stats.unchanged += 1
                    if progress:
                        progress(ident, "unchanged", 0)
                    continue
                todo[ident] = (target.path, old)
            tasks: Iterable[tuple[str, tuple[Any, ...]]]
            if cluster is not None:
                # the embeddings object is small (the model loads on the worker): it travels with each task
                tasks = ((ident, (ship(p, ident, limits), ident, budget, limits, embeddings))
                         for ident, (p, _) in todo.items())
            else:
                tasks = ((ident, (str(p), ident, budget, limits)) for ident, (p, _) in todo.items())
            for outcome in pool.imap_unordered(tasks):
                ident = outcome.key
                if outcome.error is not None:
                    message = outcome.error if outcome.error.startswith(ident) else f"{ident}: {outcome.error}"
                    stats.failed.append((ident, message))
                    if progress:
                        progress(ident, "failed", 0)
                    continue
                chunks, vectors = outcome.result if cluster is not None else (outcome.result, None)
                _write(col, embeddings, chunks, todo[ident][1], vectors)
                stats.indexed += 1
                stats.chunks_written += len(chunks)
                if progress:
                    progress(ident, "indexed", len(chunks))
            if outdated and not any(path in existing for path, _ in stats.failed):
                mark_schema(col)  # every document that had old chunks was rewritten (or is gone)
            for path, chunks_of in existing.items():
                under_root = any(path == r or path.startswith(r.rstrip("/") + "/")
                                 or (r == "." and not path.startswith(("/", "../"))) for r in roots)
                if under_root and path not in seen_paths:
                    col.delete(ids=[cid for cid, _, _ in chunks_of])
                    stats.removed += 1
    stats.seconds = time.perf_counter() - started
    return stats


def _write(col: Any, embeddings: Embeddings, chunks: list[Chunk], old: list[tuple[str, str, int]],
           vectors: list[list[float]] | None = None) -> None:
    """Upsert a document's chunks (embedded here unless a cluster task did), then drop the ones a shorter
    new version no longer has. Upserts by chunk id: a document written twice (a retried task, a resumed
    run) leaves one copy."""
    for i in range(0, len(chunks), BATCH):
        batch = chunks[i : i + BATCH]
        batch_vectors = vectors[i : i + BATCH] if vectors is not None else \
            embeddings.embed_documents([c.embed_text() for c in batch])
        col.upsert(ids=[c.id for c in batch], embeddings=batch_vectors, documents=[c.text for c in batch],
                   metadatas=[c.metadata() for c in batch])
    stale = {cid for cid, _, _ in old} - {c.id for c in chunks}
    if stale:
        col.delete(ids=sorted(stale))


def index_stats(store: str, collection: str = "sopgen") -> dict[str, Any]:
    """Documents, chunks, languages and embedding model of an index."""
    from sopgen.index.store import open_client

    client = open_client(store)  # a store that cannot be opened is an IndexStoreError naming it
    try:
        col = client.get_collection(collection, embedding_function=None)
    except Exception:  # no such collection yet: an empty index
        return {"documents": 0, "chunks": 0, "languages": {}, "embedding_model": None, "dimension": None}
    data = col.get(include=["metadatas"])
    metas = data["metadatas"] or []
    languages: dict[str, int] = {}
    docs: set[str] = set()
    for m in metas:
        docs.add(str(m["path"]))
        languages[str(m["language"])] = languages.get(str(m["language"]), 0) + 1
    meta = col.metadata or {}
    return {"documents": len(docs), "chunks": len(metas), "languages": languages,
            "embedding_model": meta.get("embedding_model"), "dimension": meta.get("dimension")}
