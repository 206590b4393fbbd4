"""Profiles: which canonical sections a kind of SOP must have. Built-ins are YAML shipped in the package."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sopgen.errors import ProfileError
from sopgen.yamlio import fast_load, load_yaml_model

LangMap = dict[str, list[str]]


class SectionSpec(BaseModel):
    """How to name and recognise one section in en/de/ru."""

    model_config = ConfigDict(extra="forbid")

    headings: dict[str, str]
    aliases: LangMap = Field(default_factory=dict)
    cues: LangMap = Field(default_factory=dict)
    not_body: LangMap = Field(default_factory=dict)
    weight: float = 1.0
    opening: bool = Field(False, description="Often stated, without a heading, by a document's first sentences "
                          "(purpose, scope): a cue there counts one point more.")

    def heading(self, language: str) -> str:
        return self.headings.get(language) or self.headings.get("en") or next(iter(self.headings.values()))


class ProfileSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    required: bool = True


class Profile(BaseModel):
    """A named list of section ids, each required or optional, plus any ids of its own."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str
    description: str = ""
    steps_need_actor: bool = False
    review_cycle_months: int | None = Field(
        None, ge=1, le=120, description="How often the document must be reviewed; past due -> review-overdue.")
    requirement_language: Literal["iso", "rfc2119"] | None = Field(
        None, description="Steps state their strength in the verbal forms of the ISO/IEC Directives (shall, "
                          "should, may, can) or of RFC 2119 (MUST, SHOULD, MAY in capitals): requirement-strength.")
    sections: list[ProfileSection] = Field(min_length=1)
    extra_sections: dict[str, SectionSpec] = Field(default_factory=dict)
    source: str = Field("builtin", description="Where the profile came from (builtin, a path, a plugin).")

    @model_validator(mode="after")
    def _known_ids(self) -> Profile:
        known = set(canonical_sections()) | set(self.extra_sections)
        seen: set[str] = set()
        for section in self.sections:
            if section.id not in known:
                raise ValueError(
                    f"unknown section id '{section.id}': use a canonical id or define it in extra_sections"
                )
            if section.id in seen:
                raise ValueError(f"section id '{section.id}' is listed twice")
            seen.add(section.id)
        return self

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.sections]

    @property
    def required_ids(self) -> list[str]:
        return [s.id for s in self.sections if s.required]

    def spec(self, section_id: str) -> SectionSpec:
        return self.extra_sections.get(section_id) or canonical_sections()[section_id]

    def specs(self) -> dict[str, SectionSpec]:
        return {sid: self.spec(sid) for sid in self.ids}

    def to_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_defaults=False)


def _data_dir() -> Any:
    return resources.files("sopgen.schema") / "data"


@cache
def canonical_sections() -> dict[str, SectionSpec]:
    """The 14 canonical sections of DESIGN.md, in their canonical order."""
    raw = fast_load((_data_dir() / "sections.yaml").read_text(encoding="utf-8"))
    return {sid: SectionSpec.model_validate(spec) for sid, spec in raw["sections"].items()}


CANONICAL_IDS: tuple[str, ...] = (
    "purpose", "scope", "responsibilities", "definitions", "resources", "safety", "procedure",
    "quality", "records", "deviations", "escalation", "references", "revision_history", "approval",
)  # fmt: skip


@cache
def _builtin_profiles() -> dict[str, Profile]:
    from sopgen.plugins import plugin_profile_paths

    profiles: dict[str, Profile] = {}
    folder = _data_dir() / "profiles"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            with resources.as_file(entry) as path:
                profile = load_yaml_model(path, Profile, ProfileError)
            profiles[profile.name] = profile
    for plugin, path in plugin_profile_paths():
        profile = load_yaml_model(path, Profile, ProfileError, source=f"plugin:{plugin}")
        profiles.setdefault(profile.name, profile)
    return profiles


def list_profiles() -> list[Profile]:
    """Built-in and plugin profiles, sorted by name."""
    return sorted(_builtin_profiles().values(), key=lambda p: p.name)


def load_profile(name_or_path: str | Path) -> Profile:
    """A built-in profile by name, or a user profile from a YAML file.

    >>> load_profile("basic").required_ids
    ['purpose', 'scope', 'resources', 'procedure', 'revision_history']
    """
    if isinstance(name_or_path, Path) or str(name_or_path).endswith((".yaml", ".yml")):
        path = Path(name_or_path)
        return load_yaml_model(path, Profile, ProfileError, source=str(path))
    profiles = _builtin_profiles()
    try:
        return profiles[str(name_or_path)]
    except KeyError:
        names = ", ".join(sorted(profiles))
        raise ProfileError(
            f"unknown profile '{name_or_path}'", hint=f"use one of: {names}, or a path to a .yaml file"
        ) from None


def profile_json_schema() -> str:
    """JSON Schema of the profile file format, for editors and validators."""
    return json.dumps(Profile.model_json_schema(), indent=2, ensure_ascii=False)
