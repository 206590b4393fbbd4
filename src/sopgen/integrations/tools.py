"""The operations an assistant may call, with pydantic argument schemas, shared by LangChain and MCP."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from sopgen.schema import Brief


class SearchArgs(BaseModel):
    """Search the indexed process documents (any of en/de/ru; cross-lingual)."""

    query: str = Field(description="What to look for.")
    k: int = Field(5, ge=1, le=50, description="Number of results.")
    language: Literal["en", "de", "ru"] | None = Field(None, description="Only chunks in this language.")
    section: str | None = Field(None, description="Only chunks of this canonical section id, e.g. procedure.")


class CheckArgs(BaseModel):
    """Check a SOP (Markdown text or a file path) for missing sections and ambiguous wording."""

    text: str | None = Field(None, description="The SOP as Markdown text.")
    path: str | None = Field(None, description="Or a path to a SOP file (md, txt, rst, html, docx, pdf).")
    profile: str = Field("full", description="Schema profile, e.g. full, basic, gmp, runbook.")
    language: Literal["en", "de", "ru"] | None = Field(None, description="Override language detection.")


class GapsArgs(BaseModel):
    """Gap analysis of files and folders of legacy documents."""

    paths: list[str] = Field(description="Files and folders.")
    profile: str = Field("full", description="Schema profile.")


class BriefArgs(Brief):
    """A drafting brief: what SOP to write."""


def run_search(args: SearchArgs, store: str | None = None) -> list[dict[str, Any]]:
    from sopgen.api import search

    hits = search(args.query, args.k, store=store, language=args.language, section=args.section)
    return [h.model_dump(mode="json", include={"path", "heading", "line", "end_line", "score", "text", "language"})
            for h in hits]


def run_check(args: CheckArgs) -> dict[str, Any]:
    from sopgen.api import check_sop

    if not args.text and not args.path:
        raise ValueError("give either text or path")
    report = check_sop(args.text if args.text else str(args.path), args.profile, language=args.language)
    return report.model_dump(mode="json")


def run_gaps(args: GapsArgs) -> dict[str, Any]:
    from sopgen.gaps import analyze_gaps

    return analyze_gaps(args.paths, args.profile, jobs=1).model_dump(mode="json")


def run_outline(args: BriefArgs, store: str | None = None, use_index: bool = True) -> dict[str, Any]:
    from sopgen.config import load_settings
    from sopgen.drafting import outline_sop

    settings = load_settings(store=store)
    return outline_sop(Brief.model_validate(args.model_dump()), settings=settings, use_index=use_index).model_dump(
        mode="json")


def run_draft(args: BriefArgs, store: str | None = None, use_index: bool = True) -> dict[str, Any]:
    from sopgen.api import draft_sop
    from sopgen.render import render_markdown

    sop = draft_sop(Brief.model_validate(args.model_dump()), store=store, use_index=use_index)
    return {"markdown": render_markdown(sop), "engine": sop.engine, "model": sop.model,
            "check": sop.check_summary, "sources": [c.model_dump(mode="json") for c in sop.sources]}
