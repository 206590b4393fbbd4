"""Cheap necessary conditions for regex scans, so a pattern runs only where it can match.

Python's `re` tries a pattern that starts with `\\b` or an alternation at every position of the text, which
made security, placeholder and section-cue patterns the most expensive part of a check on real documents,
though they match in almost none. RE2 and ripgrep skip such work with prefilters; here they come from the
pattern's parse tree (`re._parser`, with a safe fallback to "no prefilter"):

- `prefixes`: strings every match starts with. `TextScan.spans` finds them with `str.find` and tries the
  pattern only there, giving exactly `finditer`'s spans; `literals`: strings one of which every match
  contains, a gate where no prefix is known.
- `first_words`: for the rule word lists, the word each entry's match starts with and the other words it
  needs, checked against the document's vocabulary.
- `UnitFilter`: for many short texts (paragraphs) and many patterns (section cues), which patterns can match
  in which text, from one Aho-Corasick pass per text over all their literals.

Case-insensitive patterns are tested against lower-cased text in which the few characters that `re` folds
onto another letter (dotless ı, long ſ, the rounded Cyrillic letters ...) are mapped onto it, so every test
stays a necessary condition: it may let through a text the regex then rejects, never the other way round.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

_MAX_SET = 64  # larger literal sets are not worth testing one by one


@cache
def _fold_table() -> dict[int, str]:
    """Characters `re.IGNORECASE` treats as equal beyond lower-casing, each mapped onto one representative."""
    try:
        from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]
    except ImportError:  # another Python: fold nothing; `literals` then refuses the characters concerned
        return {}
    table: dict[int, str] = {}
    for code, others in _EXTRA_CASES.items():
        group = {code, *others}
        representative = chr(min(ord(chr(c).lower()[:1]) for c in group))
        for c in group:
            table[c] = representative
            table[ord(chr(c).lower()[:1])] = representative
    return table


@cache
def _foldable() -> re.Pattern[str]:
    changed = [chr(c) for c, to in _fold_table().items() if chr(c) != to]
    return re.compile("[" + "".join(map(re.escape, changed)) + "]") if changed else re.compile(r"(?!)")


def fold(lowered: str) -> str:
    """Lower-cased text with `re`'s extra case equivalents mapped onto one letter (no-op for most texts).

    None of those letters is ASCII (a unit test holds that), and `isascii` costs nothing, unlike a scan."""
    if lowered.isascii():
        return lowered
    return lowered.translate(_fold_table()) if _foldable().search(lowered) else lowered


def _fold_literal(text: str) -> str:
    return "".join(c.lower()[:1] for c in text).translate(_fold_table())


@dataclass
class _Facts:
    """What a (sub)pattern consumes: `exact`, every string it can match (when few and literal), and
    `required`, literals one of which each match contains (None when nothing can be said)."""

    exact: set[str] | None = None
    required: set[str] | None = None


def _score(literals: set[str] | None) -> tuple[int, int]:
    if not literals:
        return (0, 0)
    return (min(map(len, literals)), -len(literals))


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    return a if _score(a) >= _score(b) else b


def _analyse(items: Any, ignorecase: bool) -> _Facts:
    from re import _constants as c  # type: ignore[attr-defined]

    current: set[str] | None = {""}
    whole = True  # the sequence so far is literal from its start
    best: set[str] | None = None

    def flush() -> None:
        nonlocal current, best, whole
        if current and all(current) and len(current) <= _MAX_SET:
            best = _better(best, current)
        current, whole = {""}, False

    def extend(options: set[str]) -> None:
        nonlocal current
        if current is None or len(current) * len(options) > _MAX_SET:
            flush()
            current = set(options) if len(options) <= _MAX_SET else {""}
            return
        current = {a + b for a in current for b in options}

    for op, av in items:
        if op is c.LITERAL:
            ch = chr(av)
            extend({_fold_literal(ch) if ignorecase else ch})
        elif op is c.IN and all(o is c.LITERAL for o, _ in av):
            extend({_fold_literal(chr(v)) if ignorecase else chr(v) for _, v in av})
        elif op is c.AT or op in (c.ASSERT, c.ASSERT_NOT):
            continue  # zero width: the run of literals goes on
        elif op is c.SUBPATTERN:
            _group, add, delete, sub = av
            case = (ignorecase or bool(add & re.IGNORECASE)) and not (delete & re.IGNORECASE)
            if case != ignorecase:  # '(?i:...)' inside a case-sensitive pattern: its literals are opaque here
                flush()
                continue
            inner = _analyse(sub, case)
            if inner.exact is not None:
                extend(inner.exact)
            else:
                flush()
                best = _better(best, inner.required)
        elif op is c.BRANCH:
            inner_all = [_analyse(alt, ignorecase) for alt in av[1]]
            if all(i.exact is not None for i in inner_all):
                extend(set().union(*(i.exact for i in inner_all if i.exact is not None)))
            else:
                flush()
                needed = [i.exact if i.exact is not None and all(i.exact) else i.required for i in inner_all]
                if all(n for n in needed):
                    union: set[str] = set().union(*(n for n in needed if n))
                    best = _better(best, union if len(union) <= _MAX_SET else None)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, _high, sub = av
            inner = _analyse(sub, ignorecase)
            flush()
            if low >= 1 and inner.exact is not None and len(inner.exact) == 1 and min(inner.exact) and low * len(min(inner.exact)) <= 8:
                best = _better(best, {min(inner.exact) * low})  # '\\?{3,}' needs '???'
            elif low >= 1:
                best = _better(best, inner.exact if inner.exact is not None and all(inner.exact) else inner.required)
        else:  # any character, a class, a back-reference ...: the literal run ends here
            flush()
    exact = current if whole else None
    flush()
    return _Facts(exact=exact, required=best)


@lru_cache(maxsize=512)
def _parsed(source: str, flags: int) -> tuple[Any, bool]:
    """The parse tree (read, never changed) and whether the pattern ignores case: parsed once for both
    analyses, since parsing the large unions of rule patterns costs more than compiling them."""
    from re import _parser  # type: ignore[attr-defined]

    tree = _parser.parse(source, flags)
    return tree, bool(tree.state.flags & re.IGNORECASE)


def literals(pattern: re.Pattern[str], min_length: int = 1) -> tuple[frozenset[str], bool] | None:
    """(literals, ignorecase): every match of `pattern` contains one of the literals (lower-cased and folded
    when ignorecase); None when no useful set exists or the pattern cannot be analysed."""
    return _literals(pattern.pattern, pattern.flags, min_length)


def _literals(source: str, flags: int, min_length: int = 1) -> tuple[frozenset[str], bool] | None:
    try:
        tree, ignorecase = _parsed(source, flags)
        facts = _analyse(tree, ignorecase)
    except Exception:  # a Python whose parser differs: no prefilter, the regex simply always runs
        return None
    found = facts.exact if facts.exact is not None and all(facts.exact) else facts.required
    if not found or len(found) > _MAX_SET or min(map(len, found)) < min_length:
        return None
    if ignorecase and not _fold_table() and any(ord(ch) > 127 or ch in "iks" for lit in found for ch in lit):
        return None
    return frozenset(found), ignorecase


_WORD_RUN = re.compile(r"\w+")


@dataclass(frozen=True)
class WordEntry:
    """What a word-list entry needs of a text: `first`, the word its match starts with (a prefix of that
    word when `prefix`), and `rest`, the other whole words it contains."""

    first: str
    prefix: bool
    rest: frozenset[str]


def first_words(entries: Iterable[tuple[str, bool]]) -> tuple[WordEntry, ...] | None:
    """For a word list (phrase, is_stem): each entry's first word and the other words it needs.

    A phrase's match starts at a word of the text, and that word is the phrase's first word exactly,
    unless the phrase is a single stem (any ending) or ends without a word boundary; its inner words stand
    as whole words in the text. None when an entry does not start with a word character (then every
    position is a candidate)."""
    out: list[WordEntry] = []
    for text, is_stem in entries:
        text = text.lower()
        runs = list(_WORD_RUN.finditer(text))
        if not runs or runs[0].start() != 0:
            return None
        open_end = is_stem or not text[-1].isalnum()  # the last run may go on in the text
        last_whole = not (open_end and runs[-1].end() == len(text))
        first_whole = len(runs) > 1 or last_whole
        rest = [r.group() for r in runs[1:-1]] + ([runs[-1].group()] if len(runs) > 1 and last_whole else [])
        out.append(WordEntry(runs[0].group(), not first_whole, frozenset(rest)))
    return tuple(out)


def vocabulary(text: str) -> frozenset[str]:
    return frozenset(_WORD_RUN.findall(text))


def word_starts(text: str, word: str) -> list[int]:
    """Offsets where `word` stands in `text` as a whole word (as `\\w+` would cut it)."""
    out: list[int] = []
    n, size = len(word), len(text)
    at = text.find(word)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + n] if at + n < size else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            out.append(at)
        at = text.find(word, at + 1)
    return out


class UnitFilter:
    """Which of many short texts (a document's paragraphs) each of some regexes may match in: the literals
    of all the regexes are found in one Aho-Corasick pass per text, and a regex then runs only on the texts
    holding one of its literals, not on every text."""

    def __init__(self, texts: list[str], patterns: Iterable[re.Pattern[str]]) -> None:
        everywhere, automaton = _unit_plan(tuple(patterns))
        self.everywhere = set(everywhere)
        # each literal's value in the automaton is the set of ids of the patterns that need it
        self.by_text: list[set[int]] = [
            set().union(*(owners for _end, owners in automaton.iter(text))) if automaton is not None else set()
            for text in texts]

    def candidates(self, index: int) -> set[int]:
        """Ids of the patterns that may match in text `index`."""
        return self.by_text[index] | self.everywhere


_UNIT_PLANS: dict[tuple[int, ...], tuple[tuple[re.Pattern[str], ...], frozenset[int], Any]] = {}


def _unit_plan(patterns: tuple[re.Pattern[str], ...]) -> tuple[frozenset[int], Any]:
    """(ids of the patterns without a prefilter, an automaton of the others' literals), made once per set of
    patterns: a batch asks with the same cue regexes for every document, and building it each time cost a
    twentieth of a check. The patterns are kept with the plan, so their ids stay theirs."""
    key = tuple(map(id, patterns))
    plan = _UNIT_PLANS.get(key)
    if plan is None:
        everywhere: set[int] = set()
        owners: dict[str, set[int]] = {}
        for pattern in patterns:
            found = _plan(pattern).needs
            if found is None or found[1]:  # case-insensitive patterns are not used on these (folded) texts
                everywhere.add(id(pattern))
                continue
            for literal in found[0]:
                owners.setdefault(literal, set()).add(id(pattern))
        automaton = None
        if owners:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            for literal, ids in owners.items():
                automaton.add_word(literal, frozenset(ids))
            automaton.make_automaton()
        if len(_UNIT_PLANS) >= 16:
            _UNIT_PLANS.clear()
        plan = _UNIT_PLANS[key] = (patterns, frozenset(everywhere), automaton)
    return plan[1], plan[2]


def _prefixes(items: Any, ignorecase: bool) -> tuple[set[str], bool]:
    """(strings every match starts with one of, whether they are the whole match); {""} when unknown."""
    from re import _constants as c  # type: ignore[attr-defined]

    current: set[str] = {""}

    def product(options: set[str]) -> bool:
        """Extend every prefix by every option; False when the set got too large and was cut short (a
        shorter prefix is still one every match starts with), so the caller stops extending."""
        nonlocal current
        combined = {a + b for a in current for b in options}
        if len(combined) <= _MAX_SET:
            current = combined
            return True
        for length in range(max(map(len, combined)) - 1, 0, -1):
            combined = {c[:length] for c in combined}
            if len(combined) <= _MAX_SET:
                if "" not in combined:  # an empty alternative: keep the prefixes found so far
                    current = combined
                break
        return False

    for op, av in items:
        if op is c.AT or op in (c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.LITERAL:
            ch = chr(av)
            if product({_fold_literal(ch) if ignorecase else ch}):
                continue
            return current, False
        if op is c.IN and all(o is c.LITERAL for o, _ in av):
            if product({_fold_literal(chr(v)) if ignorecase else chr(v) for _, v in av}):
                continue
            return current, False
        if op is c.SUBPATTERN:
            _group, add, delete, sub = av
            case = (ignorecase or bool(add & re.IGNORECASE)) and not (delete & re.IGNORECASE)
            if case != ignorecase:  # a scoped case flag: the scan tests one case for the whole pattern
                return current, False
            inner, whole = _prefixes(sub, case)
        elif op is c.BRANCH:
            alternatives = [_prefixes(alt, ignorecase) for alt in av[1]]
            inner = set().union(*(a for a, _ in alternatives))
            whole = all(w for _, w in alternatives)
            if not whole and any("" in a for a, _ in alternatives):
                return current, False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            inner, whole = _prefixes(av[2], ignorecase)[0], False
            if "" in inner:
                return current, False
        else:
            return current, False
        if not product(inner) or not whole:
            return current, False
    return current, True


def prefixes(pattern: re.Pattern[str]) -> tuple[frozenset[str], bool] | None:
    """(prefixes, ignorecase): every match of `pattern` starts with one of these strings (lower-cased and
    folded when ignorecase), so a scan need only try where they occur; None when no such set is known."""
    return _prefixes_of(pattern.pattern, pattern.flags)


def _prefixes_of(source: str, flags: int) -> tuple[frozenset[str], bool] | None:
    try:
        tree, ignorecase = _parsed(source, flags)
        found, _whole = _prefixes(tree, ignorecase)
    except Exception:
        return None
    if not found or "" in found or len(found) > _MAX_SET:
        return None
    if ignorecase and not _fold_table() and any(ord(ch) > 127 or ch in "iks" for lit in found for ch in lit):
        return None
    return frozenset(found), ignorecase


def same_length_lower(text: str) -> str:
    """`text.lower()`, one character per character (so offsets line up with the original)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else "".join(ch.lower()[:1] for ch in text)


def occurrences(haystack: str, needles: frozenset[str]) -> list[int]:
    """Sorted offsets where any of `needles` starts in `haystack`."""
    out: set[int] = set()
    for needle in needles:
        at = haystack.find(needle)
        while at >= 0:
            out.add(at)
            at = haystack.find(needle, at + 1)
    return sorted(out)


@dataclass(frozen=True)
class _Plan:
    starts: tuple[frozenset[str], bool] | None  # every match starts with one of these
    needs: tuple[frozenset[str], bool] | None  # every match contains one of these


_Stored = tuple[list[str], bool] | None


def _plans_file() -> Path:
    """Plans depend only on a pattern and on this module's analysis, so they are kept per machine, keyed by
    this file's own text (a changed analysis never reads old plans): parsing the rule unions costs more
    than the rest of a one-page check's rule work."""
    import hashlib
    import sys

    from sopgen.config import user_cache_dir

    digest = hashlib.sha256(Path(__file__).read_bytes() + sys.version.encode()).hexdigest()[:16]
    return user_cache_dir() / f"prefilter-plans-{digest}.json"


class _PlanStore:
    """Prefilter plans by (flags, pattern), read from the per-machine file once and written back by `save`
    when this process added some."""

    def __init__(self) -> None:
        self.plans: dict[str, _Plan] | None = None
        self.memo: dict[tuple[str, int], _Plan] = {}
        self.added = False

    def load(self) -> dict[str, _Plan]:
        if self.plans is None:
            self.plans = {}
            try:
                stored = json.loads(_plans_file().read_text(encoding="utf-8"))
                self.plans = {key: _Plan(_thaw(a), _thaw(b)) for key, (a, b) in stored.items()}
            except (OSError, ValueError, TypeError, KeyError):
                pass  # no file yet, or one from an interrupted write: analysed afresh
        return self.plans

    def get(self, source: str, flags: int) -> _Plan:
        flags &= ~re.UNICODE
        plan = self.memo.get((source, flags))  # the same source objects every time: their hash is kept
        if plan is None:
            key = f"{flags}:{source}"
            plans = self.load()
            plan = plans.get(key)
            if plan is None:
                plan = plans[key] = _Plan(_prefixes_of(source, flags), _literals(source, flags))
                self.added = True
            self.memo[(source, flags)] = plan
        return plan

    def save(self) -> None:
        if not self.added or self.plans is None:
            return
        self.added = False
        data = {key: (_freeze(p.starts), _freeze(p.needs)) for key, p in self.plans.items()}
        try:
            from sopgen.config import write_cache_file

            write_cache_file(_plans_file(), json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # a read-only home: plans are analysed again next time, nothing else changes


def _freeze(found: tuple[frozenset[str], bool] | None) -> _Stored:
    return None if found is None else (sorted(found[0]), found[1])


def _thaw(stored: _Stored) -> tuple[frozenset[str], bool] | None:
    return None if stored is None else (frozenset(stored[0]), bool(stored[1]))


_PLANS = _PlanStore()
save_plans = _PLANS.save


def _plan(pattern: re.Pattern[str]) -> _Plan:
    return _PLANS.get(pattern.pattern, pattern.flags)


class TextScan:
    """`spans(pattern)` is `[m.span() for m in pattern.finditer(text)]`, computed cheaply: where the
    pattern's matches must start with known strings, only their occurrences (found with `str.find`) are
    tried; where a match must contain a literal and the text has none, nothing runs at all."""

    def __init__(self, text: str, lowered: str | None = None) -> None:
        self.text = text
        self._lowered = lowered
        self._folded: str | None = None

    @property
    def folded(self) -> str:
        """The text lower-cased and case-folded, the same length as the text."""
        if self._folded is None:
            self._folded = fold(self._lowered if self._lowered is not None else same_length_lower(self.text))
        return self._folded

    def spans(self, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        return self._spans(_plan(pattern), lambda: pattern)

    def spans_of(self, source: str, flags: int, compiled: Callable[[], re.Pattern[str]]) -> list[tuple[int, int]]:
        """`spans` of the regex `source`, compiled (by `compiled()`) only if the text may hold a match."""
        return self._spans(_PLANS.get(source, flags), compiled)

    def _spans(self, plan: _Plan, compiled: Callable[[], re.Pattern[str]]) -> list[tuple[int, int]]:
        if plan.starts is not None:
            prefixes_, ignorecase = plan.starts
            spans: list[tuple[int, int]] = []
            end = 0
            found = occurrences(self.folded if ignorecase else self.text, prefixes_)
            if not found:
                return spans
            match = compiled().match
            for at in found:
                if at >= end and (m := match(self.text, at)) is not None:
                    spans.append(m.span())
                    end = max(m.end(), at + 1)
            return spans
        if not self._may_hold(plan):
            return []
        return [m.span() for m in compiled().finditer(self.text)]

    def may_match(self, pattern: re.Pattern[str]) -> bool:
        """False when the text holds none of the literals every match of `pattern` contains (for callers
        that need the matches themselves, not only their spans)."""
        return self._may_hold(_plan(pattern))

    def _may_hold(self, plan: _Plan) -> bool:
        if plan.needs is None:
            return True
        needed, ignorecase = plan.needs
        haystack = self.folded if ignorecase else self.text
        return any(literal in haystack for literal in needed)
