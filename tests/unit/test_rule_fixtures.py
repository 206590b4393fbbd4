"""Every rule's pass/fail cases, per language, from tests/fixtures/rules/<lang>.yml (the sqlfluff way).

A case is a small document (Markdown). `fail` cases must produce at least one finding of the rule,
`pass` cases none. A rule may name the profile its cases run under (missing-actor needs one that wants
actors on steps) and the date they are checked on (review-overdue compares with `today`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from sopgen.checks import check_document
from sopgen.checks.rules import compiled_rules
from sopgen.config import RuleSettings
from sopgen.documents import load_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
LANGUAGES = ("en", "de", "ru")


def _cases() -> list[Any]:
    params = []
    for lang in LANGUAGES:
        data = yaml.safe_load((FIXTURES / f"{lang}.yml").read_text(encoding="utf-8"))
        for rule_id, spec in data["rules"].items():
            profile = spec.get("profile", "basic")
            today = spec.get("today")
            for kind in ("fail", "pass"):
                for i, text in enumerate(spec.get(kind) or []):
                    params.append(pytest.param(lang, rule_id, kind, text, profile, today,
                                               id=f"{lang}-{rule_id}-{kind}-{i}"))
    return params


def _findings(lang: str, text: str, profile: str, today: date | None = None) -> list[Any]:
    doc = load_bytes(text.encode("utf-8"), "md", f"case-{lang}.md")
    doc = doc.model_copy(update={"language": lang})  # short cases can fool language detection
    return check_document(doc, profile, RuleSettings(today=today)).findings


@pytest.mark.parametrize(("lang", "rule_id", "kind", "text", "profile", "today"), _cases())
def test_rule_case(lang: str, rule_id: str, kind: str, text: str, profile: str, today: date | None) -> None:
    hits = [f for f in _findings(lang, text, profile, today) if f.rule == rule_id]
    if kind == "fail":
        assert hits, f"{rule_id} should fire on:\n{text}"
        for f in hits:
            assert f.line >= 1 and f.column >= 1 and f.message and f.suggestion
    else:
        assert not hits, f"{rule_id} fired on a pass case: {[(h.line, h.column, h.text) for h in hits]}\n{text}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_rule_has_pass_and_fail_cases(lang: str) -> None:
    data = yaml.safe_load((FIXTURES / f"{lang}.yml").read_text(encoding="utf-8"))["rules"]
    for rule in compiled_rules(lang):
        assert rule.id in data, f"{lang}: rule {rule.id} has no fixture cases"
        assert data[rule.id].get("fail") and data[rule.id].get("pass"), f"{lang}: {rule.id} needs pass and fail"


@pytest.mark.parametrize("language", ["en", "de", "ru"])
def test_every_builtin_regex_compiles(language: str) -> None:
    """Built-in packs skip the compile check at load (they are compiled where a text needs them), so
    every one of their regexes is compiled here."""
    for rule in compiled_rules(language):
        assert (rule.pattern is None) == (rule.regex is None), rule.id
        _ = rule.exceptions, rule.separators, rule.not_under, rule.words
