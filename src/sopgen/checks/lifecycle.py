"""Review due and ownership: when the document was last revised, when it is due, and who owns it.

Dates are read where a reader looks for them (the revision history, the approval block, the front matter),
in the forms real documents use: 2024-03-01, 01.03.2024, 1/3/2024, 'March 2024', '1 марта 2024 г.'.
An owner is a name after an owner or approver label ('Approved by: J. Smith', '| Owner | QA lead |',
'УТВЕРЖДАЮ ... И. И. Иванов'); a label with a blank, a line to sign on or 'TBD' is no owner.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache

_YEAR = re.compile(r"(?<!\d)(?:19|20|21)\d\d(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?!\d)")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_FRONT_DATE = re.compile(r"^(?:date|last_reviewed|reviewed|effective(?:_date)?|revised|updated):\s*['\"]?(.+?)['\"]?\s*$",
                         re.M | re.I)
_FRONT_OWNER = re.compile(r"^(?:owner|approver|approved_by|author|responsible):\s*['\"]?(.+?)['\"]?\s*$", re.M | re.I)
_BLANK = re.compile(r"^[\s_.\-–—…:|*\[\]()<>]*$|^(?:tbd|tba|n/?a|todo|xxx+|name|\[.*\]|<.*>|\{.*\}|\(.*\))$", re.I)


@dataclass(frozen=True)
class Dated:
    day: date
    start: int
    end: int


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if 1990 <= year <= 2100 else None
    except ValueError:
        return None


@cache
def _month_regex(months: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(stem) for stem in months)
    return re.compile(rf"(?:(?<!\d)(\d{{1,2}})\.?\s+)?\b({names})[^\W\d]*\.?,?\s+(\d{{4}})(?!\d)", re.I)


def find_dates(text: str, months: list[str], language: str) -> Iterator[Dated]:
    """Every date in `text` with its span; ambiguous 1/3/2024 is day-first except in English."""
    if not _YEAR.search(text):
        return  # no four-digit year, no date (most lines)
    for m in _ISO.finditer(text):
        d = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
        if d:
            yield Dated(d, m.start(), m.end())
    for m in _DOTTED.finditer(text):
        d = _safe(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            yield Dated(d, m.start(), m.end())
    for m in _SLASHED.finditer(text):
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        month_first = language == "en" and a <= 12
        d = _safe(year, a, b) if month_first else _safe(year, b, a)
        if d:
            yield Dated(d, m.start(), m.end())
    if months:
        for m in _month_regex(tuple(months)).finditer(text):
            month = next(i for i, stem in enumerate(months, start=1) if m.group(2).lower() == stem.lower())
            d = _safe(int(m.group(3)), month, int(m.group(1) or 1))
            if d:
                yield Dated(d, m.start(), m.end())


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def front_matter(text: str) -> str:
    if not text.startswith("---\n"):
        return ""
    end = text.find("\n---", 4)
    return text[4:end] if end > 0 else ""


def last_revision(text: str, starts: list[int], lines: set[int], months: list[str], language: str,
                  today: date) -> Dated | None:
    """The latest date (not in the future) in the front matter or on the given lines."""
    candidates: list[Dated] = []
    head = front_matter(text)
    for m in _FRONT_DATE.finditer(head):
        offset = 4 + m.start(1)
        candidates += [Dated(d.day, offset + d.start, offset + d.end) for d in find_dates(m.group(1), months, language)]
    for first, last in _runs(sorted(n for n in lines if 0 < n <= len(starts))):
        start = starts[first - 1]
        end = starts[last] - 1 if last < len(starts) else len(text)
        chunk = text[start:end]
        candidates += [Dated(d.day, start + d.start, start + d.end) for d in find_dates(chunk, months, language)]
    past = [d for d in candidates if d.day <= today]
    return max(past, key=lambda d: (d.day, -d.start)) if past else None


def _runs(numbers: list[int]) -> Iterator[tuple[int, int]]:
    """Consecutive line numbers as (first, last) ranges: one regex pass per section, not per line."""
    if not numbers:
        return
    first = previous = numbers[0]
    for n in numbers[1:]:
        if n != previous + 1:
            yield first, previous
            first = n
        previous = n
    yield first, previous


def owner(text: str, labels: re.Pattern[str] | None) -> str | None:
    """The first named owner or approver, or None."""
    for m in _FRONT_OWNER.finditer(front_matter(text)):
        if _named(m.group(1)):
            return m.group(1).strip()
    if labels is None:
        return None
    for m in labels.finditer(text):
        value = (m.group("name") or "").strip("*_ \t")
        if not _named(value):
            value = _below(text, m.start("name"), m.start() + (text[m.start()] in "\n|"))
        if _named(value):
            return value[:80]
    return None


def _named(value: str) -> bool:
    value = value.replace("\\", "").strip()  # Markdown escapes: '\<enter role\>' is still a placeholder
    return bool(value) and not _BLANK.match(value) and any(c.isalpha() for c in value)


def _below(text: str, at: int, label: int) -> str:
    """The value under a label: the same column of a table's next row, or the next non-empty line (a stamp
    'УТВЕРЖДАЮ' with the title and name on the lines below)."""
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line = text[line_start : line_end if line_end >= 0 else None]
    following = text[line_end + 1 :].split("\n", 6)[:6] if line_end >= 0 else []
    if line.lstrip().startswith("|"):
        column = line[: label - line_start].count("|") - 1
        names = []
        for row in following:
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            if not row.lstrip().startswith("|"):
                break
            if 0 <= column < len(cells) and _named(cells[column].strip("*_ ")):
                names.append(cells[column].strip("*_ "))
        return names[-1] if names else ""  # the latest row: who approved the current version
    if text[at:line_end if line_end >= 0 else None].strip():
        return ""
    for row in following[:4]:
        row = row.strip().strip("*_ ")
        if not row:
            continue
        if row.startswith("#") or len(row.split()) > 8 or re.search(r":[\s_.\-–—]*$", row):
            return ""  # a heading, a sentence or another empty label: no name under this label
        return row
    return ""
