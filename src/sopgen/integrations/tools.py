"""The operations an assistant may call, with pydantic argument schemas, shared by LangChain and MCP."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from sopgen.batch.limits import Limits
from sopgen.batch.pool import BoundedPool
from sopgen.errors import SopgenError
from sopgen.integrations.confine import Confinement
from sopgen.schema import Brief, Profile


class SearchArgs(BaseModel):
    """Search the indexed process documents (any of en/de/ru; cross-lingual)."""

    query: str = Field(description="What to look for.")
    k: int = Field(5, ge=1, le=50, description="Number of results.")
    language: Literal["en", "de", "ru"] | None = Field(None, description="Only chunks in this language.")
    section: str | None = Field(None, description="Only chunks of this canonical section id, e.g. procedure.")


class CheckArgs(BaseModel):
    """Check a SOP (Markdown text or a file path) for missing sections and ambiguous wording."""

    text: str | None = Field(None, description="The SOP as Markdown text.", max_length=2_000_000)
    path: str | None = Field(None, description="Or a path to a SOP file (md, txt, rst, html, docx, pdf).")

    @model_validator(mode="after")
    def _one_source(self) -> CheckArgs:
        if (self.text is None) == (self.path is None):
            raise ValueError("give exactly one of text or path")
        return self
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


def _check_task(text: str | None, path: str | None, profile: Profile, language: str | None,
                limits: Limits) -> dict[str, Any]:
    """One check, run inside a bounded worker (so a hostile text cannot hold the caller)."""
    from sopgen.checks import check_path, check_text
    from sopgen.errors import DocumentError

    if text is not None:
        if len(text.encode("utf-8")) > limits.max_bytes:
            raise DocumentError("text is larger than the size limit", path="<text>", hint="send a smaller SOP")
        return check_text(text, profile, language=language).model_dump(mode="json")
    report = check_path(str(path), profile, display_path=str(path), limits=limits)
    return report.model_dump(mode="json")


def run_check(args: CheckArgs, box: Confinement | None = None, pool: BoundedPool | None = None) -> dict[str, Any]:
    """`check` for an assistant: paths confined to `box`, work bounded by `pool`'s limits."""
    from sopgen.schema import load_profile

    profile = box.profile(args.profile) if box else load_profile(args.profile)
    path = None
    if args.path is not None:
        path = str(box.path(args.path)) if box else args.path
    if pool is None:
        return _check_task(args.text, path, profile, args.language, Limits())
    outcome = pool.run("check", args.text, path, profile, args.language, pool.limits)
    if outcome.error is not None:
        raise SopgenError(outcome.error, path=args.path or "<text>")
    return outcome.result  # type: ignore[no-any-return]


def run_gaps(args: GapsArgs, box: Confinement | None = None, limits: Limits | None = None) -> dict[str, Any]:
    from sopgen.gaps import analyze_gaps
    from sopgen.schema import load_profile

    profile = box.profile(args.profile) if box else load_profile(args.profile)
    paths = [str(box.path(p)) for p in args.paths] if box else args.paths
    root = str(box.root) if box else None
    cache = box.root / ".sopgen" / "cache" if box else None  # nothing is written outside the root either
    return analyze_gaps(paths, profile, jobs=1, limits=limits, root=root, cache_dir=cache).model_dump(mode="json")


def _brief(args: BriefArgs, box: Confinement | None) -> Brief:
    """The brief, its profile confined like every other path (a name, or a .yaml inside the root)."""
    brief = Brief.model_validate(args.model_dump())
    if box is not None:
        box.profile(brief.profile)  # refuses a profile file outside the root, without reading it
        if brief.profile.endswith((".yaml", ".yml")):
            brief = brief.model_copy(update={"profile": str(box.path(brief.profile))})
    return brief


def run_outline(args: BriefArgs, store: str | None = None, use_index: bool = True,
                box: Confinement | None = None) -> dict[str, Any]:
    from sopgen.config import load_settings
    from sopgen.drafting import outline_sop

    settings = load_settings(store=store)
    return outline_sop(_brief(args, box), settings=settings, use_index=use_index).model_dump(mode="json")


def run_draft(args: BriefArgs, store: str | None = None, use_index: bool = True,
              box: Confinement | None = None) -> dict[str, Any]:
    from sopgen.api import draft_sop
    from sopgen.render import render_markdown

    sop = draft_sop(_brief(args, box), store=store, use_index=use_index)
    return {"markdown": render_markdown(sop), "engine": sop.engine, "model": sop.model,
            "check": sop.check_summary, "sources": [c.model_dump(mode="json") for c in sop.sources]}
