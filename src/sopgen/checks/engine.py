"""The check engine: runs the compiled rules of a document's language over its masked text.

Small and generic on purpose: what a rule matches lives in YAML; the only code per rule kind is the
matcher for the few kinds that need more than a regex (passive voice, step structure, abbreviations).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sopgen.checks import lifecycle, roles, strength, words
from sopgen.checks.findings import Finding
from sopgen.checks.masking import line_starts, masked_text, position
from sopgen.checks.morphology import find_passives
from sopgen.checks.pronouns import ambiguous_pronouns
from sopgen.checks.rules import CompiledRule
from sopgen.documents import Block, Document
from sopgen.documents.classify import Detection, match_heading
from sopgen.documents.prefilter import TextScan, vocabulary, word_starts
from sopgen.schema import Profile, canonical_sections

_SUPPRESS = re.compile(r"<!--\s*sopgen-(disable|enable|disable-next-line)\b([^>]*?)-->", re.I)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*(?:\d+[.)]\s+|[-*•]\s+)?)$")
_ABBREVIATION = re.compile(r"([A-ZÄÖÜА-ЯЁ](?<![\w-].)[A-ZÄÖÜА-ЯЁ]{1,7})s?(?![\w-])")  # FS01, FRM-QA-017: identifiers
_DEFINED_PAREN = re.compile(r"\(([A-ZÄÖÜА-ЯЁ][A-ZÄÖÜА-ЯЁ0-9]{1,7})s?\)")
_DEFINED_LEAD = re.compile(r"^\s*(?:[-*•]\s*)?\**([A-ZÄÖÜА-ЯЁ][A-ZÄÖÜА-ЯЁ0-9]{1,7})\**\s*(?:[:=–—-]|\()", re.M)
_ACTOR_PREFIX = re.compile(
    r"^\s*(?:\*\*[^*]{2,40}\*\*|\[[^\]]{2,40}\]|\([^)]{2,40}\)|[\w /-]{2,40}:)\s*"
    r"|^\s*(?:the|a|an|der|die|das|ein|eine)\s+[\w-]+(?:\s+[\w-]+)?\s+\w+(?:s|t)\b",
    re.I,
)
_EN_THIRD_PERSON = re.compile(r"^\s*(?:[A-Z][\w-]*\s){1,3}(?:\w+s|must|shall|will)\b")
_RU_ROLE_START = re.compile(r"^\s*[А-ЯЁ][а-яё]+(?:\s+[а-яё]+)?\s+[а-яё]+(?:ет|ит|ат|ят|ёт)\b")


@dataclass
class Context:
    """Per-document state shared by the matchers."""

    doc: Document
    masked: str
    starts: list[int]
    steps_need_actor: bool
    procedure_lines: set[int]
    lowered: str = ""
    headings: list[tuple[int, str]] | None = None
    profile: Profile | None = None
    detection: Detection | None = None
    today: date = field(default_factory=date.today)
    facts: dict[str, object] = field(default_factory=dict)  # what the document-level rules learnt, for the report
    _scans: dict[str, TextScan] = field(default_factory=dict, repr=False)
    _vocabulary: frozenset[str] | None = field(default=None, repr=False)
    _word_starts: dict[str, list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        lowered = self.masked.lower()
        # str.lower() keeps the length for every letter of our languages; if some odd character changes it,
        # fall back to a per-character lower so offsets still line up
        self.lowered = lowered if len(lowered) == len(self.masked) else "".join(c.lower()[:1] for c in self.masked)

    def position(self, offset: int) -> tuple[int, int]:
        return position(self.starts, offset)

    def scan(self, raw: bool = False) -> TextScan:
        """Regex scans of the masked text (or, `raw`, the text as written) that skip where nothing can match."""
        key = "raw" if raw else "masked"
        if key not in self._scans:
            self._scans[key] = TextScan(self.doc.text) if raw else TextScan(self.masked, self.lowered)
        return self._scans[key]

    def vocabulary(self) -> frozenset[str]:
        if self._vocabulary is None:
            self._vocabulary = vocabulary(self.lowered)
        return self._vocabulary

    def word_starts(self, word: str) -> list[int]:
        if word not in self._word_starts:
            self._word_starts[word] = word_starts(self.lowered, word)
        return self._word_starts[word]

    def heading_at(self, offset: int) -> str:
        """The text of the nearest heading above `offset` ('' before the first one)."""
        if self.headings is None:
            self.headings = [(b.line, b.text) for b in self.doc.blocks if b.kind == "heading"]
        line = self.position(offset)[0]
        text = ""
        for heading_line, heading in self.headings:
            if heading_line > line:
                break
            text = heading
        return text

    def lines(self, section_id: str) -> set[int]:
        """The lines of a detected section (empty when it was not found).

        A section the profile does not ask for was not detected: it is then found by its heading alone
        (the roles of a 'basic' SOP still sit under 'Responsibilities')."""
        found = self.detection.lines_of(self.doc, section_id) if self.detection is not None else set()
        if found or (self.profile is not None and any(s.id == section_id for s in self.profile.sections)):
            return found
        spec = {section_id: canonical_sections()[section_id]}
        for sec in self.doc.sections:
            if sec.heading and match_heading(sec.heading, spec, sec.body):
                found.update(range(sec.line, sec.end_line + 1))
        return found

    def procedure_steps(self) -> list[Block]:
        """The numbered steps of the procedure section, or every numbered step when it was not detected."""
        steps = [b for b in self.doc.steps if b.ordered]
        inside = [b for b in steps if b.line in self.procedure_lines]
        return inside or steps

    def locate(self, text: str, start: int, end: int | None = None, fallback: int | None = None) -> int:
        """Offset of `text` in the document at or after `start` (before `end`), else `fallback` (or `start`)."""
        at = self.doc.text.find(text, start, end) if end is not None else self.doc.text.find(text, start)
        return at if at >= 0 else (start if fallback is None else fallback)

    def block_span(self, block: Block) -> tuple[int, int]:
        start = self.starts[block.line - 1]
        end_line = min(block.end_line, len(self.starts))
        end = self.starts[end_line] - 1 if end_line < len(self.starts) else len(self.masked)
        return start, end


def make_finding(ctx: Context, rule: CompiledRule, start: int, end: int, **fmt: object) -> Finding:
    line, column = ctx.position(start)
    end_line, end_column = ctx.position(end)
    text = ctx.doc.text[start:end]
    values = {"text": text, **fmt}
    return Finding(
        rule=rule.id, category=rule.spec.category, severity=rule.spec.severity, line=line, column=column,
        end_line=end_line, end_column=end_column, text=text, message=rule.spec.message.format(**values),
        suggestion=rule.spec.suggestion.format(**values), fix=_fix(rule, text),
    )


def _fix(rule: CompiledRule, text: str) -> str | None:
    """The rule's replacement for the matched text, in the text's capitalisation."""
    fix = rule.spec.fixes.get(" ".join(text.lower().split())) if rule.spec.fixes else None
    if fix is None:
        return None
    return fix[:1].upper() + fix[1:] if text[:1].isupper() else fix


def _word_spans(ctx: Context, rule: CompiledRule) -> list[tuple[int, int]]:
    """`rule.words.finditer(ctx.lowered)`, tried only where a word the list can start with stands."""
    if rule.word_starts is None:
        assert rule.words is not None
        return [m.span() for m in rule.words.finditer(ctx.lowered)]
    vocabulary = ctx.vocabulary()
    hits: set[str] = set()
    prefixes: list[str] = []
    candidates: list[int] = []  # the entries the text can match
    for i, entry in enumerate(rule.word_starts):
        if entry.rest and not entry.rest <= vocabulary:
            continue  # 'in the near future' cannot match without 'near' and 'future'
        if entry.prefix:
            prefixes.append(entry.first)
            candidates.append(i)
        elif entry.first in vocabulary:
            hits.add(entry.first)
            candidates.append(i)
    if prefixes:
        starts = tuple(prefixes)
        found = {w for w in vocabulary if w.startswith(starts)}
        hits |= found
        candidates = [i for i in candidates if not rule.word_starts[i].prefix
                      or any(w.startswith(rule.word_starts[i].first) for w in found)]
    if not hits:
        return []
    words = rule.words_for(tuple(candidates))
    spans: list[tuple[int, int]] = []
    end = -1
    for start in sorted({at for word in hits for at in ctx.word_starts(word)}):
        if start >= end and (m := words.match(ctx.lowered, start)) is not None:
            spans.append(m.span())
            end = m.end()
    return spans


def _regex_spans(ctx: Context, rule: CompiledRule) -> list[tuple[int, int]]:
    assert rule.pattern is not None
    return ctx.scan(raw=rule.spec.raw_text).spans_of(*rule.pattern, rule.compiled)


def _lexical(ctx: Context, rule: CompiledRule) -> Iterator[tuple[int, int]]:
    text = ctx.masked
    spans: list[tuple[int, int]] = []
    if rule.has_words:
        spans += _word_spans(ctx, rule)
    if rule.pattern is not None:
        spans += _regex_spans(ctx, rule)
    for start, end in sorted(spans):
        if any(e.match(text, start) for e in rule.exceptions):
            continue
        if rule.not_under is not None and rule.not_under.search(ctx.heading_at(start)):
            continue
        word = text[start:end]
        if rule.skip_initial and word.lower() in rule.skip_initial and word[0].isupper() \
                and _SENTENCE_START.search(text[max(0, start - 12) : start]):
            continue
        yield start, end


def _compound(ctx: Context, rule: CompiledRule) -> Iterator[tuple[int, int, int]]:
    if rule.separators is None:
        return
    for block in ctx.doc.steps:
        start, end = ctx.block_span(block)
        body = ctx.masked[start:end]
        actions = len(rule.separators.findall(body)) + 1
        if actions >= 3:
            offset = start + (len(body) - len(body.lstrip()))
            yield offset, min(end, offset + len(body.strip())), actions


def _missing_actor(ctx: Context, rule: CompiledRule) -> Iterator[tuple[int, int]]:
    """Steps that name no actor. A rule with `patterns` flags the step forms they describe (a noun phrase, an
    impersonal 'it is necessary to'), which say neither who acts nor that the reader does, in every
    profile; one without flags every step not opening with an actor, where the profile wants actors."""
    nominal = rule.pattern is not None
    if not nominal and not ctx.steps_need_actor:
        return
    for block in ctx.doc.steps:
        if not block.ordered or block.line not in ctx.procedure_lines:
            continue
        text = block.text
        start, end = ctx.block_span(block)
        raw = ctx.doc.text[start:end]
        if nominal:
            if rule.compiled().match(text):
                yield _step_span(start, raw, text)
            continue
        raw_first = re.sub(r"^\s*(?:\d+(?:\.\d+)*[.)]?|[-*•])\s+", "", raw)
        if _ACTOR_PREFIX.match(raw_first) or _ACTOR_PREFIX.match(text) or _EN_THIRD_PERSON.match(text) or _RU_ROLE_START.match(text):
            continue
        yield _step_span(start, raw, text)


def _step_span(start: int, raw: str, text: str) -> tuple[int, int]:
    """Where a step's cleaned `text` stands in its block `raw` (which opens at `start`): after the marker."""
    offset = max(raw.find(text[:20]), 0)
    return start + offset, start + offset + min(len(text), len(raw))


_DATE_OR_VERSION = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}(?:-\d{2})?|\b[vV]?\d+\.\d+\b|\d{1,2}/\d{4}")
_DEFINED_ROW = re.compile(r"(?m)^\s*\|\s*([A-ZÄÖÜА-ЯЁ][A-ZÄÖÜА-ЯЁ0-9]{1,7})\s*\|\s*[A-Za-zÄÖÜäöüА-Яа-яЁё][^|\n]*\s[^|\n]*\|")


def _line_of(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The text before `start` on its line, the match, and the text after `end` on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start:start], text[start:end], text[end : line_end if line_end != -1 else len(text)]


def _initials(ctx: Context, start: int, end: int) -> bool:
    """A short capital token alone in a table cell, or after a dash at a line's end, on a dated or
    versioned line: the initials of whoever wrote a change-log entry."""
    before, token, after = _line_of(ctx.doc.text, start, end)
    if not _DATE_OR_VERSION.search(before + token + after):
        return False
    before, after = before.rstrip(), after.strip()
    alone_in_cell = before.endswith("|") and after.startswith("|")
    signed_off = before.endswith(("-", "–", "—", ",")) and not after
    return alone_in_cell or signed_off


def _abbreviations(ctx: Context, rule: CompiledRule) -> Iterator[tuple[int, int]]:
    text = ctx.doc.text
    defined = set(_DEFINED_PAREN.findall(text)) | set(_DEFINED_LEAD.findall(text)) | rule.known
    # 'Corrective and Preventive Action (CAPA)': the capitals before the parenthesis define it too
    for m in re.finditer(r"([A-ZÄÖÜА-ЯЁ][A-ZÄÖÜА-ЯЁ0-9]{1,7})\s*[(–—-]\s*[A-Za-zÄÖÜäöüА-Яа-яЁё]", text):
        defined.add(m.group(1))
    # a glossary table: '| PMR | Patient medication record in the dispensing system |'
    defined.update(_DEFINED_ROW.findall(text))
    seen: set[str] = set()
    caps_lines: dict[int, bool] = {}
    for m in _ABBREVIATION.finditer(ctx.masked):
        token = m.group(1)
        line = ctx.position(m.start())[0]
        if line not in caps_lines:
            start = ctx.starts[line - 1]
            end = ctx.masked.find("\n", start)
            letters = [c for c in ctx.masked[start : end if end >= 0 else None] if c.isalpha()]
            caps_lines[line] = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.6
        if caps_lines[line]:
            continue  # an all-caps line (a heading or a warning banner), not an abbreviation
        if token in defined or token in seen or token.rstrip("s") in defined or len(set(token)) == 1:
            continue
        if len(token) <= 3 and _initials(ctx, m.start(1), m.end(1)):
            continue  # 'SK' in '| 3.0 | 11.01.2023 | Neufassung | SK |': who made a revision, not a term
        before = ctx.masked[max(0, m.start() - 16) : m.start()].split()
        if before and before[-1] in rule.known and before[-1].isupper():
            continue  # a product's module or edition: 'SAP EWM', 'MS SQL'
        if token.upper() in rule.known or token.capitalize() in rule.known:
            continue
        if _is_word(token, rule.language):
            continue  # 'NOT', 'VORSICHT', 'ВНИМАНИЕ': emphasis or a name, not an abbreviation
        seen.add(token)
        yield m.start(1), m.end(1)


