"""What the wording rules must not see: code, URLs, markup, headings, quoted UI labels.

The mask keeps every character position (masked characters become spaces, newlines stay), so a match in
the masked text has the same line and column as in the original file.
"""

from __future__ import annotations

import re

from sopgen.documents import Document

_HTML_NAMES = (
    "a|abbr|b|big|blockquote|body|br|button|caption|center|code|col|dd|details|div|dl|dt|em|font|footer|form|"
    "h[1-6]|head|header|hr|html|i|iframe|img|input|kbd|label|li|link|meta|nav|ol|option|p|pre|s|section|select|"
    "small|span|strong|style|sub|summary|sup|table|tbody|td|th|thead|title|tr|tt|u|ul|script|article|main|figure"
)
_PATTERNS = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(rf"</?(?:{_HTML_NAMES})(?:\s[^<>]*)?/?>", re.I),
    re.compile(r"``[^`\n]+``|`[^`\n]+`"),
    re.compile(r"\]\([^)\s]*\)"),
    re.compile(r"\b(?:https?|ftp|file)://[^\s<>\"')\]]+|\bwww\.[^\s<>\"')\]]+", re.I),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    re.compile(r"(?<![\w\\])(?:/[\w.-]+){2,}/?"),  # file system paths such as /etc/backup.d
    re.compile(r":(?:ref|doc|term|code|file):`[^`]*`"),
]
_QUOTED = re.compile(r"\"[^\"\n]{1,80}\"|“[^”\n]{1,80}”|„[^“”\n]{1,80}[“”]|«[^»\n]{1,80}»|‚[^‘’\n]{1,60}[‘’]")
_HTML_TAG_ANY = re.compile(r"<[^<>]*>")
_HTML_SKIP = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_MAX_LABEL_WORDS = 6


def _blank(chars: list[str], start: int, end: int) -> None:
    for k in range(start, end):
        if chars[k] != "\n":
            chars[k] = " "


def masked_text(doc: Document) -> str:
    """The document text with everything that is not checkable prose replaced by spaces."""
    text = doc.text
    chars = list(text)
    starts = line_starts(text)
    n_lines = len(starts)
    for block in doc.blocks:
        if block.kind in ("code", "front_matter", "heading"):
            first = starts[block.line - 1]
            last_line = min(block.end_line, n_lines)
            end = starts[last_line] - 1 if last_line < n_lines else len(text)
            _blank(chars, first, end)
    if doc.format == "html":
        for m in _HTML_SKIP.finditer(text):
            _blank(chars, m.start(), m.end())
        for m in _HTML_TAG_ANY.finditer(text):
            _blank(chars, m.start(), m.end())
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            _blank(chars, m.start(), m.end())
    for m in _QUOTED.finditer(text):
        if len(m.group(0).split()) <= _MAX_LABEL_WORDS:
            _blank(chars, m.start(), m.end())
    return "".join(chars)


def line_starts(text: str) -> list[int]:
    """Offsets at which each line starts (index 0 is line 1)."""
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts
