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
    """`sopgen.config.load_settings`, imported on first use: pydantic-settings costs start-up time that
    `sopgen --help` should not pay."""
    from sopgen.config import load_settings as load

    return load(**overrides)


def write_output(text: str, output: Path | None, encoding: str = "utf-8") -> None:
    """Print, or write a report file (its folder created); an unwritable place is a usage error naming it.

    The file is written next to its final name and renamed, so an interrupted run never leaves half a report.
    """
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(f".{output.name}.partial")
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
