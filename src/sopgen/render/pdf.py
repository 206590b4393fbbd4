"""PDF output with fpdf2 (pure Python, from PyPI: `pip install 'sopgen[pdf]'`), no browser and no download.

The page is laid out from the same Markdown a draft renders to, so PDF, Markdown and DOCX say the same
thing. Text is set in Source Sans Pro (SIL OFL, from the `font-source-sans-pro` wheel), which covers
German and Russian; a system DejaVu Sans is the fallback. Nothing from a document is interpreted: the
text is drawn, never parsed as markup by fpdf2.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopgen.errors import SopgenError
from sopgen.schema import SOP

if TYPE_CHECKING:
    from fpdf import FPDF

_SYSTEM_FONTS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LIST = re.compile(r"^(\s*)(\d+[.)]|[-*+]\s\[[ xX]\]|[-*+])\s+(.*)$")
PDF_EXTRA_HINT = "install the PDF extra: pip install 'sopgen[pdf]'"


def _font_files() -> tuple[Path, Path]:
    """(regular, bold) TrueType files that cover Latin, German and Cyrillic."""
    try:
        import font_source_sans_pro  # type: ignore[import-untyped]

        folder = Path(font_source_sans_pro.__file__).parent / "files"
        regular, bold = folder / "SourceSansPro-Regular.ttf", folder / "SourceSansPro-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    except ImportError:
        pass
    for folder in _SYSTEM_FONTS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    raise SopgenError("no font with Cyrillic and umlauts for the PDF", hint=PDF_EXTRA_HINT)


class PdfPage:
    """A small writer on top of fpdf2: headings, paragraphs with bold runs, lists, tables, page numbers."""

    def __init__(self, title: str, author: str | None = None, language: str = "en", landscape: bool = False) -> None:
        try:
            from fpdf import FPDF
        except ImportError:
            raise SopgenError("PDF output needs fpdf2", hint=PDF_EXTRA_HINT) from None
        regular, bold = _font_files()

        class _Doc(FPDF):  # type: ignore[misc]
            def footer(self) -> None:
                self.set_y(-12)
                self.set_font("body", size=8)
                self.set_text_color(110)
                self.cell(0, 6, f"{title[:90]}  ·  {self.page_no()}/{{nb}}", align="C")

        self.pdf: FPDF = _Doc(orientation="L" if landscape else "P", format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=16)
        self.pdf.add_font("body", "", str(regular))
        self.pdf.add_font("body", "B", str(bold))
        self.pdf.set_title(title)
        self.pdf.set_author(author or "")
        self.pdf.set_creator("sopgen")
        self.pdf.set_lang(language)
        self.pdf.add_page()
        self.pdf.set_font("body", size=10.5)

    def heading(self, text: str, level: int) -> None:
        size = {1: 18, 2: 13.5, 3: 11.5}.get(level, 11)
        self.pdf.ln(2 if level > 1 else 0)
        self.pdf.set_font("body", "B", size)
        self.pdf.multi_cell(0, size * 0.55, _plain(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)
        self.pdf.set_font("body", "", 10.5)

    def paragraph(self, text: str, indent: float = 0, marker: str = "", muted: bool = False) -> None:
        pdf = self.pdf
        margin = pdf.l_margin
        pdf.set_x(margin + indent)
        if muted:
            pdf.set_text_color(90)
        if marker:
            pdf.cell(7, 5.5, marker)
        pdf.set_left_margin(pdf.get_x())  # wrapped lines start under the text, not under the marker
        # bold runs without fpdf2's own markdown parser: a document's '--' or '__' stays text
        runs = [(part, i % 2 == 1) for i, part in enumerate(_BOLD.split(_plain(text, keep_bold=True))) if part]
        for part, bold in runs:
            pdf.set_font("body", "B" if bold else "", 10.5)
            pdf.write(5.5, part)
        pdf.set_left_margin(margin)
        pdf.ln(6.5)
        pdf.set_text_color(0)
        pdf.set_font("body", "", 10.5)

    def table(self, rows: list[list[str]], widths: tuple[float, ...] | None = None, size: float = 9) -> None:
        if not rows:
            return
        self.pdf.set_font("body", "", size)
        with self.pdf.table(col_widths=widths, line_height=size * 0.5, first_row_as_headings=True,
                            headings_style=self._heading_style(), text_align="LEFT") as table:
            for row in rows:
                cells = table.row()
                for cell in row:
                    cells.cell(_plain(cell))
        self.pdf.ln(2)
        self.pdf.set_font("body", "", 10.5)

    def _heading_style(self) -> Any:
        from fpdf.fonts import FontFace

        return FontFace(family="body", emphasis="BOLD", fill_color=(235, 235, 235))

    def save(self, path: str | Path) -> Path:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.pdf.output(str(target))
        return target

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def _plain(text: str, keep_bold: bool = False) -> str:
    """Markdown inline marks removed ('**' kept when asked): links show their text, code its content."""
    text = _LINK.sub(r"\1", text).replace("`", "")
    return text if keep_bold else text.replace("**", "")


def _blocks(markdown: str) -> Iterator[tuple[str, Any]]:
    """('heading', (level, text)) | ('item', (indent, marker, text)) | ('table', rows) | ('code', lines) |
    ('para', text), from the Markdown a draft renders to."""
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            kind = line[3:].strip()
            body: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            yield "code", (kind, body)
        elif m := re.match(r"^(#{1,6})\s+(.*)$", line):
            yield "heading", (len(m.group(1)), m.group(2))
        elif line.lstrip().startswith("|"):
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(set(c) <= set("-: ") for c in cells):
                    rows.append(cells)
                i += 1
            width = max(len(r) for r in rows) if rows else 0
            yield "table", [r + [""] * (width - len(r)) for r in rows]
            continue
        elif m := _LIST.match(line):
            marker = m.group(2)
            marker = "☐" if "[ ]" in marker else "☑" if "[" in marker else "•" if marker in "-*+" else marker
            yield "item", (len(m.group(1)), marker, m.group(3))
        elif line.strip():
            yield "para", line.strip()
        i += 1


def layout_markdown(page: PdfPage, markdown: str, *, flowchart_note: str) -> None:
    for kind, value in _blocks(markdown):
        if kind == "heading":
            page.heading(value[1], value[0])
        elif kind == "item":
            page.paragraph(value[2], indent=4 + 4 * (value[0] // 2), marker=value[1])
        elif kind == "table":
            page.table(value)
        elif kind == "code":
            if value[0] == "mermaid":
                page.paragraph(flowchart_note, muted=True)
            else:
                for code in value[1]:
                    page.paragraph(code, indent=4, muted=True)
        else:
            page.paragraph(value)


_FLOWCHART_NOTE = {
    "en": "(The flowchart of these steps is in the HTML and Markdown versions of this SOP.)",
    "de": "(Das Flussdiagramm dieser Schritte steht in der HTML- und der Markdown-Fassung dieser SOP.)",
    "ru": "(Блок-схема этих шагов приведена в HTML- и Markdown-версиях этой СОП.)",
}


def render_pdf(sop: SOP, path: str | Path) -> Path:
    """Write a draft as an A4 PDF (title, sections, steps, tables, sources; properties from the brief)."""
    from sopgen.render.markdown import render_markdown

    page = PdfPage(sop.title, sop.author, sop.language)
    page.pdf.set_subject(f"Standard Operating Procedure ({sop.profile}), version {sop.version}")
    page.pdf.set_keywords(f"SOP, {sop.profile}")
    body = render_markdown(sop, with_front_matter=False)
    title, _, rest = body.partition("\n")
    page.heading(title.lstrip("# "), 1)
    meta = f"version {sop.version}" + (f", {sop.author}" if sop.author else "") + \
        (f", owner {sop.owner}" if sop.owner else "") + f"; drafted by sopgen ({sop.engine}" + \
        (f", {sop.model}" if sop.model else "") + f"), profile {sop.profile}"
    page.paragraph(meta, muted=True)
    layout_markdown(page, rest, flowchart_note=_FLOWCHART_NOTE.get(sop.language, _FLOWCHART_NOTE["en"]))
    return page.save(path)
