"""Finding and report models: the wire format of DESIGN.md section 3 (add fields freely, never rename)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["error", "warning", "info"]
Category = Literal["ambiguity", "structure", "security"]
SectionStatusName = Literal["present", "weak", "missing"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


class Finding(BaseModel):
    """One problem at one place. Lines and columns are 1-based on the decoded text; end_column is exclusive."""

    rule: str
    category: Category
    severity: Severity
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    message: str
    suggestion: str
    fix: str | None = Field(None, description="Replacement for `text` that an editor offers as a quick fix.")
    fingerprint: str | None = Field(None, description="Stable across moved lines; what a baseline records.")
    baseline: Literal["new", "unchanged"] | None = Field(None, description="Set when a baseline was applied.")


class SectionStatus(BaseModel):
    """Whether a profile section is there, with the evidence for the decision."""

    id: str
    status: SectionStatusName
    heading: str | None
    line: int | None
    confidence: float = Field(ge=0, le=1)
    required: bool = True
    reason: str = Field("", description="Why: which heading or sentence decided it.")


class StepStrength(BaseModel):
    line: int
    strength: Literal["requirement", "constraint", "recommendation", "permission", "possibility", "none"]
    form: str | None = Field(None, description="The verbal form that decided it ('shall', 'MUST', 'darf').")


class DocumentReport(BaseModel):
    """The check result of one document, one entry of the gap report's `documents` list."""

    path: str
    language: str | None = None
    encoding: str | None = None
    error: str | None = None
    sections: list[SectionStatus] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    score: int | None = None
    words: int = 0
    format: str | None = None
    owner: str | None = Field(None, description="The owner or approver named in the document (owner-missing).")
    last_revised: date | None = Field(None, description="Latest date of the revision history or approval.")
    review_due: date | None = Field(None, description="last_revised plus the profile's review cycle.")
    review_overdue: bool | None = Field(None, description="review_due has passed (None: no cycle or no date).")
    steps: list[StepStrength] | None = Field(None, description="Each procedure step's requirement strength, when "
                                             "the profile asks for requirement language.")
    warnings: list[str] = Field(default_factory=list, description="Why the result may not mean what it seems "
                                "(a language sopgen has no rules for, ...).")

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0, "ambiguity": 0, "structure": 0, "security": 0}
        for f in self.findings:
            out[f.severity] += 1
            out[f.category] += 1
        return out


class BaselineSummary(BaseModel):
    new: int
    unchanged: int
    absent: int = Field(description="Known findings that are no longer there (fixed, or their line changed).")


class Summary(BaseModel):
    documents: int
    failed: int
    missing_by_section: dict[str, int]
    baseline: BaselineSummary | None = None


class Report(BaseModel):
    """A batch result: the gap report of DESIGN.md section 3 (also what `sopgen check --format json` prints)."""

    schema_version: int = 1
    profile: str
    documents: list[DocumentReport]
    summary: Summary

    @classmethod
    def build(cls, profile: str, documents: list[DocumentReport]) -> Report:
        missing: dict[str, int] = {}
        for doc in documents:
            for s in doc.sections:
                if s.status == "missing":
                    missing[s.id] = missing.get(s.id, 0) + 1
        return cls(
            profile=profile, documents=documents,
            summary=Summary(documents=len(documents), failed=sum(1 for d in documents if d.error),
                            missing_by_section=missing),
        )


class EncodedReports:
    """The JSON (`model_dump_json(indent=2)`) a worker already wrote for a report, kept beside the object
    it decoded to, so a batch written as JSON (or cached) is not serialised a second time in the parent.

    Kept by identity: a report that was changed is a new object (`model_copy`) and has no entry."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[DocumentReport, str]] = {}

    def add(self, report: DocumentReport, text: str) -> None:
        self._by_id[id(report)] = (report, text)  # the entry holds the object, so its id is not reused

    def get(self, report: DocumentReport) -> str | None:
        entry = self._by_id.get(id(report))
        return entry[1] if entry is not None and entry[0] is report else None
