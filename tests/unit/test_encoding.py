from pathlib import Path

import pytest

from sopgen.documents import load_document
from sopgen.documents.encoding import decode_bytes
from sopgen.errors import DocumentError

GERMAN = "# Zweck\nDiese Anweisung regelt die Prüfung der Größe von Maßbändern.\n\n## Ablauf\n1. Öffnen Sie das Prüfprotokoll.\n"
RUSSIAN = "# Общие положения\nНастоящая инструкция определяет порядок резервного копирования.\n\n## Порядок работы\n1. Откройте журнал.\n"
ENGLISH = "# Purpose\nThis procedure covers the nightly backup – “all” servers.\n\n## Steps\n1. Open the console.\n"


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (GERMAN, "cp1252", "cp1252"),
        (GERMAN, "utf-8", "utf-8"),
        (GERMAN, "utf-8-sig", "utf-8-sig"),
        (RUSSIAN, "cp1251", "cp1251"),
        (RUSSIAN, "koi8-r", "koi8-r"),
        (RUSSIAN, "utf-8", "utf-8"),
        (RUSSIAN, "utf-16", "utf-16"),
        (ENGLISH, "utf-16-le", "utf-16-le"),
        (ENGLISH, "utf-8", "utf-8"),
        (ENGLISH, "cp1252", "cp1252"),
    ],
)
def test_real_files_decode_in_their_encoding(tmp_path: Path, text: str, encoding: str, expected: str) -> None:
    path = tmp_path / f"doc-{encoding}.md"
    path.write_bytes(text.encode(encoding))
    doc = load_document(path)
    assert doc.encoding == expected
    assert doc.text == text
    assert doc.sections[0].heading == text.split("\n")[0][2:]


def test_crlf_counts_as_one_line_end(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"PURPOSE\r\nKeep backups.\r\n\r\nPROCEDURE\r\n1. Run the job.\r\n")
    doc = load_document(path)
    assert doc.lines[3] == "PROCEDURE"
    assert [(b.kind, b.line) for b in doc.blocks] == [
        ("heading", 1), ("paragraph", 2), ("heading", 4), ("list_item", 5)
    ]


def test_binary_bytes_are_rejected_with_file_name(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(DocumentError, match=r"image\.md: .*binary"):
        load_document(path)


def test_short_caps_cyrillic_does_not_break_detection() -> None:
    text, enc = decode_bytes("ПОРЯДОК РАБОТЫ\nОператор проверяет журнал каждый день.".encode("koi8-r"))
    assert enc == "koi8-r"
    assert text.startswith("ПОРЯДОК")
