"""Section detection: which canonical (or profile) section each part of a document is.

Headings are matched against the en/de/ru aliases of the profile's sections (numbering and markup
stripped; word stems, so inflected and compound headings match; a heading such as "Purpose and scope"
names both sections). The document title is not a section heading: it names the topic, so "Incident
Response Procedure" or "Instruction on information security" says nothing about which sections exist.

Many legacy documents state sections without a recognisable heading: a label line at the start of a
paragraph ("Terms", "What to do"), a heading in unusual wording ("Did it work?"), or no heading at all
("This procedure applies to all night-shift operators" is scope). Such parts are decided by body cues:
phrases of the section's language scored per part (a normal cue decides alone, two different weak cues
are needed otherwise). Strong cues (a signature block, "Утверждаю") count wherever they appear; the
other cues only count in parts that no heading has claimed, so a remark about records inside the
procedure does not make a records section. A numbered list is a procedure, a version/date table is a
revision history. What cues miss, the trained head (section_head) may still read from the sentences:
a section it gives two sentences of, or one it is all but certain of, is found (in a part a heading
claimed for another section only when it is all but certain). Each decision keeps its evidence (which
heading or sentence) and a confidence.

Cue syntax in sections.yaml: each cue is a regular-expression fragment matched at a word start in the
lower-cased text (ё folded to е); a leading "!" marks a strong cue, a leading "~" a weak one. An alias
with a leading "^" only matches at the start of a heading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from sopgen.documents.model import Block, DocSection, Document
from sopgen.documents.prefilter import UnitFilter
from sopgen.documents.section_head import fold as _fold
from sopgen.documents.section_head import head
from sopgen.schema import Profile, SectionSpec

_NUMBERING = re.compile(
    r"^\s*(?:(?:section|abschnitt|kapitel|раздел|глава|teil|part)\s+)?(?:§\s*)?"
    r"(?:\d+(?:\.\d+)*\.?[):]?|[IVXivx]+[.)]|[A-Za-zА-Яа-я][.)])?\s*[:.\-–—]?\s*",
    re.I,
)
_PUNCT = re.compile(r"[^\w\s/-]+")
_PLACEHOLDER = re.compile(r"\b(?:TBD|TBA|TBC|TODO|XXX+|N\.?\s?N\.?|ТБД|n/?a)\b|\?{2,}|\{\{[^}]*\}\}|^[\s\-—–.]*$"
                          r"|\[\[(?:WRITER|AUTOR|АВТОР):[^\]]*\]\]", re.I)  # sopgen's own writer prompts too
_STUB = re.compile(r"^\s*(?:see|siehe|см\.?|refer to|folgt|follows|to be (?:defined|completed|added|written)|"
                   r"wird (?:nachgereicht|ergänzt)|будет (?:дополнено|уточнено|добавлено)|noch offen|later|später)\b", re.I)
_REVISION_TABLE = re.compile(r"\b(?:version|revision|rev\.?|änderung|ausgabe|версия|редакция|изменени)", re.I)
_DATE_OR_VERSION = re.compile(r"\d+\.\d+|\d{4}-\d{2}|\d{2}\.\d{2}\.\d{2,4}")
_SHORT_OK = {"references", "revision_history", "approval", "definitions"}
# How often a decision of each kind was right on the tune sets (blind tune, tune2, realdocs tune split;
# benchmarks/eval_checks_blind.py --calibration), rounded down: a confidence says how far to trust it.
# Headings keep the alias's coverage (0.8-0.97; 0.98 of them were right).
CONFIDENCE = {
    "cue": 0.93,  # a strong cue, or a cue backed by a weak one: 143/152
    "weak cue": 0.85,  # one cue, or two weak ones: 56/65
    "head": 0.8,  # the trained head: 27/33
    "steps": 0.95,  # a numbered list, a table of numbered steps, a role acting step by step: 31/31
    "label": 0.7,  # a guessed heading (label line, short list item): 6/9
}
MISSING_CONFIDENCE = 0.8  # a section reported missing really was: 381/478
_STUB_MARK = re.compile(r"\b(?:TBD|TBA|TBC|TODO|XXX+|ТБД)\b|\?{2,}|\{\{[^}]*\}\}|\[\[", re.I)
# a heading naming two sections: "Purpose and scope", "Zweck und Geltungsbereich", "Цель и область применения"
_CONJUNCTION = re.compile(r"\s(?:and|und|sowie|и|а также)\s|\s*[/&,;]\s*|\s[-–—]\s", re.I)
# the head of "Roles during an outage", "Rollen im Notfall", "Меры по защите": the words before the preposition
_PREPOSITION = re.compile(r"\s(?:during|in case of|im|beim|bei|während|am|при|во время|в случае)\s", re.I)
# the first line of a paragraph that is really a heading the loader did not see: short, no sentence end
_LABEL_LINE = re.compile(r"^[\W\d_]*[A-ZÄÖÜА-ЯЁa-zäöüßа-яё][^.;,]{0,58}$")
_CAPS_PREFIX = re.compile(r"^\s*([A-ZÄÖÜА-ЯЁ][A-ZÄÖÜА-ЯЁß /&,-]{3,58}?)\s{3,}\S")
_MARKUP_LEAD, _MARKUP_TRAIL = " \t\n\r\f\v*_#=>|", " \t\n\r\f\v*_#=|"  # str.strip: linear, unlike a '[...]+$' regex
_SECTION_NAME_CONFIDENCE = 0.9  # an alias covering most of the heading: the heading names a section
_TITLE_LINES = 4
_SENTENCE_PUNCT = re.compile(r"[.,;]")  # a first heading this close to the top (after a letterhead line or two) is the title


@dataclass
class SectionMatch:
    """A decision that some part of the document is a given section."""

    id: str
    line: int
    heading: str | None
    confidence: float
    reason: str
    status: str = "present"
    words: int = 0


@dataclass
class Detection:
    """All decisions for one document: by section id (first occurrence) and by doc section index."""

    by_id: dict[str, SectionMatch] = field(default_factory=dict)
    section_ids: list[str | None] = field(default_factory=list)

    def lines_of(self, doc: Document, section_id: str) -> set[int]:
        """The lines of the parts headed as `section_id`; for a section found from its content alone (a
        numbered list of steps under 'WHAT WE DO BY DAY'), the unclaimed part holding what was found."""
        lines: set[int] = set()
        for sec, sid in zip(doc.sections, self.section_ids, strict=False):
            if sid == section_id:
                lines.update(range(sec.line, sec.end_line + 1))
        found = self.by_id.get(section_id)
        if not lines and found is not None:
            for sec, sid in zip(doc.sections, self.section_ids, strict=False):
                if sid is None and sec.line <= found.line <= sec.end_line:
                    lines.update(range(found.line, sec.end_line + 1))
        return lines


def normalise_heading(text: str) -> str:
    text = _NUMBERING.sub("", text.strip().strip("*_#=").strip())
    text = _PUNCT.sub(" ", text.lower().replace("ё", "е"))
    return " ".join(text.split())


@dataclass(frozen=True)
class _AliasHit:
    position: int

    def start(self) -> int:
        return self.position


@dataclass(frozen=True)
class _Alias:
    """A heading alias: folded text that must start a word ('^' aliases: start the heading). Matched with
    str.find, not a regex: a thousand aliases compiled as patterns cost 0.3 s at every start-up."""

    text: str
    anchored: bool

    def search(self, norm: str) -> _AliasHit | None:
        if self.anchored:
            return _AliasHit(0) if norm.startswith(self.text) else None
        pos = norm.find(self.text)
        while pos != -1:
            if pos == 0 or not (norm[pos - 1].isalnum() or norm[pos - 1] == "_"):
                return _AliasHit(pos)
            pos = norm.find(self.text, pos + 1)
        return None


@cache
def _alias_regex(alias: str) -> _Alias:
    return _Alias(_fold(alias[1:]), True) if alias.startswith("^") else _Alias(_fold(alias), False)


def _aliases(spec: SectionSpec) -> list[str]:
    return [a for lang in spec.aliases.values() for a in lang]


@dataclass(frozen=True)
class _SpecAliases:
    """A section's aliases as (first three letters, plain folded text, matcher): the plain text is a cheap
    substring pre-check, and a heading none of whose three-letter pieces starts an alias skips the section."""

    aliases: tuple[tuple[str, str, _Alias], ...]
    keys: frozenset[str]
    has_short: bool


_SPEC_ALIASES: dict[int, tuple[SectionSpec, _SpecAliases]] = {}


def _spec_aliases(spec: SectionSpec) -> _SpecAliases:
    entry = _SPEC_ALIASES.get(id(spec))
    if entry is not None and entry[0] is spec:
        return entry[1]
    rows = []
    for alias in _aliases(spec):
        plain = _fold(alias.lstrip("^"))
        rows.append((plain[:3] if len(plain) >= 3 else "", plain, _alias_regex(alias)))
    table = _SpecAliases(tuple(rows), frozenset(k for k, _, _ in rows if k), any(not k for k, _, _ in rows))
    _SPEC_ALIASES[id(spec)] = (spec, table)  # the spec is kept, so its id cannot be reused meanwhile
    return table


@cache
def _veto_regex(stems: tuple[str, ...]) -> re.Pattern[str] | None:
    if not stems:
        return None
    return re.compile("|".join(re.escape(_fold(s)) for s in stems))


def _vetoed(spec: SectionSpec, body: str) -> bool:
    veto = _veto_regex(tuple(stem for lang in spec.not_body.values() for stem in lang))
    return veto is not None and veto.search(_fold(body)) is not None


def match_heading(heading: str, specs: dict[str, SectionSpec], body: str = "") -> tuple[str, float, str] | None:
    """(section id, confidence, matched alias) for a heading, or None if no alias matches."""
    norm = normalise_heading(heading)
    if not norm:
        return None
    best: tuple[float, int, str, str] | None = None
    pieces = {norm[i : i + 3] for i in range(len(norm) - 2)}
    for sid, spec in specs.items():
        table = _spec_aliases(spec)
        if not table.has_short and table.keys.isdisjoint(pieces):
            continue
        for piece, plain, regex in table.aliases:
            if (piece and piece not in pieces) or plain not in norm:
                continue
            m = regex.search(norm)
            if m is None:
                continue
            if body and _vetoed(spec, body):
                continue
            score = len(plain) * spec.weight + (5 if norm == plain else 0)
            key = (score, -m.start(), sid, plain)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        return None
    _score, _pos, sid, alias = best
    coverage = len(alias) / max(len(norm), 1)
    return sid, round(0.8 + 0.17 * min(coverage, 1.0), 2), alias


def _match_all(heading: str, specs: dict[str, SectionSpec], body: str) -> list[tuple[str, float, str]]:
    """Every section a heading names: the best match first, then those of its conjoined parts and of its head
    ("Purpose and scope" is both; "Rollen im Notfall" is roles, and an emergency section too)."""
    found = match_heading(heading, specs, body)
    if found is None:
        return []
    out = [found]
    text = _NUMBERING.sub("", heading.strip().strip("*_#=").strip())
    parts = [p for p in _CONJUNCTION.split(text) if p and p.strip()]
    head = _PREPOSITION.split(parts[0], maxsplit=1)[0] if parts else ""
    for part in [*parts, head] if len(parts) > 1 or head != text else []:
        extra = match_heading(part, specs, body)
        if extra is not None and all(extra[0] != o[0] for o in out):
            out.append(extra)
    return out


# --- body cues ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CueSet:
    strong: re.Pattern[str] | None
    normal: re.Pattern[str] | None
    weak: re.Pattern[str] | None


def _union(parts: list[str]) -> re.Pattern[str] | None:
    """One regex for a list of cues; each cue is a named group, so a hit tells which cue it was."""
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?P<c{i}>{p})" for i, p in enumerate(parts)) + ")")


@cache
def _compile_cues(cues: tuple[str, ...]) -> _CueSet:
    strong = [c[1:].replace("ё", "е") for c in cues if c.startswith("!")]
    weak = [c[1:].replace("ё", "е") for c in cues if c.startswith("~")]
    normal = [c.replace("ё", "е") for c in cues if c and c[0] not in "!~"]
    return _CueSet(_union(strong), _union(normal), _union(weak))


def _cue_sets(specs: dict[str, SectionSpec], language: str) -> dict[str, _CueSet]:
    out: dict[str, _CueSet] = {}
    for sid, spec in specs.items():
        if language in spec.cues:
            cues = tuple(spec.cues[language])
        else:
            cues = tuple(c for lang in spec.cues.values() for c in lang)
        out[sid] = _compile_cues(cues)
    return out


def _score(cues: _CueSet, low: str, possible: set[int]) -> tuple[int, str]:
    """(score, evidence): 3 for a strong cue, 2 for a normal one, plus 1 per distinct weak cue. `possible`
    holds the ids of the cue regexes that can match in `low` at all (a prefilter); the others are not run."""
    if cues.strong is not None and id(cues.strong) in possible and (m := cues.strong.search(low)):
        return 3, m.group(0)
    score, evidence = 0, []
    if cues.normal is not None and id(cues.normal) in possible and (m := cues.normal.search(low)):
        score, evidence = 2, [m.group(0)]
    if cues.weak is not None and id(cues.weak) in possible:
        hits: dict[str, str] = {}
        for m in cues.weak.finditer(low):
            hits.setdefault(m.lastgroup or "", m.group(0).strip())
        score += len(hits)
        evidence += sorted(hits.values())
    return score, ", ".join(evidence)


# --- document parts ----------------------------------------------------------------------------------------


@dataclass
class _Part:
    """A stretch of a document that may state a section: a heading (real or a label line) and its blocks."""

    heading: str | None
    line: int
    blocks: list[Block]
    claimed: str | None  # id a heading gave this part (the cue pass then only takes strong cues)
    per_block: bool = False  # preamble and title text: each block may state its own section


def _label_line(doc: Document, block: Block, following: Block | None) -> str | None:
    """The heading hidden in a paragraph's first line ("Terms", "WHAT TO DO", "Для чего нужен этот план")."""
    if block.kind != "paragraph" or block.line > len(doc.lines):
        return None
    raw = doc.lines[block.line - 1]
    caps = _CAPS_PREFIX.match(raw)
    if caps is not None and len(caps.group(1).split()) >= 2:
        return caps.group(1).strip(" -")
    first = raw.lstrip(_MARKUP_LEAD).rstrip(_MARKUP_TRAIL).strip()
    if not first or not _LABEL_LINE.match(first) or len(first.split()) > 8:
        return None
    if first.endswith(("?", ":", "!")) or first.isupper():
        return first.rstrip(":").strip()
    multi_line = block.end_line > block.line
    if multi_line:
        nxt = doc.lines[block.line].strip() if block.line < len(doc.lines) else ""
        # a label line is followed by text that starts a sentence of its own
        return first if nxt[:1].isupper() or nxt[:1].isdigit() else None
    if following is not None and following.kind in ("list_item", "table") and len(first.split()) <= 6:
        return first
    return None


