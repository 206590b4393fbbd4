"""Finding output formats shared by `sopgen check` and `sopgen gaps`: text, JSON and SARIF 2.1.0."""

from __future__ import annotations

import html
import json
from typing import Any

from sopgen.checks.findings import DocumentReport, EncodedReports, Report
from sopgen.checks.rules import all_rule_specs

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_STRUCTURE_RULES = {
    "missing-section": ("error", "A section the profile requires is missing.", "Add the section."),
    "weak-section": ("warning", "A section is empty, a placeholder or a stub.", "Write the section out."),
}
_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def render_text(report: Report, colour: bool = False) -> str:
    """file:line:col: severity rule message, one per line, then a per-file summary line."""
    out: list[str] = []
    for doc in report.documents:
        if doc.error:
            out.append(f"{doc.path}: error: {doc.error}")
            continue
        for warning in doc.warnings:
            out.append(f"{doc.path}: warning: {warning}")
        known = 0
        for f in doc.findings:
            if f.baseline == "unchanged":
                known += 1
                continue
            sev: str = f.severity
            if colour:
                sev = f"[{_COLOURS[sev]}]{sev}[/]"
            out.append(f"{doc.path}:{f.line}:{f.column}: {sev} {f.rule} {f.message}")
        c = doc.counts()
        missing = [s.id for s in doc.sections if s.status == "missing" and s.required]
        out.append(f"{doc.path}: score {doc.score}, {c['error']} errors, {c['warning']} warnings, "
                   f"{c['info']} infos; language {doc.language}"
                   + (f"; missing: {', '.join(missing)}" if missing else "")
                   + (f"; {known} known from the baseline, not shown" if known else ""))
    if report.summary.baseline is not None:
        b = report.summary.baseline
        out.append(f"baseline: {b.new} new, {b.unchanged} known, {b.absent} known findings gone")
    return "\n".join(out)


def render_json(report: Report, encoded: EncodedReports | None = None) -> str:
    """The report as indented JSON; documents whose JSON a worker already wrote (`encoded`) are spliced
    in, indented one level deeper, not serialised again: the text is the same either way."""
    # pydantic's serialiser writes the same text as json.dumps(model_dump(), ensure_ascii=False, indent=2),
    # about six times faster: with an indent the standard library falls back to its pure-Python encoder
    if encoded is None or not report.documents:
        return report.model_dump_json(indent=2)
    shell = report.model_copy(update={"documents": []}).model_dump_json(indent=2)
    head, found, tail = shell.partition('\n  "documents": [],\n')
    if not found:  # not the shape this splices into: serialise it all
        return report.model_dump_json(indent=2)
    parts = ("    " + (encoded.get(d) or d.model_dump_json(indent=2)).replace("\n", "\n    ") for d in report.documents)
    return head + '\n  "documents": [\n' + ",\n".join(parts) + "\n  ],\n" + tail


def sarif_dict(report: Report, version: str) -> dict[str, Any]:
    specs = all_rule_specs()
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    used = {f.rule for d in report.documents for f in d.findings}
    for rule_id in sorted(used | set(_STRUCTURE_RULES)):
        if rule_id in _STRUCTURE_RULES:
            level, desc, help_text = _STRUCTURE_RULES[rule_id]
            category = "structure"
        elif rule_id in specs:
            spec = specs[rule_id]
            level, desc, help_text, category = spec.severity, spec.message.replace("'{text}'", "A phrase"), \
                spec.suggestion, spec.category
        else:
            level, desc, help_text, category = "warning", rule_id, rule_id, "ambiguity"
        index[rule_id] = len(rules)
        rules.append({
            "id": rule_id, "name": rule_id.replace("-", " ").title().replace(" ", ""),
            "shortDescription": {"text": desc}, "help": {"text": help_text},
            "defaultConfiguration": {"level": _SARIF_LEVEL[level]},
            "properties": {"category": category, "tags": [category]},
        })
    results: list[dict[str, Any]] = []
    artifacts: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for doc in report.documents:
        artifacts.append({"location": {"uri": doc.path}, **({"encoding": doc.encoding} if doc.encoding else {})})
        if doc.error:
            notifications.append({"level": "error", "message": {"text": doc.error},
                                  "locations": [{"physicalLocation": {"artifactLocation": {"uri": doc.path}}}]})
            continue
        notifications.extend({"level": "warning", "message": {"text": w},
                              "locations": [{"physicalLocation": {"artifactLocation": {"uri": doc.path}}}]}
                             for w in doc.warnings)
        for f in doc.findings:
            region: dict[str, Any] = {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line,
                                      "endColumn": max(f.end_column, f.column)}
            if f.text:
                region["snippet"] = {"text": f.text}
            results.append({
                "ruleId": f.rule, "ruleIndex": index[f.rule], "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f"{f.message} {f.suggestion}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": doc.path}, "region": region}}],
                "properties": {"category": f.category, "suggestion": f.suggestion, "language": doc.language},
                **({"partialFingerprints": {"sopgen/v1": f.fingerprint}} if f.fingerprint else {}),
                **({"baselineState": f.baseline} if f.baseline else {}),
            })
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "sopgen", "version": version, "informationUri": "https://pypi.org/project/sopgen/",
                            "rules": rules}},
        "artifacts": artifacts,
        "results": results,
        "properties": {"profile": report.profile},
    }
    ok = not any(n["level"] == "error" for n in notifications)
    run["invocations"] = [{"executionSuccessful": ok, **({"toolExecutionNotifications": notifications}
                                                         if notifications else {})}]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(report: Report) -> str:
    from sopgen._version import __version__

    return json.dumps(sarif_dict(report, __version__), ensure_ascii=False, indent=2)


def report_html_fragment(doc: DocumentReport) -> str:
    """A document's findings with the offending text highlighted, for notebooks."""
    rows = []
    for f in doc.findings:
        rows.append(f"<tr><td>{f.line}:{f.column}</td><td>{f.severity}</td><td><code>{f.rule}</code></td>"
                    f"<td><mark>{html.escape(f.text)}</mark></td><td>{html.escape(f.message)}<br><i>"
                    f"{html.escape(f.suggestion)}</i></td></tr>")
    sections = "".join(
        f"<span title='{html.escape(s.reason)}' style='padding:2px 6px;margin:2px;display:inline-block;"
        f"background:{ {'present': '#c8e6c9', 'weak': '#fff59d', 'missing': '#ffcdd2'}[s.status] }'>{s.id}</span>"
        for s in doc.sections
    )
    return (f"<div><b>{html.escape(doc.path)}</b> score {doc.score} ({doc.language})<div>{sections}</div>"
            f"<table><tr><th>at</th><th>severity</th><th>rule</th><th>text</th><th>message</th></tr>"
            f"{''.join(rows)}</table></div>")


def heatmap_html(report: Report) -> str:
    """A compact documents x sections heatmap for notebooks (the full HTML report lives in sopgen.gaps)."""
    ids = [s.id for s in report.documents[0].sections] if report.documents and report.documents[0].sections else []
    colour = {"present": "#4caf50", "weak": "#ffc107", "missing": "#f44336"}
    head = "".join(f"<th style='writing-mode:vertical-rl'>{i}</th>" for i in ids)
    body = []
    for d in report.documents:
        cells = "".join(f"<td title='{s.id}: {s.status}' style='background:{colour[s.status]};width:14px'></td>"
                        for s in d.sections)
        body.append(f"<tr><td>{html.escape(d.path)}</td><td>{d.score if d.score is not None else 'error'}</td>{cells}</tr>")
    return f"<table><tr><th>document</th><th>score</th>{head}</tr>{''.join(body)}</table>"
