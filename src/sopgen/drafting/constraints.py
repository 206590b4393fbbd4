"""A brief's constraints are requirements, not content to paste.

Two kinds arrive mixed in one list: instructions to the writer ("Every step names the role that performs
it", "Do not include passwords") shape how the draft is written and never appear in it; content
constraints ("within 4 hours", "a restore request FRM-IT-021 signed by the manager") belong in one section
of the SOP, where they are written as a requirement taken from the brief for the writer to confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sopgen.schema import Brief

# Writer instructions address the document or its wording, not the work.
_INSTRUCTION = re.compile(
    r"^(?:do not|don't|never|avoid|use|write|keep|include|mention|name|state|list|add|make sure|ensure the (?:sop|text|draft)|"
    r"every step|each step|all steps|the sop|this sop|the document|the draft|steps? (?:must|should)|"
    r"keine[nrs]?\b|nicht\b|vermeide|verwende|schreibe|nenne|jeder schritt|alle schritte|die anweisung|der text|"
    r"не\s|никогда|избегать|использовать|писать|указывать|каждый шаг|все шаги|в тексте|документ)",
    re.I,
)
_WORDING = re.compile(r"\b(?:wording|plain language|sentence|imperative|passive|formulier|satz|sätze|формулир|"
                      r"предложени|language|sprache|язык)\b", re.I)
# Content constraints by the section they belong to (first match wins).
_PLACES: list[tuple[str, re.Pattern[str]]] = [
    ("approval", re.compile(r"sign(?:ed|s|-off|off)?\b|approv|freigab|freigegeben|unterschr|genehmig|"
                            r"утвержд|подпис|согласов", re.I)),
    ("safety", re.compile(r"safety(?! backup| copy)|ppe|glove|goggle|hazard|fire|evacuat|schutz|handschuh|brille|gefahr|brand|"
                          r"безопасн|сиз|перчат|очк|опасн|пожар", re.I)),
    ("records", re.compile(r"record|log\b|logged|document(?:ed|s)?\b|form\b|report|archiv|protokoll|dokumentier|"
                           r"formular|nachweis|журнал|запис|регистрир|отч[её]т|форм[аеуы]?\b", re.I)),
    ("escalation", re.compile(r"escalat|notify|inform|call|page|eskal|benachrichtig|informier|эскалац|уведом|"
                              r"сообщ|информир", re.I)),
    ("resources", re.compile(r"train|qualif|access|licen|schul|qualifi|zugang|berechtig|обуч|допуск|доступ|"
                             r"квалиф", re.I)),
    ("quality", re.compile(r"verif|check|count|measure|kpi|prüf|kontroll|messen|провер|контрол|измер", re.I)),
    ("procedure", re.compile(r".")),
]


@dataclass(frozen=True)
class Constraint:
    text: str
    kind: str  # "instruction" | "content"
    section: str | None  # where a content constraint goes


def classify(text: str) -> Constraint:
    """Writer instruction or content, and for content the section it belongs to.

    >>> classify("Every step names the role that performs it").kind
    'instruction'
    >>> classify("No restore without a request FRM-IT-021 signed by the IT Operations Manager").section
    'approval'
    """
    stripped = text.strip()
    # "No restore without ..." is content; "Do not include passwords" is an instruction
    prohibition = re.match(r"^(?:no|kein\w*|без|нельзя)\s", stripped, re.I)
    if (_INSTRUCTION.match(stripped) and not prohibition) or _WORDING.search(stripped):
        return Constraint(stripped, "instruction", None)
    for section, pattern in _PLACES:
        if pattern.search(stripped):
            return Constraint(stripped, "content", section)
    return Constraint(stripped, "content", "procedure")


@cache
def _classified(constraints: tuple[str, ...]) -> tuple[Constraint, ...]:
    return tuple(classify(c) for c in constraints)


def content_constraints(brief: Brief) -> list[Constraint]:
    return [c for c in _classified(tuple(brief.constraints)) if c.kind == "content"]


def instructions(brief: Brief) -> list[Constraint]:
    return [c for c in _classified(tuple(brief.constraints)) if c.kind == "instruction"]


_SECRET_RULE = re.compile(r"password|passphrase|secret|credential|passwort|kennwort|geheim|пароль|секрет", re.I)
_SECRET_VALUE = re.compile(r"(?:password|passphrase|passwort|kennwort|пароль|token|secret|api[_ -]?key)\s*[:=]\s*\S+",
                           re.I)


def forbids_secrets(brief: Brief) -> bool:
    """Does the brief tell the writer to keep secrets out? (Then steps quoting one are left out.)"""
    return any(_SECRET_RULE.search(c.text) for c in instructions(brief))


def quotes_secret(text: str) -> bool:
    return bool(_SECRET_VALUE.search(text))
