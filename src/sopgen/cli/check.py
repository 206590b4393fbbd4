"""`sopgen check`: lint SOP files for missing sections and ambiguous wording."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from sopgen.cli.app import (
    BaselineOpt,
    ExitCode,
    JobsOpt,
    LanguageOpt,
    MaxMbOpt,
    MemoryOpt,
    TimeoutOpt,
    WriteBaselineOpt,
    app,
    check_fail_on,
    err_console,
    fail,
    failing,
    settings_and_profile,
    use_baseline,
    with_language,
    with_limits,
    write_output,
)
from sopgen.errors import SopgenError

if TYPE_CHECKING:
    from sopgen.checks.findings import DocumentReport
    from sopgen.config import Settings


def _review(documents: list[DocumentReport], files: list[Path], settings: Settings) -> list[DocumentReport]:
    from sopgen.checks.reviewer import llm_review
    from sopgen.documents import load_document
    from sopgen.llm.factory import make_engine

    try:
        engine = make_engine(settings)
    except SopgenError as exc:
        fail(exc)
    if engine.chat is None:
        fail("--review needs a model: set OPENAI_API_KEY or SOPGEN_BASE_URL (the offline engine cannot review)")
    out = []
    for report, path in zip(documents, files, strict=True):
        if report.error is None:
            try:
                extra = llm_review(load_document(path, display_path=str(path)), engine.chat, engine.structured_method)
            except SopgenError as exc:
                err_console.print(f"[yellow]review skipped[/] {escape(f'{path}: {exc}')}", highlight=False)
                extra = []
            report = report.model_copy(update={"findings": sorted([*report.findings, *extra],
                                                                  key=lambda f: (f.line, f.column, f.rule))})
        out.append(report)
    return out


@app.command("check")
def check_cmd(
    files: Annotated[list[Path], typer.Argument(help="SOP files to check (md, txt, rst, html, docx, pdf).")],
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="Profile name or .yaml path.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | sarif")] = "text",
    fail_on: Annotated[str, typer.Option("--fail-on", help="Exit 1 on findings at/above: error|warning|info")] = "error",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    disable: Annotated[list[str] | None, typer.Option("--disable", help="Rule id to switch off (repeatable).")] = None,
    review: Annotated[bool, typer.Option("--review", help="Also ask the configured model to review (rule llm-review).")] = False,
    language: LanguageOpt = None,
    baseline: BaselineOpt = None,
    write_baseline: WriteBaselineOpt = None,
    jobs: JobsOpt = None,
    timeout: TimeoutOpt = None,
    memory_mb: MemoryOpt = None,
    max_mb: MaxMbOpt = None,
) -> None:
    """Check SOPs against a profile: missing/empty sections and ambiguous wording (en, de, ru).

    Exit codes: 0 clean, 1 (new) findings at or above --fail-on, 2 usage error or unreadable file.
    With --baseline, findings recorded there are known and do not count; --write-baseline records them.

    Examples:

      sopgen check draft.md --profile gmp

      sopgen check docs/*.md --format sarif --output sopgen.sarif --fail-on warning

      sopgen check docs/*.md --baseline .sopgen-baseline.json --fail-on warning
    """
    # imported here, not at the top: `sopgen --help` and the other verbs never pay for the check engine
    from sopgen.checks.batch import check_files
    from sopgen.checks.findings import EncodedReports, Report
    from sopgen.checks.output import render_json, render_sarif, render_text
    from sopgen.documents.names import display_name

    if fmt not in ("text", "json", "sarif"):
        fail(f"--format must be text, json or sarif, not '{fmt}'")
    check_fail_on(fail_on)
    settings, prof = settings_and_profile(profile)
    settings = with_language(with_limits(settings, timeout, memory_mb, max_mb), language)
    rules = settings.checks.model_copy(update={"disable": [*settings.checks.disable, *(disable or [])]})
    shown = [display_name(str(f)) for f in files]
    encoded = EncodedReports()
    by_path = {r.path: r for r in check_files(zip(map(str, files), shown, strict=True), prof, rules,
                                              settings.limits, jobs, encoded=encoded)}
    documents = [by_path[s] for s in shown]
    if review:
        documents = _review(documents, files, settings)
    report = use_baseline(Report.build(prof.name, documents), baseline, write_baseline)
    if fmt == "json":
        write_output(render_json(report, encoded), output)
    elif fmt == "sarif":
        write_output(render_sarif(report), output)
    elif output is None:
        Console(highlight=False, soft_wrap=True).print(render_text(report, colour=True))
    else:
        write_output(render_text(report), output)
    if any(d.error for d in documents):
        raise typer.Exit(int(ExitCode.USAGE))
    if failing(report, fail_on):
        raise typer.Exit(int(ExitCode.FINDINGS))