def _rest_of(doc: Document, block: Block) -> str:
    """A paragraph's text without its label line."""
    if block.end_line <= block.line:
        caps = _CAPS_PREFIX.match(doc.lines[block.line - 1]) if block.line <= len(doc.lines) else None
        return doc.lines[block.line - 1][caps.end() - 1 :] if caps else ""
    return "\n".join(doc.lines[block.line : block.end_line])


def _title_index(doc: Document, specs: dict[str, SectionSpec]) -> set[int]:
    """Indices of doc sections whose heading is the document title (and its continuation lines)."""
    sections = doc.sections
    headed = [i for i, s in enumerate(sections) if s.heading is not None]
    if not headed:
        return set()
    first = headed[0]
    sec = sections[first]
    named = match_heading(sec.heading or "", specs)
    if named is not None and named[1] >= 0.85:
        return set()  # '# Procedure' first is a section, not the document's title
    levels = [sections[i].level for i in headed]
    only_top = sec.level == min(levels) and levels.count(sec.level) == 1 and len(headed) > 2
    preamble_words = sum(s.word_count for s in sections[:first])
    near_top = sec.line - (sections[0].line if sections else 1) < _TITLE_LINES and preamble_words <= 15
    if not (only_top or near_top):
        return set()
    named = match_heading(sec.heading or "", specs)
    steps = sum(1 for b in sec.blocks if b.kind == "list_item" and b.ordered)
    if named is not None and (named[1] >= _SECTION_NAME_CONFIDENCE or steps >= 2):
        return set()  # "# Procedure" (or "# Порядок работы" over its steps) is a section heading, not a title
    titled = {first}
    # "WORK INSTRUCTION WI-12" / "GEARBOX COVER - BOLT TIGHTENING": title lines right under it
    i = first
    while i + 1 < len(sections) and not sections[i].blocks:
        nxt = sections[i + 1]
        if nxt.heading is None or nxt.level != sec.level or nxt.line - sections[i].line != 1:
            break
        titled.add(i + 1)
        i += 1
    return titled


# --- status ------------------------------------------------------------------------------------------------


def _body_words(blocks: list[Block]) -> tuple[int, bool, str]:
    text = " ".join(b.text for b in blocks if b.kind not in ("code", "front_matter"))
    return _text_words(text)


_WRITER_PROMPT = re.compile(r"\[\[[^\]\n]{0,400}\]\]")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def _text_words(text: str) -> tuple[int, bool, str]:
    prompts = _WRITER_PROMPT.findall(text)
    stripped = _PLACEHOLDER.sub(" ", _WRITER_PROMPT.sub(" ", text))
    words = len(stripped.split())
    if prompts and words <= 30 and len(_SENTENCE_END.findall(stripped)) <= 1:
        words = 0  # a template sentence plus writer prompts: a skeleton, not a section
    return words, bool(_DATE_OR_VERSION.search(text)), text


def _status(section_id: str, blocks: list[Block]) -> tuple[str, int]:
    return _status_of(section_id, *_body_words(blocks))


def _status_of(section_id: str, words: int, has_number: bool, text: str) -> tuple[str, int]:
    if words == 0:
        return "weak", 0
    if words <= 6 and _STUB.match(text) and not has_number:
        return "weak", words
    if words < 3 and not (section_id in _SHORT_OK and (has_number or words >= 2)):
        return "weak", words
    return "present", words


def _record(detection: Detection, match: SectionMatch) -> None:
    current = detection.by_id.get(match.id)
    if current is None or (current.status == "weak" and match.status == "present"):
        detection.by_id[match.id] = match


# --- detection ---------------------------------------------------------------------------------------------


def detect_sections(doc: Document, profile: Profile) -> Detection:
    specs = profile.specs()
    detection = Detection()
    sections = doc.sections
    titles = _title_index(doc, specs)
    ids: list[str | None] = []
    parts: list[_Part] = []
    parent: tuple[int, str, str | None] | None = None  # (level, id, number) of the last matched heading
    for index, sec in enumerate(sections):
        sid: str | None = None
        if sec.heading is None or index in titles:
            parts.append(_Part(sec.heading, sec.line, list(sec.blocks), None, per_block=True))
            ids.append(None)
            continue
        found = _match_all(sec.heading, specs, sec.body)
        number = _number_of(sec)
        child = parent is not None and (sec.level > parent[0] or (
            sec.level == parent[0] and parent[2] is not None
            and (number.startswith(parent[2] + ".") if number else _empty_parent(sections, index, parent[0]))))
        if found and child and parent is not None and parent[1] == "procedure" and found[0][0] == "approval":
            # "Freigabe" / "Release" as a step of the procedure is not the document's sign-off
            found = []
        if found:
            sid = found[0][0]
            if not child:
                parent = (sec.level, sid, number)
            body = _with_subsections(sections, sec)
            status, words = _status(sid, body)
            for other_id, confidence, alias in found:
                _record(detection, SectionMatch(
                    id=other_id, line=sec.line, heading=sec.heading, confidence=confidence, status=status,
                    words=words, reason=f"heading '{sec.heading}' matches '{alias}'",
                ))
            parts.append(_Part(sec.heading, sec.line, list(sec.blocks), sid))
        elif child and parent is not None:
            sid = parent[1]  # an unnamed subsection belongs to its parent
            parts.append(_Part(sec.heading, sec.line, list(sec.blocks), sid))
        else:
            parent = None
            parts.append(_Part(sec.heading, sec.line, list(sec.blocks), None))
        ids.append(sid)
    detection.section_ids = ids
    parts = _split_label_lines(doc, parts, specs, detection)
    _structural_cues(parts, specs, detection)
    _body_cues(doc, parts, specs, detection)
    _narrated_steps(doc, parts, specs, detection)
    _content_head(doc, parts, specs, detection)
    return detection


