"""What the wording rules must not see: code, URLs, markup, headings, quoted UI labels.

The mask keeps every character position (masked characters become spaces, newlines stay), so a match in
the masked text has the same line and column as in the original file.
"""

from __future__ import annotations

import bisect
import re

from sopgen.documents import Document
from sopgen.documents.prefilter import TextScan

_HTML_NAMES = (
    "a|abbr|b|big|blockquote|body|br|button|caption|center|code|col|dd|details|div|dl|dt|em|font|footer|form|"
    "h[1-6]|head|header|hr|html|i|iframe|img|input|kbd|label|li|link|meta|nav|ol|option|p|pre|s|section|select|"
    "small|span|strong|style|sub|summary|sup|table|tbody|td|th|thead|title|tr|tt|u|ul|script|article|main|figure"
)
_PATTERNS = [
    re.compile(rf"</?(?:{_HTML_NAMES})(?:\s[^<>]*)?/?>", re.I),
    re.compile(r"``[^`\n]+``|`[^`\n]+`"),
    re.compile(r"\]\([^)\s]*\)"),
    re.compile(r"\b(?:https?|ftp|file)://[^\s<>\"')\]]+|\bwww\.[^\s<>\"')\]]+", re.I),
    # starts only where a run of address characters starts, so a long run without '@' is one failed try
    re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"),
    re.compile(r"(?<![\w\\])(?:/[\w.-]+){2,}/?"),  # file system paths such as /etc/backup.d
    re.compile(r":(?:ref|doc|term|code|file):`[^`]*`"),
]
_QUOTED = re.compile(r"\"[^\"\n]{1,80}\"|“[^”\n]{1,80}”|„[^“”\n]{1,80}[“”]|«[^»\n]{1,80}»|‚[^‘’\n]{1,60}[‘’]")
_HTML_TAG_ANY = re.compile(r"<[^<>]*>")
_HTML_SKIP_OPEN = re.compile(r"<(script|style)\b", re.I)
_MAX_LABEL_WORDS = 6


_NOT_NEWLINE = re.compile(r"[^\n]")


def masked_text(doc: Document, starts: list[int] | None = None) -> str:
    """The document text with everything that is not checkable prose replaced by spaces (`starts`: the
    text's `line_starts`, when the caller has them)."""
    text = doc.text
    starts = starts if starts is not None else line_starts(text)
    n_lines = len(starts)
    spans: list[tuple[int, int]] = []
    for block in doc.blocks:
        if block.kind in ("code", "front_matter", "heading"):
            last_line = min(block.end_line, n_lines)
            spans.append((starts[block.line - 1], starts[last_line] - 1 if last_line < n_lines else len(text)))
    spans += _delimited(text, "<!--", "-->")
    if doc.format == "html":
        spans += _html_skipped(text)
        spans += [m.span() for m in _HTML_TAG_ANY.finditer(text)]
    scan = TextScan(text)
    for pattern in _PATTERNS:
        spans += scan.spans(pattern)
    spans += [(a, b) for a, b in scan.spans(_QUOTED) if len(text[a:b].split()) <= _MAX_LABEL_WORDS]
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if end <= pos:
            continue
        start = max(start, pos)
        out.append(text[pos:start])
        piece = text[start:end]
        out.append(_NOT_NEWLINE.sub(" ", piece) if "\n" in piece else " " * len(piece))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _delimited(text: str, opener: str, closer: str) -> list[tuple[int, int]]:
    """Spans from each opener to the next closer (or the end): one pass, where `opener.*?closer` is
    quadratic on a text with many openers and no closer."""
    spans = []
    pos = text.find(opener)
    while pos != -1:
        end = text.find(closer, pos + len(opener))
        stop = len(text) if end == -1 else end + len(closer)
        spans.append((pos, stop))
        pos = text.find(opener, stop)
    return spans


def _html_skipped(text: str) -> list[tuple[int, int]]:
    """<script> and <style> elements, whole (their content is never prose)."""
    spans = []
    lower = text.lower()
    pos = 0
    while (m := _HTML_SKIP_OPEN.search(text, pos)) is not None:
        end = lower.find(f"</{m.group(1).lower()}", m.end())
        close = lower.find(">", end) if end != -1 else -1
        stop = len(text) if close == -1 else close + 1
        spans.append((m.start(), stop))
        pos = stop
    return spans


def position(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset, given `line_starts` of the text."""
    index = bisect.bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1


def line_starts(text: str) -> list[int]:
    """Offsets at which each line starts (index 0 is line 1)."""
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts
