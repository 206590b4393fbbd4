"""SOP -> Markdown, DOCX, HTML, PDF; steps -> Mermaid flowchart."""

from __future__ import annotations

from pathlib import Path

from sopgen.errors import SopgenError
from sopgen.render.docx import render_docx
from sopgen.render.html import render_html
from sopgen.render.markdown import render_markdown
from sopgen.schema import SOP

FORMATS = ("md", "docx", "html", "pdf")
FORMATS_BY_EXTENSION = {".md": "md", ".markdown": "md", ".docx": "docx", ".html": "html", ".htm": "html",
                        ".pdf": "pdf"}


def output_format(path: str, given: str | None = None) -> str | None:
    """The draft format asked for: `given`, else the one the file name's extension names (None if neither)."""
    if given is not None:
        return given if given in FORMATS else None
    suffix = path[path.rfind("."):].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return FORMATS_BY_EXTENSION.get(suffix)


def write_sop(sop: SOP, path: str | Path, format: str | None = None) -> Path:
    """Write a draft in the format given or named by the extension; anything else is an error naming both."""
    target = Path(path)
    chosen = output_format(str(target), format)
    if chosen is None:
        if format is not None:
            raise SopgenError(f"unknown format '{format}'", path=target, hint=f"use one of {', '.join(FORMATS)}")
        raise SopgenError(f"cannot tell the format from '{target.suffix or '(no extension)'}'", path=target,
                          hint="use --format md|docx|html|pdf or a name ending in .md, .docx, .html or .pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    if chosen == "docx":
        render_docx(sop, target)
    elif chosen == "pdf":
        from sopgen.render.pdf import render_pdf  # fpdf2 is an extra: imported only when asked for

        render_pdf(sop, target)
    else:
        target.write_text(render_html(sop) if chosen == "html" else render_markdown(sop), encoding="utf-8")
    return target


__all__ = ["FORMATS", "FORMATS_BY_EXTENSION", "output_format", "render_docx", "render_html", "render_markdown",
           "write_sop"]