# a role doing something, in a sentence of running text: "the receptionist checks", "legt der Agent ... an",
# "лаборант сверяет"; role words by their endings, verbs by third-person endings. Each sentence must match
# every pattern of its language (separate searches, so the cost stays linear in the sentence).
_ROLE_ACTION: dict[str, tuple[re.Pattern[str], ...]] = {
    "en": (re.compile(r"\b(?:the|a|an|each|every) (?:[a-z-]+ ){0,2}?(?:[a-z]+(?:ist|er|or|ian|ant|ent|ee)|lead|"
                      r"manager|officer|clerk|agent|nurse|driver|guard|team|desk|staff|owner|holder|reception|"
                      r"supervisor)s? (?:(?:then|first|also|now|immediately|must|always) )?"
                      r"(?!is\b|are\b|was\b|has\b|needs\b)[a-z]{3,}s\b"),),
    "de": (re.compile(r"\b(?:der|die|den|dem) (?:[a-zäöüß-]+ )?[a-zäöüß-]*(?:er|erin|ent|entin|ant|antin|ist|istin|"
                      r"kraft|leitung|team|stelle|dienst|agent|agentin)\b"),
           re.compile(r"\b(?!nicht\b|jetzt\b|nachricht\b)[a-zäöüß]{3,}t\b")),
    "ru": (re.compile(r"(?<![а-яё])[а-яё]{3,}(?:ист|ор|ер|ант|ник|щик|чик|арь|ач|тель|ент|ец)(?![а-яё])"),
           re.compile(r"(?<![а-яё])[а-яё]{3,}(?:ает|яет|ует|ит|ет|ёт)(?![а-яё])")),
}
_PASSIVE_DE = re.compile(r"\b(?:wird|werden|wurde)\b")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_NARRATIVE_CHARS = 6000


