"""Baselines: record the findings a team already knows about, so that CI fails only on new ones.

A finding is known by (path, rule, fingerprint). The fingerprint hashes the rule, the matched text and the
whitespace-normalised line it sits on, with any list numbering stripped, and never the line number: a
finding stays known when lines are inserted above it or steps are renumbered, and becomes new when the
wording around it changes. Identical lines are matched as a multiset (two known copies cover two findings,
not three).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from sopgen.checks.findings import BaselineSummary, Finding, Report
from sopgen.errors import ConfigError

_NUMBERING = re.compile(r"^\s*(?:#+\s*|[-*•>]\s*|\(?\d+(?:\.\d+)*[.)]?\s+)+")


def fingerprint(rule: str, text: str, line_text: str) -> str:
    """Stable id of a finding that does not depend on where it is in the file."""
    line = " ".join(_NUMBERING.sub("", line_text).split()).lower()
    digest = hashlib.sha256(f"{rule}\x00{text.strip().lower()}\x00{line}".encode())
    return digest.hexdigest()[:20]


class BaselineEntry(BaseModel):
    path: str
    rule: str
    fingerprint: str
    text: str = Field("", description="The matched text, for people reading the file; not used to match.")
    line: int | None = Field(None, description="Where it was when recorded; informational, not used to match.")


class Baseline(BaseModel):
    """The file written by `--write-baseline` and read by `--baseline` (JSON)."""

    schema_version: int = 1
    tool: str = "sopgen"
    entries: list[BaselineEntry] = Field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            return cls.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            raise ConfigError(f"{path}: baseline file not found (create it with --write-baseline)") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the baseline: {exc.strerror}") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "top level"
            raise ConfigError(f"{path}: not a sopgen baseline ({where}: {first['msg']})") from None

    def counts(self) -> Counter[tuple[str, str, str]]:
        return Counter((e.path, e.rule, e.fingerprint) for e in self.entries)


def _key(path: str, f: Finding) -> tuple[str, str, str]:
    return path, f.rule, f.fingerprint or fingerprint(f.rule, f.text, f.text)


def apply_baseline(report: Report, baseline: Baseline) -> Report:
    """A copy with every finding marked `new` or `unchanged`; the summary counts both and the known findings
    now gone. The report given is left as it is (its documents' JSON may already be written)."""
    left = baseline.counts()
    new = unchanged = 0
    documents = []
    for doc in report.documents:
        marked = []
        for f in doc.findings:
            key = _key(doc.path, f)
            if left[key] > 0:
                left[key] -= 1
                marked.append(f.model_copy(update={"baseline": "unchanged"}))
                unchanged += 1
            else:
                marked.append(f.model_copy(update={"baseline": "new"}))
                new += 1
        documents.append(doc.model_copy(update={"findings": marked}))
    checked = {d.path for d in report.documents}
    absent = sum(n for (path, _, _), n in left.items() if path in checked and n > 0)
    summary = report.summary.model_copy(update={"baseline": BaselineSummary(new=new, unchanged=unchanged,
                                                                            absent=absent)})
    return report.model_copy(update={"documents": documents, "summary": summary})


def updated_baseline(report: Report, previous: Baseline | None = None) -> Baseline:
    """The current findings of the checked files, plus what `previous` knew about files not checked now."""
    checked = {d.path for d in report.documents if d.error is None}
    kept = [e for e in (previous.entries if previous else []) if e.path not in checked]
    fresh = [BaselineEntry(path=d.path, rule=f.rule, fingerprint=_key(d.path, f)[2], text=f.text[:120], line=f.line)
             for d in report.documents if d.error is None for f in d.findings]
    entries = sorted([*kept, *fresh], key=lambda e: (e.path, e.line or 0, e.rule, e.fingerprint))
    return Baseline(entries=entries)


def write_baseline(path: Path, report: Report) -> Baseline:
    """Create or update the baseline file at `path`; entries of files not in this run are kept."""
    previous = Baseline.load(path) if path.exists() else None
    baseline = updated_baseline(report, previous)
    text = json.dumps(baseline.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the baseline: {exc.strerror}") from None
    return baseline
