"""Document-level recall@5 and MRR of `Searcher.search` on a labelled query file, per direction and split.

Used by bench_retrieval.py (which builds the indexes) and runnable alone on an existing index:
    .venv/bin/python benchmarks/retrieval/evaluate.py --store DIR --queries FILE [--split holdout] [--verbose]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml


def direction(q: dict[str, Any]) -> str:
    if "direction" in q:
        return "same:" + q["language"] if q["direction"] == "same" else str(q["direction"])
    return str(q.get("kind", "all"))


def evaluate(searcher: Any, queries: list[dict[str, Any]], mode: str = "hybrid", by_name: bool = False,
             verbose: bool = False) -> dict[str, tuple[float, float, int]]:
    """{group: (recall@5, MRR, n)} with groups per direction plus 'all' and 'cross-lingual'."""
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for q in queries:
        hits = searcher.search(q["query"], 5, group=True, mode=mode)
        docs = [Path(h.path).name if by_name else h.path for h in hits]
        relevant = {Path(r).name for r in q["relevant"]} if by_name else set(q["relevant"])
        recall = len(relevant & set(docs)) / min(len(relevant), 5)
        first = next((i + 1 for i, d in enumerate(docs) if d in relevant), None)
        rr = 1 / first if first else 0.0
        d = direction(q)
        for g in {"all", d, "cross-lingual" if not d.startswith("same") and d not in ("paraphrase", "exact-term") else d}:
            groups[g].append((recall, rr))
        if verbose and recall < 1:
            print(f"  MISS {q['id']} [{d}] {q['query']!r}: want {sorted(relevant)}, got {docs}")
    return {g: (sum(r for r, _ in v) / len(v), sum(m for _, m in v) / len(v), len(v)) for g, v in groups.items()}


def show(title: str, result: dict[str, tuple[float, float, int]]) -> None:
    order = ["all", "cross-lingual", *sorted(g for g in result if g not in ("all", "cross-lingual"))]
    print(title)
    for g in order:
        if g in result:
            r, m, n = result[g]
            print(f"  {g:14} recall@5 {r:.3f}  MRR {m:.3f}  (n={n})")


def main() -> None:
    from sopgen.index.embeddings import make_embeddings
    from sopgen.index.search import Searcher

    parser = argparse.ArgumentParser()
    parser.add_argument("--store", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--split", default=None)
    parser.add_argument("--mode", default="hybrid")
    parser.add_argument("--embedding", default="e5-small")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    queries = yaml.safe_load(Path(args.queries).read_text(encoding="utf-8"))["queries"]
    if args.split:
        queries = [q for q in queries if q.get("split") == args.split]
    searcher = Searcher(args.store, make_embeddings(args.embedding))
    show(f"{args.queries} ({args.split or 'all'}, {args.mode})",
         evaluate(searcher, queries, args.mode, by_name=True, verbose=args.verbose))


if __name__ == "__main__":
    main()
