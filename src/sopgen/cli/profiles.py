"""`sopgen profiles`: list and show schema profiles."""

from __future__ import annotations

import json
from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.table import Table

from sopgen.cli.app import app, fail
from sopgen.errors import SopgenError

profiles_app = typer.Typer(help="List and show SOP schema profiles (which sections a kind of SOP needs).")
app.add_typer(profiles_app, name="profiles")


@profiles_app.command("list")
def list_cmd() -> None:
    """List every available profile.

    Example: sopgen profiles list
    """
    table = Table(title="sopgen profiles")
    table.add_column("name", style="bold")
    table.add_column("title")
    table.add_column("required", justify="right")
    table.add_column("optional", justify="right")
    table.add_column("source")
    from sopgen.schema import list_profiles

    for p in list_profiles():
        table.add_row(p.name, p.title, str(len(p.required_ids)), str(len(p.ids) - len(p.required_ids)), p.source)
    Console(width=140).print(table)


@profiles_app.command("show")
def show_cmd(
    name: Annotated[str, typer.Argument(help="Profile name or path to a profile .yaml file.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="yaml | json")] = "yaml",
    language: Annotated[str, typer.Option("--language", "-l", help="Language of the section headings.")] = "en",
) -> None:
    """Show one profile with its sections, in YAML or JSON.

    Example: sopgen profiles show gmp --format json
    """
    if fmt not in ("yaml", "json"):
        fail(f"--format must be yaml or json, not '{fmt}'")
    from sopgen.schema import load_profile

    try:
        profile = load_profile(name)
    except SopgenError as exc:
        fail(exc)
    data = {
        "name": profile.name,
        "title": profile.title,
        "description": profile.description,
        "steps_need_actor": profile.steps_need_actor,
        "sections": [
            {"id": s.id, "required": s.required, "heading": profile.spec(s.id).heading(language)}
            for s in profile.sections
        ],
    }
    if fmt == "json":
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        typer.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False).rstrip())


@profiles_app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of profile files (for editors and validators)."""
    from sopgen.schema import profile_json_schema

    typer.echo(profile_json_schema())


brief_app = typer.Typer(help="Drafting briefs: the fields a brief takes, and checking a brief before drafting.")
app.add_typer(brief_app, name="brief")


@brief_app.command("schema")
def brief_schema_cmd() -> None:
    """Print the JSON Schema of a brief (YAML): every field, its type, default and description.

    Example: sopgen brief schema > brief.schema.json
    """
    from sopgen.schema.briefs import brief_json_schema

    typer.echo(brief_json_schema())


@brief_app.command("check")
def brief_check_cmd(path: Annotated[str, typer.Argument(help="The brief YAML file.")]) -> None:
    """Validate a brief and report every problem at once (exit 2 if there is any).

    Example: sopgen brief check briefs/restore.yaml
    """
    from sopgen.schema.briefs import load_brief

    try:
        brief = load_brief(path)
    except SopgenError as exc:
        fail(exc)
    typer.echo(f"{path}: ok ({brief.profile}, {brief.language}, {brief.format})")
