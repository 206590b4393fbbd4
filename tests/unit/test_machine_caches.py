"""What sopgen derives once per machine (word lists, the language model's en/de/ru part) gives the same
answers as the source it was derived from, is written where XDG_CACHE_HOME says and is read back."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import simplemma

from sopgen.checks import words
from sopgen.documents import language


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    words._words.cache_clear()
    language._identifier.cache_clear()
    yield tmp_path / "sopgen"
    words._words.cache_clear()
    language._identifier.cache_clear()


@pytest.mark.parametrize("lang", ["en", "de", "ru"])
def test_word_list_answers_as_simplemma(cache_home: Path, lang: str) -> None:
    rng = random.Random(3)
    letters = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя" if lang == "ru" else "abcdefghijklmnopqrstuvwxyzäöüß"
    known = {"en": ["allow", "abort", "never", "warning"], "de": ["achtung", "nicht", "gefahr", "vorsicht"],
             "ru": ["внимание", "опасно", "нельзя", "всегда"]}[lang]
    samples = known + ["".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(400)]
    assert all(words.is_known(w, lang) for w in known)
    for word in samples:
        assert words.is_known(word, lang) == simplemma.is_known(word, lang=lang), word
    stored = list(cache_home.glob(f"words-{lang}-*.txt"))
    assert len(stored) == 1 and stored[0].stat().st_size > 1000
    words._words.cache_clear()
    assert words.is_known(known[0], lang)  # read back from the file


def test_cached_language_model_classifies_as_the_packed_one(cache_home: Path) -> None:
    texts = ["contents hidden index maxdepth intro topics", "Zweck Geltungsbereich Ablauf Verantwortung",
             "Порядок действий оператора", "Server patch window approval"]
    fresh = [language._identifier().classify(t) for t in texts]
    assert any(cache_home.glob("langid-*/nextmove.npy"))
    language._identifier.cache_clear()
    again = [language._identifier().classify(t) for t in texts]  # now memory-mapped from the cache
    assert [lang for lang, _ in again] == [lang for lang, _ in fresh]
    assert [round(score, 3) for _, score in again] == [round(score, 3) for _, score in fresh]
    assert [lang for lang, _ in fresh][1:3] == ["de", "ru"]


def test_unwritable_cache_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    words._words.cache_clear()
    language._identifier.cache_clear()
    try:
        assert words.is_known("achtung", "de")
        assert language._identifier().classify("Порядок действий оператора")[0] == "ru"
    finally:
        words._words.cache_clear()
        language._identifier.cache_clear()


def test_damaged_language_cache_is_rebuilt(cache_home: Path) -> None:
    text = "Порядок действий оператора"
    expected = language._identifier().classify(text)
    table = next(cache_home.glob("langid-*/nextmove.npy"))
    table.write_bytes(b"not an array")
    language._identifier.cache_clear()
    assert language._identifier().classify(text)[0] == expected[0]
    assert table.stat().st_size > 1_000_000  # written again, whole


def test_prefilter_plans_are_stored_and_read_back_as_analysed(cache_home: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from sopgen.documents import prefilter

    patterns = [re.compile(r"\b(?:to be (?:defined|confirmed)|TBD)\b", re.I), re.compile(r"Ablauf|Verfahren"),
                re.compile(r"(?i:todo)\s*:"), re.compile(r"\w+@\w+")]
    monkeypatch.setattr(prefilter, "_PLANS", prefilter._PlanStore())
    fresh = [prefilter._plan(p) for p in patterns]
    prefilter._PLANS.save()
    assert len(list(cache_home.glob("prefilter-plans-*.json"))) == 1
    reread = prefilter._PlanStore()
    monkeypatch.setattr(prefilter, "_PLANS", reread)
    assert [prefilter._plan(p) for p in patterns] == fresh
    assert not reread.added  # every plan came from the file
    assert fresh[0].starts == (frozenset({"to be defined", "to be confirmed", "tbd"}), True)
