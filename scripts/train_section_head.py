"""Train the section head (sopgen.documents.section_head) from the sentences in scripts/section_head/.

Multinomial naive Bayes with additive smoothing over the features section_head.features() gives a
sentence. Written to src/sopgen/documents/data/section_head/<language>.json: the classes, the features
seen at least `--min-count` times, log P(feature | class) centred per feature (a constant per feature
does not change a posterior) and stored as int8 in steps of 1/SCALE (base64), and the class priors: one
small file per language, which a checker process reads in a few milliseconds. The prior of `none` is
`--none-prior` times a section's: in a real document most sentences state no section, and the training
sentences are balanced.

Run: .venv/bin/python scripts/train_section_head.py [--check]   (--check: fail if the shipped file differs)
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import sys
from collections import Counter
from pathlib import Path

import yaml

from sopgen.documents.section_head import features

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "scripts" / "section_head"
OUT = ROOT / "src" / "sopgen" / "documents" / "data" / "section_head"
SCALE = 16


def train(sentences: dict[str, list[str]], alpha: float, min_count: int, none_prior: float,
          language: str = "") -> dict[str, object]:
    classes = [*sorted(c for c in sentences if c != "none"), "none"]
    counts = {c: Counter(f for s in sentences[c] for f in features(s, language)) for c in classes}
    total = Counter[str]()
    for c in classes:
        total.update(counts[c])
    vocab = sorted(f for f, n in total.items() if n >= min_count)
    sizes = {c: sum(counts[c][f] for f in vocab) for c in classes}
    rows = []
    for f in vocab:
        logs = [math.log((counts[c][f] + alpha) / (sizes[c] + alpha * len(vocab))) for c in classes]
        mean = sum(logs) / len(logs)
        rows.extend(max(-127, min(127, round((v - mean) * SCALE))) for v in logs)
    prior = [none_prior if c == "none" else 1.0 for c in classes]
    weights = base64.b64encode(bytes(v & 0xFF for v in rows)).decode("ascii")
    return {"classes": classes, "prior": [round(p / sum(prior), 6) for p in prior], "scale": SCALE,
            "features": vocab, "weights": weights}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--alpha", type=float, default=0.5)
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--none-prior", type=float, default=4.0)
    parser.add_argument("--check", action="store_true", help="fail if the shipped model is not this training's")
    args = parser.parse_args()
    pooled: dict[str, dict[str, list[str]]] = {}
    for path in sorted(DATA.glob("*.yaml")):  # en.yaml, en-2.yaml, ...: one language's sentences, pooled
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for cls, sentences in data["sentences"].items():
            pooled.setdefault(data["language"], {}).setdefault(cls, []).extend(sentences)
    languages = {lang: train(s, args.alpha, args.min_count, args.none_prior, lang) for lang, s in sorted(pooled.items())}
    stale = []
    for lang, model in languages.items():
        meta = {"version": 1, "language": lang, "stem": "first 6 letters", "alpha": args.alpha,
                "min_count": args.min_count, "none_prior": args.none_prior}
        text = json.dumps({**meta, **model}, ensure_ascii=False, separators=(",", ":")) + "\n"
        path = OUT / f"{lang}.json"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
            continue
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"{lang}: {len(model['features'])} features, {len(model['classes'])} classes")  # type: ignore[arg-type]
    if args.check:
        print("section head: up to date" if not stale else f"section head: not the training's output: {stale}")
        return 1 if stale else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
