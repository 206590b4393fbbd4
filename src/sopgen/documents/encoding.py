"""Byte decoding for legacy files: BOMs, UTF-16 without BOM, UTF-8, and the Windows/KOI8 code pages.

charset-normalizer is good on long texts but confuses cp1251 and koi8-r on short Russian files, so the
common legacy code pages are scored here first with a cheap plausibility test (letter case inside words
and the share of letters the language actually uses) and charset-normalizer is only the last resort.
"""

from __future__ import annotations

import codecs
import re

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CANDIDATES = ("cp1251", "koi8-r", "cp1252", "cp866")
_GERMAN = set("äöüßÄÖÜé")
_TYPOGRAPHIC = set("–—„“”‚‘’…•°§«»№€µ²³½¼±×\u00a0")
_COMMON_RU = set("оеаинтсрвлкмдп")  # the most frequent Russian letters
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+")


class UndecodableError(ValueError):
    """No supported encoding decodes these bytes as text."""


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / (len(sample) / 2)
    odd_zero = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _plausibility(text: str) -> float:
    """Higher is more like real en/de/ru prose: sane letter case inside words, expected letters."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    good = 0
    for w in words:
        cyrillic = sum(1 for c in w if "\u0400" <= c <= "\u04ff")
        if 0 < cyrillic < len(w):
            continue  # a word mixing Latin and Cyrillic letters is a decoding artefact
        if w.islower() or w.isupper() or (w[0].isupper() and w[1:].islower()):
            good += 1
    case_score = good / len(words)
    non_ascii = [c for c in text if ord(c) > 127]
    letters = [c for c in non_ascii if c.isalpha()]
    if not letters:  # only typographic punctuation outside ASCII: as plausible as text gets
        return case_score * 2 + 4 - 2 * sum(1 for c in non_ascii if c not in _TYPOGRAPHIC) / len(non_ascii or "x")
    typographic = sum(1 for c in non_ascii if not c.isalpha() and c in _TYPOGRAPHIC)
    symbol_share = 1 - (len(letters) + typographic) / len(non_ascii)
    cyr = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    ger = sum(1 for c in letters if c in _GERMAN)
    alphabet = max(cyr, ger) / len(letters)
    common = sum(1 for c in letters if c.lower() in _COMMON_RU) / cyr if cyr > ger else ger / len(letters)
    return case_score * 2 + common * 3 + alphabet - 2 * symbol_share


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding name). Raises UndecodableError for binary data."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"starts with a {name} byte-order mark but is not {name}") from exc
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise UndecodableError("contains NUL bytes: this is a binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    scored: list[tuple[float, str, str]] = []
    for name in _CANDIDATES:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _control_share(text) > 0.01:
            continue
        score = _plausibility(text[:20000])
        if name == "cp1252" and not _CYRILLIC.search(text):
            score += 0.01  # identical decodings (punctuation only): name the Western code page
        scored.append((score, name, text))
    if scored:
        scored.sort(key=lambda item: -item[0])
        _score, name, text = scored[0]
        return text, name
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UndecodableError("not text in any supported encoding (UTF-8/16, cp1252, cp1251, koi8-r)")
    return str(best), best.encoding


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\r\n\t\f") or 0x80 <= ord(c) < 0xA0)
    return bad / len(text)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so every physical line end counts once."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
