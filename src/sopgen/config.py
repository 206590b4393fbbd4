"""Settings from SOPGEN_* environment variables and an optional sopgen.toml.

Precedence: explicit arguments > environment > sopgen.toml (current directory, or SOPGEN_CONFIG) > defaults.
Secrets are `SecretStr`, so they never show up in reprs, logs or reports.

The sources are read here rather than by pydantic-settings: it imports asyncio and ssl on the way, a tenth
of the start-up of `sopgen check` on one page, for the few lines below.
"""

from __future__ import annotations

import json
import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from sopgen.batch.limits import Limits
from sopgen.errors import ConfigError

Engine = Literal["auto", "openai", "openai-compatible", "local", "offline"]
Severity = Literal["error", "warning", "info"]


class RuleSettings(BaseModel):
    """`[checks]` table: rule selection and severities."""

    disable: list[str] = Field(default_factory=list, description="Rule ids to switch off.")
    enable_only: list[str] = Field(default_factory=list, description="If set, run only these rule ids.")
    severity: dict[str, Severity] = Field(default_factory=dict, description="Per-rule severity overrides.")
    extra_rule_files: list[Path] = Field(default_factory=list, description="Additional rule-pack YAML files.")
    today: date | None = Field(None, description="The date review-overdue compares against (default: today); "
                                                 "pin it for reproducible CI runs.")
    language: Literal["en", "de", "ru"] | None = Field(
        None, description="Check every document as this language instead of detecting it (--language).")


class Settings(BaseModel):
    """Everything configurable; each field maps to SOPGEN_<FIELD> (nested: SOPGEN_CHECKS__DISABLE).
    `load_settings()` reads those sources; `Settings(...)` is the given values and defaults only."""

    model_config = ConfigDict(extra="ignore", validate_default=True)

    store: str = Field(".sopgen/index", description="Chroma directory or http(s)://host:port URL.")
    collection: str = Field("sopgen", description="Chroma collection name (3-512 characters).")
    embedding: str = Field("e5-small", description="'e5-small' (offline, bundled), 'hash' (fallback) or 'openai:<model>'.")
    engine: Engine = Field("auto", description="Drafting engine; 'auto' picks the first configured.")
    model: str = Field("gpt-4o-mini", description="Chat model name for openai/openai-compatible engines.")
    openai_api_key: SecretStr | None = Field(None, description="Key for OpenAI (also read from OPENAI_API_KEY).")
    base_url: str | None = Field(None, description="OpenAI-compatible server URL (Ollama, vLLM, llama.cpp).")
    local_model_path: Path | None = Field(None, description="GGUF file for the in-process 'local' engine.")
    timeout: float = Field(60.0, gt=0, description="Seconds per model call.")
    max_tokens: int = Field(1500, ge=16, description="Reply token limit per model call.")
    context_tokens: int = Field(8192, ge=512, description="Model context window; retrieved text is trimmed to fit.")
    max_retries: int = Field(3, ge=0, description="Retries on 429/5xx/connection errors.")
    concurrency: int = Field(4, ge=1, description="Sections drafted at once.")
    cache_dir: Path = Field(Path(".sopgen/cache"), description="Response cache and gap-analysis cache.")
    profile: str = Field("full", description="Default schema profile.")
    checks: RuleSettings = Field(default_factory=RuleSettings)
    limits: Limits = Field(default_factory=Limits, description="Per-document time, memory and size budgets.")

    @field_validator("collection")
    @classmethod
    def _collection_length(cls, value: str) -> str:
        if not 3 <= len(value) <= 512:
            raise ValueError("collection names need 3-512 characters (a Chroma limit)")
        return value

    def api_key(self) -> str | None:
        """The OpenAI key from settings or the conventional OPENAI_API_KEY."""
        if self.openai_api_key is not None:
            return self.openai_api_key.get_secret_value()
        return os.environ.get("OPENAI_API_KEY") or None


def user_cache_dir() -> Path:
    """Where sopgen keeps what it derives once per machine (word lists, glossary keys, BPE files)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sopgen"


def write_cache_file(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a temporary file of this process, then an atomic rename, so
    processes building the same cache entry at once all leave a complete file. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def config_path() -> Path | None:
    """The sopgen.toml in effect: SOPGEN_CONFIG if set, else ./sopgen.toml if it exists."""
    explicit = os.environ.get("SOPGEN_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError("config file not found", path=path, hint="fix or unset SOPGEN_CONFIG")
        return path
    local = Path("sopgen.toml")
    return local if local.is_file() else None


_ENV_PREFIX, _NESTED = "SOPGEN_", "__"


def _read_env(environ: dict[str, str]) -> dict[str, Any]:
    """SOPGEN_* variables as nested settings: SOPGEN_CHECKS__DISABLE='["and-or"]' -> {checks: {disable: [...]}}.
    Names are case-insensitive; a value written as a JSON list or object is decoded, any other stays text
    for the model to convert ("8" -> 8)."""
    out: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.upper().startswith(_ENV_PREFIX) or name.upper() == "SOPGEN_CONFIG":
            continue
        *parents, leaf = name[len(_ENV_PREFIX):].lower().split(_NESTED)
        node = out
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[leaf] = _env_value(value)
    return out


def _env_value(value: str) -> Any:
    if value.lstrip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            pass
    return value


def _merged(low: dict[str, Any], high: dict[str, Any]) -> dict[str, Any]:
    """`high` over `low`, table by table (sopgen.toml's [checks] and SOPGEN_CHECKS__SEVERITY both count)."""
    out = dict(low)
    for key, value in high.items():
        below = out.get(key)
        out[key] = _merged(below, value) if isinstance(below, dict) and isinstance(value, dict) else value
    return out


def _read_toml() -> dict[str, Any]:
    path = config_path()
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=path, hint="fix the syntax") from exc
    table = data.get("sopgen", data)
    if not isinstance(table, dict):
        raise ConfigError("[sopgen] must be a table", path=path)
    if "openai_api_key" in table:
        raise ConfigError(
            "API keys do not belong in sopgen.toml",
            path=path,
            hint="set OPENAI_API_KEY or SOPGEN_OPENAI_API_KEY in the environment instead",
        )
    return table


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, turning validation errors into a ConfigError that names the setting."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings.model_validate(_merged(_merged(_read_toml(), _read_env(dict(os.environ))), given))
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"setting '{name}' is invalid: {first['msg']}",
            hint=f"check SOPGEN_{name.upper()} or sopgen.toml",
        ) from None
