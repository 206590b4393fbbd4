"""Batch gap analysis on real files, including the bad ones a real share contains."""

from __future__ import annotations

import json
import os
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from sopgen.cli import app
from sopgen.gaps import analyze_gaps, render_csv

runner = CliRunner()

DE = ("# Zweck\nDiese Anweisung regelt die Datensicherung.\n\n# Geltungsbereich\nGilt für alle Server.\n\n"
      "# Ablauf\n1. Der Administrator startet die Sicherung zeitnah.\n2. Der Administrator prüft das Protokoll.\n")
RU = ("# Цель\nИнструкция определяет порядок приёма проб.\n\n# Порядок работы\n1. Лаборант принимает пробы.\n"
      "2. Лаборант регистрирует пробы в журнале.\n3. Пробы хранятся при необходимости в холодильнике.\n")


@pytest.fixture()
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    (root / "de").mkdir(parents=True)
    (root / "ru").mkdir()
    (root / "de" / "sicherung.txt").write_bytes(DE.encode("cp1252"))
    (root / "ru" / "proby.md").write_bytes(RU.encode("cp1251"))
    d = docx.Document()
    d.add_heading("Purpose", 1)
    d.add_paragraph("This procedure describes the restore test.")
    d.save(str(root / "restore.docx"))
    (root / "broken.docx").write_bytes(b"PK\x03\x04garbage")
    (root / "image.md").write_bytes(bytes(range(256)) * 8)
    (root / "empty.txt").write_bytes(b"")
    (root / ".hidden.md").write_text("# Purpose\nx\n")
    (root / "notes.bin").write_bytes(b"\x00\x01")
    os.symlink(root, root / "loop")  # a symlink loop must not hang the walk
    return root


def test_bad_files_become_errors_and_the_run_goes_on(share: Path) -> None:
    report = analyze_gaps([share], "basic", jobs=1)
    by_path = {d.path.split("/share/")[-1]: d for d in report.documents}
    assert set(by_path) == {"broken.docx", "de/sicherung.txt", "empty.txt", "image.md", "restore.docx", "ru/proby.md"}
    assert "not a valid .docx" in (by_path["broken.docx"].error or "")
    assert "binary" in (by_path["image.md"].error or "")
    assert "empty" in (by_path["empty.txt"].error or "")
    for bad in ("broken.docx", "image.md", "empty.txt"):
        assert by_path[bad].sections == [] and by_path[bad].findings == []
    de = by_path["de/sicherung.txt"]
    assert (de.language, de.encoding) == ("de", "cp1252")
    assert {s.id: s.status for s in de.sections}["procedure"] == "present"
    assert any(f.rule == "vague-time" and f.text == "zeitnah" for f in de.findings)
    ru = by_path["ru/proby.md"]
    assert (ru.language, ru.encoding) == ("ru", "cp1251")
    assert any(f.rule == "escape-clause" for f in ru.findings)
    assert report.summary.failed == 3 and report.summary.documents == 6


def test_parallel_equals_serial(share: Path) -> None:
    serial = analyze_gaps([share], "full", jobs=1)
    parallel = analyze_gaps([share], "full", jobs=2)
    assert serial.model_dump() == parallel.model_dump()


