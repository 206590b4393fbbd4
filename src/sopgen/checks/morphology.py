"""Passive-voice detection with real morphology: HanTa for German, pymorphy3 for Russian, rules for English.

Each analyser loads lazily and once per process, and is only asked about candidate words that a cheap
regex already picked, which keeps the whole rule set fast.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from sopgen.documents.prefilter import TextScan

Span = tuple[int, int]

_EN_AUX = r"(?:is|are|was|were|be|been|being|gets|get|got|getting)"
_EN_IRREGULAR = (
    "done|made|given|taken|written|sent|kept|held|set|put|shown|known|seen|found|left|built|sold|told|paid|read|"
    "run|cut|shut|spent|chosen|frozen|driven|thrown|drawn|hidden|forgotten|begun|brought|bought|caught|taught|"
    "fed|led|lit|hung|struck|undertaken|overridden|withdrawn|rewritten|reset|split|spread|bound|sought|laid|"
    "said|heard|dealt|swept|wound|ground|upheld|withheld|sent|rebuilt|retaken|redone|fitted|shipped|stored"
)
_EN_PASSIVE = re.compile(
    rf"\b{_EN_AUX}\s+(?:(?:not|then|also|always|only|first|usually|normally|\w+ly)\s+){{0,2}}"
    rf"((?:\w+ed|{_EN_IRREGULAR}))\b",
    re.I,
)
_EN_STATIVE = set(
    ["located", "required", "needed", "based", "allowed", "permitted", "prohibited", "forbidden", "expected", "supposed", "intended", "designed", "used", "called", "named", "concerned", "involved", "interested", "qualified", "authorized", "authorised", "entitled", "dedicated", "related", "limited", "closed", "damaged", "contaminated", "cracked", "broken", "finished", "completed", "done", "gone", "lost", "stuck", "blocked", "connected", "considered", "assumed", "estimated", "affected", "exposed", "labelled", "labeled", "marked", "listed", "defined", "described", "shown", "included", "attached", "enclosed", "covered", "mandated", "obliged", "obligated", "advised", "recommended", "encouraged", "satisfied", "met", "reached", "exceeded", "tired", "pleased", "scheduled", "expired", "exhausted", "overloaded", "unavailable", "detected", "occupied", "married", "dressed", "organized", "organised", "equipped", "trained", "experienced", "skilled", "aimed", "titled", "headed", "worried", "prepared", "informed", "known", "seen", "found", "left", "set"]
)
_EN_AGENT = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?[\w-]+", re.I)
_EN_CONDITIONAL = re.compile(
    r"^\s*(?:if|when|whenever|unless|once|until|whether|after|before|while|as soon as|where|in case|provided)\b", re.I
)

_DE_AUX = re.compile(r"\b(?:wird|werden|wurde|wurden|worden|werde|würde|würden|wirst)\b", re.I)
_DE_CANDIDATE = re.compile(r"\b\w{4,}(?:t|en)\b")  # HanTa decides; this only keeps it from seeing every word
_DE_AGENT = re.compile(r"\b(?:von|vom|durch):?\s+(?:der|die|das|dem|den|einer|einem|einen|eine|ihm|ihr|ihnen)?\s*"
                       r"(?!Hand\b)[A-ZÄÖÜ][\w-]+")
_DE_CONDITIONAL = re.compile(
    r"^\s*(?:wenn|falls|sobald|nachdem|bevor|solange|sofern|soweit|ob|bis|während|da|weil|damit|dass|wie|was)\b",
    re.I,
)
_DE_STATIVE = {"benötigt", "gebraucht", "verlangt", "erwartet", "gestattet", "erlaubt", "verboten", "empfohlen"}

_RU_CANDIDATE = re.compile(
    r"(?<![\w-])[а-яё]{2,}(?:ся|сь|ят|ята|ято|яты|ен|ён|ан|ян|ена|ёна|ана|яна|ено|ёно|ано|яно|ены|ёны|аны|яны|ит|ыт|ита|ыта|ито|ыто|"
    r"иты|ыты|ут|ута|уто|уты)(?![\w-])",
    re.I,
)
# reflexive verbs that are not passives: intransitive ones, and change-of-state verbs whose subject undergoes
# the change ('масло нагревается', 'давление снижается': nobody heats it)
_RU_INTRANSITIVE = set(
    ["являться", "находиться", "считаться", "становиться", "оставаться", "начинаться", "заканчиваться", "появляться", "отличаться", "относиться", "стремиться", "случаться", "касаться", "требоваться", "допускаться", "запрещаться", "разрешаться", "рекомендоваться", "обращаться", "связываться", "возвращаться", "подключаться", "знакомиться", "руководствоваться", "пользоваться", "нуждаться", "ожидаться", "получаться", "казаться", "состояться", "происходить", "входить", "ориентироваться", "заниматься", "придерживаться", "располагаться", "готовиться", "стараться", "учиться", "бояться", "надеяться", "соглашаться", "отказываться", "включаться", "возникать", "возникнуть", "оказываться", "оказаться", "удаваться", "удаться", "продолжаться", "длиться", "прекращаться", "делиться", "распространяться", "зависеть", "зависеться", "предусматриваться", "опираться", "подчиняться", "представляться", "сохраняться", "нагреваться", "охлаждаться", "накапливаться", "образовываться", "повышаться", "понижаться", "увеличиваться", "уменьшаться", "изменяться", "меняться", "расширяться", "сжиматься", "испаряться", "плавиться", "растворяться", "вращаться", "останавливаться", "загораться", "выключаться", "колебаться", "снижаться", "разряжаться", "заряжаться", "перегреваться", "засоряться", "изнашиваться", "портиться"]
)
_RU_STATIVE_PARTICIPLE = set(
    ["расположить", "обязать", "предназначить", "связать", "заинтересовать", "уверить", "вынудить", "оснастить", "запретить", "разрешить", "допустить", "рекомендовать", "утвердить", "согласовать", "ознакомить", "подчинить", "наделить"]
)
_RU_ORG = set(["отдел", "служба", "подразделение", "группа", "комиссия", "руководство", "администрация", "дирекция", "бригада", "смена", "лаборатория", "персонал", "сотрудник",
               # systems that act, named in the instrumental ("собирается CI-сервером", "создаётся системой")
               "сервер", "система", "программа", "скрипт", "робот", "бот", "планировщик", "конвейер", "автомат"])
_RU_CONDITIONAL = re.compile(r"^\s*(?:если|когда|в случае|при|пока|после того|до того|как только|чтобы|который|которая|которые|которое)\b", re.I)
# a clause may run on over a wrapped line, but not over a blank line or into the next row of a pipe table
# (a row's actor is not the subject of the next row's verb)
_CLAUSE = re.compile(r"[^.;!?:\n]+(?:\n(?![ \t]*\n)(?![ \t]*\|)[^.;!?:\n]+)*")


@cache
def _hanta() -> Any:
    from HanTa import HanoverTagger as ht

    return ht.HanoverTagger("morphmodel_ger.pgz")


@cache
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@cache
def _de_tag(word: str) -> str:
    """HanTa's part-of-speech tag of a word out of context ('VV(PP)', 'ADJ(D)' ...)."""
    return str(_hanta().analyze(word)[1])


