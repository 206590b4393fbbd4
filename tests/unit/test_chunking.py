from sopgen.documents import load_bytes
from sopgen.index.chunking import chunk_document

STEPS = "\n".join(f"{i}. The operator performs step number {i} of the restore and notes the result." for i in range(1, 13))
TEXT = f"""# Restore runbook

## Purpose
This runbook describes the restore of the orders database after data loss.

## Procedure
{STEPS}

## Records
The operator records every restore in form FRM-IT-021.
"""


def test_chunks_follow_sections_and_keep_provenance() -> None:
    doc = load_bytes(TEXT.encode(), "md", "runbook.md")
    chunks = chunk_document(doc, budget=400)
    by_heading = {c.heading: c for c in chunks}
    assert set(by_heading) >= {"Purpose", "Procedure", "Records"}
    proc = by_heading["Procedure"]
    assert proc.section_id == "procedure" and by_heading["Purpose"].section_id == "purpose"
    assert proc.heading_path == "Restore runbook > Procedure"
    assert (proc.line, proc.end_line) == (6, 18)  # heading line to the last step: the list is not cut
    assert all(f"{i}. The operator" in proc.text for i in range(1, 13))
    assert all(c.doc_hash == doc.sha256 and c.chunk_count == len(chunks) and c.language == "en" for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)


def test_no_chunk_straddles_two_sections_and_budget_holds() -> None:
    doc = load_bytes(TEXT.encode(), "md", "runbook.md")
    chunks = chunk_document(doc, budget=60)
    sections = [(s.line, s.end_line) for s in doc.sections]
    for c in chunks:
        assert any(a <= c.line and c.end_line <= b for a, b in sections), (c.line, c.end_line)
    steps = [c for c in chunks if c.heading == "Procedure"]
    assert len(steps) > 1  # 12 steps do not fit 2 x 60 tokens: split between items, never inside one
    for c in steps:
        for line in c.text.split("\n")[1:]:
            assert line.endswith("notes the result.")
    assert all(c.tokens <= 120 for c in chunks)


def test_chunk_ids_are_stable() -> None:
    a = chunk_document(load_bytes(TEXT.encode(), "md", "x.md"))
    b = chunk_document(load_bytes(TEXT.encode(), "md", "x.md"))
    assert [c.id for c in a] == [c.id for c in b]
