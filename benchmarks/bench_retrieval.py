"""Retrieval quality and indexing throughput.

1. Quality: the labelled queries in benchmarks/retrieval/queries.yaml (en/de/ru, half cross-lingual) over
   an index of corpora/: document-level recall@5 and MRR for hybrid, dense-only and BM25-only, in one run.
2. Throughput: chunks/s of `sopgen index` beside a plain LangChain pipeline (RecursiveCharacterTextSplitter
   + Chroma.from_documents) with the same embedding model, on the same files.
3. Incremental: a re-index of an unchanged corpus of --docs generated documents, as a share of the first run.

4. Real documents nobody here wrote (when ../shared/realdocs is present): the blind query set
   benchmarks/retrieval/realdocs_queries.yaml, recall@5 and MRR per direction (en->de, de->en, ...), for
   the half the search was tuned on and the held-out half, side by side.

Run: .venv/bin/python benchmarks/bench_retrieval.py [--embedding e5-small|hash] [--docs 1000]
     [--realdocs-store DIR] [--only-realdocs]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

from sopgen.documents import load_document
from sopgen.index.embeddings import make_embeddings
from sopgen.index.indexer import index_corpus
from sopgen.index.search import Searcher

ROOT = Path(__file__).resolve().parents[1]


def quality(store: str, emb: object) -> None:
    queries = yaml.safe_load((ROOT / "benchmarks/retrieval/queries.yaml").read_text(encoding="utf-8"))["queries"]
    searcher = Searcher(store, emb)  # type: ignore[arg-type]
    print(f"queries: {len(queries)} ({sum(q['kind'] == 'cross-lingual' for q in queries)} cross-lingual)")
    for mode in ("hybrid", "dense", "bm25"):
        recall = mrr = 0.0
        by_kind: dict[str, list[float]] = {}
        for q in queries:
            hits = searcher.search(q["query"], 5, group=True, mode=mode)
            docs = [h.path for h in hits]
            relevant = set(q["relevant"])
            r = len(relevant & set(docs)) / min(len(relevant), 5)
            first = next((i + 1 for i, d in enumerate(docs) if d in relevant), None)
            recall += r
            mrr += 1 / first if first else 0.0
            by_kind.setdefault(q["kind"], []).append(r)
        n = len(queries)
        kinds = ", ".join(f"{k} {sum(v) / len(v):.2f}" for k, v in sorted(by_kind.items()))
        print(f"{mode:7} recall@5 {recall / n:.3f}  MRR {mrr / n:.3f}  (recall by kind: {kinds})")


def throughput(files: list[Path], emb: object, tmp: Path) -> None:
    from langchain_chroma import Chroma
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    t0 = time.perf_counter()
    stats = index_corpus([str(f) for f in files], str(tmp / "ours"), emb)  # type: ignore[arg-type]
    ours = time.perf_counter() - t0
    splitter = RecursiveCharacterTextSplitter(chunk_size=1400, chunk_overlap=0)
    t1 = time.perf_counter()
    docs = [LCDocument(page_content=load_document(f).text, metadata={"path": str(f)}) for f in files]
    chunks = splitter.split_documents(docs)
    Chroma.from_documents(chunks, emb, persist_directory=str(tmp / "lc"), collection_name="langchain-baseline")  # type: ignore[arg-type]
    theirs = time.perf_counter() - t1
    print(f"sopgen index: {stats.chunks_written} chunks in {ours:.1f} s = {stats.chunks_written / ours:.1f} chunks/s")
    print(f"langchain:    {len(chunks)} chunks in {theirs:.1f} s = {len(chunks) / theirs:.1f} chunks/s "
          f"(characters/s ours {sum(len(load_document(f).text) for f in files) / ours:.0f}, "
          f"theirs {sum(len(c.page_content) for c in chunks) / theirs:.0f})")


def incremental(count: int, emb: object, tmp: Path) -> None:
    rng = random.Random(5)
    sources = [p for p in (ROOT / "corpora").glob("*/*") if p.suffix in (".md", ".txt", ".rst")]
    texts = [load_document(p).text for p in sources if p.name != "README.md"]
    share = tmp / "share"
    share.mkdir()
    for i in range(count):
        paragraphs = rng.choice(texts).split("\n\n")
        rng.shuffle(paragraphs)
        (share / f"doc-{i:05d}.md").write_text(f"# Document {i}\n\n" + "\n\n".join(paragraphs[:8]), encoding="utf-8")
    t0 = time.perf_counter()
    first = index_corpus([str(share)], str(tmp / "inc"), emb)  # type: ignore[arg-type]
    cold = time.perf_counter() - t0
    t1 = time.perf_counter()
    again = index_corpus([str(share)], str(tmp / "inc"), emb)  # type: ignore[arg-type]
    warm = time.perf_counter() - t1
    print(f"incremental: {count} docs, {first.chunks_written} chunks; first {cold:.1f} s, unchanged re-index "
          f"{warm:.2f} s = {100 * warm / cold:.1f} % (target < 5 %), skipped {again.unchanged}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def realdocs(store: str, emb: object, build: bool) -> None:
    """The blind query set over the real third-party documents, tune and held-out halves."""
    sys.path.insert(0, str(ROOT / "benchmarks" / "retrieval"))
    from evaluate import evaluate, show

    folder = ROOT.parent / "shared" / "realdocs"
    if not folder.is_dir():
        print("realdocs: skipped (../shared/realdocs is not here)")
        return
    if build:
        t0 = time.perf_counter()
        stats = index_corpus([str(folder)], store, emb, exclude=["MANIFEST.tsv"])  # type: ignore[arg-type]
        print(f"realdocs: indexed {stats.indexed} documents, {stats.chunks_written} chunks in "
              f"{time.perf_counter() - t0:.0f} s")
    queries = yaml.safe_load((ROOT / "benchmarks/retrieval/realdocs_queries.yaml").read_text(encoding="utf-8"))["queries"]
    searcher = Searcher(store, emb)  # type: ignore[arg-type]
    for split in ("tune", "holdout"):
        part = [q for q in queries if q["split"] == split]
        show(f"realdocs, {split} half ({len(part)} queries, written blind; the search was tuned on 'tune')",
             evaluate(searcher, part, by_name=True))
    second = ROOT / "benchmarks/retrieval/realdocs_queries_b.yaml"
    if second.is_file():
        extra = yaml.safe_load(second.read_text(encoding="utf-8"))["queries"]
        for split in ("tune", "holdout"):
            part = [q for q in extra if q["split"] == split]
            show(f"realdocs, set B {split} half ({len(part)} cross-lingual queries by a second blind helper)",
                 evaluate(searcher, part, by_name=True))
        for split in ("tune", "holdout"):
            part = [q for q in queries + extra if q["split"] == split]
            show(f"realdocs, sets A+B {split} ({len(part)} queries)", evaluate(searcher, part, by_name=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedding", default="e5-small")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--realdocs-store", help="an existing index of ../shared/realdocs to reuse")
    parser.add_argument("--only-realdocs", action="store_true")
    args = parser.parse_args()
    emb = make_embeddings(args.embedding)
    files = sorted(p for p in (ROOT / "corpora").glob("*/*") if p.suffix in (".md", ".txt", ".rst", ".html")
                   and p.name != "README.md")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        realdocs(args.realdocs_store or str(tmp / "real"), emb, build=args.realdocs_store is None)
        if args.only_realdocs:
            return
        # paths in the query set are relative to the repo root
        quality_store = str(tmp / "q2")
        import os

        cwd = os.getcwd()
        os.chdir(ROOT)
        try:
            index_corpus(["corpora"], quality_store, emb, exclude=["README.md"])
            quality(quality_store, emb)
        finally:
            os.chdir(cwd)
        if not args.skip_throughput:
            throughput(files, emb, tmp)
        incremental(args.docs, emb, tmp)


if __name__ == "__main__":
    main()
