"""Language identification limited to the languages sopgen has rules for, with a script-based shortcut."""

from __future__ import annotations

import os
import re
import shutil
from functools import cache, lru_cache
from typing import Any

_CYR = re.compile(r"[\u0400-\u04ff]")
_LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzÄÖÜäöüß"
_DROP_LATIN = {ord(c): None for c in _LATIN}  # counting by deletion is ~7x faster than findall
_GERMAN_HINTS = re.compile(r"\b(und|der|die|das|ist|nicht|mit|für|wird|werden|sie|auf|zu)\b|[äöüß]", re.I)
_ENGLISH_HINTS = re.compile(r"\b(the|and|is|are|of|to|with|for|must|this|be|on)\b", re.I)


_LANGS = ["en", "de", "ru"]
_PARTS = ("ptc", "pc", "classes", "nextmove", "row", "output")


@cache
def _identifier() -> Any:
    """py3langid restricted to en/de/ru. Its packed model takes 0.5 s to unpack, in every worker of a batch;
    the unpacked en/de/ru part is kept once per machine in the user's cache folder, its 40 MB state table
    memory-mapped, so it loads in milliseconds."""
    from importlib import metadata

    import numpy as np
    from py3langid import langid

    from sopgen.config import user_cache_dir

    folder = user_cache_dir() / f"langid-{'-'.join(_LANGS)}-{metadata.version('py3langid')}"
    try:
        part = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _PARTS}
        return langid.LanguageIdentifier(
            np.asarray(part["ptc"]), np.asarray(part["pc"]), part["classes"].tolist(), memoryview(part["nextmove"]),
            part["output"].tolist(), tk_row=part["row"].tolist())
    except FileNotFoundError:
        pass
    except (OSError, ValueError):  # damaged: rebuilt below
        shutil.rmtree(folder, ignore_errors=True)
    identifier = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE)
    identifier.set_languages(_LANGS)
    arrays = {"ptc": identifier.nb_ptc, "pc": identifier.nb_pc, "classes": np.array(identifier.nb_classes),
              "nextmove": np.frombuffer(identifier.tk_nextmove, dtype=np.uint32),
              "row": np.frombuffer(identifier.tk_row, dtype=np.uint16), "output": np.array(identifier.tk_output)}
    try:
        partial = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
        partial.mkdir(parents=True, exist_ok=True)
        for name, values in arrays.items():
            np.save(partial / f"{name}.npy", values, allow_pickle=False)
        partial.rename(folder)  # atomic; a worker that lost the race keeps its own copy in memory
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
    return identifier


# Function words of languages sopgen has no rules for: enough to say "this is French, not English" and warn,
# instead of checking a French text as English in silence. Only words that are not also common en/de/ru words.
_OTHER_HINTS = {
    "fr": "le la les et est des du une pour dans que qui sur pas avec être sont cette aux par",
    "es": "el los las y es del una para que por con se su al lo como más pero sus está",
    "it": "il lo gli della che è per una con non sono del alla nel anche come questo",
    "pt": "os as uma para que com não são do da dos das em por mais como ao está",
    "nl": "de het een en van is dat op te zijn niet met voor ook aan wordt bij",
    "pl": "i w na jest się z nie do że to o jak przez dla są od być po",
    "sv": "och att det som en på är av för med till den inte om har de ett",
    "uk": "і та що не на це як від до за з у його для є які ці",
}
LANGUAGE_NAMES = {"en": "English", "de": "German", "ru": "Russian", "fr": "French", "es": "Spanish",
                  "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "sv": "Swedish",
                  "uk": "Ukrainian"}
_OTHER_WORDS = {lang: set(words.split()) for lang, words in _OTHER_HINTS.items()}
_OWN_HINTS = {"en": "the and is are of to with for must this be on a in it that",
              "de": "und der die das ist nicht mit für wird werden sie auf zu ein eine den",
              "ru": "и в не на что с по для как это от при или должен"}
_OWN_WORDS = {lang: set(words.split()) for lang, words in _OWN_HINTS.items()}
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=4)
def _hints(sample: str) -> tuple[int, int]:
    """(German, English) function words and letters in a sample; a load asks twice (language, other)."""
    return len(_GERMAN_HINTS.findall(sample)), len(_ENGLISH_HINTS.findall(sample))


def other_language(text: str) -> str | None:
    """A language without sopgen rules that `text` reads as (ISO 639-1), or None when it is en/de/ru.

    Counts function words: a text is 'other' when one foreign list covers clearly more of its words than
    the best of en/de/ru does. Ukrainian is told from Russian by its own letters (і, ї, є, ґ).
    """
    sample = text[:5000]
    hints = sum(_hints(sample))
    if hints * 12 >= sample.count(" ") or (_CYR.search(sample) and not any(c in "їєґі" for c in sample)):
        return None  # plainly English, German or Russian: the common case, decided at C speed
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < 12:
        return None
    own = max(sum(w in vocab for w in words) for vocab in _OWN_WORDS.values())
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _OTHER_WORDS.items()}
    if any(c in "їєґ" for c in text[:5000]) or text[:5000].count("і") > 3:
        scores["uk"] += len(words) // 10
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    return lang if best >= max(4, 2 * own) and best >= len(words) * 0.08 else None


def looks_german(text: str) -> bool:
    """A cheap guess for short Latin-script texts such as queries: any German function word or letter."""
    return _GERMAN_HINTS.search(text) is not None


def detect_language(text: str, default: str = "en") -> str:
    """'en', 'de' or 'ru' (sopgen's rule languages), decided on the first ~5,000 characters."""
    sample = text[:5000]
    cyr = len(_CYR.findall(sample))
    lat = len(sample) - len(sample.translate(_DROP_LATIN))
    if cyr + lat == 0:
        return default
    if cyr > lat:
        return "ru"
    de, en = _hints(sample)
    if de >= 2 * max(en, 1):
        return "de"
    if en >= 2 * max(de, 1):
        return "en"
    if de != en and max(de, en) >= 3:
        return "de" if de > en else "en"
    lang, _prob = _identifier().classify(sample)  # rare: loading its model costs 0.6 s
    return str(lang) if lang in ("en", "de", "ru") else default
