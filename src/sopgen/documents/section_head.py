"""Sections told by what a sentence says: a naive-Bayes head over word stems, for text no heading names.

Cue phrases (sections.yaml) catch the ways of saying a section that someone thought of; on documents by
other authors most headless sections are said some other way ("Night-shift staff follow this too" is
scope). The head scores each sentence against the 14 canonical sections and `none` from word stems,
with class weights learned from sentences written for sopgen in en/de/ru (scripts/section_head/*.yaml,
trained by scripts/train_section_head.py into data/section_head/).

Stems are the first six letters of a folded word: crude, but the same for "responsible",
"responsibility" and "responsibilities", for "verantwortlich" and "Verantwortung", for "ответственный"
and "ответственность", and it needs no dictionary at run time. Scores are summed in plain Python: numpy
would be a little faster on a thousand pages but costs every checker process 80 ms to import.
"""

from __future__ import annotations

import base64
import json
import math
import re
from array import array
from dataclasses import dataclass
from functools import cache
from importlib import resources

_WORD = re.compile(r"[^\W\d_]{2,}")
_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}|\d{2}/\d{4}")
_BLANK = re.compile(r"_{3,}|\.{5,}")
_LABEL = re.compile(r"^\s*[^\W\d_][^:\n]{1,40}:\s*\S")
STEM = 6
_COMPOUNDING = {"de"}
_LONG = 10  # letters: a compound ('Aufbewahrungsfrist'), whose last part is a feature of its own
_SHORT = 12  # words: a footer, a stamp or a table row, where the shape of the line is evidence


def fold(text: str) -> str:
    """Lower case with ё read as е: how section detection reads text (cues, vetoes and this head)."""
    return text.lower().replace("ё", "е")


def features(sentence: str, language: str = "") -> list[str]:
    """The features of one sentence (folded here, so that training and checking read it alike): stems of
    its words (numbers left out: quantities say nothing about the section, and a date is a shape of its
    own) and, in a short line, the shapes that carry footers and stamps with hardly any words (a date, a
    blank to fill in, 'Label: value'). In German a long word also gives its last six letters:
    'Aufbewahrungsfrist' is a kind of 'Frist' as much as of 'Aufbewahrung' (the same for English and
    Russian was no better on the tune sets). Stem pairs were tried: no better, and twice the cost."""
    low = fold(sentence)
    words = _WORD.findall(low)
    out = [w[:STEM] for w in words]
    tails = [f"~{w[-STEM:]}" for w in words if len(w) >= _LONG] if language in _COMPOUNDING else []
    return out + tails + _shapes(low, len(out))


def _shapes(low: str, words: int) -> list[str]:
    if words > _SHORT:
        return []
    out = []
    if _DATE.search(low):
        out.append("#date")
    if _BLANK.search(low):
        out.append("#blank")
    if _LABEL.match(low):
        out.append("#label")
    return out


@dataclass(frozen=True)
class Head:
    """One language's trained head: log P(feature | class) per known feature, and the class log-priors."""

    language: str
    classes: tuple[str, ...]
    index: dict[str, int]
    weights: list[tuple[float, ...]]  # per feature, one value per class
    prior: tuple[float, ...]

    def classify(self, sentence: str, min_known: int = 1) -> tuple[str, float, int]:
        """(best class, its posterior, known features) of one sentence; one with fewer than `min_known`
        known features is not scored (none, 1.0). One at a time: a caller stops once it has what it needs."""
        get = self.index.get
        hit = [i for i in map(get, features(sentence, self.language)) if i is not None]
        if not hit or len(hit) < min_known:
            return "none", 1.0, len(hit)
        rows = self.weights
        scores = list(map(sum, zip(self.prior, *[rows[i] for i in hit], strict=True)))
        top = max(scores)
        return self.classes[scores.index(top)], 1.0 / sum(math.exp(v - top) for v in scores), len(hit)


@cache
def head(language: str) -> Head | None:
    """The shipped head of a language, or None where none was trained."""
    folder = resources.files("sopgen.documents") / "data" / "section_head"
    if not folder.is_dir():  # a broken installation must not quietly check with fewer sections found
        raise FileNotFoundError(f"sopgen's section head is missing from the installation ({folder})")
    path = folder / f"{language}.json"
    if not path.is_file():
        return None
    model = json.loads(path.read_text("utf-8"))
    classes = tuple(model["classes"])
    width, scale = len(classes), float(model["scale"])
    raw = array("b", base64.b64decode(model["weights"]))
    weights = [tuple(v / scale for v in raw[i : i + width]) for i in range(0, len(raw), width)]
    prior = tuple(math.log(p) for p in model["prior"])
    return Head(language, classes, {f: i for i, f in enumerate(model["features"])}, weights, prior)
