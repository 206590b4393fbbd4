"""Checking SOPs: section detection against a profile and ambiguity rules in en/de/ru."""

from sopgen.checks.check import check_document, check_path, check_text, score
from sopgen.checks.findings import DocumentReport, Finding, SectionStatus

__all__ = ["DocumentReport", "Finding", "SectionStatus", "check_document", "check_path", "check_text", "score"]
