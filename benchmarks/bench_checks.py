"""Speed of the ambiguity rules: 1,000 English documents of ~800 words on one core, beside proselint.

Times only the wording rules (masking + every rule of the language), as CPU seconds of this process
(time.process_time), after one warm-up document so analyser loading is not counted twice. proselint is
timed on the same texts in the same run when it is installed (`pip install proselint`).

Run: .venv/bin/python benchmarks/bench_checks.py [--docs 1000]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from sopgen.checks.engine import build_context, run_rules
from sopgen.checks.rules import compiled_rules
from sopgen.documents import Document, load_bytes, load_document

ROOT = Path(__file__).resolve().parents[1]


def english_docs(count: int, words: int = 800, seed: int = 3) -> list[Document]:
    rng = random.Random(seed)
    chunks: list[str] = []
    for path in sorted((ROOT / "corpora" / "en").glob("*")):
        if path.suffix in (".md", ".txt", ".rst"):
            doc = load_document(path)
            chunks += ["\n".join(doc.lines[s.line - 1 : s.end_line]) for s in doc.sections]
    docs = []
    for i in range(count):
        parts = [f"# Procedure {i}"]
        while sum(len(p.split()) for p in parts) < words:
            parts.append(rng.choice(chunks))
        docs.append(load_bytes("\n\n".join(parts).encode(), "md", f"doc-{i}.md"))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1000)
    args = parser.parse_args()
    docs = english_docs(args.docs)
    rules = compiled_rules("en")
    for d in docs[:20]:  # warm-up: compile regexes, load analysers and word lists (once per process)
        run_rules(build_context(d, False, set()), rules)
    t0 = time.process_time()
    findings = sum(len(run_rules(build_context(d, False, set()), rules)) for d in docs)
    ours = time.process_time() - t0
    print(f"sopgen rules: {len(docs)} docs, {findings} findings, {ours:.2f} s CPU (target < 10 s)")
    try:
        from proselint.checks import __register__
        from proselint.registry import CheckRegistry
        from proselint.tools import LintFile
    except ImportError:
        print("proselint not installed: pip install proselint to compare")
        return
    registry = CheckRegistry()
    if not registry.checks:
        registry.register_many(__register__)  # what proselint's own command line does before linting
    LintFile("warm.md", docs[0].text).lint()
    t1 = time.process_time()
    theirs = sum(len(LintFile(d.path, d.text).lint()) for d in docs)
    prose = time.process_time() - t1
    print(f"proselint:    {len(docs)} docs, {theirs} findings, {prose:.2f} s CPU")
    print(f"ratio: sopgen is {prose / ours:.1f}x faster (target >= 5x)")


if __name__ == "__main__":
    main()
