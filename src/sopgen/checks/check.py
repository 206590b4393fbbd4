"""`check_document`: section detection + wording rules + suppressions + score, for one document."""

from __future__ import annotations

from pathlib import Path

from sopgen.batch.limits import Limits
from sopgen.checks.baseline import fingerprint
from sopgen.checks.engine import apply_suppressions, build_context, run_rules
from sopgen.checks.findings import DocumentReport, Finding, SectionStatus
from sopgen.checks.rules import compiled_rules
from sopgen.config import RuleSettings
from sopgen.documents import Document, load_bytes, load_document
from sopgen.documents.classify import MISSING_CONFIDENCE, detect_sections
from sopgen.documents.language import LANGUAGE_NAMES
from sopgen.documents.names import display_name
from sopgen.documents.prefilter import save_plans
from sopgen.errors import SopgenError
from sopgen.schema import Profile, load_profile

# Score (0-100), documented in the README:
#   sections = (present required + 0.5 * weak required) / required           -> 70 % of the score
#   wording  = max(0, 1 - (5*errors + 2*warnings + 0.5*infos) / (words / 100 + 10))  -> 30 % of the score
SECTION_WEIGHT, WORDING_WEIGHT = 70, 30
_PENALTY = {"error": 5.0, "warning": 2.0, "info": 0.5}


def score(sections: list[SectionStatus], findings: list[Finding], words: int) -> int:
    required = [s for s in sections if s.required]
    if required:
        got = sum(1.0 if s.status == "present" else 0.5 if s.status == "weak" else 0.0 for s in required)
        section_part = got / len(required)
    else:
        section_part = 1.0
    penalty = sum(_PENALTY[f.severity] for f in findings if f.category in ("ambiguity", "security"))
    wording_part = max(0.0, 1.0 - penalty / (words / 100 + 10))
    return round(SECTION_WEIGHT * section_part + WORDING_WEIGHT * wording_part)


def _structure_findings(doc: Document, profile: Profile, statuses: list[SectionStatus]) -> list[Finding]:
    out: list[Finding] = []
    for st in statuses:
        if not st.required or st.status == "present":
            continue
        heading = profile.spec(st.id).heading(doc.language)
        if st.status == "missing":
            out.append(Finding(
                rule="missing-section", category="structure", severity="error", line=1, column=1, end_line=1,
                end_column=1, text="", message=f"Required section '{st.id}' ({heading}) is missing.",
                suggestion=f"Add a '{heading}' section.",
            ))
        else:
            line = st.line or 1
            text = doc.lines[line - 1] if line <= len(doc.lines) else ""
            out.append(Finding(
                rule="weak-section", category="structure", severity="warning", line=line, column=1,
                end_line=line, end_column=len(text) + 1, text=text,
                message=f"Section '{st.id}' ({st.heading}) is empty, a placeholder or a stub.",
                suggestion=f"Write the '{heading}' section out, or remove the heading if it does not apply.",
            ))
    return out


def check_document(
    doc: Document, profile: Profile | str = "full", rules: RuleSettings | None = None
) -> DocumentReport:
    """Check one loaded document against a profile.

    >>> from sopgen.documents import load_bytes
    >>> doc = load_bytes(b"# Purpose\\nBackups are checked regularly.\\n", "md", "x.md")
    >>> report = check_document(doc, "basic")
    >>> sorted({f.rule for f in report.findings if f.category == "ambiguity"})
    ['passive-voice', 'vague-time']
    """
    profile = load_profile(profile) if isinstance(profile, str) else profile
    rules = rules or RuleSettings()
    warnings: list[str] = []
    if rules.language:
        doc = doc.model_copy(update={"language": rules.language, "other_language": None})
    elif doc.other_language:
        warnings.append(f"the text looks like {LANGUAGE_NAMES.get(doc.other_language, doc.other_language)} "
                        f"({doc.other_language}), which sopgen has no rules for; checked as {doc.language}: "
                        "set --language en|de|ru if that is wrong, or expect most sections to be missing")
    detection = detect_sections(doc, profile)
    statuses: list[SectionStatus] = []
    for ps in profile.sections:
        m = detection.by_id.get(ps.id)
        if m is None:
            statuses.append(SectionStatus(id=ps.id, status="missing", heading=None, line=None, confidence=MISSING_CONFIDENCE,
                                          required=ps.required, reason="no heading alias or body cue found"))
        else:
            statuses.append(SectionStatus(id=ps.id, status=m.status, heading=m.heading, line=m.line,  # type: ignore[arg-type]
                                          confidence=m.confidence, required=ps.required, reason=m.reason))
    procedure_lines = detection.lines_of(doc, "procedure")
    ctx = build_context(doc, profile.steps_need_actor, procedure_lines, profile=profile, detection=detection,
                        today=rules.today)
    active = [r for r in compiled_rules(doc.language, tuple(rules.extra_rule_files))
              if r.id not in rules.disable and (not rules.enable_only or r.id in rules.enable_only)]
    findings = run_rules(ctx, active) + [
        f for f in _structure_findings(doc, profile, statuses)
        if f.rule not in rules.disable and (not rules.enable_only or f.rule in rules.enable_only)
    ]
    findings = apply_suppressions(findings, doc.text)
    for f in findings:
        if f.rule in rules.severity:
            f.severity = rules.severity[f.rule]
        line_text = doc.lines[f.line - 1] if f.text and 0 < f.line <= len(doc.lines) else f.message
        f.fingerprint = fingerprint(f.rule, f.text, line_text)
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    save_plans()  # the prefilter plans this text needed first, for the next process (a no-op after that)
    words = len(ctx.masked.split())
    return DocumentReport(
        path=doc.path, language=doc.language, encoding=doc.encoding, sections=statuses, findings=findings,
        score=score(statuses, findings, words), words=words, format=doc.format, warnings=warnings,
        owner=ctx.facts.get("owner"), last_revised=ctx.facts.get("last_revised"),  # type: ignore[arg-type]
        review_due=ctx.facts.get("review_due"), review_overdue=ctx.facts.get("review_overdue"),  # type: ignore[arg-type]
        steps=ctx.facts.get("steps"),  # type: ignore[arg-type]
    )


def check_text(text: str, profile: Profile | str = "full", *, language: str | None = None, path: str = "<text>",
               rules: RuleSettings | None = None) -> DocumentReport:
    """Check Markdown text; `language` overrides detection (short texts can fool it)."""
    doc = load_bytes(text.encode("utf-8"), "md", path)
    if language:
        doc = doc.model_copy(update={"language": language})
    return check_document(doc, profile, rules)


def check_path(path: str | Path, profile: Profile | str = "full", rules: RuleSettings | None = None,
               display_path: str | None = None, limits: Limits | None = None) -> DocumentReport:
    """Load and check one file; a file that cannot be read becomes a report with `error` set."""
    shown = display_path or display_name(str(path))
    try:
        doc = load_document(path, display_path=shown, limits=limits)
    except SopgenError as exc:
        return DocumentReport(path=shown, error=str(exc))
    return check_document(doc, profile, rules)
