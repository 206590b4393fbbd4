"""The prefilters must never change a result: every span a plain regex scan finds, the filtered scan finds."""

from __future__ import annotations

import random
import re

import pytest

from sopgen.checks.engine import _regex_spans, _word_spans, build_context
from sopgen.checks.rules import compiled_rules
from sopgen.documents import load_bytes
from sopgen.documents.prefilter import TextScan, UnitFilter, literals, prefixes, word_starts


def test_literals_of_an_alternation_are_required_somewhere() -> None:
    found = literals(re.compile(r"\b(?:ignore|forget)\s+(?:previous|prior)\s+instructions?", re.I))
    assert found is not None
    # one literal group is chosen; whichever it is, a text without any of them cannot match
    assert found[1] is True
    assert found[0] in ({"ignore", "forget"}, {"previous", "prior"}, {"instruction"})


def test_no_prefilter_when_a_match_can_be_anything() -> None:
    assert literals(re.compile(r"\w+")) is None
    assert prefixes(re.compile(r"a?b")) is None  # 'b' alone matches: no common prefix
    assert prefixes(re.compile(r"(?:x|y*)z")) is None


def test_prefixes_follow_literals_through_groups_and_classes() -> None:
    found = prefixes(re.compile(r"\b(?:TB[DA]|<ins)(?:ert)?\b"))
    assert found == (frozenset({"TBD", "TBA", "<ins"}), False)


def test_case_folding_keeps_the_characters_re_treats_as_equal() -> None:
    # re.IGNORECASE matches the long s and the dotless i; the folded text must still contain the literal
    pattern = re.compile(r"system prompt|ignore", re.I)
    anywhere = re.compile(r"\w+ (?:system prompt|ignore)", re.I)  # no common prefix: the literal test decides
    for text in ("ſystem prompt", "SYSTEM PROMPT", "ıgnore", "İgnore", "x ſystem prompt", "a İGNORE"):
        scan = TextScan(text)
        assert len(scan.folded) == len(text)
        for p in (pattern, anywhere):
            assert scan.spans(p) == [m.span() for m in p.finditer(text)], (p.pattern, text)
        assert scan.spans(pattern), text


def test_no_ascii_letter_folds_so_ascii_text_is_left_as_it_is() -> None:
    # `fold` returns ASCII text untouched without scanning it: true only while no ASCII letter folds
    from sopgen.documents.prefilter import _fold_table, fold

    assert not [chr(c) for c, to in _fold_table().items() if chr(c) != to and chr(c).isascii()]
    assert fold("ſystem") == "system" and fold("plain ascii") == "plain ascii"


def test_may_match_is_false_only_without_any_required_literal() -> None:
    labels = re.compile(r"(?:^|\n)[ \t]*(?:owner|approved\s+by)[ \t]*:", re.I)  # no prefix to scan for
    assert not TextScan("Restore the server.\nCheck the log.").may_match(labels)
    assert TextScan("Steps\nAPPROVED by: J. Doe").may_match(labels)
    assert TextScan("the owner of the task").may_match(labels)  # a literal, not a match: the regex decides


def test_word_starts_are_whole_words() -> None:
    assert word_starts("may mayor may_be dismay may", "may") == [0, 24]


def test_unit_filter_names_the_texts_holding_a_literal() -> None:
    archive, anything = re.compile(r"archiv\w*"), re.compile(r"\w+")
    units = UnitFilter(["nothing here", "we archive the log", "archived", "x"], [archive, anything])
    assert [i for i in range(4) if id(archive) in units.candidates(i)] == [1, 2]
    assert all(id(anything) in units.candidates(i) for i in range(4))


_WORDS = ["may", "should", "TBD", "todo", "http://10.0.0.1/x", "ignore", "previous", "instructions", "you",
          "are", "now", "an", "assistant", "{{name}}", "???", "and/or", "etc.", "as soon as possible", "quickly",
          "может", "следует", "kann", "sollte", "ggf.", "This", "It", "is", "can", "the", "ſystem", "prompt",
          "[insert", "date]", "javascript:alert(1)", "<enter", "value>", "approx.", "some", "dismay", "/may"]


@pytest.mark.parametrize("language", ["en", "de", "ru"])
def test_filtered_rules_find_what_a_plain_scan_finds(language: str) -> None:
    rng = random.Random(7)
    for _ in range(300):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(5, 40))]
        seps = [rng.choice([" ", " ", "\n", ". ", ", ", "\n1. ", "/"]) for _ in words]
        text = "".join(w + s for w, s in zip(words, seps, strict=True))
        doc = load_bytes(text.encode(), "md", "x.md").model_copy(update={"language": language})
        ctx = build_context(doc, True, set())
        for rule in compiled_rules(language):
            if rule.words is not None:
                assert _word_spans(ctx, rule) == [m.span() for m in rule.words.finditer(ctx.lowered)], rule.id
            if rule.regex is not None and rule.spec.kind == "lexical":
                plain = [m.span() for m in rule.regex.finditer(doc.text if rule.spec.raw_text else ctx.masked)]
                assert _regex_spans(ctx, rule) == plain, (rule.id, text)


def test_scans_of_unions_and_scoped_case_flags_equal_plain_scans() -> None:
    """A union with more prefixes than the limit is tested on shorter prefixes; a '(?i:...)' group inside a
    case-sensitive pattern is not given lower-cased prefixes (which would miss 'To be defined')."""
    many = re.compile("|".join(rf"\[{w}{i}\]" for i in range(40) for w in ("Name", "name")))
    scoped = re.compile(r"\b(?i:to be (?:defined|confirmed))\b|TBD")
    assert prefixes(many) is not None
    text = "[Name3] x [name39] [NAME3] To be defined; TO BE CONFIRMED, TBD, tbd, to be defined."
    for pattern in (many, scoped):
        assert TextScan(text).spans(pattern) == [m.span() for m in pattern.finditer(text)]
    assert len(TextScan(text).spans(scoped)) == 4


def test_every_builtin_wording_pattern_has_a_literal_start() -> None:
    """A rule regex the prefilter cannot start from a literal runs over every text in full: one such
    pattern cost a second of CPU over 656 documents. Rules whose regexes read one step or one label line
    (not the whole prose) are the exceptions."""
    from sopgen.checks.rules import compiled_rules
    from sopgen.documents.prefilter import _PLANS

    per_step = {"nominal-step", "owner-missing", "unknown-role", "unused-role"}
    for language in ("en", "de", "ru", "*"):
        for rule in compiled_rules(language):
            if rule.pattern is None or rule.id in per_step:
                continue
            assert _PLANS.get(*rule.pattern).starts is not None, (language, rule.id)
