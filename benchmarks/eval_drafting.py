"""Drafting on documents sopgen's authors did not write: does the procedure come from the right document?

The briefs in benchmarks/drafting/briefs/ were written by helpers who had not read the drafting code, each
labelled with the realdocs file that holds its procedure (`expected_procedure`, `acceptable`; `none` where
no document covers it) and a `split`. Every brief is drafted with the offline engine over an index of
../shared/realdocs (skipped when it is absent). Printed per split and language:

- procedure from the right document: the document the procedure's steps cite (or `grounding: none` for a
  no-match brief) is the labelled one;
- uncited-source share: documents listed in the front matter sources or References that no sentence of
  the text cites;
- citation support: the grounding report's share of cited statements found in their cited span;
- placeholder share: writer prompts among everything the draft says.

Run: .venv/bin/python benchmarks/eval_drafting.py [--store DIR] [--split holdout] [--verbose]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
REALDOCS = ROOT.parent / "shared" / "realdocs"
LABELS = ("expected_procedure", "acceptable", "split")


def load_briefs(folder: Path) -> list[tuple[str, dict[str, object], dict[str, object]]]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        labels = {k: data.pop(k, None) for k in LABELS}
        out.append((path.name, data, labels))
    return out


def evaluate(store: str, folder: Path, split: str | None, verbose: bool) -> None:
    from sopgen.config import load_settings
    from sopgen.drafting import draft_sop, open_searcher
    from sopgen.schema import Brief

    settings = load_settings(store=store, engine="offline")
    searcher = open_searcher(settings)
    rows: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
    for name, data, labels in load_briefs(folder):
        if split and labels["split"] != split:
            continue
        brief = Brief.model_validate(data)
        sop = draft_sop(brief, settings=settings, searcher=searcher)
        by_key = {c.key: Path(c.path).name for c in sop.sources}
        main_id = "duties" if brief.profile == "job-description" else "procedure"  # where the job is described
        procedure = next((s for s in sop.sections if s.id == main_id), None)
        keys = [k for st in (procedure.steps if procedure else []) for k in st.citations]
        keys += re.findall(r"\[(S\d+)\]", procedure.body) if procedure else []
        step_docs = [by_key[k] for k in keys if k in by_key]
        got = max(set(step_docs), key=step_docs.count) if step_docs else "none"
        want = {str(labels["expected_procedure"]), *[str(a) for a in labels["acceptable"] or []]}
        right = got in want if want != {"none"} else sop.selection.get("grounding") == "none"
        text_keys = set()
        for s in sop.sections:
            if s.id != "references":
                text_keys |= set(re.findall(r"\[(S\d+)\]", s.body)) | {k for st in s.steps for k in st.citations}
        listed = {c.path for c in sop.sources}
        cited_docs = {c.path for c in sop.sources if c.key in text_keys}
        uncited = len(listed - cited_docs) / len(listed) if listed else 0.0
        report = sop.grounding
        rows[(str(labels["split"]), brief.language)].append({
            "right": float(right), "uncited": uncited,
            "support": report.get("citation_support") if report.get("citation_support") is not None else 1.0,
            "placeholder": report.get("placeholder_share", 0.0),
        })
        if verbose:
            print(f"{'OK ' if right else 'BAD'} {name}: want {sorted(want)}, got {got} "
                  f"(primary {sop.selection.get('primary_source', {}).get('path', '-')}), uncited {uncited:.2f}, "
                  f"support {report.get('citation_support')}, placeholders {report.get('placeholder_share')}")
    for (part, lang), values in sorted(rows.items()):
        n = len(values)
        right = sum(v["right"] for v in values)
        print(f"{part:8} {lang}: procedure from the right document {right:.0f}/{n}; uncited sources "
              f"{sum(v['uncited'] for v in values) / n:.0%}; citation support {sum(v['support'] for v in values) / n:.3f}; "
              f"placeholder share {sum(v['placeholder'] for v in values) / n:.3f}")
    for part in sorted({p for p, _ in rows}):
        values = [v for (p, _), vs in rows.items() if p == part for v in vs]
        n = len(values)
        print(f"{part:8} all: right document {sum(v['right'] for v in values):.0f}/{n}; uncited "
              f"{sum(v['uncited'] for v in values) / n:.0%}; support {sum(v['support'] for v in values) / n:.3f}; "
              f"placeholders {sum(v['placeholder'] for v in values) / n:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", help="an index of ../shared/realdocs (built in a temporary folder if absent)")
    parser.add_argument("--briefs", default=str(ROOT / "benchmarks/drafting/briefs"))
    parser.add_argument("--split", default=None)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if not REALDOCS.is_dir():
        print(f"skipped: {REALDOCS} is not here (the blind drafting set needs the real documents)")
        return
    if args.store:
        evaluate(args.store, Path(args.briefs), args.split, args.verbose)
        return
    from sopgen.index.embeddings import make_embeddings
    from sopgen.index.indexer import index_corpus

    with tempfile.TemporaryDirectory() as tmp:
        print("indexing ../shared/realdocs (about 2 minutes with e5) ...", file=sys.stderr)
        index_corpus([str(REALDOCS)], tmp, make_embeddings("e5-small"), exclude=["MANIFEST.tsv"])
        evaluate(tmp, Path(args.briefs), args.split, args.verbose)


if __name__ == "__main__":
    main()
