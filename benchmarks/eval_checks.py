"""Accuracy of `sopgen check` on the labelled evaluation set (benchmarks/eval/<lang>/).

Prints, per language: missing-section precision/recall/F1 (a section labelled `missing` vs predicted
`missing`, over all 14 canonical ids of every document), and ambiguity precision/recall per rule family.
A predicted finding matches a label with the same rule on the same line whose text overlaps it.

Run: .venv/bin/python benchmarks/eval_checks.py [--verbose] [--dir benchmarks/eval]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from sopgen.checks import check_path

FAMILIES = {"vague-time", "escape-clause", "vague-quantifier", "open-list", "weak-modal", "placeholder", "and-or",
            "passive-voice"}


def _overlap(a: str, b: str) -> bool:
    a, b = a.lower().strip(), b.lower().strip()
    return bool(a) and bool(b) and (a in b or b in a or bool(set(a.split()) & set(b.split())))


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(root: Path, verbose: bool) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for lang_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        sec = Counter()
        amb = Counter()
        per_rule: dict[str, Counter[str]] = defaultdict(Counter)
        for label_path in sorted(lang_dir.glob("*.yaml")):
            labels = yaml.safe_load(label_path.read_text(encoding="utf-8"))
            doc_path = next(p for p in lang_dir.glob(label_path.stem + ".*") if p.suffix != ".yaml")
            report = check_path(doc_path, "full")
            if report.error:
                print(f"ERROR {doc_path}: {report.error}", file=sys.stderr)
                continue
            predicted = {s.id: s.status for s in report.sections}
            for sid, truth in labels["sections"].items():
                pred = predicted.get(sid, "missing")
                if truth == "missing" and pred == "missing":
                    sec["tp"] += 1
                elif pred == "missing":
                    sec["fp"] += 1
                    if verbose:
                        print(f"  SEC FP {doc_path.name}: {sid} labelled {truth}, predicted missing")
                elif truth == "missing":
                    sec["fn"] += 1
                    if verbose:
                        s = next(x for x in report.sections if x.id == sid)
                        print(f"  SEC FN {doc_path.name}: {sid} predicted {pred} ({s.reason})")
            gold = [dict(x) for x in labels.get("ambiguities") or []]
            preds = [f for f in report.findings if f.rule in FAMILIES]
            used: set[int] = set()
            for f in preds:
                hit = next((i for i, g in enumerate(gold) if i not in used and g["rule"] == f.rule
                            and g["line"] == f.line and _overlap(str(g["text"]), f.text)), None)
                if hit is None:
                    amb["fp"] += 1
                    per_rule[f.rule]["fp"] += 1
                    if verbose:
                        print(f"  AMB FP {doc_path.name}:{f.line}:{f.column} {f.rule} '{f.text}'")
                else:
                    used.add(hit)
                    amb["tp"] += 1
                    per_rule[f.rule]["tp"] += 1
            for i, g in enumerate(gold):
                if i not in used:
                    amb["fn"] += 1
                    per_rule[g["rule"]]["fn"] += 1
                    if verbose:
                        print(f"  AMB FN {doc_path.name}:{g['line']} {g['rule']} '{g['text']}'")
        sp, sr, sf = f1(sec["tp"], sec["fp"], sec["fn"])
        ap, ar, af = f1(amb["tp"], amb["fp"], amb["fn"])
        lang = lang_dir.name
        results[lang] = {"section_p": sp, "section_r": sr, "section_f1": sf, "amb_p": ap, "amb_r": ar, "amb_f1": af}
        print(f"[{lang}] missing-section P={sp:.2f} R={sr:.2f} F1={sf:.2f} | ambiguity P={ap:.2f} R={ar:.2f} "
              f"F1={af:.2f} (tp={amb['tp']} fp={amb['fp']} fn={amb['fn']})")
        for rule, c in sorted(per_rule.items()):
            p, r, _ = f1(c["tp"], c["fp"], c["fn"])
            print(f"    {rule:18} P={p:.2f} R={r:.2f}  tp={c['tp']} fp={c['fp']} fn={c['fn']}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path(__file__).parent / "eval")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    evaluate(args.dir, args.verbose)


if __name__ == "__main__":
    main()
