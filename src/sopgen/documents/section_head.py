"""Sections told by what a sentence says: a naive-Bayes head over word stems, for text no heading names.

Cue phrases (sections.yaml) catch the ways of saying a section that someone thought of; on documents by
other authors most headless sections are said some other way ("Night-shift staff follow this too" is
scope). The head scores each sentence against the 14 canonical sections and `none` from word stems and
stem pairs, with class weights learned from sentences written for sopgen in en/de/ru
(scripts/section_head/*.yaml, trained by scripts/train_section_head.py into data/section_head/).

Stems are the first six letters of a folded word: crude, but the same for "responsible",
"responsibility" and "responsibilities", for "verantwortlich" and "Verantwortung", for "ответственный"
and "ответственность", and it needs no dictionary at run time. Scores are summed with numpy once per
document (numpy is loaded anyway by language detection).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

_WORD = re.compile(r"[^\W\d_]{2,}")
_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}|\d{2}/\d{4}")
_BLANK = re.compile(r"_{3,}|\.{5,}")
_LABEL = re.compile(r"^\s*[^\W\d_][^:\n]{1,40}:\s*\S")
STEM = 6
_BATCH = 512  # sentences scored together
_SHORT = 12  # words: a footer, a stamp or a table row, where the shape of the line is evidence


def features(low: str) -> list[str]:
    """The features of one folded sentence: stems of its words (numbers left out: quantities say nothing
    about the section, and a date is a shape of its own), adjacent stem pairs, and in a short line the
    shapes that carry footers and stamps with hardly any words (a date, a blank to fill in, 'Label: value')."""
    stems = [w[:STEM] for w in _WORD.findall(low)]
    out = stems + [f"{a} {b}" for a, b in pairwise(stems)]
    if len(stems) <= _SHORT:
        if _DATE.search(low):
            out.append("#date")
        if _BLANK.search(low):
            out.append("#blank")
        if _LABEL.match(low):
            out.append("#label")
    return out


@dataclass(frozen=True)
class Head:
    """One language's trained head: log P(feature | class) per known feature, and the class priors."""

    classes: tuple[str, ...]
    index: dict[str, int]
    weights: Any  # numpy array, features x classes
    prior: Any  # numpy array, classes

    def classify(self, sentences: list[str]) -> list[tuple[str, float, int]]:
        """(best class, its posterior, known features) per folded sentence; in batches, so a huge
        document costs a batch's arrays, not one row of class scores per word of the document."""
        out: list[tuple[str, float, int]] = []
        for start in range(0, len(sentences), _BATCH):
            out.extend(self._classify(sentences[start : start + _BATCH]))
        return out

    def _classify(self, sentences: list[str]) -> list[tuple[str, float, int]]:
        import numpy as np

        rows: list[int] = []
        starts: list[int] = []
        known: list[int] = []
        get = self.index.get
        for low in sentences:
            starts.append(len(rows))
            hit = [i for i in map(get, features(low)) if i is not None]
            rows.extend(hit)
            known.append(len(hit))
        if not rows:
            return [("none", 1.0, 0)] * len(sentences)
        picked = self.weights[np.asarray(rows, dtype=np.int64)]
        nonempty = [s for s, k in zip(starts, known, strict=True) if k]
        scores = np.add.reduceat(picked, np.asarray(nonempty, dtype=np.int64), axis=0) + self.prior
        scores -= scores.max(axis=1, keepdims=True)
        post = np.exp(scores)
        post /= post.sum(axis=1, keepdims=True)
        best = post.argmax(axis=1)
        out: list[tuple[str, float, int]] = []
        row = 0
        for k in known:
            if not k:
                out.append(("none", 1.0, 0))
                continue
            out.append((self.classes[int(best[row])], float(post[row, best[row]]), k))
            row += 1
        return out


@cache
def head(language: str) -> Head | None:
    """The shipped head of a language, or None where none was trained."""
    import numpy as np

    folder = resources.files("sopgen.documents") / "data" / "section_head"
    if not folder.is_dir():  # a broken installation must not quietly check with fewer sections found
        raise FileNotFoundError(f"sopgen's section head is missing from the installation ({folder})")
    path = folder / f"{language}.json"
    if not path.is_file():
        return None
    model = json.loads(path.read_text("utf-8"))
    classes = tuple(model["classes"])
    names = model["features"]
    raw = np.frombuffer(base64.b64decode(model["weights"]), dtype=np.int8)
    weights = raw.astype(np.float64).reshape(len(names), len(classes)) / model["scale"]
    prior = np.log(np.asarray(model["prior"], dtype=np.float64))
    return Head(classes, {f: i for i, f in enumerate(names)}, weights, prior)
