"""Whether an all-caps token is a dictionary word ('VORSICHT', 'ВНИМАНИЕ') and not an abbreviation.

simplemma knows, but loading its German or Russian dictionary costs about a second, in every worker
process of a batch. The abbreviation rule only asks about tokens of 5 to 8 letters, so the dictionary's
words of those lengths are kept once per machine in the user's cache folder as a plain word list (named
after the simplemma version), which reads in milliseconds. Other lengths, or a cache that cannot be
written, go to simplemma itself: the answers are simplemma's either way.
"""

from __future__ import annotations

import contextlib
import unicodedata
from functools import cache
from importlib import metadata

from sopgen.config import user_cache_dir, write_cache_file

LENGTHS = range(5, 9)


def _version() -> str:
    try:
        return metadata.version("simplemma")
    except metadata.PackageNotFoundError:
        return "unknown"


@cache
def _words(language: str) -> frozenset[str]:
    stored = user_cache_dir() / f"words-{language}-{_version()}-{LENGTHS.start}-{LENGTHS.stop - 1}.txt"
    try:
        return frozenset(stored.read_text(encoding="utf-8").split("\n"))
    except (OSError, ValueError):  # missing or damaged (not UTF-8): rebuilt below
        pass
    from simplemma.strategies.dictionaries.dictionary_factory import DEFAULT_DICTIONARY_FACTORY

    words = sorted(w for w in DEFAULT_DICTIONARY_FACTORY.get_dictionary(language) if len(w) in LENGTHS)
    with contextlib.suppress(OSError):  # an unwritable cache: the words are still right, only not kept
        write_cache_file(stored, "\n".join(words).encode("utf-8"))
    return frozenset(words)


def is_known(token: str, language: str) -> bool:
    """simplemma.is_known(token, language), for the en/de/ru tokens the abbreviation rule meets."""
    token = unicodedata.normalize("NFC", token)
    if len(token) not in LENGTHS or language not in ("en", "de", "ru") or "'" in token or "’" in token:
        import simplemma

        return bool(simplemma.is_known(token, lang=language))
    words = _words(language)
    other = token.lower() if token[:1].isupper() else token.capitalize()  # simplemma tries both casings
    return token in words or other in words
