"""`sopgen outline` and `sopgen draft`: from a brief to a SOP, grounded in the index."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.markup import escape

from sopgen.cli.app import ExitCode, app, err_console, fail, load_settings
from sopgen.errors import LLMError, SopgenError

EngineOpt = Annotated[str | None, typer.Option("--engine", "-e", help="auto | openai | openai-compatible | local | offline")]
StoreOpt = Annotated[str | None, typer.Option("--store", "-s", help="Index directory or Chroma server URL.")]
NoIndexOpt = Annotated[bool, typer.Option("--no-index", help="Draft without retrieval (no sources, more writer prompts).")]


@app.command("outline")
def outline_cmd(
    brief: Annotated[Path, typer.Option("--brief", "-b", help="Brief YAML file.")],
    store: StoreOpt = None,
    engine: EngineOpt = None,
    no_index: NoIndexOpt = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="yaml | json")] = "yaml",
) -> None:
    """Plan a SOP: the profile's sections in order, each with its intent, and the planned steps.

    Example: sopgen outline --brief corpora/briefs/restore-database.yaml
    """
    from sopgen.drafting import outline_sop

    try:
        settings = load_settings(store=store, engine=engine)
        outline = outline_sop(brief, settings=settings, use_index=not no_index)
    except SopgenError as exc:
        fail(exc)
    data = outline.model_dump(mode="json")
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2) if fmt == "json"
               else yaml.safe_dump(data, allow_unicode=True, sort_keys=False).rstrip())


@app.command("draft")
def draft_cmd(
    brief: Annotated[Path, typer.Option("--brief", "-b", help="Brief YAML file.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the SOP.")] = Path("sop.md"),
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="md | docx | html | pdf (default: from --output)")] = None,
    store: StoreOpt = None,
    engine: EngineOpt = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", min=1, help="Sections drafted at once.")] = None,
    no_index: NoIndexOpt = False,
    revise: Annotated[bool, typer.Option("--revise", help="Model engines: rewrite sections with check findings once.")] = False,
) -> None:
    """Draft a SOP from a brief, grounded in the indexed documents, with citations.

    Works offline with no key (engine 'offline': a cited skeleton with explicit writer prompts); set
    OPENAI_API_KEY or SOPGEN_BASE_URL (Ollama, vLLM, llama.cpp) for a language model.
    Finished sections are kept in OUTPUT.parts/ so an interrupted run resumes.

    Examples:

      sopgen index corpora/ && sopgen draft --brief corpora/briefs/restore-database.yaml -o out/restore.md

      sopgen draft --brief corpora/briefs/reklamation.yaml -o out/reklamation.docx
    """
    from sopgen.drafting import draft_sop
    from sopgen.render import FORMATS, output_format, write_sop

    if output_format(str(output), fmt) is None:
        fail(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'" if fmt is not None else
             f"{output}: cannot tell the format from '{output.suffix or '(no extension)'}'; use --format "
             "md|docx|html|pdf or an output name ending in .md, .docx, .html or .pdf")
    parts = output.with_name(output.name + ".parts")

    def progress(section: str, outcome: str) -> None:
        if sys.stderr.isatty() or outcome != "drafted":
            err_console.print(escape(f"{outcome} {section}"), highlight=False)

    try:
        settings = load_settings(store=store, engine=engine, concurrency=concurrency)
        sop = draft_sop(brief, settings=settings, use_index=not no_index, parts=parts, progress=progress, revise=revise)
    except LLMError as exc:
        fail(exc, ExitCode.FINDINGS)
    except SopgenError as exc:
        fail(exc)
    try:
        write_sop(sop, output, fmt)
    except SopgenError as exc:
        fail(exc)
    for old in parts.glob("*.json"):
        old.unlink()
    parts.rmdir()
    summary = sop.check_summary
    err_console.print(
        f"wrote {output} (engine {sop.engine}{', model ' + sop.model if sop.model else ''}; {len(sop.sources)} "
        f"sources; check: {summary.get('missing_sections', 0)} missing sections, {summary.get('warning', 0)} "
        f"warnings, score {summary.get('score')})", highlight=False)
    if sop.usage:
        u = sop.usage
        cost = f", about ${u['cost_usd_estimate']}" if u.get("cost_usd_estimate") is not None else ""
        err_console.print(f"usage: {u['calls']} model calls ({u['cache_hits']} from cache), {u['input_tokens']} tokens "
                          f"in, {u['output_tokens']} out{cost}", highlight=False)
