"""A small BM25 over chunk texts, for exact terms (form numbers, system names, abbreviations).

Tokens are lower-cased words cut to their first five letters, a crude stemmer that lets inflected German
and Russian forms meet; identifiers such as FRM-QA-017 are also kept whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from functools import cache

import numpy as np

from sopgen.config import user_cache_dir, write_cache_file
from sopgen.yamlio import fast_load

_WORD = re.compile(r"\w+")
_IDENT = re.compile(r"\b\w+(?:[-_./]\w+)+\b")


def tokenize(text: str) -> list[str]:
    low = text.lower().replace("ё", "е")
    tokens = [w[:5] for w in _WORD.findall(low)]
    tokens += _IDENT.findall(low)
    return tokens


class BM25:
    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.n = len(texts)
        self.lengths = np.array([max(1, len(tokenize(t))) for t in texts], dtype=np.float32)
        self.avg = float(self.lengths.mean()) if self.n else 1.0
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, text in enumerate(texts):
            for tok, tf in Counter(tokenize(text)).items():
                postings[tok].append((i, tf))
        self.postings = {t: (np.array([d for d, _ in p]), np.array([f for _, f in p], dtype=np.float32))
                         for t, p in postings.items()}

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for tok in set(tokenize(query)):
            if tok not in self.postings:
                continue
            docs, tf = self.postings[tok]
            idf = math.log(1 + (self.n - len(docs) + 0.5) / (len(docs) + 0.5))
            norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[docs] / self.avg)
            out[docs] += idf * tf * (self.k1 + 1) / norm
        return out


_GLOSS_WORD = re.compile(r"[^\W\d_][\w-]*")
_GLOSS_LANGS = ("en", "de", "ru")
_KEYS_VERSION = 1  # bump when _forms changes
EXPANSION_TERMS = 3  # per language and concept: the most common words only, or the query drowns


@cache
def _lemma(word: str, latin: tuple[str, ...] = ("de", "en")) -> str:
    import simplemma

    low = word.lower().replace("ё", "е")
    lang = "ru" if any("\u0400" <= c <= "\u04ff" for c in low) else latin
    return str(simplemma.lemmatize(low, lang=lang)).lower().replace("ё", "е")


def _forms(text: str, query: bool = False) -> list[tuple[str, ...]]:
    """The words of `text` as written (lower-cased) and as lemmas: a lemmatiser that errs on one form
    (simplemma reads 'пайка' as 'паёк') still meets the other.

    A query's Latin words are lemmatised in the query's own language only: loading simplemma's German
    dictionary for an English question cost a cold search 0.8 s."""
    words = [w.lower().replace("ё", "е") for w in _GLOSS_WORD.findall(text)]
    latin: tuple[str, ...] = ("de", "en")
    if query:
        from sopgen.documents.language import looks_german

        latin = ("de",) if looks_german(text) else ("en",)  # py3langid's model would cost 0.4 s to load
    return [tuple(words), tuple(_lemma(w, latin) for w in words)]


@cache
def _glossary_data() -> tuple[list[dict[str, list[str]]], dict[str, list[tuple[str, ...]]]]:
    """The glossary's concepts, and each of its words' keys (as written and as lemmas).

    Lemmatising the glossary loads three simplemma dictionaries (about 3 s), which a cold `sopgen search`
    should not pay every time: the keys are kept in the user's cache folder, under a name that changes
    with the glossary and the simplemma version. A cache that cannot be read or written is rebuilt."""
    from importlib import metadata, resources

    path = resources.files("sopgen.index") / "data" / "glossary.yaml"
    if not path.is_file():
        return [], {}
    text = path.read_text(encoding="utf-8")
    concepts = [{lang: [str(w) for w in c.get(lang, [])] for lang in _GLOSS_LANGS}
                for c in (fast_load(text) or {}).get("concepts", [])]
    try:
        version = metadata.version("simplemma")
    except metadata.PackageNotFoundError:
        version = "?"
    digest = hashlib.sha256(f"{text}\x00{version}\x00{_KEYS_VERSION}".encode()).hexdigest()[:16]
    stored = user_cache_dir() / f"glossary-keys-{digest}.json"
    try:
        raw = json.loads(stored.read_text(encoding="utf-8"))
        return concepts, {word: [tuple(k) for k in keys] for word, keys in raw.items()}
    except (OSError, ValueError):
        pass
    keys = {word: sorted(set(_forms(word))) for concept in concepts for words in concept.values() for word in words}
    with contextlib.suppress(OSError):
        write_cache_file(stored, json.dumps(keys, ensure_ascii=False).encode("utf-8"))
    return concepts, keys


@cache
def _glossary() -> dict[tuple[str, ...], list[str]]:
    """Lemmatised glossary term -> the other words of its concept, in every language."""
    concepts, keys = _glossary_data()
    index: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for concept in concepts:
        expansion = [w for lang in _GLOSS_LANGS for w in concept.get(lang, [])[:EXPANSION_TERMS]]
        for lang in _GLOSS_LANGS:
            for word in concept.get(lang, []):
                for key in set(keys[word]):
                    if key and len(key) <= 2 and len("".join(key)) >= 3:
                        index[key].extend(w for w in expansion if w != word)
    return dict(index)


@cache
def _concepts() -> tuple[dict[tuple[str, ...], int], list[dict[str, list[str]]]]:
    """Lemmatised glossary term -> concept number, and the concepts' words by language."""
    concepts, keys = _glossary_data()
    index: dict[tuple[str, ...], int] = {}
    for number, concept in enumerate(concepts):
        for words in concept.values():
            for word in words:
                if any(c.isdigit() for c in word):
                    continue  # 'under 18' would otherwise be the key 'under'
                for key in keys[word]:
                    if key and len(key) <= 2 and len("".join(key)) >= 3:
                        index.setdefault(key, number)
    return index, concepts


def translate_query(query: str, language: str) -> str | None:
    """The query with every glossary term replaced by its first word in `language` (a word-by-word
    dictionary translation, the other words kept), or None when no term of the query is in the glossary.

    A multilingual embedding model matches a half-translated query to text in that language better than
    the original: the shared domain words now agree.

    >>> translate_query("who declares a major incident", "ru")
    'who declares a крупный инцидент'
    """
    index, concepts = _concepts()
    if not index:
        return None
    words = _GLOSS_WORD.findall(query)
    forms = _forms(query, query=True)
    out: list[str] = []
    changed = False
    i = 0
    while i < len(words):
        hit = None
        for size in (2, 1):
            for variant in forms:
                key = variant[i : i + size]
                if len(key) == size and key in index:
                    hit = (size, index[key])
                    break
            if hit:
                break
        if hit and concepts[hit[1]].get(language):
            out.append(concepts[hit[1]][language][0])
            changed = True
            i += hit[0]
        else:
            out.append(words[i])
            i += 1
    return " ".join(out) if changed else None


def expand_query(query: str) -> str:
    """The query plus the other languages' words for each glossary term in it (lemma match, 1-2 words).

    >>> "Löten" in expand_query("protective measures when soldering")
    True
    """
    glossary = _glossary()
    if not glossary:
        return query
    extra: list[str] = []
    for words in _forms(query, query=True):
        for size in (2, 1):
            for i in range(len(words) - size + 1):
                extra += glossary.get(words[i : i + size], [])
    return query if not extra else query + " " + " ".join(dict.fromkeys(extra))