def _narrated_steps(doc: Document, parts: list[_Part], specs: dict[str, SectionSpec], detection: Detection) -> None:
    """A procedure told as prose, with no heading and no numbered list: a paragraph in which at least two
    sentences say what a role does ("When a visitor arrives, the receptionist checks ... The receptionist
    then prints ...")."""
    patterns = _ROLE_ACTION.get(doc.language)
    if patterns is None or "procedure" not in specs or "procedure" in detection.by_id:
        return
    for part in parts:
        if part.claimed is not None:
            continue
        for block in part.blocks:
            if block.kind != "paragraph":
                continue
            if len(block.text) > _NARRATIVE_CHARS:
                continue  # a wall of text, not a paragraph; and the patterns stay cheap on bounded input
            sentences = _SENTENCE_SPLIT.split(_fold(block.text))
            acting = sum(1 for sentence in sentences if all(p.search(sentence) for p in patterns)
                         and not (doc.language == "de" and _PASSIVE_DE.search(sentence)))
            if acting >= 2:
                _record(detection, SectionMatch(
                    id="procedure", line=block.line, heading=part.heading, confidence=CONFIDENCE["steps"],
                    reason=f"line {block.line} tells what a role does, step by step", words=len(block.text.split()),
                ))
                return


_HEADING_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s")


def _number_of(sec: DocSection) -> str | None:
    if sec.number:
        return sec.number.strip(".")
    m = _HEADING_NUMBER.match(sec.heading or "")
    return m.group(1) if m else None


def _empty_parent(sections: list[DocSection], index: int, level: int) -> bool:
    """Whether the nearest preceding numbered heading of this level has no body (so it heads a group)."""
    for sec in reversed(sections[:index]):
        if sec.heading is not None and sec.level == level and _number_of(sec) is not None:
            return not sec.blocks
    return False


def _with_subsections(sections: list[DocSection], sec: DocSection) -> list[Block]:
    blocks = list(sec.blocks)
    start = sections.index(sec)
    for other in sections[start + 1 :]:
        if other.heading is not None and other.level <= sec.level:
            break
        blocks.extend(other.blocks)
    return blocks


def _split_label_lines(doc: Document, parts: list[_Part], specs: dict[str, SectionSpec],
                       detection: Detection) -> list[_Part]:
    """Paragraphs that start with a label line become parts of their own, matched like headings."""
    out: list[_Part] = []
    for part in parts:
        current = _Part(part.heading, part.line, [], part.claimed, part.per_block)
        out.append(current)
        blocks = part.blocks
        # each block's label once, and for each position the next labelled block (so the body a label
        # heads is found in one pass, not by rescanning the rest of the part from every block)
        labels = [_label_of(doc, b, blocks[i + 1] if i + 1 < len(blocks) else None) for i, b in enumerate(blocks)]
        next_label = [len(blocks)] * (len(blocks) + 1)
        for i in range(len(blocks) - 1, -1, -1):
            next_label[i] = i if labels[i][0] else next_label[i + 1]
        for pos, block in enumerate(blocks):
            label, sure = labels[pos]
            if label is None:
                current.blocks.append(block)
                continue
            rest = _rest_of(doc, block) if block.kind == "paragraph" else ""
            body_text = " ".join([rest] + [b.text for b in blocks[pos + 1 : next_label[pos + 1]]])
            found = _match_all(label, specs, body_text)
            if not (sure or found):
                current.blocks.append(block)
                continue
            current = _Part(label, block.line, [], found[0][0] if found else None)
            if rest.strip():
                current.blocks.append(block.model_copy(update={"text": rest}))
            out.append(current)
            for sid, confidence, alias in found:
                status, words = _status_of(sid, *_text_words(body_text))
                if status != "present" and not _STUB_MARK.search(body_text):
                    # a guessed heading over next to nothing is more often a step or a name than a section
                    # (on the tune sets 2 of 9 were right); over 'TBD' it is a section left unwritten
                    continue
                _record(detection, SectionMatch(
                    id=sid, line=block.line, heading=label, confidence=min(round(confidence - 0.05, 2), CONFIDENCE["label"]),
                    status=status,
                    words=words, reason=f"label line '{label}' matches '{alias}'",
                ))
    return out


