"""`sopgen gaps`: batch gap analysis of folders of legacy documents."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from sopgen.cli.app import (
    BaselineOpt,
    ClusterOpt,
    ExitCode,
    FailOnOpt,
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
    nothing_found,
    settings_and_profile,
    use_baseline,
    with_language,
    with_limits,
    write_output,
)
from sopgen.errors import SopgenError

if TYPE_CHECKING:
    from sopgen.checks.findings import DocumentReport
    from sopgen.documents.walk import Skipped

FORMATS = ("text", "json", "csv", "html", "sarif", "pdf")


@app.command("gaps")
def gaps_cmd(
    paths: Annotated[list[str], typer.Argument(help="Files and folders (searched recursively).")],
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="Profile name or .yaml path.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | csv | html | sarif | pdf | a plugin exporter")] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Report file (default: stdout).")] = None,
    jobs: JobsOpt = None,
    include: Annotated[list[str] | None, typer.Option("--include", help="Only files matching this glob.")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Skip files matching this glob.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Reuse cached results of unchanged files.")] = False,
    fail_on: FailOnOpt = None,
    cluster: ClusterOpt = None,
    language: LanguageOpt = None,
    baseline: BaselineOpt = None,
    write_baseline: WriteBaselineOpt = None,
    timeout: TimeoutOpt = None,
    memory_mb: MemoryOpt = None,
    max_mb: MaxMbOpt = None,
) -> None:
    """Gap analysis of many documents: which sections each has or lacks, ambiguous wording, a score.

    Exit codes: 0 all analysed, 1 some documents could not be read (or, with --fail-on, new findings at or
    above that severity), 2 usage error. With --baseline, findings recorded there do not count.

    Examples:

      sopgen gaps legacy/ --profile full --format html --output gaps.html

      sopgen gaps share/ --format csv --output gaps.csv --jobs 2 --resume

      sopgen gaps share/ --format json --output gaps.json --cluster ray://head:10001 --resume
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from sopgen.checks.findings import EncodedReports
    from sopgen.checks.output import render_json, render_sarif
    from sopgen.gaps import analyze_gaps, render_csv, render_html, render_table
    from sopgen.gaps.reports import CSV_ENCODING
    from sopgen.plugins import plugin_exporters

    exporters = plugin_exporters()
    if fmt not in FORMATS and fmt not in exporters:
        fail(f"--format must be one of {', '.join([*FORMATS, *exporters])}, not '{fmt}'")
    check_fail_on(fail_on)
    settings, prof = settings_and_profile(profile)
    settings = with_language(with_limits(settings, timeout, memory_mb, max_mb), language)
    tty = sys.stderr.isatty()
    bar = Progress(TextColumn("[bold]gaps[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[doc]}"),
                   TimeRemainingColumn(), console=err_console, transient=True) if tty else None
    task_id = None
    done = 0

    def on_start(total: int, skipped: list[Skipped]) -> None:
        nonlocal task_id
        for s in skipped:
            err_console.print(escape(f"skipped {s.shown}: {s.reason}"), highlight=False)
        if total == 0:
            nothing_found(paths, len(skipped))
        if bar is not None:
            bar.start()
            task_id = bar.add_task("gaps", total=total, doc="")
        else:
            err_console.print(f"analysing {total} documents", highlight=False)

    def on_done(report: DocumentReport, cached: bool) -> None:
        nonlocal done
        done += 1
        if bar is not None and task_id is not None:
            bar.update(task_id, advance=1, doc=report.path[-40:])
        elif done % 100 == 0:
            err_console.print(f"{done} documents done", highlight=False)

    encoded = EncodedReports()
    try:
        report = analyze_gaps(paths, prof, jobs=jobs, resume=resume, cache_dir=settings.cache_dir, include=include,
                              exclude=exclude, rules=settings.checks, progress=on_done, on_start=on_start,
                              limits=settings.limits, cluster=cluster, encoded=encoded)
    finally:
        if bar is not None:
            bar.stop()
    report = use_baseline(report, baseline, write_baseline)
    if fmt == "pdf":
        if output is None:
            fail("--format pdf needs --output FILE.pdf (a PDF is not printed to the terminal)")
        from sopgen.gaps.reports import render_pdf

        try:
            data = render_pdf(report)
        except SopgenError as exc:
            fail(exc)
        write_output(data, output)
        err_console.print(escape(f"wrote {output}"), highlight=False)
    elif fmt == "text":
        console = Console(file=output.open("w", encoding="utf-8") if output else sys.stdout, width=160)
        render_table(report, console)
    else:
        writers = {"json": lambda r: render_json(r, encoded), "sarif": render_sarif, "csv": render_csv,
                   "html": render_html, **exporters}
        text = str(writers[fmt](report))
        write_output(text, output, CSV_ENCODING if fmt == "csv" else "utf-8")
        if output is not None:
            err_console.print(escape(f"wrote {output}"), highlight=False)
    for d in report.documents:
        if d.error:
            err_console.print(f"[red]failed[/] {escape(d.error)}", highlight=False)
    if report.summary.failed or failing(report, fail_on):
        raise typer.Exit(int(ExitCode.FINDINGS))
