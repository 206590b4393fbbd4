"""PDF drafts and gap reports: pages rendered to PNG and looked at, their text extracted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdf
import pypdfium2 as pdfium
from typer.testing import CliRunner

from sopgen.api import draft_sop, save
from sopgen.cli import app
from sopgen.schema import Brief

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _pages_look_printed(path: Path, name: str) -> int:
    """Render every page; each must carry dark text on white, the first with a heavy title at the top."""
    document = pdfium.PdfDocument(str(path))
    ARTIFACTS.mkdir(exist_ok=True)
    for number in range(len(document)):
        image = document[number].render(scale=1.0).to_pil().convert("L")
        pixels = np.asarray(image)
        dark = (pixels < 128).mean()
        assert 0.005 < dark < 0.25, f"page {number + 1}: {dark:.3f} of the page is ink"
        if number == 0:
            image.save(ARTIFACTS / f"{name}-page1.png")
            top = pixels[: pixels.shape[0] // 8]
            assert (top < 128).mean() > dark / 2, "no title at the top of page 1"
    return len(document)


def test_russian_draft_to_pdf_keeps_cyrillic_and_properties(tmp_path: Path) -> None:
    brief = Brief(title="Восстановление базы данных", goal="Восстановить базу данных из резервной копии за 2 часа.",
                  scope="Производственный сервер БД", audience="администраторы", language="ru", author="Д. Писатель",
                  version="0.2", roles=["Администратор БД", "Руководитель смены"])
    out = save(draft_sop(brief, engine="offline", use_index=False), tmp_path / "sop.pdf")
    assert out.read_bytes().startswith(b"%PDF-")
    reader = pypdf.PdfReader(str(out))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Восстановление базы данных" in text and "Администратор БД" in text
    assert "1. Цель" in text and "История изменений" in text
    assert reader.metadata.title == brief.title and reader.metadata.author == "Д. Писатель"
    assert _pages_look_printed(out, "draft-ru") >= 1


def test_cli_draft_and_gaps_write_pdf(tmp_path: Path) -> None:
    runner = CliRunner()
    brief = tmp_path / "brief.yaml"
    brief.write_text("title: Prüfung der Notbeleuchtung\ngoal: Die Notbeleuchtung monatlich prüfen.\n"
                     "scope: Halle 3\naudience: Haustechnik\nlanguage: de\nformat: checklist\n", encoding="utf-8")
    draft = tmp_path / "out" / "sop.pdf"
    result = runner.invoke(app, ["draft", "--brief", str(brief), "--no-index", "-o", str(draft)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(str(draft)).pages)
    assert "Prüfung der Notbeleuchtung" in text and "Zweck" in text
    _pages_look_printed(draft, "draft-de")

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Purpose\nKeep the lights on.\n\nOwner: Facility manager\n", encoding="utf-8")
    (docs / "b.md").write_text("# Zweck\nDie Notbeleuchtung prüfen.\n", encoding="utf-8")
    report = tmp_path / "gaps.pdf"
    result = runner.invoke(app, ["gaps", str(docs), "-p", "emergency", "-f", "pdf", "-o", str(report)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(str(report)).pages)
    assert "a.md" in text and "b.md" in text and "Facility manager" in text and "Most missing" in text
    _pages_look_printed(report, "gaps")
    assert runner.invoke(app, ["gaps", str(docs), "-f", "pdf"]).exit_code == 2  # a PDF needs --output
    assert runner.invoke(app, ["draft", "--brief", str(brief), "--no-index", "-o", str(tmp_path / "x.odt")]).exit_code == 2