def _roles(ctx: Context, rule: CompiledRule) -> list[roles.Role]:
    key = f"roles:{rule.language}"
    if key not in ctx.facts:
        ctx.facts[key] = roles.defined_roles(ctx.doc, ctx.lines("responsibilities"), rule.regex, rule.function_words)
    return ctx.facts[key]  # type: ignore[return-value]


def _unknown_roles(ctx: Context, rule: CompiledRule) -> Iterator[Finding]:
    defined = _roles(ctx, rule)
    names = ", ".join(r.name for r in defined[:6]) + (", ..." if len(defined) > 6 else "")
    for block, actor, offset in roles.unknown_roles(ctx.doc, ctx.procedure_steps(), defined, rule.regex,
                                                    rule.function_words):
        start, _ = ctx.block_span(block)
        at = ctx.locate(actor, start, fallback=start + offset)
        yield make_finding(ctx, rule, at, at + len(actor), roles=names)


def _unused_roles(ctx: Context, rule: CompiledRule) -> Iterator[Finding]:
    for role in roles.unused_roles(ctx.procedure_steps(), _roles(ctx, rule), rule.function_words):
        at = ctx.locate(role.name, ctx.starts[role.line - 1])
        yield make_finding(ctx, rule, at, at + len(role.name))


def _review_overdue(ctx: Context, rule: CompiledRule) -> Iterator[Finding]:
    cycle = ctx.profile.review_cycle_months if ctx.profile is not None else None
    lines = ctx.lines("revision_history") | ctx.lines("approval")
    last = lifecycle.last_revision(ctx.doc.text, ctx.starts, lines, rule.spec.months, rule.language, ctx.today)
    ctx.facts["last_revised"] = last.day.isoformat() if last else None
    if last is None or cycle is None:
        return
    due = lifecycle.add_months(last.day, cycle)
    ctx.facts["review_due"] = due.isoformat()
    ctx.facts["review_overdue"] = due < ctx.today
    if due < ctx.today:
        yield make_finding(ctx, rule, last.start, last.end, months=cycle, due=due.isoformat(),
                           profile=ctx.profile.name if ctx.profile else "")


