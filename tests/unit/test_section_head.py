"""The trained section head: shipped as trained, per language, and quiet where it knows nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sopgen.documents.section_head import features, head

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_head_is_what_the_shipped_sentences_train() -> None:
    """Editing scripts/section_head/*.yaml without retraining (or the other way round) fails here."""
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_section_head.py"), "--check"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_each_language_has_its_head_and_others_have_none() -> None:
    for language in ("en", "de", "ru"):
        model = head(language)
        assert model is not None and model.classes[-1] == "none" and len(model.classes) == 15
    assert head("fr") is None


def test_a_sentence_of_unknown_words_is_none_and_a_plain_statement_is_its_section() -> None:
    model = head("en")
    assert model is not None
    unknown = model.classify("zzqx vvrt plokk")
    records = model.classify("The signed forms are kept in the archive for five years.")
    assert unknown == ("none", 1.0, 0)
    assert records[0] == "records" and records[1] > 0.9


def test_features_are_stems_and_the_shapes_of_short_lines() -> None:
    assert features("rev. 3 of 12.04.2021, responsibilities") == ["rev", "of", "respon", "#date"]
    assert "#blank" in features("approved: ______ date: ______")
    long_line = " ".join(["word"] * 20) + " 12.04.2021"
    assert "#date" not in features(long_line)  # a date in running text says nothing about the section


def test_german_compounds_also_give_their_last_part() -> None:
    """'Aufbewahrungsfrist' starts like 'Aufbewahrung' and ends like 'Frist': both halves are evidence."""
    assert features("aufbewahrungsfrist", "de") == ["aufbew", "~sfrist"]
    assert features("aufbewahrungsfrist", "en") == ["aufbew"]
