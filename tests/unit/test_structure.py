from sopgen.documents.structure import build_sections, parse_text


def kinds(text: str) -> list[tuple[str, int, str]]:
    return [(b.kind, b.line, b.text) for b in parse_text(text)]


def test_heading_styles_are_all_recognised() -> None:
    text = "\n".join([
        "---", "title: Backup", "owner: IT", "---",       # 1-4 front matter
        "# Backup runbook",                                # 5 atx
        "Purpose",                                         # 6 setext
        "=======",                                         # 7
        "Keeps data safe.",                                # 8
        "",
        "3.2 Procedure",                                   # 10 numbered
        "1. Open the console.",                            # 11
        "2. Run the job.",                                 # 12
        "",
        "RECORDS AND LOGS",                                # 14 caps
        "Keep the log.",
        "",
        "**Approval**",                                    # 17 bold
        "Signed by the IT lead.",
    ])
    blocks = parse_text(text)
    headings = [(b.line, b.text, b.style) for b in blocks if b.kind == "heading"]
    assert headings == [
        (5, "Backup runbook", "atx"),
        (6, "Purpose", "setext"),
        (10, "Procedure", "numbered"),
        (14, "RECORDS AND LOGS", "caps"),
        (17, "Approval", "bold"),
    ]
    assert blocks[0].kind == "front_matter"
    steps = [(b.number, b.text) for b in blocks if b.kind == "list_item"]
    assert steps == [("1", "Open the console."), ("2", "Run the job.")]


def test_numbered_list_without_periods_stays_a_list() -> None:
    blocks = parse_text("Steps\n\n1. Open the console\n2. Stop the service\n3. Restore the dump\n")
    assert [b.kind for b in blocks] == ["paragraph", "list_item", "list_item", "list_item"]


def test_rst_titles_and_literal_blocks() -> None:
    text = "=====\nTitle\n=====\n\nScope\n-----\nApplies to all labs. Run this::\n\n    rm -rf /tmp/x etc.\n\nDone.\n"
    blocks = parse_text(text)
    assert [(b.kind, b.line) for b in blocks] == [
        ("heading", 2), ("heading", 5), ("paragraph", 7), ("code", 9), ("paragraph", 11)
    ]
    assert blocks[0].level == 1 and blocks[1].level == 2


def test_fenced_code_and_tables() -> None:
    text = "## Steps\n```bash\npg_dump etc.\n```\n| Version | Date |\n|---|---|\n| 1.0 | 2024-01-01 |\n"
    assert kinds(text) == [
        ("heading", 1, "Steps"),
        ("code", 2, "pg_dump etc."),
        ("table", 5, "Version | Date\n1.0 | 2024-01-01"),
    ]


def test_sections_span_until_next_heading() -> None:
    text = "Intro line.\n\n# Purpose\nWhy.\n\n# Steps\n1. Do.\n"
    sections = build_sections(parse_text(text), text.count("\n") + 1)
    assert [(s.heading, s.line, s.end_line) for s in sections] == [
        (None, 1, 2), ("Purpose", 3, 5), ("Steps", 6, 8)
    ]
    assert sections[2].blocks[0].kind == "list_item"


def test_html_left_in_markdown_and_placeholders_survive() -> None:
    blocks = parse_text("<div align=center>\n\n# {{SYSTEM}} Restore\n\n<b>Note</b>: call {{ONCALL}}.\n")
    assert blocks[0].kind == "heading"  # the bare <div> line carries no text and makes no block
    assert blocks[0].text == "{{SYSTEM}} Restore"
    assert any("{{ONCALL}}" in b.text and "<b>" not in b.text for b in blocks)


def test_inline_markup_is_dropped_with_and_without_the_trigger_shortcut(monkeypatch) -> None:
    """The first-character shortcut may skip patterns only when it knows every pattern's literals."""
    import re

    from sopgen.documents import structure

    line = "Restore **erp_main** from `after_an_incident.md`, see :ref:`backups <bk>` {#x} <b>now</b>"
    expected = "Restore erp_main from after_an_incident.md, see backups now"
    assert structure.clean_inline(line) == expected
    assert structure.clean_inline("Plain prose, nothing to strip. ") == "Plain prose, nothing to strip."
    # as if some pattern needed no literal: the catch-all trigger matches everywhere and must skip nothing
    monkeypatch.setattr(structure, "_TRIGGERS", re.compile(""))
    assert structure.clean_inline(line) == expected