def _owner_missing(ctx: Context, rule: CompiledRule) -> Iterator[Finding]:
    labels = rule.regex
    if labels is not None and not ctx.scan(raw=True).may_match(labels):
        labels = None  # the label regex has no prefix to scan for: skipped where none of its words stands
    name = lifecycle.owner(ctx.doc.text, labels)
    ctx.facts["owner"] = name
    wants_owner = ctx.profile is not None and any(s.id == "approval" and s.required for s in ctx.profile.sections)
    if name is None and wants_owner:
        yield make_finding(ctx, rule, 0, 0)


def _requirement_strength(ctx: Context, rule: CompiledRule) -> Iterator[Finding]:
    mode = ctx.profile.requirement_language if ctx.profile is not None else None
    if mode is None:
        return
    matchers = strength.strength_matchers(rule.spec.forms, mode)
    wanted = strength.terms(matchers, rule.spec.forms, mode)
    table: list[dict[str, object]] = []
    for block in ctx.procedure_steps():
        level, form = strength.step_strength(block.text, matchers)
        table.append({"line": block.line, "strength": level, "form": form})
        if level == "none":
            start, end = ctx.block_span(block)
            at = ctx.locate(block.text[:15], start, end)
            yield make_finding(ctx, rule, at, at + len(ctx.doc.text[at:end].rstrip()), terms=wanted)
    ctx.facts["steps"] = table


