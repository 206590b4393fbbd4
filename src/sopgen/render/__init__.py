"""SOP -> Markdown, DOCX, HTML; steps -> Mermaid flowchart."""

from sopgen.render.docx import render_docx
from sopgen.render.html import render_html
from sopgen.render.markdown import render_markdown

FORMATS_BY_EXTENSION = {".md": "md", ".markdown": "md", ".docx": "docx", ".html": "html", ".htm": "html"}


def output_format(path: str, given: str | None = None) -> str | None:
    """The draft format asked for: `given`, else the one the file name's extension names (None if neither)."""
    if given is not None:
        return given if given in ("md", "docx", "html") else None
    suffix = path[path.rfind("."):].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return FORMATS_BY_EXTENSION.get(suffix)


__all__ = ["FORMATS_BY_EXTENSION", "output_format", "render_docx", "render_html", "render_markdown"]
