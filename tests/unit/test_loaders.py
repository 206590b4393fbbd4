"""Loaders on real files: .docx built with python-docx, .pdf with fpdf2, HTML, and broken inputs."""

from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from sopgen.documents import load_document
from sopgen.errors import DocumentError


def make_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_heading("Datensicherung", level=1)
    d.add_heading("Zweck", level=2)
    d.add_paragraph("Diese Anweisung regelt die tägliche Sicherung der Datenbanken.")
    d.add_heading("Ablauf", level=2)
    d.add_paragraph("Sicherung starten.", style="List Number")
    d.add_paragraph("Protokoll prüfen.", style="List Number")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Version", "Datum"
    table.cell(1, 0).text, table.cell(1, 1).text = "1.0", "2024-03-01"
    d.save(str(path))
    return path


def make_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in ["1. Purpose", "This procedure describes the monthly restore test.", "", "2. Procedure",
                 "Step 1: Restore the latest dump.", "Step 2: Compare row counts."]:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_docx_headings_lists_and_tables(tmp_path: Path) -> None:
    doc = load_document(make_docx(tmp_path / "backup.docx"))
    assert doc.format == "docx" and doc.encoding is None and doc.language == "de"
    assert [s.heading for s in doc.sections] == ["Datensicherung", "Zweck", "Ablauf"]
    steps = [b.text for b in doc.steps]
    assert steps == ["Sicherung starten.", "Protokoll prüfen."]
    assert any(b.kind == "table" and "1.0 | 2024-03-01" in b.text for b in doc.blocks)
    assert doc.lines[doc.sections[1].line - 1] == "Zweck"


def test_pdf_text_and_structure(tmp_path: Path) -> None:
    doc = load_document(make_pdf(tmp_path / "restore.pdf"))
    assert doc.format == "pdf" and doc.language == "en"
    assert [s.heading for s in doc.sections] == ["Purpose", "Procedure"]
    assert [b.text for b in doc.steps] == ["Restore the latest dump.", "Compare row counts."]


def test_html_keeps_source_lines(tmp_path: Path) -> None:
    path = tmp_path / "hotline.html"
    path.write_text(
        "<html><head><style>h1{color:red}</style></head><body>\n<h1>Hotline</h1>\n<h2>Scope</h2>\n"
        "<p>Applies to all agents.</p>\n<ol>\n<li>Greet the caller.</li>\n<li>Verify the account.</li>\n</ol>\n"
        "<table><tr><td>1.0</td><td>2024</td></tr></table></body></html>\n",
        encoding="utf-8",
    )
    doc = load_document(path)
    assert [(s.heading, s.line) for s in doc.sections] == [("Hotline", 2), ("Scope", 3)]
    assert [(b.text, b.line, b.number) for b in doc.steps] == [
        ("Greet the caller.", 6, "1"), ("Verify the account.", 7, "2")
    ]
    assert "color" not in " ".join(b.text for b in doc.blocks)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.md", b"", "empty"),
        ("blank.txt", b"  \n\n", "empty"),
        ("broken.docx", b"PK\x03\x04 this is not really a zip", "not a valid .docx"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "not a valid PDF"),
        ("binary.md", bytes(range(256)) * 4, "binary"),
        ("notes.xyz", b"hello", "unsupported file type"),
    ],
)
def test_bad_input_gets_one_clear_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError) as info:
        load_document(path)
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)


def test_truncated_real_docx(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx").read_bytes()
    bad = tmp_path / "truncated.docx"
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(DocumentError, match="truncated.docx: not a valid .docx"):
        load_document(bad)


def test_missing_path_directory_and_size_limit(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="file not found"):
        load_document(tmp_path / "nope.md")
    with pytest.raises(DocumentError, match="is a directory"):
        load_document(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 300_000)
    with pytest.raises(DocumentError, match="larger than the 1 MB limit.*--max-mb"):
        load_document(big, max_bytes=1024 * 1024)
