"""Batch gap analysis of legacy documents, with reports people and machines read."""

from sopgen.gaps.reports import missing_by_language_svg, render_csv, render_html, render_table
from sopgen.gaps.runner import analyze_gaps

__all__ = ["analyze_gaps", "missing_by_language_svg", "render_csv", "render_html", "render_table"]
