"""Accuracy of `sopgen gaps --profile full` on documents labelled by people who never saw the rules.

Sets (see benchmarks/checks_blind/GUIDE.md): `tune` (rules and section cues may be adjusted on it),
`tune2` (12 more documents by new blind writers, 2026-12-04: measured once as written, then tuned on),
`holdout` (never looked at while changing the checks; report this one), and `realdocs` (section labels of
real third-party documents in ../shared/realdocs, when present). Printed per set and language:
- section presence macro-F1 (present or weak vs missing, F1 per section id, averaged over the ids);
- sections stated without a heading (`headless`) that were found;
- ambiguous lines found (any wording finding on a labelled line) and clean decoy lines flagged;
- per labelled kind: recall (a finding of the matching rule on the line) and the rule's precision
  (its findings that fall on a line labelled with that kind).

Run: .venv/bin/python benchmarks/eval_checks_blind.py [--set holdout] [--verbose] [--calibration]
Also printed by benchmarks/eval_checks.py beside the older, rule-aware set.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

from sopgen.checks import check_path

ROOT = Path(__file__).resolve().parent / "checks_blind"
REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
WORDING = {"vague-time", "escape-clause", "vague-quantifier", "open-list", "weak-modal", "permission-modal",
           "placeholder", "and-or", "passive-voice", "ambiguous-pronoun", "vague-reference", "missing-actor",
           "nominal-step"}
KIND_OF = {"nominal-step": "missing-actor"}  # rule id -> the labelling guide's kind, where they differ
IDS = ["purpose", "scope", "responsibilities", "definitions", "resources", "safety", "procedure", "quality",
       "records", "deviations", "escalation", "references", "revision_history", "approval"]


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def _documents(name: str) -> list[tuple[Path, dict[str, Any]]]:
    if name == "realdocs":
        labels = ROOT / "realdocs_sections.yaml"
        if not REALDOCS.is_dir() or not labels.is_file():
            return []
        data = yaml.safe_load(labels.read_text(encoding="utf-8"))["documents"]
        return [(REALDOCS / f, {**d, "ambiguous": [], "clean": []}) for f, d in sorted(data.items())]
    out = []
    for label in sorted((ROOT / name).glob("*/*.yaml")):
        doc = next(p for p in label.parent.glob(label.stem + ".*") if p.suffix != ".yaml")
        out.append((doc, yaml.safe_load(label.read_text(encoding="utf-8"))))
    return out


def evaluate(name: str, verbose: bool = False, split: str | None = None) -> None:
    docs = _documents(name)
    if not docs:
        print(f"{name}: skipped (no documents)")
        return
    by_lang: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "sec": defaultdict(Counter), "headless": Counter(), "amb": Counter(), "clean": Counter(),
        "kind": defaultdict(Counter), "rule": defaultdict(Counter)})
    for path, labels in docs:
        if split and labels.get("split") != split:
            continue
        report = check_path(path, "full")
        lang = str(labels["language"])
        acc = by_lang[lang]
        if report.error:
            print(f"  ERROR {path.name}: {report.error}")
            continue
        predicted = {s.id: s.status for s in report.sections}
        for sid in IDS:
            label = labels["sections"].get(sid, {"status": "missing"})
            truth = label.get("status", "missing") != "missing"
            guess = predicted.get(sid, "missing") != "missing"
            acc["sec"][sid]["tp" if truth and guess else "fp" if guess else "fn" if truth else "tn"] += 1
            if truth and label.get("headless"):
                acc["headless"]["found" if guess else "missed"] += 1
                if verbose and not guess:
                    print(f"  HEADLESS MISS {path.name}: {sid} line {label.get('line')}")
            if verbose and truth != guess:
                print(f"  SEC {'FN' if truth else 'FP'} {path.name}: {sid}")
        findings = [f for f in report.findings if f.category == "ambiguity"]
        lines_found: dict[int, set[str]] = defaultdict(set)
        for f in findings:
            lines_found[f.line].add(KIND_OF.get(f.rule, f.rule))
        labelled: dict[int, set[str]] = defaultdict(set)
        for a in labels.get("ambiguous") or []:
            labelled[int(a["line"])].add(str(a["kind"]))
        for line, kinds in labelled.items():
            acc["amb"]["found" if lines_found.get(line) else "missed"] += 1
            for kind in kinds:
                acc["kind"][kind]["found" if kind in lines_found.get(line, set()) else "missed"] += 1
            if verbose and not lines_found.get(line):
                print(f"  AMB MISS {path.name}:{line} {sorted(kinds)}")
        for c in labels.get("clean") or []:
            line = int(c["line"])
            flagged = bool(lines_found.get(line))
            acc["clean"]["flagged" if flagged else "ok"] += 1
            if verbose and flagged:
                print(f"  CLEAN FLAGGED {path.name}:{line} {sorted(lines_found[line])} {c['text']!r}")
        for f in findings:
            kind = KIND_OF.get(f.rule, f.rule)
            acc["rule"][f.rule]["hit" if kind in labelled.get(f.line, set()) else "other"] += 1
    for lang, acc in sorted(by_lang.items()):
        f1s = [_f1(c["tp"], c["fp"], c["fn"]) for c in acc["sec"].values() if c["tp"] + c["fn"] + c["fp"]]
        macro = sum(f1s) / len(f1s) if f1s else 1.0
        h, a, c = acc["headless"], acc["amb"], acc["clean"]
        line = f"{name:8} {lang}: section macro-F1 {macro:.3f}; headless found {h['found']}/{h['found'] + h['missed']}"
        if a:
            line += (f"; ambiguous lines found {a['found']}/{a['found'] + a['missed']} "
                     f"({a['found'] / max(1, a['found'] + a['missed']):.3f}); clean lines flagged "
                     f"{c['flagged']}/{c['flagged'] + c['ok']} ({c['flagged'] / max(1, c['flagged'] + c['ok']):.3f})")
        print(line)
        if a:
            kinds = ", ".join(f"{k} {v['found']}/{v['found'] + v['missed']}" for k, v in sorted(acc["kind"].items()))
            rules = ", ".join(f"{r} {v['hit']}/{v['hit'] + v['other']}" for r, v in sorted(acc["rule"].items()))
            print(f"           recall by kind: {kinds}")
            print(f"           precision by rule (on lines labelled with that kind): {rules}")


def _decision_kind(reason: str) -> str:
    """Which detector decided, from the reason it gave (documents/classify.py writes them)."""
    if "reads like" in reason:
        return "head"
    if reason.startswith("heading"):
        return "heading"
    if reason.startswith("label line"):
        return "label"
    if "table row" in reason:
        return "table row"
    if " says '" in reason:
        return "cue"
    if "version/date" in reason:
        return "revision table"
    return "steps"


def calibration(names: list[str]) -> None:
    """Per kind of decision: how often a section found that way is really there, beside the confidence
    the report gives it (CONFIDENCE in documents/classify.py is set from the tune sets)."""
    for name in names:
        set_name, _, split = name.partition(":")
        found: dict[str, list[tuple[bool, float]]] = defaultdict(list)
        missing = Counter()
        for path, labels in _documents(set_name):
            if split and labels.get("split") != split:
                continue
            for section in check_path(path, "full").sections:
                truth = labels["sections"].get(section.id, {"status": "missing"}).get("status", "missing") != "missing"
                if section.status == "missing":
                    missing["right" if not truth else "wrong"] += 1
                    continue
                found[_decision_kind(section.reason or "")].append((truth, section.confidence))
        rows = [f"{kind} {sum(t for t, _ in v)}/{len(v)} right (confidence {sum(c for _, c in v) / len(v):.2f})"
                for kind, v in sorted(found.items(), key=lambda kv: -len(kv[1]))]
        if missing:
            rows.append(f"missing {missing['right']}/{missing['right'] + missing['wrong']} right")
        print(f"calibration {name}: " + "; ".join(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=["tune", "tune2", "holdout", "realdocs"], action="append")
    parser.add_argument("--split", help="for realdocs: tune or holdout")
    parser.add_argument("--calibration", action="store_true",
                        help="how often each kind of section decision is right, beside its confidence")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    if args.calibration:
        calibration(["tune", "tune2", "realdocs:tune", "holdout", "realdocs:holdout"])
        return
    for name in args.set or ["tune", "tune2", "holdout", "realdocs"]:
        evaluate(name, args.verbose, args.split if name == "realdocs" else None)


if __name__ == "__main__":
    main()
