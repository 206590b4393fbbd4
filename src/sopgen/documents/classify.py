"""Section detection: which canonical (or profile) section each part of a document is.

Headings are matched against the en/de/ru aliases of the profile's sections (numbering and markup
stripped; word stems, so inflected and compound headings match). Where a heading says nothing, or there is
no heading, body cues decide: a sentence that states who/what it applies to is scope, a numbered list is a
procedure, a version/date table is revision history, a signature block is approval. Each decision keeps
its evidence (which heading or sentence) and a confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from sopgen.documents.model import Block, DocSection, Document
from sopgen.schema import Profile, SectionSpec

_NUMBERING = re.compile(r"^\s*(?:(?:section|abschnitt|kapitel|раздел|глава|teil|part)\s+)?(?:§\s*)?"
                        r"(?:[\dIVXivx]+(?:\.\d+)*|[A-Za-zА-Яа-я])?[.):\s-]*\s*", re.I)
_PUNCT = re.compile(r"[^\w\s/-]+")
_PLACEHOLDER = re.compile(r"\b(?:TBD|TBA|TBC|TODO|XXX+|N\.?\s?N\.?|ТБД|n/?a)\b|\?{2,}|\{\{[^}]*\}\}|^[\s\-—–.]*$", re.I)
_STUB = re.compile(r"^\s*(?:see|siehe|см\.?|refer to|folgt|follows|to be (?:defined|completed|added|written)|"
                   r"wird (?:nachgereicht|ergänzt)|будет (?:дополнено|уточнено|добавлено)|noch offen|later|später)\b", re.I)
_REVISION_TABLE = re.compile(r"\b(?:version|revision|rev\.?|änderung|ausgabe|версия|редакция|изменени)", re.I)
_DATE_OR_VERSION = re.compile(r"\d+\.\d+|\d{4}-\d{2}|\d{2}\.\d{2}\.\d{2,4}")
_SHORT_OK = {"references", "revision_history", "approval", "definitions"}


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
        lines: set[int] = set()
        for sec, sid in zip(doc.sections, self.section_ids, strict=False):
            if sid == section_id:
                lines.update(range(sec.line, sec.end_line + 1))
        return lines


def normalise_heading(text: str) -> str:
    text = _NUMBERING.sub("", text.strip().strip("*_#=").strip())
    text = _PUNCT.sub(" ", text.lower().replace("ё", "е"))
    return " ".join(text.split())


@cache
def _alias_regex(alias: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(alias.lower().replace('ё', 'е'))}")


def _aliases(spec: SectionSpec) -> list[str]:
    return [a for lang in spec.aliases.values() for a in lang]


def _vetoed(spec: SectionSpec, body: str) -> bool:
    low = body.lower().replace("ё", "е")
    return any(stem.replace("ё", "е") in low for lang in spec.not_body.values() for stem in lang)


def match_heading(heading: str, specs: dict[str, SectionSpec], body: str = "") -> tuple[str, float, str] | None:
    """(section id, confidence, matched alias) for a heading, or None if no alias matches."""
    norm = normalise_heading(heading)
    if not norm:
        return None
    best: tuple[float, int, str, str] | None = None
    for sid, spec in specs.items():
        for alias in _aliases(spec):
            m = _alias_regex(alias).search(norm)
            if m is None:
                continue
            if body and _vetoed(spec, body):
                continue
            score = len(alias) * spec.weight + (5 if norm == alias else 0)
            key = (score, -m.start(), sid, alias)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        return None
    _score, _pos, sid, alias = best
    coverage = len(alias) / max(len(norm), 1)
    return sid, round(0.8 + 0.17 * min(coverage, 1.0), 2), alias


def _cue_match(block: Block, specs: dict[str, SectionSpec], exclude: set[str]) -> tuple[str, str] | None:
    low = block.text.lower().replace("ё", "е")
    for sid, spec in specs.items():
        if sid in exclude:
            continue
        for lang in spec.cues.values():
            for cue in lang:
                if cue and _alias_regex(cue).search(low):
                    return sid, cue
    return None


def _body_words(blocks: list[Block]) -> tuple[int, bool, str]:
    text = " ".join(b.text for b in blocks if b.kind not in ("code", "front_matter"))
    stripped = _PLACEHOLDER.sub(" ", text)
    words = len(stripped.split())
    return words, bool(_DATE_OR_VERSION.search(text)), text


def _status(section_id: str, blocks: list[Block]) -> tuple[str, int]:
    words, has_number, text = _body_words(blocks)
    if words == 0:
        return "weak", 0
    if words <= 6 and _STUB.match(text) and not has_number:
        return "weak", words
    if words < 4 and not (section_id in _SHORT_OK and (has_number or words >= 2)):
        return "weak", words
    return "present", words


def detect_sections(doc: Document, profile: Profile) -> Detection:
    specs = profile.specs()
    detection = Detection()
    sections = doc.sections
    ids: list[str | None] = []
    parent: tuple[int, str] | None = None  # (level, id) of the last matched heading
    for sec in sections:
        sid: str | None = None
        if sec.heading is not None:
            found = match_heading(sec.heading, specs, sec.body)
            if found is not None:
                sid, confidence, alias = found
                parent = (sec.level, sid)
                body = _with_subsections(sections, sec)
                status, words = _status(sid, body)
                current = detection.by_id.get(sid)
                if current is None or (current.status == "weak" and status == "present"):
                    detection.by_id[sid] = SectionMatch(
                        id=sid, line=sec.line, heading=sec.heading, confidence=confidence, status=status,
                        words=words, reason=f"heading '{sec.heading}' matches '{alias}'",
                    )
            elif parent is not None and sec.level > parent[0]:
                sid = parent[1]  # an unnamed subsection belongs to its parent
            else:
                parent = None
        ids.append(sid)
    detection.section_ids = ids
    _body_cues(doc, specs, detection)
    return detection


def _with_subsections(sections: list[DocSection], sec: DocSection) -> list[Block]:
    blocks = list(sec.blocks)
    start = sections.index(sec)
    for other in sections[start + 1 :]:
        if other.heading is not None and other.level <= sec.level:
            break
        blocks.extend(other.blocks)
    return blocks


def _body_cues(doc: Document, specs: dict[str, SectionSpec], detection: Detection) -> None:
    """Sections stated without a (recognisable) heading: decided by what their sentences say."""
    found = set(detection.by_id)
    for sec, sid in zip(doc.sections, detection.section_ids, strict=False):
        if sid is not None:
            continue
        ordered = [b for b in sec.blocks if b.kind == "list_item" and b.ordered]
        if "procedure" in specs and "procedure" not in found and len(ordered) >= 3:
            detection.by_id["procedure"] = SectionMatch(
                id="procedure", line=ordered[0].line, heading=sec.heading, confidence=0.75,
                reason=f"numbered list of {len(ordered)} steps at line {ordered[0].line}", words=len(ordered) * 5,
            )
            found.add("procedure")
        for block in sec.blocks:
            if block.kind == "table" and "revision_history" in specs and "revision_history" not in found:
                first_row = block.text.split("\n", 1)[0]
                if _REVISION_TABLE.search(first_row) and _DATE_OR_VERSION.search(block.text):
                    detection.by_id["revision_history"] = SectionMatch(
                        id="revision_history", line=block.line, heading=sec.heading, confidence=0.8,
                        reason=f"version/date table at line {block.line}", words=len(block.text.split()),
                    )
                    found.add("revision_history")
                    continue
            if block.kind not in ("paragraph", "table", "list_item"):
                continue
            cue = _cue_match(block, specs, found | {"procedure"})
            if cue is None:
                continue
            cue_id, phrase = cue
            detection.by_id[cue_id] = SectionMatch(
                id=cue_id, line=block.line, heading=sec.heading, confidence=0.7,
                reason=f"line {block.line} says '{phrase}'", words=len(block.text.split()),
            )
            found.add(cue_id)
