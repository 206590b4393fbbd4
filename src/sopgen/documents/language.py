"""Language identification limited to the languages sopgen has rules for, with a script-based shortcut."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_CYR = re.compile(r"[\u0400-\u04ff]")
_LAT = re.compile(r"[A-Za-zÄÖÜäöüß]")
_GERMAN_HINTS = re.compile(r"\b(und|der|die|das|ist|nicht|mit|für|wird|werden|sie|auf|zu)\b|[äöüß]", re.I)
_ENGLISH_HINTS = re.compile(r"\b(the|and|is|are|of|to|with|for|must|this|be|on)\b", re.I)


@cache
def _identifier() -> Any:
    from py3langid import langid

    langid.set_languages(["en", "de", "ru"])
    return langid


def detect_language(text: str, default: str = "en") -> str:
    """'en', 'de' or 'ru' (sopgen's rule languages), decided on the first ~5,000 characters."""
    sample = text[:5000]
    cyr = len(_CYR.findall(sample))
    lat = len(_LAT.findall(sample))
    if cyr + lat == 0:
        return default
    if cyr > lat:
        return "ru"
    de, en = len(_GERMAN_HINTS.findall(sample)), len(_ENGLISH_HINTS.findall(sample))
    if de >= 2 * max(en, 1):
        return "de"
    if en >= 2 * max(de, 1):
        return "en"
    if de != en and max(de, en) >= 3:
        return "de" if de > en else "en"
    lang, _prob = _identifier().classify(sample)  # rare: loading its model costs 0.6 s
    return str(lang) if lang in ("en", "de", "ru") else default