def _label_of(doc: Document, block: Block, following: Block | None) -> tuple[str | None, bool]:
    """(label, sure): the heading hidden in a block. Unsure labels only count when they name a section."""
    if block.kind == "list_item":
        text = block.text.strip()
        short = len(text.split()) <= 5 and not _SENTENCE_PUNCT.search(text)
        nxt_short = following is not None and following.kind == "list_item" and len(following.text.split()) <= 5
        if short and (text.endswith(("?", ":")) or (following is not None and (following.kind == "paragraph" or nxt_short))):
            return text.rstrip(":?").strip() or None, False
        return None, False
    label = _label_line(doc, block, following)
    if label is not None:
        return label, True
    if block.kind == "paragraph" and following is not None and block.end_line == block.line:
        text = block.text.strip()
        if len(text.split()) <= 3 and not _SENTENCE_PUNCT.search(text) and ":" not in text and text[:1].isupper():
            return text, False
    return None, False


def _structural_cues(parts: list[_Part], specs: dict[str, SectionSpec], detection: Detection) -> None:
    """A numbered list of steps is a procedure; a version/date table is a revision history."""
    for part in parts:
        ordered = [b for b in part.blocks if b.kind == "list_item" and b.ordered]
        if "procedure" in specs and len(ordered) >= 3:
            _record(detection, SectionMatch(
                id="procedure", line=ordered[0].line, heading=part.heading, confidence=CONFIDENCE["steps"],
                reason=f"numbered list of {len(ordered)} steps at line {ordered[0].line}", words=len(ordered) * 5,
            ))
        for block in part.blocks:
            if block.kind == "table":
                _table_labels(block, part, specs, detection)
                steps = _numbered_rows(block.text)
                if "procedure" in specs and steps >= 3:
                    _record(detection, SectionMatch(
                        id="procedure", line=block.line, heading=part.heading, confidence=CONFIDENCE["steps"],
                        reason=f"table of {steps} numbered steps at line {block.line}", words=len(block.text.split()),
                    ))
            if block.kind == "table" and "revision_history" in specs:
                first_row = block.text.split("\n", 1)[0]
                if _REVISION_TABLE.search(first_row) and _DATE_OR_VERSION.search(block.text):
                    _record(detection, SectionMatch(
                        id="revision_history", line=block.line, heading=part.heading, confidence=0.8,
                        reason=f"version/date table at line {block.line}", words=len(block.text.split()),
                    ))


_STEP_CELL = re.compile(r"^(?:(?:step|schritt|шаг)\s*)?\d{1,2}(?:\.\d{1,2})*[.)]?$", re.I)


def _numbered_rows(table: str) -> int:
    """Rows whose first cell is a step number ("1", "2.", "Step 3"): a table-only procedure."""
    return sum(1 for row in table.split("\n") if _STEP_CELL.match(row.split(" | ", 1)[0].strip()))


def _table_labels(block: Block, part: _Part, specs: dict[str, SectionSpec], detection: Detection) -> None:
    """A form-like table states sections in its first column ("| Zweck | ... |", "| Freigabe | ... |"): a
    short first cell that names a section is that section, on its row."""
    for offset, row in enumerate(block.text.split("\n")):
        cells = [c.strip() for c in row.split(" | ")]
        if len(cells) < 2 or not cells[0] or len(cells[0].split()) > 4 or not any(c for c in cells[1:]):
            continue
        found = match_heading(cells[0], specs)
        if found is None:
            continue
        sid, confidence, _alias = found
        rest = " ".join(cells[1:])
        status, words = _status_of(sid, *_text_words(rest)[:1], bool(_DATE_OR_VERSION.search(rest)), rest)
        _record(detection, SectionMatch(id=sid, line=min(block.line + offset, block.end_line), heading=cells[0],
                                        confidence=round(confidence - 0.1, 2), status=status,
                                        reason=f"table row labelled '{cells[0]}'", words=words))


def _units(part: _Part) -> Iterable[tuple[int, str]]:
    """(line, text) units scored on their own: every block of preamble text or of a part a heading claimed,
    else the part as a whole (heading included)."""
    blocks = [b for b in part.blocks if b.kind in ("paragraph", "table", "list_item")]
    if part.per_block or part.claimed is not None:
        if part.heading and part.claimed is None:
            yield part.line, part.heading
        for b in blocks:
            yield b.line, b.text
        return
    text = "\n".join(([part.heading] if part.heading else []) + [b.text for b in blocks])
    if text.strip():
        yield (blocks[0].line if blocks else part.line), text


_OPENING_LINES = 12  # a document's opening: its first prose unit, if it starts within these lines


def _opening_unit(units: list[tuple[_Part, int, str, str]]) -> int | None:
    """Index of the first unit of running text (not a heading-only or one-line title unit)."""
    for index, (_part, line, text, _low) in enumerate(units):
        if line > _OPENING_LINES:
            break
        if len(text.split()) >= 8:
            return index
    return None


