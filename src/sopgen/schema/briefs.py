"""Loading a drafting brief (YAML) with errors that name the file and line."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sopgen.errors import BriefError, SopgenError
from sopgen.schema.models import Brief
from sopgen.schema.profiles import load_profile
from sopgen.yamlio import load_yaml_model


def load_brief(path: str | Path) -> Brief:
    """A Brief from YAML; unknown fields, missing fields and unknown profiles are errors naming the line.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.yaml"
    >>> _ = p.write_text("title: Restore\\ngoal: Restore the DB\\nscope: Prod\\naudience: DBAs\\nprofile: runbook\\n")
    >>> load_brief(p).format
    'step-by-step'
    """
    return load_yaml_model(Path(path), Brief, BriefError, hint=SCHEMA_HINT, check=_profile_exists)


SCHEMA_HINT = "`sopgen brief schema` prints every field a brief takes, with its type and default"


def _profile_exists(data: dict[str, Any]) -> list[tuple[list[int | str], str]]:
    name = data.get("profile", "basic")
    try:
        load_profile(str(name))
    except SopgenError as exc:
        return [(["profile"], f"{exc.message} ({exc.hint})" if exc.hint else exc.message)]
    return []


def brief_json_schema() -> str:
    """JSON Schema of the brief file format, for editors and validators."""
    import json

    return json.dumps(Brief.model_json_schema(), indent=2, ensure_ascii=False)


def brief_hash(brief: Brief) -> str:
    return hashlib.sha256(brief.model_dump_json().encode()).hexdigest()[:16]
