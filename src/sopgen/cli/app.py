"""The Typer application object, exit codes and shared CLI helpers."""

from __future__ import annotations

import os
import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from sopgen.errors import SopgenError

if TYPE_CHECKING:
    from sopgen.checks.findings import Report
    from sopgen.config import Settings
    from sopgen.schema import Profile


class ExitCode(IntEnum):
    """Conventional exit codes (DESIGN.md sections 3 and 4)."""

    OK = 0
    FINDINGS = 1  # check: findings at/above --fail-on; gaps/index: some documents failed
    USAGE = 2


app = typer.Typer(
    name="sopgen",
    help=(
        "Draft, check and gap-analyse Standard Operating Procedures, offline first.\n\n"
        "Examples:\n\n"
        "  sopgen check draft.md --profile basic\n\n"
        "  sopgen gaps legacy/ --profile full --format html --output gaps.html\n\n"
        "  sopgen draft --brief corpora/briefs/restore-database.yaml --output sop.md"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

err_console = Console(stderr=True)


def fail(error: SopgenError | str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    """Print one clear error line to stderr and exit."""
    err_console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
    raise typer.Exit(int(code))


def load_settings(**overrides: object) -> Settings:
    """`sopgen.config.load_settings`, imported on first use: reading settings costs start-up time that
    `sopgen --help` should not pay."""
    from sopgen.config import load_settings as load

    return load(**overrides)


def write_output(text: str | bytes, output: Path | None, encoding: str = "utf-8") -> None:
    """Print, or write a report file (its folder created); an unwritable place is a usage error naming it.

    The file is written next to its final name and renamed, so an interrupted run never leaves half a report.
    """
    if output is None:
        text = text.decode(encoding) if isinstance(text, bytes) else text
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(f".{output.name}.partial")
        if isinstance(text, bytes):
            partial.write_bytes(text)
        else:
            partial.write_text(text if text.endswith("\n") else text + "\n", encoding=encoding)
        os.replace(partial, output)
    except OSError as exc:
        fail(f"{output}: cannot write the output: {exc.strerror or exc} (choose another --output)")


def with_limits(settings: Settings, timeout: float | None, memory_mb: int | None, max_mb: float | None) -> Settings:
    """Settings whose per-document budgets are overridden by --timeout, --memory-mb and --max-mb."""
    update = {k: v for k, v in (("timeout_s", timeout), ("memory_mb", memory_mb), ("max_file_mb", max_mb)) if v is not None}
    return settings.model_copy(update={"limits": settings.limits.model_copy(update=update)}) if update else settings


# The per-document budget options, shared by every verb that reads documents (check, gaps, index).
TimeoutOpt = Annotated[float | None, typer.Option(
    "--timeout", min=0.1, help="Seconds one document may take before it becomes an error entry (default 20).")]
MemoryOpt = Annotated[int | None, typer.Option(
    "--memory-mb", min=0, help="Memory in MB one document may use before it becomes an error entry (default 1024; 0: none).")]
MaxMbOpt = Annotated[float | None, typer.Option("--max-mb", min=0.001, help="Largest file in MB that is read (default 20).")]
JobsOpt = Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: all cores).")]

ClusterOpt = Annotated[str | None, typer.Option(
    "--cluster", help="Run on a Ray cluster: auto, ray://HOST:PORT or the head's HOST:PORT (needs sopgen[ray]).")]

# Baselines, shared by check and gaps: known findings stop counting towards --fail-on.
BaselineOpt = Annotated[Path | None, typer.Option(
    "--baseline", help="Findings recorded in this file are known: only new ones count towards --fail-on.")]
WriteBaselineOpt = Annotated[Path | None, typer.Option(
    "--write-baseline", help="Record this run's findings in this file (created, or updated for these files).")]
FailOnOpt = Annotated[str | None, typer.Option(
    "--fail-on", help="Exit 1 on (new) findings at or above: error | warning | info.")]


LanguageOpt = Annotated[str | None, typer.Option(
    "--language", "-l", help="Check every document as en, de or ru instead of detecting the language.")]


def with_language(settings: Settings, language: str | None) -> Settings:
    """Settings whose checks run in `language`; anything but en/de/ru is a usage error listing those."""
    if language is None:
        return settings
    if language not in ("en", "de", "ru"):
        fail(f"--language must be one of en, de, ru (the languages sopgen has rules for), not '{language}'")
    return settings.model_copy(update={"checks": settings.checks.model_copy(update={"language": language})})


def nothing_found(paths: list[str], skipped: int) -> NoReturn:
    """No document to work on: a usage error that says which types would have been read (as eslint does)."""
    from sopgen.documents.loaders import EXTENSIONS
    from sopgen.plugins import plugin_loaders

    kinds = " ".join(sorted({*EXTENSIONS, *plugin_loaders()}))
    fail(f"no supported documents under {', '.join(paths)} (sopgen reads {kinds}"
         + (f"; {skipped} other file{'s' if skipped != 1 else ''} skipped" if skipped else "") + ")")


def use_baseline(report: Report, baseline: Path | None, write: Path | None) -> Report:
    """Apply --baseline, then --write-baseline; a bad baseline file is a usage error naming it."""
    from sopgen.checks.baseline import Baseline, apply_baseline, write_baseline

    try:
        if baseline is not None:
            report = apply_baseline(report, Baseline.load(baseline))
        if write is not None:
            written = write_baseline(write, report)
            # what was just recorded is known from now on: a run that writes the baseline passes
            report = apply_baseline(report, written)
            err_console.print(escape(f"wrote {write} ({len(written.entries)} known findings)"), highlight=False)
    except SopgenError as exc:
        fail(exc)
    return report


def failing(report: Report, fail_on: str | None) -> bool:
    """Whether a finding that is not in the baseline reaches the --fail-on severity."""
    from sopgen.checks.findings import SEVERITY_RANK

    if fail_on is None:
        return False
    threshold = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= threshold and f.baseline != "unchanged"
               for d in report.documents for f in d.findings)


def check_fail_on(fail_on: str | None) -> None:
    from sopgen.checks.findings import SEVERITY_RANK

    if fail_on is not None and fail_on not in SEVERITY_RANK:
        fail(f"--fail-on must be error, warning or info, not '{fail_on}'")


def settings_and_profile(profile: str | None) -> tuple[Settings, Profile]:
    """Settings plus the profile named on the command line (or the configured default); exits 2 on error."""
    from sopgen.checks.rules import validate_rule_files
    from sopgen.schema import load_profile

    try:
        settings = load_settings()

        validate_rule_files(tuple(settings.checks.extra_rule_files))
        return settings, load_profile(profile or settings.profile)
    except SopgenError as exc:
        fail(exc)
