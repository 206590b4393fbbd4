"""SOP -> Markdown, DOCX, HTML; steps -> Mermaid flowchart."""

from sopgen.render.docx import render_docx
from sopgen.render.html import render_html
from sopgen.render.markdown import render_markdown

__all__ = ["render_docx", "render_html", "render_markdown"]
