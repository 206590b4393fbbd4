import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sopgen.cli import app
from sopgen.errors import ProfileError
from sopgen.schema import CANONICAL_IDS, canonical_sections, list_profiles, load_profile

BUILTINS = {"full", "basic", "epa-technical", "epa-administrative", "iso9001-process", "gmp", "runbook",
            "call-center", "emergency", "job-description"}


def test_canonical_sections_have_all_three_languages() -> None:
    sections = canonical_sections()
    assert tuple(sections) == CANONICAL_IDS
    for sid, spec in sections.items():
        assert set(spec.headings) == {"en", "de", "ru"}, sid
        assert all(spec.aliases.get(lang) for lang in ("en", "de", "ru")), sid


def test_builtin_profiles() -> None:
    profiles = {p.name: p for p in list_profiles()}
    assert set(profiles) >= BUILTINS
    assert profiles["full"].required_ids == list(CANONICAL_IDS)
    assert profiles["basic"].required_ids == ["purpose", "scope", "resources", "procedure", "revision_history"]
    jd = profiles["job-description"]
    assert "responsibilities" not in jd.ids and "liability" in jd.ids
    assert jd.spec("liability").heading("ru") == "Ответственность"


def test_user_profile_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\ntitle: Mine\nsections:\n  - {id: purpose}\n  - {id: purpse, required: true}\n")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert f"{path}:" in str(info.value)
    assert "purpse" in str(info.value)
    bad_yaml = tmp_path / "broken.yaml"
    bad_yaml.write_text("name: x\nsections: [\n")
    with pytest.raises(ProfileError, match=r"broken\.yaml:\d+: invalid YAML"):
        load_profile(bad_yaml)


def test_user_profile_with_extra_section(tmp_path: Path) -> None:
    path = tmp_path / "lab.yaml"
    path.write_text(
        "name: lab\ntitle: Lab\nsections:\n  - {id: procedure}\n  - {id: waste, required: false}\n"
        "extra_sections:\n  waste:\n    headings: {en: Waste disposal, de: Entsorgung, ru: Утилизация}\n"
        "    aliases: {en: [waste], de: [entsorgung], ru: [утилизац]}\n"
    )
    profile = load_profile(path)
    assert profile.ids == ["procedure", "waste"] and profile.required_ids == ["procedure"]
    assert profile.spec("waste").heading("de") == "Entsorgung"


def test_unknown_profile_lists_alternatives() -> None:
    with pytest.raises(ProfileError, match="unknown profile 'nope'.*basic"):
        load_profile("nope")


def test_cli_profiles_list_and_show() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["profiles", "list"])
    assert listed.exit_code == 0
    for name in BUILTINS:
        assert name in listed.output
    shown = runner.invoke(app, ["profiles", "show", "gmp", "--format", "json", "--language", "de"])
    assert shown.exit_code == 0
    data = json.loads(shown.output)
    assert data["name"] == "gmp"
    assert {"id": "purpose", "required": True, "heading": "Zweck"} in data["sections"]
    missing = runner.invoke(app, ["profiles", "show", "nope"])
    assert missing.exit_code == 2
    schema = runner.invoke(app, ["profiles", "schema"])
    assert json.loads(schema.output)["title"] == "Profile"