_EMPHASIS_WORDS = set(["not", "no", "only", "never", "must", "all", "any", "and", "or", "nie", "nicht", "nur", "kein", "keine", "alle", "und", "oder", "не", "нет", "только", "никогда", "все", "и", "или"])
# short words procedures write in capitals as labels, states and warnings (too short for the dictionary test,
# whose short entries include abbreviations such as 'lims' and 'capa')
_EMPHASIS_WORDS |= set(["note", "date", "name", "time", "stop", "done", "open", "lock", "head", "lead", "news", "idle",
                        "high", "full", "safe", "true", "none", "null", "read", "each", "also", "then", "when", "what",
                        "who", "why", "how", "yes", "off", "on", "hot", "cold", "wet", "dry", "new", "old", "fail",
                        "pass", "live", "test", "main", "back", "next", "step", "fire", "help", "call", "wait", "keep",
                        "away", "out", "up", "down", "the", "for", "with", "from", "into", "mehr", "als", "bei", "auf",
                        "aus", "für", "mit", "wenn", "dann", "wie", "was", "wer", "hier", "halt", "heiß", "nass",
                        "neu", "alt", "ende", "zeit", "ja", "nein", "der", "die", "das", "ist", "как", "что", "кто",
                        "где", "при", "для", "это", "да", "стоп", "вход", "выход", "или", "если", "уже"])


@cache
def _is_word(token: str, language: str) -> bool:
    low = token.lower()
    if low in _EMPHASIS_WORDS:
        return True
    vowels = sum(c in "aeiouyäöüаеёиоуыэюя" for c in low)
    if len(low) >= 6 and vowels >= 2:
        return True  # decided before any dictionary is opened
    if _ROMAN.fullmatch(token):
        return True  # 'Part VIII', 'Kapitel IV': a number
    return len(low) >= 5 and (words.is_known(low, language) or words.is_known(low, "en"))


_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def _change_log_entry(ctx: Context, rule: CompiledRule, start: int, end: int) -> bool:
    """'Ред. 2 от 14.06.2022: изменён момент затяжки', '| 1.2 | 15.09.2023 | Section added |': a change
    verb on a dated or versioned line reports a revision; nobody is asked to do it."""
    if rule.change_log is None or rule.change_log.match(ctx.doc.text, start) is None:
        return False
    return _DATE_OR_VERSION.search("".join(_line_of(ctx.doc.text, start, end))) is not None


