"""Gap report writers that people read (HTML heatmap, terminal table) and machines read (CSV; JSON/SARIF
come from sopgen.checks.output, one format for check and gaps)."""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sopgen.checks.findings import Report
from sopgen.htmlsafe import script_json, with_csp

CSV_ENCODING = "utf-8-sig"  # the BOM makes Excel open UTF-8 (umlauts, Cyrillic) correctly


def render_csv(report: Report) -> str:
    ids = _section_ids(report)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["path", "language", "encoding", "score", *ids, "errors", "warnings", "infos",
                     "ambiguity_findings", "structure_findings", "error", "security_findings", "owner",
                     "last_revised", "review_due", "review_overdue"])
    for d in report.documents:
        status = {s.id: s.status for s in d.sections}
        c = d.counts()
        writer.writerow([_cell(d.path), d.language or "", d.encoding or "", "" if d.score is None else d.score,
                         *[status.get(i, "") for i in ids], c["error"], c["warning"], c["info"], c["ambiguity"],
                         c["structure"], _cell(d.error or ""), c["security"], _cell(d.owner or ""),
                         d.last_revised or "", d.review_due or "",
                         "" if d.review_overdue is None else str(d.review_overdue).lower()])
    return buf.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run: text starting with = + @ or a control character gets a quote."""
    return "'" + text if text[:1] in ("=", "+", "@", "\t", "\r") else text


def _section_ids(report: Report) -> list[str]:
    for d in report.documents:
        if d.sections:
            return [s.id for s in d.sections]
    return []


def render_table(report: Report, console: Console, top: int = 20) -> None:
    """Worst documents first, then the most-missing sections."""
    docs = sorted(report.documents, key=lambda d: (d.error is None, d.score if d.score is not None else -1))
    table = Table(title=f"sopgen gaps: {report.summary.documents} documents, profile {report.profile}")
    for col in ("score", "document", "lang", "missing", "weak", "findings"):
        table.add_column(col, justify="right" if col in ("score", "findings") else "left")
    for d in docs[:top]:
        if d.error:
            table.add_row("-", d.path, "", f"[red]{d.error}[/]", "", "")
            continue
        missing = ", ".join(s.id for s in d.sections if s.status == "missing")
        weak = ", ".join(s.id for s in d.sections if s.status == "weak")
        table.add_row(str(d.score), d.path, d.language or "", missing, weak, str(len(d.findings)))
    console.print(table)
    if report.summary.missing_by_section:
        ranking = sorted(report.summary.missing_by_section.items(), key=lambda kv: -kv[1])
        console.print("Most missing: " + ", ".join(f"{k} ({v})" for k, v in ranking))
    if report.summary.failed:
        console.print(f"[red]{report.summary.failed} document(s) could not be read[/]")


def render_pdf(report: Report) -> bytes:
    """The gap report as a landscape A4 PDF: worst documents first, then the most-missing sections."""
    from sopgen.render.pdf import PdfPage

    title = f"sopgen gap report ({report.profile})"
    page = PdfPage(title, landscape=True)
    page.heading(title, 1)
    s = report.summary
    overdue = sum(1 for d in report.documents if d.review_overdue)
    unowned = sum(1 for d in report.documents if d.error is None and not d.owner)
    page.paragraph(f"{s.documents} documents, {s.failed} could not be read; {overdue} past their review date, "
                   f"{unowned} name no owner or approver.", muted=True)
    if s.missing_by_section:
        ranking = sorted(s.missing_by_section.items(), key=lambda kv: -kv[1])
        page.paragraph("**Most missing:** " + ", ".join(f"{k} ({v})" for k, v in ranking))
    rows = [["document", "lang", "score", "missing", "weak", "findings", "owner", "review due"]]
    docs = sorted(report.documents, key=lambda d: (d.error is None, d.score if d.score is not None else -1))
    for d in docs:
        if d.error:
            rows.append([d.path, "", "-", d.error, "", "", "", ""])
            continue
        rows.append([d.path, d.language or "", str(d.score), ", ".join(x.id for x in d.sections if x.status == "missing"),
                     ", ".join(x.id for x in d.sections if x.status == "weak"), str(len(d.findings)),
                     d.owner or "none", (d.review_due.isoformat() + (" (overdue)" if d.review_overdue else ""))
                     if d.review_due else ""])
    page.table(rows, widths=(62, 10, 11, 70, 36, 14, 34, 30), size=8)
    return page.bytes()


def render_html(report: Report) -> str:
    """One self-contained page: heatmap (documents x sections), filters, sorting, per-document findings."""
    page = _TEMPLATE.replace("__TITLE__", html.escape(f"sopgen gap report ({report.profile})"))
    script = _SCRIPT.replace("__DATA__", script_json(_page_data(report)))
    return with_csp(page.replace("<script>" + _SCRIPT + "</script>", "<script>" + script + "</script>"), [script])


def _page_data(report: Report) -> dict[str, object]:
    docs = []
    for d in report.documents:
        lines: dict[int, str] = {}
        if d.findings and not d.error:
            try:
                from sopgen.documents import load_document

                text_lines = load_document(Path(d.path)).lines
                lines = {f.line: text_lines[f.line - 1] for f in d.findings if 0 < f.line <= len(text_lines)}
            except Exception:
                lines = {}
        docs.append({
            "path": d.path, "language": d.language, "encoding": d.encoding, "score": d.score, "error": d.error,
            "owner": d.owner, "last_revised": d.last_revised and d.last_revised.isoformat(),
            "review_due": d.review_due and d.review_due.isoformat(), "review_overdue": d.review_overdue,
            "sections": [s.model_dump(mode="json") for s in d.sections],
            "findings": [f.model_dump(mode="json") for f in d.findings],
            "lines": {str(k): v for k, v in lines.items()},
        })
    return {"profile": report.profile, "ids": _section_ids(report), "documents": docs,
            "summary": report.summary.model_dump(mode="json")}


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body{font-family:system-ui,sans-serif;margin:16px;color:#222}
h1{font-size:20px} .bar{display:flex;gap:12px;align-items:center;margin:8px 0;flex-wrap:wrap}
table.heat{border-collapse:collapse;font-size:12px} .heat th,.heat td{border:1px solid #ddd;padding:3px 5px}
.heat th{cursor:pointer;background:#f5f5f5;position:sticky;top:0} .heat th.sec{writing-mode:vertical-rl;transform:rotate(180deg)}
td.present{background:#66bb6a} td.weak{background:#ffca28} td.missing{background:#ef5350}
td.none,td.overdue{color:#b71c1c;font-weight:bold}
td.doc{cursor:pointer;color:#0b57d0;text-decoration:underline} tr.failed td{background:#eee;color:#b00}
#detail{margin-top:16px;border-top:2px solid #ccc;padding-top:8px} mark{background:#ffeb3b}
.f-error{color:#b71c1c}.f-warning{color:#e65100}.f-info{color:#01579b} .ctx{font-family:monospace;white-space:pre-wrap}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px}
</style></head><body>
<h1>__TITLE__</h1>
<div id="summary"></div>
<div class="bar">
 <label>Language <select id="f-lang"><option value="">all</option></select></label>
 <label>Section <select id="f-sec"><option value="">any</option></select></label>
 <label>Status <select id="f-status"><option value="missing">missing</option><option value="weak">weak</option><option value="notpresent">missing or weak</option></select></label>
 <label>Score &le; <input id="f-score" type="number" min="0" max="100" value="100" style="width:60px"></label>
 <label><input id="f-overdue" type="checkbox"> review overdue</label>
 <label><input id="f-owner" type="checkbox"> no owner</label>
 <span class="legend"><span style="background:#66bb6a"></span>present<span style="background:#ffca28"></span>weak<span style="background:#ef5350"></span>missing</span>
 <span id="count"></span>
</div>
<table class="heat" id="heat"><thead></thead><tbody></tbody></table>
<div id="detail"></div>
<script>
const DATA = __DATA__;
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c]));
let sortKey = "score", sortDir = 1;
function init(){
  const s = DATA.summary;
  document.getElementById("summary").textContent = `${s.documents} documents, ${s.failed} failed, profile ${DATA.profile}`;
  const langs = [...new Set(DATA.documents.map(d => d.language).filter(Boolean))].sort();
  const fl = document.getElementById("f-lang"); langs.forEach(l => fl.add(new Option(l, l)));
  const fs = document.getElementById("f-sec"); DATA.ids.forEach(i => fs.add(new Option(i, i)));
  ["f-lang","f-sec","f-status","f-score","f-overdue","f-owner"].forEach(id => document.getElementById(id).addEventListener("input", render));
  const head = document.querySelector("#heat thead");
  head.innerHTML = "<tr><th data-k='path'>document</th><th data-k='language'>lang</th><th data-k='score'>score</th>" +
    DATA.ids.map(i => `<th class='sec' data-k='sec:${i}'>${esc(i)}</th>`).join("") + "<th data-k='findings'>findings</th><th data-k='owner'>owner</th><th data-k='review_due'>review due</th></tr>";
  head.querySelectorAll("th").forEach(th => th.addEventListener("click", () => {
    const k = th.dataset.k; sortDir = (sortKey === k) ? -sortDir : 1; sortKey = k; render(); }));
  render();
}
function value(d, k){
  if (k === "findings") return d.findings.length;
  if (k.startsWith("sec:")) { const s = d.sections.find(x => x.id === k.slice(4)); return s ? ({present:2, weak:1, missing:0}[s.status]) : -1; }
  const v = d[k]; return v === null || v === undefined ? -1 : v;
}
function visible(d){
  const lang = document.getElementById("f-lang").value, sec = document.getElementById("f-sec").value;
  const st = document.getElementById("f-status").value, max = Number(document.getElementById("f-score").value);
  if (lang && d.language !== lang) return false;
  if (document.getElementById("f-overdue").checked && d.review_overdue !== true) return false;
  if (document.getElementById("f-owner").checked && (d.error || d.owner)) return false;
  if (d.score !== null && d.score > max) return false;
  if (sec) { const s = d.sections.find(x => x.id === sec); if (!s) return false;
    if (st === "notpresent" ? s.status === "present" : s.status !== st) return false; }
  return true;
}
function render(){
  const rows = DATA.documents.filter(visible).sort((a, b) => {
    const x = value(a, sortKey), y = value(b, sortKey); return (x > y ? 1 : x < y ? -1 : 0) * sortDir; });
  document.getElementById("count").textContent = `${rows.length} shown`;
  document.querySelector("#heat tbody").innerHTML = rows.map(d => {
    if (d.error) return `<tr class="failed" data-path="${esc(d.path)}"><td class="doc">${esc(d.path)}</td><td></td><td></td><td colspan="${DATA.ids.length + 3}">${esc(d.error)}</td></tr>`;
    const cells = DATA.ids.map(i => { const s = d.sections.find(x => x.id === i);
      return s ? `<td class="${s.status}" title="${esc(i)}: ${s.status} ${esc(s.reason)}"></td>` : "<td></td>"; }).join("");
    return `<tr data-path="${esc(d.path)}"><td class="doc">${esc(d.path)}</td><td>${esc(d.language)}</td><td>${d.score}</td>${cells}<td>${d.findings.length}</td>` +
      `<td class="${d.owner ? "owner" : "owner none"}">${esc(d.owner ?? "none")}</td>` +
      `<td class="${d.review_overdue ? "due overdue" : "due"}">${esc(d.review_due ?? "")}</td></tr>`;
  }).join("");
  document.querySelectorAll("#heat td.doc").forEach(td => td.addEventListener("click", () => show(td.parentElement.dataset.path)));
}
function highlight(line, f){
  if (f.line !== f.end_line || !line) return esc(line);
  const a = f.column - 1, b = f.end_column - 1;
  return esc(line.slice(0, a)) + "<mark>" + esc(line.slice(a, b)) + "</mark>" + esc(line.slice(b));
}
function show(path){
  const d = DATA.documents.find(x => x.path === path);
  const el = document.getElementById("detail");
  if (!d) { el.innerHTML = ""; return; }
  const missing = d.sections.filter(s => s.status !== "present").map(s => `${esc(s.id)} (${s.status})`).join(", ");
  el.innerHTML = `<h2>${esc(d.path)}</h2><p>score ${d.score ?? "-"}, language ${esc(d.language)}, encoding ${esc(d.encoding)}</p>` +
    (d.error ? `<p class="f-error">${esc(d.error)}</p>` : "") +
    (missing ? `<p>Not present: ${missing}</p>` : "") +
    "<ol class='findings'>" + d.findings.map(f => `<li class="f-${f.severity}"><b>${f.line}:${f.column}</b> ${esc(f.rule)}: ${esc(f.message)}` +
      (f.text ? `<div class="ctx">${highlight(d.lines[String(f.line)], f)}</div>` : "") + `<div><i>${esc(f.suggestion)}</i></div></li>`).join("") + "</ol>";
}
init();
</script></body></html>
"""
_SCRIPT = _TEMPLATE[_TEMPLATE.index("<script>") + len("<script>"):_TEMPLATE.index("</script>")]  # the report's own script (its hash goes into the CSP)