def test_resume_reanalyses_only_changed_files(share: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    analysed: list[tuple[str, bool]] = []
    analyze_gaps([share], "basic", jobs=1, cache_dir=cache, resume=True,
                 progress=lambda r, cached: analysed.append((r.path, cached)))
    assert not any(c for _, c in analysed)
    (share / "de" / "sicherung.txt").write_bytes((DE + "\n3. Ggf. das Band wechseln.\n").encode("cp1252"))
    analysed.clear()
    report = analyze_gaps([share], "basic", jobs=1, cache_dir=cache, resume=True,
                          progress=lambda r, cached: analysed.append((r.path, cached)))
    fresh = sorted(p.split("/share/")[-1] for p, cached in analysed if not cached)
    # the changed file, plus the broken ones (errors are never cached: the fix may be a permission change)
    assert fresh == ["broken.docx", "de/sicherung.txt", "empty.txt", "image.md"]
    de = next(d for d in report.documents if d.path.endswith("sicherung.txt"))
    assert any(f.rule == "escape-clause" for f in de.findings)


def test_cli_json_contract_and_exit_code(share: Path, tmp_path: Path) -> None:
    out = tmp_path / "gaps.json"
    result = runner.invoke(app, ["gaps", str(share), "-p", "full", "-f", "json", "-o", str(out), "-j", "1"])
    assert result.exit_code == 1  # some documents failed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["profile"] == "full"
    assert data["summary"]["documents"] == 6 and data["summary"]["failed"] == 3
    doc = next(d for d in data["documents"] if d["path"] == f"{share}/de/sicherung.txt")
    assert set(doc) >= {"path", "language", "encoding", "error", "sections", "findings", "score"}
    assert [s["id"] for s in doc["sections"]][:3] == ["purpose", "scope", "responsibilities"]
    for s in doc["sections"]:
        assert set(s) >= {"id", "status", "heading", "line", "confidence"}
        assert (s["line"] is None) == (s["status"] == "missing")
    assert 0 <= doc["score"] <= 100
    assert data["summary"]["missing_by_section"]["approval"] == 3
    ok = runner.invoke(app, ["gaps", str(share / "de"), "-f", "json", "-o", str(out)])
    assert ok.exit_code == 0


def test_csv_opens_in_excel(share: Path) -> None:
    text = render_csv(analyze_gaps([share / "ru"], "basic", jobs=1))
    rows = text.split("\r\n")
    assert rows[0].startswith("path,language,encoding,score,purpose,scope,resources,procedure,revision_history")
    assert "cp1251" in rows[1]


def test_csv_and_json_carry_owner_and_review_due(tmp_path: Path) -> None:
    import csv
    import io
    from datetime import date

    from sopgen.config import RuleSettings

    (tmp_path / "plan.md").write_text("# Purpose\nEvacuate safely.\n\n# Revision history\nVersion 3 of 12.01.2024.\n\n"
                                      "Owner: Safety officer\n", encoding="utf-8")
    report = analyze_gaps([tmp_path], "emergency", jobs=1, cache_dir=tmp_path / "c",
                          rules=RuleSettings(today=date(2026, 6, 1)))
    row = next(csv.DictReader(io.StringIO(render_csv(report))))
    assert row["owner"] == "Safety officer" and row["last_revised"] == "2024-01-12"
    assert row["review_due"] == "2025-01-12" and row["review_overdue"] == "true"
    assert any(f.rule == "review-overdue" and f.line == 5 for f in report.documents[0].findings)


def test_json_spliced_from_worker_text_is_the_plain_serialisation(share: Path, tmp_path: Path) -> None:
    from sopgen.checks.baseline import Baseline, apply_baseline
    from sopgen.checks.findings import EncodedReports
    from sopgen.checks.output import render_json

    cache = tmp_path / "cache"
    analyze_gaps([share], "full", jobs=2, cache_dir=cache, resume=True)  # fills the cache
    (share / "de" / "sicherung.txt").write_bytes((DE + "3. Der Administrator archiviert bald.\n").encode("cp1252"))
    encoded = EncodedReports()
    report = analyze_gaps([share], "full", jobs=2, cache_dir=cache, resume=True, encoded=encoded)
    fresh = [d for d in report.documents if encoded.get(d) is not None]
    names = {Path(d.path).name for d in fresh}  # the changed file and the unreadable ones (never cached)
    assert "sicherung.txt" in names and not names & {"proby.md", "restore.docx"}
    assert render_json(report, encoded) == report.model_dump_json(indent=2)
    # a baseline marks copies: the worker's text (without the marks) must not be spliced in for them
    marked = apply_baseline(report, Baseline(entries=[]))
    assert encoded.get(fresh[0]) is not None and all(encoded.get(d) is None for d in marked.documents)
    text = render_json(marked, encoded)
    assert text == marked.model_dump_json(indent=2) and '"baseline": "new"' in text
