"""Plain-text structure: headings of every common style, list steps, tables, code, front matter.

Works on Markdown, reStructuredText and unmarked text alike, because legacy documents mix them freely.
Every block keeps its 1-based line span in the decoded text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from sopgen.documents.model import Block, DocSection
from sopgen.documents.prefilter import literals

_ATX = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(\S.*)$")  # closing #s are stripped in code: linear
_UNDERLINE = re.compile(r"^\s*([=\-~^*+#`'\"])\1{2,}\s*$")
_FENCE = re.compile(r"^\s*(```+|~~~+)")
_ORDERED = re.compile(r"^(\s*)(\d{1,3}(?:\.\d{1,3})*)([.)]?)\s+(\S.*)$")
_LETTERED = re.compile(r"^(\s*)([a-zа-я])([.)])\s+(\S.*)$")
_STEP_WORD = re.compile(r"^(\s*)((?:step|schritt|шаг|этап)\s+\d+)\s*[:.)\-–]\s*(\S.*)$", re.I)
_BULLET = re.compile(r"^(\s*)([-*+•–·▪◦□☐]|\[[ xX]\])\s+(\S.*)$")
_BOLD = re.compile(r"^(\*\*|__)(\S.*?)\1[ \t]?:?$")  # on stripped lines of at most _MAX_HEADING_CHARS
_ROMAN = re.compile(r"^\s*([IVX]{1,5}|[A-Z])[.)]\s+(\S.{0,80})$")
_SECTION_WORD = re.compile(r"^\s*(?:section|abschnitt|kapitel|раздел|глава|§)\s*(\d+(?:\.\d+)*)\.?\s*[:.\-–]?\s*(.*)$", re.I)
_TABLE = re.compile(r"^\s*(\|.*\||\+[-=+]+\+)\s*$")
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+[\w-]+::")
_TERMINAL = re.compile(r"[.;!?,]\s*$")
_SENTENCE_END = re.compile(r"[.!?:]\s*$")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>\n]{0,500}>")
# Inline markup of Markdown, reStructuredText, MkDocs and Hugo-like shortcodes, removed so the words (and
# identifiers such as erp_main or after_an_incident.md, which contain the same characters) survive exactly.
# Every pattern is bounded, so a line full of '*' or '`' costs linear time.
_INLINE: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\{heading\(([^()\n]{0,300})\)(?:\[[^\]\n]{0,300}\])?\}"), r"\1"),  # {heading(Title)[id=x]}
    (re.compile(r"\s?\{[:#.][^{}\n]{0,300}\}"), ""),  # attribute lists {#id .class} / {: ...}
    (re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+\"([^\"\n]{0,200})\")?\s*"), r"\1 "),  # MkDocs admonition
    (re.compile(r":[\w+-]{1,30}(?::[\w+-]{1,30})?:`([^`<\n]{0,300}?)\s*(?:<[^>`\n]{0,300}>)?`"), r"\1"),  # :ref:`t <x>`
    (re.compile(r"`([^`\n]{1,300}?)\s*<[^>`\n]{0,300}>`_{1,2}"), r"\1"),  # rst link `text <url>`_
    (re.compile(r"!?\[([^\[\]\n]{0,300})\]\([^()\s]{0,500}(?:\s+\"[^\"\n]{0,200}\")?\)"), r"\1"),  # [t](url)
    (re.compile(r"``([^`\n]{1,300}?)``|`([^`\n]{1,300}?)`"), lambda m: m.group(1) or m.group(2)),  # code: kept verbatim
    (re.compile(r"(\*\*|__)(?=\S)([^\n]{1,300}?)(?<=\S)\1"), r"\2"),  # **strong**
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]{1,300}?)(?<=\S)\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]{1,300}?)(?<=\S)_(?![\w_])"), r"\1"),  # _emphasis_, not snake_case
]


def _needs(pattern: re.Pattern[str]) -> frozenset[str]:
    found = literals(pattern)
    return found[0] if found is not None and not found[1] else frozenset()


# each pattern runs only on a line holding one of the literals any match of it contains ('**', ':`', '](')
_INLINE_NEEDS = [(_needs(pattern), pattern, replacement) for pattern, replacement in _INLINE]
_TAG_NEEDS = _needs(_HTML_TAG)
# every character some needed literal starts with: a line with none of them is left as it is (unless a
# pattern needs no literal, then every line goes through the patterns)
_TRIGGERS = re.compile("") if any(not needs for needs, _, _ in _INLINE_NEEDS) or not _TAG_NEEDS else re.compile(
    "[" + re.escape("".join({n[0] for needs, _, _ in _INLINE_NEEDS for n in needs} | {n[0] for n in _TAG_NEEDS})) + "]")


# per pattern: the first characters of its literals (a line holding none of them is not looked at again)
_INLINE_PLAN = [(frozenset(n[0] for n in needs), tuple(needs), pattern, replacement)
                for needs, pattern, replacement in _INLINE_NEEDS]


def clean_inline(text: str) -> str:
    """Drop inline markup (emphasis, roles, links, attribute lists, stray HTML tags) from a line of content.

    >>> clean_inline("Restore **erp_main** from `after_an_incident.md`, see :ref:`backups <bk>` {#x}")
    'Restore erp_main from after_an_incident.md, see backups'
    """
    found = _TRIGGERS.findall(text)
    if not found:
        return text.strip()  # plain prose: no character any markup pattern needs
    # the trigger characters of the line as written: a substitution only removes characters, so a pattern
    # none of whose literals starts with one of them cannot match later either (a literal such as '**' can
    # form when what stood between two '*' is removed, hence the `in` test on the current text). With the
    # catch-all trigger (some pattern needs no literal) the characters found say nothing, so none is skipped.
    chars = set(found) if _TRIGGERS.pattern else None
    if not _TAG_NEEDS or any(n in text for n in _TAG_NEEDS):
        text = _HTML_TAG.sub("", text)
    for firsts, needs, pattern, replacement in _INLINE_PLAN:
        if not needs:
            text = pattern.sub(replacement, text)
            continue
        if chars is not None and firsts.isdisjoint(chars):
            continue
        for n in needs:
            if n in text:
                text = pattern.sub(replacement, text)
                break
    return text.strip()


def _is_caps_heading(line: str) -> bool:
    if line != line.upper():
        return False  # a lower-case letter: the common case, decided without a pass per character
    letters = [c for c in line if c.isalpha()]
    words = line.split()
    return (
        len(letters) >= 4
        and all(c.isupper() for c in letters)
        and len(words) <= 10
        and not line.rstrip().endswith((".", ";", ","))
    )


_MAX_HEADING_CHARS = 300  # nothing longer is a heading; also bounds every heading pattern's work


def _atx_text(content: str) -> str:
    """ATX heading text without the optional closing run of '#' (done here, not in the pattern)."""
    text = content.rstrip()
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare.rstrip()
    return text


def _heading_like(text: str, max_words: int = 9) -> bool:
    words = text.split()
    return 0 < len(words) <= max_words and not _TERMINAL.search(text) and text[:1].isupper()


def _front_matter_end(lines: list[str]) -> int:
    """Index of the closing '---' of YAML front matter, or -1."""
    if not lines or lines[0].strip() != "---":
        return -1
    for i in range(1, min(len(lines), 80)):
        if lines[i].strip() in ("---", "..."):
            body = lines[1:i]
            return i if body and all(":" in l or not l.strip() or l.startswith((" ", "-")) for l in body) else -1
    return -1


def parse_text(text: str) -> list[Block]:
    """Blocks of a plain-text-like document (md, txt, rst, extracted pdf text)."""
    lines = text.split("\n")
    blocks: list[Block] = []
    n = len(lines)
    i = 0
    fm_end = _front_matter_end(lines)
    if fm_end > 0:
        blocks.append(Block(kind="front_matter", text="\n".join(lines[1:fm_end]), line=1, end_line=fm_end + 1))
        i = fm_end + 1
    underline_levels: dict[str, int] = {}
    para: list[tuple[int, str]] = []

    def flush() -> None:
        content = " ".join(clean_inline(t) for _, t in para).strip()
        if content:
            blocks.append(Block(kind="paragraph", text=content, line=para[0][0] + 1, end_line=para[-1][0] + 1))
        para.clear()

    def next_nonblank(j: int) -> str:
        while j < n and not lines[j].strip():
            j += 1
        return lines[j] if j < n else ""

    while i < n:
        raw = lines[i]
        stripped = raw.strip()
        if not stripped:
            flush()
            i += 1
            continue
        fence = _FENCE.match(raw) if "`" in raw or "~" in raw else None
        if fence:
            flush()
            mark = fence.group(1)[:3]
            j = i + 1
            while j < n and not lines[j].strip().startswith(mark):
                j += 1
            end = min(j, n - 1)
            blocks.append(Block(kind="code", text="\n".join(lines[i + 1 : j]), line=i + 1, end_line=end + 1))
            i = end + 1
            continue
        directive = _RST_DIRECTIVE.match(raw) is not None if ".." in raw else False
        if (stripped.endswith("::") and not directive) or (directive and "code" in raw):
            # reStructuredText literal block: the indented lines after '::' are code.
            if not directive and stripped != "::":
                para.append((i, stripped[:-1]))
            flush()
            j = i + 1
            while j < n and (not lines[j].strip() or lines[j].startswith((" ", "\t"))):
                j += 1
            first = next((k for k in range(i + 1, j) if lines[k].strip()), None)
            if first is not None:
                last = max(k for k in range(first, j) if lines[k].strip())
                blocks.append(Block(kind="code", text="\n".join(lines[first : last + 1]), line=first + 1,
                                    end_line=last + 1))
            i = j
            continue
        if directive:
            flush()
            i += 1
            continue
        underline = _UNDERLINE.match(raw) is not None
        # reStructuredText over- and underlined title
        if underline and i + 2 < n and lines[i + 1].strip() and _UNDERLINE.match(lines[i + 2]):
            flush()
            char = "o" + raw.strip()[0]
            level = underline_levels.setdefault(char, len(underline_levels) + 1)
            blocks.append(Block(kind="heading", text=clean_inline(lines[i + 1]), line=i + 2, end_line=i + 3,
                                level=level, style="rst"))
            i += 3
            continue
        # setext / rst underline: the previous single line was the heading text
        if underline and len(para) == 1 and len(stripped) >= 3:
            idx, head = para.pop()
            char = stripped[0]
            if char in "=-" and not underline_levels:
                level = 1 if char == "=" else 2
            else:
                level = underline_levels.setdefault(char, len(underline_levels) + 1)
            blocks.append(Block(kind="heading", text=clean_inline(head), line=idx + 1, end_line=i + 1,
                                level=level, style="setext"))
            i += 1
            continue
        if underline or stripped in ("***", "___", "* * *"):
            flush()  # thematic break
            i += 1
            continue
        if ("|" in raw or "+" in raw) and _TABLE.match(raw):
            flush()
            j = i
            rows: list[str] = []
            while j < n and (_TABLE.match(lines[j]) or lines[j].strip().startswith("|")):
                cells = [c.strip() for c in lines[j].strip().strip("|").split("|")]
                if not all(re.fullmatch(r"[-:=+ ]*", c) for c in cells):
                    rows.append(" | ".join(clean_inline(c) for c in cells))
                j += 1
            blocks.append(Block(kind="table", text="\n".join(rows), line=i + 1, end_line=j))
            i = j
            continue
        # A paragraph that ended a sentence can be followed by a heading without a blank line (PDF text).
        open_paragraph = bool(para) and not _SENTENCE_END.search(para[-1][1])
        heading = _match_heading(raw, lines, i, next_nonblank(i + 1), open_paragraph)
        if heading is not None:
            flush()
            blocks.append(heading)
            i += 1
            continue
        item = _match_item(raw)
        if item is not None:
            flush()
            indent, number, ordered, content = item
            j = i + 1
            parts = [content]
            while j < n and lines[j].strip() and lines[j].startswith((" ", "\t")) and _match_item(lines[j]) is None:
                if len(lines[j]) - len(lines[j].lstrip()) <= indent:
                    break
                parts.append(lines[j].strip())
                j += 1
            blocks.append(Block(kind="list_item", text=clean_inline(" ".join(parts)), line=i + 1, end_line=j,
                                ordered=ordered, number=number, level=indent // 2))
            i = j
            continue
        para.append((i, stripped))
        i += 1
    flush()
    return blocks


def _match_heading(raw: str, lines: list[str], i: int, following: str, in_paragraph: bool) -> Block | None:
    line_no = i + 1
    m = _ATX.match(raw)
    if m:
        return Block(kind="heading", text=clean_inline(_atx_text(m.group(2))), line=line_no, end_line=line_no,
                     level=len(m.group(1)), style="atx")
    stripped = raw.strip()
    if in_paragraph or len(stripped) > _MAX_HEADING_CHARS:
        return None
    m = _SECTION_WORD.match(stripped)
    if m and (m.group(2) == "" or _heading_like(m.group(2), 10)):
        return Block(kind="heading", text=clean_inline(m.group(2) or stripped), line=line_no, end_line=line_no,
                     level=m.group(1).count(".") + 1, number=m.group(1), style="numbered")
    m = _BOLD.match(stripped)
    if m and len(m.group(2).split()) <= 10:
        inner = m.group(2).strip()
        num = _ORDERED.match(inner)
        return Block(kind="heading", text=clean_inline(num.group(4) if num else inner).rstrip(":"), line=line_no,
                     end_line=line_no, level=2, number=num.group(2) if num else None, style="bold")
    m = _ORDERED.match(raw)
    if m and not m.group(1):
        number, content = m.group(2), clean_inline(m.group(4))
        previous = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        in_list = _continues_list(number, following) or _continues_list_backwards(number, previous)
        if _is_caps_heading(content) or (_heading_like(content) and not in_list):
            return Block(kind="heading", text=content.rstrip(":"), line=line_no, end_line=line_no,
                         level=number.count(".") + 1, number=number, style="numbered")
        return None
    m = _ROMAN.match(raw)
    if m and _heading_like(m.group(2), 8) and (_is_caps_heading(m.group(2)) or not _LETTERED.match(raw)):
        return Block(kind="heading", text=clean_inline(m.group(2)), line=line_no, end_line=line_no,
                     level=1, number=m.group(1), style="numbered")
    if _BULLET.match(raw):
        return None
    if _is_caps_heading(stripped) and not following.strip().startswith(("=", "-")):
        return Block(kind="heading", text=clean_inline(stripped).rstrip(":"), line=line_no, end_line=line_no,
                     level=1, style="caps")
    if (
        stripped.endswith(":")
        and _heading_like(stripped[:-1], 5)
        and (i == 0 or not lines[i - 1].strip())
    ):
        return Block(kind="heading", text=clean_inline(stripped[:-1]), line=line_no, end_line=line_no,
                     level=3, style="label")
    return None


def _continues_list(number: str, following: str) -> bool:
    """'1. Open the console' followed by '2. ...' is a list, not a heading."""
    nxt = _ORDERED.match(following)
    if not nxt:
        return False
    head, _, last = number.rpartition(".")
    nhead, _, nlast = nxt.group(2).rpartition(".")
    if nxt.group(2).startswith(number + "."):
        return False  # '3 Procedure' followed by '3.1 ...' is a heading with sub-items
    return head == nhead and last.isdigit() and nlast.isdigit() and int(nlast) == int(last) + 1


def _continues_list_backwards(number: str, previous: str) -> bool:
    prev = _ORDERED.match(previous)
    if not prev:
        return False
    head, _, last = number.rpartition(".")
    phead, _, plast = prev.group(2).rpartition(".")
    return head == phead and last.isdigit() and plast.isdigit() and int(last) == int(plast) + 1


def _match_item(raw: str) -> tuple[int, str | None, bool, str] | None:
    for pattern, ordered in ((_STEP_WORD, True), (_ORDERED, True), (_LETTERED, True), (_BULLET, False)):
        m = pattern.match(raw)
        if m:
            indent = len(m.group(1).expandtabs(4))
            content = m.group(m.lastindex or 1)
            number = m.group(2) if ordered else None
            return indent, number, ordered, content
    return None


def build_sections(blocks: Iterable[Block], last_line: int) -> list[DocSection]:
    """Flat list of sections in document order; the preamble (if any) comes first without a heading."""
    sections: list[DocSection] = []
    current = DocSection(heading=None, level=0, line=1, end_line=1)
    for block in blocks:
        if block.kind == "heading":
            if current.heading is not None or current.blocks:
                sections.append(current)
            current = DocSection(heading=block.text, level=block.level, line=block.line, end_line=block.end_line,
                                 number=block.number)
        elif block.kind != "front_matter":
            current.blocks.append(block)
    if current.heading is not None or current.blocks:
        sections.append(current)
    for k, section in enumerate(sections):
        nxt = sections[k + 1].line - 1 if k + 1 < len(sections) else last_line
        section.end_line = max(section.line, nxt)
        if section.heading is None and section.blocks:
            section.line = section.blocks[0].line
    return sections
