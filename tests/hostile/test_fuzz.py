"""Property-based fuzzing: decoding, structure parsing, masking and the rules end quickly on any input and
raise nothing but the documented DocumentError."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopgen.checks.check import check_document
from sopgen.checks.masking import masked_text
from sopgen.documents import load_bytes
from sopgen.documents.encoding import UndecodableError, decode_bytes
from sopgen.documents.structure import parse_text
from sopgen.errors import DocumentError

# Pieces real and hostile documents are made of, so the fuzzer reaches the patterns' edge cases quickly.
TOKENS = ["# ", "## ", "**", "__", "* ", "- ", "1. ", "1.1 ", "a) ", "| ", " |", "+--+", "===", "---", "```", "::",
          ".. ", "<!--", "-->", "<div ", "<script>", "</script>", ">", "<", "[S1]", "](", ")", "http://", "@", "a@b.c",
          "/etc/x", "\"", "«", "»", "„", " ", "  ", "\t", "\n", "\r\n", "Purpose", "Zweck", "Цель", "must", "should",
          "wird geprüft", "проверяется", "if necessary", "ggf.", "и т.д.", "TBD", "{{x}}", "ABC", "Step 1:", "IGNORE",
          "javascript:", "x" * 50, " " * 200, "1." * 30, "é", "\u2028", "\x00"]
texts = st.lists(st.sampled_from(TOKENS) | st.text(max_size=20), max_size=200).map("".join)
FAST = settings(max_examples=150, deadline=timedelta(seconds=3), suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=4000))
def test_decoding_any_bytes_ends_in_text_or_a_documented_error(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data)
    except UndecodableError:
        return
    assert isinstance(text, str) and encoding


@FAST
@given(texts)
def test_structure_blocks_stay_inside_the_text(text: str) -> None:
    lines = text.replace("\r\n", "\n").split("\n")
    for block in parse_text("\n".join(lines)):
        assert 1 <= block.line <= block.end_line <= len(lines)


@FAST
@given(texts, st.sampled_from(["md", "txt", "rst", "html"]))
def test_masking_and_every_rule_end_quickly_with_findings_inside_the_text(text: str, fmt: str) -> None:
    try:
        doc = load_bytes(text.encode("utf-8", "surrogatepass"), fmt, "fuzz." + fmt)  # type: ignore[arg-type]
    except DocumentError:
        return
    masked = masked_text(doc)
    assert len(masked) == len(doc.text) and masked.count("\n") == doc.text.count("\n")
    report = check_document(doc, "full")
    for f in report.findings:
        assert 1 <= f.line <= len(doc.lines) + 1 and f.column >= 1