def _first_sentence(low: str) -> str:
    end = re.search(r"[.!?](?:\s|$)|\n\s*\n", low)
    return low[: end.end()] if end else low


def _body_cues(doc: Document, parts: list[_Part], specs: dict[str, SectionSpec], detection: Detection) -> None:
    """Sections stated without a (recognisable) heading: decided by what their sentences say. In a part that
    a heading claimed for another section only a strong cue, or a cue backed by a weak one, counts."""
    cue_sets = _cue_sets(specs, doc.language)
    units = [(part, line, text, _fold(text)) for part in parts for line, text in _units(part)]
    patterns = [p for cues in cue_sets.values() for p in (cues.strong, cues.normal, cues.weak) if p is not None]
    candidates = UnitFilter([low for *_, low in units], patterns)
    cue_ids = {sid: {id(p) for p in (c.strong, c.normal, c.weak) if p is not None} for sid, c in cue_sets.items()}
    opening = _opening_unit(units)
    for index, (part, line, text, low) in enumerate(units):
        need = 3 if part.claimed is not None else 2
        possible = candidates.candidates(index)
        for sid, cues in cue_sets.items():
            if sid == part.claimed or (sid in detection.by_id and detection.by_id[sid].status == "present"):
                continue
            if possible.isdisjoint(cue_ids[sid]):
                continue
            score, evidence = _score(cues, low, possible)
            if score and specs[sid].opening and index == opening and _score(cues, _first_sentence(low), possible)[0]:
                score += 1  # "This runbook brings ... so that ...": the opening sentence states the purpose
            if score < need or _vetoed(specs[sid], text):
                continue
            _record(detection, SectionMatch(
                id=sid, line=line, heading=part.heading,
                confidence=CONFIDENCE["cue" if score >= 3 else "weak cue"],
                reason=f"line {line} says '{evidence}'", words=len(text.split()),
            ))


# the head's posterior a sentence needs to state a section: in a part no heading claimed, and in a part a
# heading claimed for another section (stricter: a remark about records inside the procedure is common)
HEAD_THRESHOLD = 0.8
HEAD_THRESHOLD_CLAIMED = 0.98
HEAD_MIN_FEATURES = 3
HEAD_VOTES = 2  # sentences that must agree, unless one is as sure as HEAD_SURE
HEAD_SURE = 0.995
_HEAD_CHARS = 2000  # a longer "sentence" is a wall of text the splitter could not cut, not a statement


def _content_head(doc: Document, parts: list[_Part], specs: dict[str, SectionSpec], detection: Detection) -> None:
    """Sections said in words no cue lists: each sentence scored by the trained head (section_head)."""
    model = head(doc.language)
    if model is None:
        return
    wanted = {sid for sid in specs if sid in model.classes
              and not (sid in detection.by_id and detection.by_id[sid].status == "present")}
    if not wanted:
        return
    hits: dict[str, list[tuple[float, _Part, Block, str]]] = {}
    for part, block, sentence in _sentences(parts):
        sid, p, _known = model.classify(sentence, HEAD_MIN_FEATURES)
        if sid not in wanted or sid == part.claimed:
            continue
        if p < (HEAD_THRESHOLD if part.claimed is None else HEAD_THRESHOLD_CLAIMED) or _vetoed(specs[sid], sentence):
            continue
        found = hits.setdefault(sid, [])
        found.append((p, part, block, sentence))
        if len(found) < HEAD_VOTES and p < HEAD_SURE:
            continue
        p, part, block, sentence = max(found, key=lambda h: h[0])
        _record(detection, SectionMatch(
            id=sid, line=block.line, heading=part.heading, confidence=CONFIDENCE["head"],
            reason=f"line {block.line} reads like {sid} ('{sentence[:60]}')", words=len(sentence.split()),
        ))
        wanted.discard(sid)
        if not wanted:
            return  # every section the head could add is found: the rest of the document changes nothing


def _sentences(parts: list[_Part]) -> Iterator[tuple[_Part, Block, str]]:
    """Every sentence of running text, tables and lists, in document order, with where it stands."""
    for part in parts:
        for block in part.blocks:
            if block.kind not in ("paragraph", "list_item", "table"):
                continue
            for piece in block.text.split("\n"):
                if piece.lstrip().startswith("<!--"):
                    continue  # a comment left in the source ('<!-- Folgende Symbole ... -->') says nothing
                for sentence in _SENTENCE_SPLIT.split(piece):
                    if 3 <= len(sentence) <= _HEAD_CHARS:
                        yield part, block, sentence
