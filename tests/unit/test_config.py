from pathlib import Path

import pytest

from sopgen.config import load_settings
from sopgen.errors import ConfigError


def test_env_overrides_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sopgen.toml").write_text('[sopgen]\nengine = "offline"\nconcurrency = 2\n'
                                          '[sopgen.checks]\ndisable = ["and-or"]\n')
    monkeypatch.setenv("SOPGEN_CONCURRENCY", "8")
    settings = load_settings()
    assert settings.engine == "offline"
    assert settings.concurrency == 8
    assert settings.checks.disable == ["and-or"]


def test_invalid_setting_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOPGEN_ENGINE", "gpt5-magic")
    with pytest.raises(ConfigError, match="setting 'engine' is invalid.*SOPGEN_ENGINE"):
        load_settings()


def test_api_key_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOPGEN_OPENAI_API_KEY", "sk-very-secret-123")
    settings = load_settings()
    assert settings.api_key() == "sk-very-secret-123"
    assert "sk-very-secret" not in repr(settings)
    assert "sk-very-secret" not in settings.model_dump_json()


def test_key_in_toml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sopgen.toml").write_text('openai_api_key = "sk-x"\n')
    with pytest.raises(ConfigError, match="sopgen.toml: API keys do not belong"):
        load_settings()


def test_broken_toml_names_file(tmp_path: Path) -> None:
    (tmp_path / "sopgen.toml").write_text("engine = \n")
    with pytest.raises(ConfigError, match="sopgen.toml: invalid TOML"):
        load_settings()


def test_nested_env_merges_with_toml_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sopgen.toml").write_text('[sopgen.checks]\ndisable = ["and-or"]\n[sopgen.limits]\ntimeout_s = 5\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOPGEN_CHECKS__SEVERITY", '{"passive-voice": "error"}')
    monkeypatch.setenv("sopgen_limits__memory_mb", "256")
    settings = load_settings(profile="basic")
    assert settings.checks.disable == ["and-or"]  # the toml table is kept beside the variable
    assert settings.checks.severity == {"passive-voice": "error"}
    assert (settings.limits.timeout_s, settings.limits.memory_mb) == (5.0, 256)
    assert settings.profile == "basic"


def test_env_list_that_is_not_json_is_an_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOPGEN_CHECKS__DISABLE", "[and-or")
    with pytest.raises(ConfigError, match="checks.disable"):
        load_settings()