@cache
def _de_is_participle(word: str) -> bool:
    tag = _de_tag(word)
    # Out of context many participles look finite ('erfasst', 'dokumentiert'); the caller has already seen a
    # form of 'werden' in the clause, which decides it for words ending in -t.
    participle = tag.endswith("(PP)") or (word.endswith("t") and tag == "VV(FIN)")
    return participle and word.lower() not in _DE_STATIVE


@cache
def _ru_parse(word: str) -> Any:
    return _morph().parse(word)[0]


@cache
def _ru_transitive_base(lemma: str) -> bool:
    base = lemma[:-2]
    return any({"INFN", "tran"} <= set(p.tag.grammemes) for p in _morph().parse(base))


def _segments(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """Comma-separated segments of one clause, with their offsets."""
    pos = start
    for part in re.split(r"(,)", text[start:end]):
        if part != ",":
            yield pos, part
        pos += len(part)


_NUMBER_DOT = re.compile(r"(?<=\d)\.(?=\d)")
_DE_ABBREVIATION_DOT = re.compile(r"\b(?:u|z|d|o|s|v|Ä|B|h|a|bzw|ggf|ggfs|ca|Nr|usw|evtl|inkl|vgl)\.(?=\s*\w)")


def find_passives(text: str, language: str) -> Iterator[Span]:
    """Spans of actor-less passive verb groups in masked text."""
    if language == "de":  # 'u. Ä.', 'z. B.': a period inside an abbreviation does not end the clause
        text = _DE_ABBREVIATION_DOT.sub(lambda m: m.group(0)[:-1] + " ", text)
    if "." in text:  # nor does one inside a date or a number ('am 15.03.2024', 'Version 2.1')
        text = _NUMBER_DOT.sub(" ", text)
    auxiliaries = [a for a, _ in TextScan(text).spans(_EN_AUX_QUICK)] if language == "en" else []
    for clause in _CLAUSE.finditer(text):
        start, end = clause.span()
        body = clause.group(0)
        if language == "en":
            i = bisect.bisect_left(auxiliaries, start)
            if i < len(auxiliaries) and auxiliaries[i] < end:  # a form of 'be'/'get' in the clause
                yield from _en(text, start, end, body)
        elif language == "de":
            yield from _de(text, start, end, body)
        elif language == "ru":
            yield from _ru(text, start, end, body)


_EN_AUX_QUICK = re.compile(rf"\b{_EN_AUX}\b", re.I)


def _en(text: str, start: int, end: int, body: str) -> Iterator[Span]:
    if _EN_AUX_QUICK.search(body) is None:
        return  # no form of 'be'/'get': no passive, skip the per-segment work
    if _EN_AGENT.search(body) is None:
        for seg_start, segment in _segments(text, start, end):
            if _EN_CONDITIONAL.match(segment):
                continue
            for m in _EN_PASSIVE.finditer(segment):
                if m.group(1).lower() not in _EN_STATIVE:
                    yield seg_start + m.start(), seg_start + m.end()
    else:
        # 'is approved by the QA manager' names the actor; other passives in the clause are still reported
        for seg_start, segment in _segments(text, start, end):
            if _EN_CONDITIONAL.match(segment) or _EN_AGENT.search(segment):
                continue
            for m in _EN_PASSIVE.finditer(segment):
                if m.group(1).lower() not in _EN_STATIVE:
                    yield seg_start + m.start(), seg_start + m.end()


def _de(text: str, start: int, end: int, body: str) -> Iterator[Span]:
    if _DE_AGENT.search(body):
        return
    if _DE_SEIN.search(body):
        yield from _de_modal_passive(text, start, end)
    if not _DE_AUX.search(body):
        return
    for seg_start, segment in _segments(text, start, end):
        if _DE_CONDITIONAL.match(segment):
            continue
        if not _DE_AUX.search(segment) and not _DE_AUX.search(body):
            continue
        found = None
        for m in _DE_CANDIDATE.finditer(segment):
            word = m.group(0)
            if word[0].isupper():
                continue  # a noun (Gebiet, Bericht) or a verb-first condition ('Besteht ...'), not a participle
            if _DE_AUX.fullmatch(word):
                continue
            if _de_is_participle(word):
                found = m  # German puts the participle last: 'getrennt nach ... gesammelt' -> 'gesammelt'
        if found is not None:
            yield seg_start + found.start(), seg_start + found.end()


_DE_SEIN = re.compile(r"\b(?:ist|sind|war|waren)\b")
_DE_ZU_INFINITIVE = re.compile(r"(?<![\w-])(?:zu\s+[a-zäöüß]{2,}(?:en|ern|eln)|[a-zäöüß]{2,}zu[a-zäöüß]{2,}(?:en|ern|eln))"
                               r"(?=\s*(?:[.;:!?,)]|$))")
_DE_SUBJECT_FRAME = re.compile(r"\b(?:verpflichtet|berechtigt|bereit|gehalten|befugt|angewiesen|fähig|imstande|"
                               r"in der lage|aufgefordert)\b", re.I)


def _de_modal_passive(text: str, start: int, end: int) -> Iterator[Span]:
    """'sein' + 'zu' + infinitive, the modal passive: "Die Ware ist einzulagern", "Bei Fehlern ist ein
    8D-Report zu erstellen" say what must be done and not who does it ('zu hoch' is an adjective, and
    "Der Fahrer ist verpflichtet, ... zu" names its actor)."""
    for seg_start, segment in _segments(text, start, end):
        sein = _DE_SEIN.search(segment)
        if sein is None or _DE_CONDITIONAL.match(segment) or _DE_SUBJECT_FRAME.search(segment):
            continue
        for m in _DE_ZU_INFINITIVE.finditer(segment, sein.end()):
            verb = m.group(0).split()[-1]
            if not _de_tag(verb).startswith(("ADJ(D)", "ADV", "NN")):
                yield seg_start + m.start(), seg_start + m.end()


def _ru(text: str, start: int, end: int, body: str) -> Iterator[Span]:
    for seg_start, segment in _segments(text, start, end):
        if _RU_CONDITIONAL.match(segment):
            continue
        hits: list[tuple[int, int]] = []
        for m in _RU_CANDIDATE.finditer(segment):
            word = m.group(0).lower()
            if _ru_is_passive(word) and not (word.endswith(("ся", "сь")) and _ru_person_before(segment[:m.start()])):
                hits.append((seg_start + m.start(), seg_start + m.end()))
        if hits and not _ru_has_agent(segment):
            yield from hits
    if _RU_THIRD_PLURAL.search(body):
        yield from _ru_indefinite_personal(text, start, end)


_RU_WORD = re.compile(r"[а-яёА-ЯЁ]{2,}")
_RU_THIRD_PLURAL = re.compile(r"[а-яё](?:ют|ят|ут|ат)(?![а-яё])", re.I)  # every such verb ends so


@cache
def _ru_readings(word: str) -> tuple[frozenset[str], ...]:
    """The grammemes of each pymorphy reading of a lower-cased word, likeliest first (a clause asks for
    every word's readings, and the same words recur throughout a document)."""
    return tuple(frozenset(p.tag.grammemes) for p in _morph().parse(word))


def _ru_indefinite_personal(text: str, start: int, end: int) -> Iterator[Span]:
    """A transitive verb in the third person plural with no subject in the clause ("Если результат
    сомнительный, анализ повторяют", "Заявку передают в отдел"): the Russian way of not saying who does
    it, read as the passive is. A word read first as a nominative plural, or one that can be a person or a
    pronoun in the nominative, counts as a subject ("Операторы, получив заявку, проверяют её")."""
    verbs: list[tuple[int, int]] = []
    for seg_start, segment in _segments(text, start, end):
        conditional = bool(_RU_CONDITIONAL.match(segment))
        for m in _RU_WORD.finditer(segment):
            readings = _ru_readings(m.group(0).lower())
            top = readings[0]
            if not conditional and {"VERB", "tran", "plur", "3per", "indc"} <= top and not m.group(0).endswith(("ся", "сь")):
                verbs.append((seg_start + m.start(), seg_start + m.end()))
                continue
            if {"NOUN", "nomn", "plur"} <= top or any(
                    "nomn" in g and ("NPRO" in g or {"NOUN", "anim"} <= g) for g in readings):
                return
    yield from verbs


def _ru_is_passive(word: str) -> bool:
    p = _ru_parse(word)
    grammemes = set(p.tag.grammemes)
    if "PRTS" in grammemes:
        return "pssv" in grammemes and p.normal_form not in _RU_STATIVE_PARTICIPLE
    if "VERB" in grammemes and word.endswith(("ся", "сь")) and "impr" not in grammemes:
        lemma = p.normal_form
        if lemma in _RU_INTRANSITIVE or not lemma.endswith(("ся", "сь")):  # 'регистрироваться', 'вестись'
            return False
        if "1per" in grammemes or "2per" in grammemes:
            return False
        return _ru_transitive_base(lemma)
    return False


def _ru_person_before(text: str) -> bool:
    """A person named in the nominative before a reflexive verb is its subject, and the verb active
    ("Инженер разбирается в причинах", "Уборщик расписывается в журнале"): a passive's subject is the
    thing done ("Заявка регистрируется")."""
    for word in re.findall(r"[а-яёА-ЯЁ]{4,}", text):  # three-letter 'people' are mostly misreadings ('тег')
        readings = _ru_readings(word.lower())
        if readings and {"NOUN", "nomn", "anim"} <= readings[0]:  # the likeliest reading
            return True
    return False


def _ru_has_agent(segment: str) -> bool:
    for word in re.findall(r"[а-яёА-ЯЁ]{3,}", segment):
        for p in _morph().parse(word.lower())[:2]:
            g = set(p.tag.grammemes)
            if {"NOUN", "ablt"} <= g and ("anim" in g or p.normal_form in _RU_ORG):
                return True
    return False
