"""Pronouns with two candidate antecedents: "The planner tells the driver that he must sign."

A personal pronoun is ambiguous when the same sentence, before it, names two or more different people or
roles it could point back to. People are found by language: English and German role nouns by their
article and a person-noun ending (planner, supervisor, Disponent, Leitung), Russian ones by pymorphy3's
animacy tag (мастер, технолог). One finding per ambiguous pronoun.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import cache

from sopgen.documents.prefilter import TextScan

# a sentence may wrap onto the next line, but a pipe table's next row is a sentence of its own (else a whole
# table became one over-long "sentence" and was skipped)
_SENTENCE = re.compile(r"[^.!?;\n]+(?:\n(?![ \t]*\n)(?![ \t]*\|)[^.!?;\n]+)*")
_PRONOUN = {
    "en": re.compile(r"\b(?:he|she|him|her|his)\b", re.I),
    "de": re.compile(r"\b(?:er|sie|ihn|ihm)\b"),  # lower case only: "Sie" is the polite "you"
    "ru": re.compile(r"(?<![\w-])(?:он|она|его|её|ее|ему|ей|него|неё|нему|ней)(?![\w-])", re.I),
}
_PERSON_EN = re.compile(
    r"\b(?:the|a|an|each|every|this|that)\s+(?:[a-z-]+\s+)?((?:[a-z]*(?:er|or|ist|yst|ant|ent|ian|man|woman|person|"
    r"officer|clerk|nurse|agent|lead|head|staff|steward))|manager|driver|caller|guest|visitor|user|customer|"
    r"employee|colleague|patient|resident|applicant|doctor|physician|pharmacist|student|child|parent|buddy|"
    r"starter|hire|trainee|intern|owner|holder|captain|pilot|chef|cook|guard|courier|auditor)s?\b", re.I)
_PERSON_DE = re.compile(
    # an English word before the role is part of its name ('der Release Manager'); nominalised participles
    # and adjectives name people too ('der Approbierten', 'die Verantwortliche', 'dem Vorgesetzten')
    r"\b(?i:der|die|den|dem|des|ein|eine|einen|einem|einer)\s+(?:[a-zäöüß]+[en]\s+|[A-Z][a-z]+\s+(?=[A-Z]))?"
    r"(Leitung|Leiter|Leiterin|Person|Fachkraft|[A-ZÄÖÜ][a-zäöüß]+(?:er|erin|or|orin|"
    r"ent|entin|ant|antin|ist|istin|eur|ling|leitung|kraft|person|mann|frau|arzt|ärztin|meister|meisterin|"
    r"beauftragte|beauftragter|leiter|leiterin|dienst|wache|aufsicht|ierte|ierten|liche|lichen|stellte|stellten|"
    r"setzte|setzten)(?:en|n|s|in|innen)?|Arzt|Ärztin|Kunde|Kundin|Kunden|Gast|Koch|"
    r"Köchin|Chef|Chefin|Bote|Botin)\b")


@cache
def _morph() -> object:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _people_ru(text: str) -> set[str]:
    """Animate nouns by lemma; one named both as the subject and in another case ('Старшая медсестра
    напоминает процедурной медсестре', 'инженер L1 сообщает инженеру L2') is two people: nobody tells
    themselves."""
    morph = _morph()
    found = set()
    cases: dict[str, set[bool]] = {}
    for word in re.findall(r"[а-яё]{3,}", text.lower()):
        for parse in morph.parse(word)[:1]:  # type: ignore[attr-defined]
            tag = parse.tag
            if "NOUN" in tag and "anim" in tag and "Name" not in tag and "Surn" not in tag:
                found.add(parse.normal_form)
                cases.setdefault(parse.normal_form, set()).add("nomn" in tag)
    found |= {f"{lemma}'" for lemma, kinds in cases.items() if len(kinds) == 2}
    return found


def _people(text: str, language: str) -> set[str]:
    if language == "ru":
        return _people_ru(text)
    pattern = _PERSON_DE if language == "de" else _PERSON_EN
    return {m.group(1).lower() for m in pattern.finditer(text)}


def ambiguous_pronouns(masked: str, language: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every pronoun that has two or more candidate people before it in its sentence."""
    pronoun = _PRONOUN.get(language)
    if pronoun is None:
        return
    # the pronouns of the whole text in one scan (a pronoun never spans a sentence's end), then only the
    # sentences holding one are looked at
    spans = TextScan(masked).spans(pronoun)
    starts = [a for a, _ in spans]
    for sentence in _SENTENCE.finditer(masked):
        first, last = sentence.span()
        i = bisect.bisect_left(starts, first)
        if i == len(starts) or starts[i] >= last:
            continue
        text = sentence.group(0)
        if len(text) > 600:
            continue  # a run-on table row or list, not one sentence
        while i < len(spans) and spans[i][1] <= last:
            a, b = spans[i]
            if len(_people(text[: a - first], language)) >= 2:
                yield a, b
            i += 1
