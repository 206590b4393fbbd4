"""Gap-analysis throughput: 1,000 distinct ~1,000-word documents (en/de/ru), cold and --resume.

Documents are assembled from the sample corpus (sections shuffled and combined, a unique id line each),
so their size and language mix are realistic and no two are identical. Prints docs/s, wall time of the cold
run (including model/analyser loading in the workers), the resume run, and peak RSS of the process tree.

Run: .venv/bin/python benchmarks/bench_gaps.py [--docs 1000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

from sopgen.documents import load_document
from sopgen.gaps import analyze_gaps

ROOT = Path(__file__).resolve().parents[1]


def build_share(target: Path, count: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    by_lang: dict[str, list[str]] = {}
    for path in sorted((ROOT / "corpora").glob("*/*")):
        if path.suffix not in (".md", ".txt", ".rst") or path.name == "README.md":
            continue
        doc = load_document(path)
        chunks = ["\n".join(doc.lines[s.line - 1 : s.end_line]) for s in doc.sections]
        by_lang.setdefault(doc.language, []).extend(c for c in chunks if c.strip())
    langs = sorted(by_lang)
    words = 0
    for i in range(count):
        lang = langs[i % len(langs)]
        parts: list[str] = [f"Document id {i:05d}"]
        while sum(len(p.split()) for p in parts) < 1000:
            parts.append(rng.choice(by_lang[lang]))
        text = "\n\n".join(parts)
        words += len(text.split())
        (target / lang).mkdir(parents=True, exist_ok=True)
        (target / lang / f"doc-{i:05d}.md").write_text(text, encoding="utf-8")
    return words // count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        share, cache = Path(tmp) / "share", Path(tmp) / "cache"
        avg = build_share(share, args.docs)
        t0 = time.perf_counter()
        report = analyze_gaps([share], "full", jobs=args.jobs, resume=True, cache_dir=cache)
        cold = time.perf_counter() - t0
        t1 = time.perf_counter()
        analyze_gaps([share], "full", jobs=args.jobs, resume=True, cache_dir=cache)
        warm = time.perf_counter() - t1
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"documents: {len(report.documents)} (avg {avg} words), failed: {report.summary.failed}, jobs: {args.jobs}")
    print(f"cold run:   {cold:6.1f} s  ({len(report.documents) / cold:6.1f} docs/s)   target < 60 s")
    print(f"resume run: {warm:6.1f} s                       target < 5 s")
    print(f"peak RSS: main {peak_self:.0f} MB, largest worker {peak_children:.0f} MB   target < 2048 MB")


if __name__ == "__main__":
    main()
