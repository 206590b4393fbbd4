"""SOP -> a self-contained HTML page (also what notebooks display)."""

from __future__ import annotations

import html
import re
from functools import cache
from importlib import resources

from sopgen.htmlsafe import with_csp
from sopgen.render.markdown import render_markdown
from sopgen.schema import SOP

_SOURCE_KEY = re.compile(r"^\[(S\d{1,4})\]")


def _inline(text: str) -> str:
    t = html.escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
    t = re.sub(r"\[(S\d+)\]", r'<a href="#\1">[\1]</a>', t)
    t = re.sub(r"\[\[(.+?)\]\]", r'<mark title="writer prompt">\1</mark>', t)
    return t


def render_html(sop: SOP) -> str:
    """A minimal Markdown subset (headings, lists, tables, paragraphs, mermaid blocks) rendered to HTML."""
    body: list[str] = []
    in_list: str | None = None
    in_table = False
    in_code = False
    diagram: list[str] = []
    has_diagram = False
    for line in render_markdown(sop, with_front_matter=False).split("\n"):
        if line.startswith("```"):
            if in_code:  # Mermaid reads the block's text, line breaks included
                body.append('<pre class="mermaid">' + html.escape("\n".join(diagram)) + "</pre>")
                diagram, has_diagram = [], True
            in_code = not in_code
            continue
        if in_code:
            diagram.append(line)
            continue
        tag = "ol" if line[:1].isdigit() and ". " in line[:5] else "ul" if line.startswith("- ") else None
        if in_list and tag != in_list:
            body.append(f"</{in_list}>")
            in_list = None
        if in_table and not line.startswith("|"):
            body.append("</table>")
            in_table = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{_inline(line.lstrip('#').strip())}</h{level}>")
        elif tag:
            if in_list != tag:
                body.append(f"<{tag}>")
                in_list = tag
            item = line.split(" ", 1)[1] if " " in line else line
            key = _SOURCE_KEY.match(item)  # a Sources entry gets an anchor; its id is only ever S<digits>
            anchor = f' id="{key.group(1)}"' if key else ""
            body.append(f"<li{anchor}>{_inline(item)}</li>")
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            if not in_table:
                body.append("<table>")
                in_table = True
            body.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in cells) + "</tr>")
        elif line.strip():
            body.append(f"<p>{_inline(line)}</p>")
    if in_list:
        body.append(f"</{in_list}>")
    if in_table:
        body.append("</table>")
    meta = html.escape(f"engine: {sop.engine}" + (f", model: {sop.model}" if sop.model else "") + f", profile: {sop.profile}")
    style = ("body{font-family:system-ui,sans-serif;max-width:900px;margin:24px auto;color:#222}"
             "table{border-collapse:collapse}td{border:1px solid #ccc;padding:4px 8px}mark{background:#ffe082}"
             ".meta{color:#666;font-size:13px}")
    scripts = _mermaid_scripts() if has_diagram else []
    return with_csp(
        f'<!DOCTYPE html><html lang="{html.escape(sop.language)}"><head><meta charset="utf-8"><title>'
        f"{html.escape(sop.title)}</title><style>{style}</style></head><body><p class=\"meta\">{meta}</p>"
        f"{''.join(body)}{''.join(f'<script>{js}</script>' for js in scripts)}</body></html>", scripts)


@cache
def _mermaid_scripts() -> list[str]:
    """The Mermaid library shipped in the package (render/vendor), inlined, and its start-up call: the
    page renders offline, and the CSP admits exactly these two scripts."""
    library = (resources.files("sopgen.render") / "vendor" / "mermaid.min.js").read_text(encoding="utf-8")
    library = library.replace("</script", "<\\/script")
    start = 'mermaid.initialize({startOnLoad:true,securityLevel:"strict",flowchart:{htmlLabels:false,wrappingWidth:320}});'
    return [library, start]