def missing_by_language_svg(report: Report, width: int = 640) -> str:
    """A grouped bar chart (SVG, no plotting library): how often each section is missing, per language."""
    ids = _section_ids(report)
    langs = sorted({d.language for d in report.documents if d.language})
    counts = {(lang, sid): 0 for lang in langs for sid in ids}
    for d in report.documents:
        for s in d.sections:
            if s.status == "missing" and d.language:
                counts[(d.language, s.id)] += 1
    top = max(counts.values(), default=0) or 1
    colours = ["#1e88e5", "#e53935", "#43a047", "#8e24aa"]
    row, bar = 22, 18 / max(len(langs), 1)
    height = row * len(ids) + 40
    label_w, plot_w = 130, width - 170
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="11">']
    for i, sid in enumerate(ids):
        y = 10 + i * row
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{html.escape(sid)}</text>')
        for j, lang in enumerate(langs):
            n = counts[(lang, sid)]
            w = plot_w * n / top
            parts.append(f'<rect x="{label_w}" y="{y + j * bar:.1f}" width="{w:.1f}" height="{bar - 1:.1f}" '
                         f'fill="{colours[j % len(colours)]}"><title>{lang}: {n}</title></rect>')
    for j, lang in enumerate(langs):
        parts.append(f'<rect x="{label_w + j * 60}" y="{height - 18}" width="10" height="10" fill="{colours[j % 4]}"/>'
                     f'<text x="{label_w + j * 60 + 14}" y="{height - 9}">{lang}</text>')
    parts.append("</svg>")
    return "".join(parts)
