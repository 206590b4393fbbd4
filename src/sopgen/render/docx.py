"""SOP -> DOCX with real Word headings, numbered lists, tables and a revision/approval table."""

from __future__ import annotations

import re
from pathlib import Path

from sopgen.render.common import step_text, writer_lines
from sopgen.schema import SOP

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _add_runs(paragraph: object, text: str) -> None:
    parts = _BOLD.split(text)
    for i, part in enumerate(parts):
        if part:
            run = paragraph.add_run(part)  # type: ignore[attr-defined]
            run.bold = i % 2 == 1


def render_docx(sop: SOP, path: str | Path) -> Path:
    import docx

    document = docx.Document()
    props = document.core_properties
    props.title = sop.title
    props.author = props.last_modified_by = sop.author or ""  # python-docx would say "python-docx"
    props.version = sop.version
    props.revision = 1
    props.subject = f"Standard Operating Procedure ({sop.profile})"
    props.category = "Standard Operating Procedure"
    props.language = sop.language
    props.keywords = f"SOP, {sop.profile}"
    props.comments = f"drafted by sopgen; engine: {sop.engine}; model: {sop.model or '-'}; brief: {sop.brief_hash}"
    document.add_heading(sop.title, level=0)
    meta = document.add_paragraph()
    meta.add_run(f"engine: {sop.engine}" + (f", model: {sop.model}" if sop.model else "") + f", profile: "
                 f"{sop.profile}, brief: {sop.brief_hash}").italic = True
    for number, section in enumerate(sop.sections, start=1):
        document.add_heading(f"{number}. {section.title}", level=1)
        for block in [b for b in section.body.split("\n\n") if b.strip()]:
            lines = block.split("\n")
            if all(line.startswith("|") for line in lines):
                rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines
                        if not all(set(c.strip()) <= set("-: ") for c in line.strip("|").split("|"))]
                table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
                table.style = "Table Grid"
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row):
                        table.cell(r, c).text = _BOLD.sub(r"\1", cell)
            elif all(line.startswith("- ") for line in lines):
                for line in lines:
                    _add_runs(document.add_paragraph(style="List Bullet"), line[2:])
            else:
                _add_runs(document.add_paragraph(), " ".join(lines))
        style = "List Bullet" if sop.format == "checklist" else "List Number"
        for step in section.steps:
            prefix = "☐ " if sop.format == "checklist" else ""
            _add_runs(document.add_paragraph(style=style), prefix + step_text(step))
        for line in writer_lines(sop, section):
            p = document.add_paragraph(style="List Bullet")
            p.add_run(line[2:]).italic = True
    if sop.sources:
        document.add_heading({"de": "Quellen", "ru": "Источники"}.get(sop.language, "Sources"), level=1)
        for src in sop.sources:
            label = f"[{src.key}] {src.path}:{src.line}-{src.end_line}" + (f" ({src.heading})" if src.heading else "")
            document.add_paragraph(label, style="List Bullet")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    return out