def run_rules(ctx: Context, rules: Iterable[CompiledRule]) -> list[Finding]:
    findings: list[Finding] = []
    for rule in rules:
        kind = rule.spec.kind
        if kind == "lexical":
            findings.extend(make_finding(ctx, rule, s, e) for s, e in _lexical(ctx, rule))
        elif kind == "passive":
            findings.extend(make_finding(ctx, rule, s, e) for s, e in find_passives(ctx.masked, rule.language)
                            if not _change_log_entry(ctx, rule, s, e))
        elif kind == "compound-step":
            findings.extend(make_finding(ctx, rule, s, e, count=c) for s, e, c in _compound(ctx, rule))
        elif kind == "missing-actor":
            findings.extend(make_finding(ctx, rule, s, e) for s, e in _missing_actor(ctx, rule))
        elif kind == "ambiguous-pronoun":
            findings.extend(make_finding(ctx, rule, s, e) for s, e in ambiguous_pronouns(ctx.masked, rule.language))
        elif kind == "undefined-abbreviation":
            findings.extend(make_finding(ctx, rule, s, e) for s, e in _abbreviations(ctx, rule))
        elif kind in _DOCUMENT_RULES:
            findings.extend(_DOCUMENT_RULES[kind](ctx, rule))
    return _drop_overlaps(findings)


_DOCUMENT_RULES = {"unknown-role": _unknown_roles, "unused-role": _unused_roles, "review-overdue": _review_overdue,
                   "owner-missing": _owner_missing, "requirement-strength": _requirement_strength}


def _drop_overlaps(findings: list[Finding]) -> list[Finding]:
    """A hit inside a longer hit on the same line says nothing new ('appropriate' in 'if appropriate',
    'should' in 'should not'): keep the longer one."""
    findings.sort(key=lambda f: (f.line, f.column, -(f.end_column - f.column)))
    kept: list[Finding] = []
    for f in findings:
        inside = any(
            k.line == f.line == f.end_line == k.end_line and k.column <= f.column and f.end_column <= k.end_column
            and (k.rule == f.rule or (k.end_column - k.column) > (f.end_column - f.column))
            for k in kept[-4:]
        )
        if not inside:
            kept.append(f)
    return kept


def suppressed_lines(text: str) -> dict[int, set[str] | None]:
    """Line -> rule ids switched off there (None: all rules), from sopgen-disable/enable comments."""
    out: dict[int, set[str] | None] = {}
    active: set[str] | None = set()
    everything = False
    lines = text.split("\n")
    next_line: dict[int, set[str] | None] = {}
    for number, line in enumerate(lines, start=1):
        for m in _SUPPRESS.finditer(line):
            verb, ids = m.group(1).lower(), {i.strip() for i in re.split(r"[,\s]+", m.group(2)) if i.strip()}
            if verb == "disable":
                if ids:
                    active = (active or set()) | ids
                else:
                    everything = True
            elif verb == "enable":
                if ids and active:
                    active -= ids
                else:
                    active, everything = set(), False
            else:
                next_line[number + 1] = ids or None
        if everything:
            out[number] = None
        elif active:
            out[number] = set(active)
        if number in next_line:
            extra = next_line[number]
            current = out.get(number, set())
            out[number] = None if extra is None or current is None else current | extra
    return out


def apply_suppressions(findings: list[Finding], text: str) -> list[Finding]:
    if "sopgen-" not in text:
        return findings
    off = suppressed_lines(text)
    kept = []
    for f in findings:
        rules = off.get(f.line, set())
        if rules is None or f.rule in rules:
            continue
        kept.append(f)
    return kept


def build_context(doc: Document, steps_need_actor: bool, procedure_lines: set[int], *,
                  profile: Profile | None = None, detection: Detection | None = None,
                  today: date | None = None) -> Context:
    starts = line_starts(doc.text)
    masked = masked_text(doc, starts)
    return Context(doc=doc, masked=masked, starts=starts, steps_need_actor=steps_need_actor,
                   procedure_lines=procedure_lines, profile=profile, detection=detection,
                   today=today or date.today())
