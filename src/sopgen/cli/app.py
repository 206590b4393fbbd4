"""The Typer application object, exit codes and shared CLI helpers."""

from __future__ import annotations

from enum import IntEnum
from typing import NoReturn

import typer
from rich.console import Console

from sopgen.config import Settings, load_settings
from sopgen.errors import SopgenError
from sopgen.schema import Profile, load_profile


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
    err_console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    raise typer.Exit(int(code))


def settings_and_profile(profile: str | None) -> tuple[Settings, Profile]:
    """Settings plus the profile named on the command line (or the configured default); exits 2 on error."""
    try:
        settings = load_settings()
        return settings, load_profile(profile or settings.profile)
    except SopgenError as exc:
        fail(exc)
