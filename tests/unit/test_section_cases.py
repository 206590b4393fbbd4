"""Sections stated without headings, from tests/fixtures/sections/cases.yml (a case per document kind)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sopgen.checks.check import check_document
from sopgen.documents.loaders import load_bytes
from sopgen.schema import load_profile

_CASES = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "sections" / "cases.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _CASES["cases"], ids=[c["name"] for c in _CASES["cases"]])
def test_section_case(case: dict[str, Any]) -> None:
    report = check_document(load_bytes(case["text"].encode("utf-8"), "md", "case.md"), load_profile(case["profile"]))
    found = {s.id: s for s in report.sections if s.status in ("present", "weak")}
    for sid in case["present"]:
        assert sid in found, f"{sid} not found; found {sorted(found)}"
        assert found[sid].reason, "a found section says why"
    for sid, words in case.get("found_by", {}).items():
        assert words in (found[sid].reason or ""), f"{sid} found, but by: {found[sid].reason}"
    for sid in case.get("absent", []):
        assert sid not in found, f"{sid} found by: {found[sid].reason}"
