"""Loading a drafting brief (YAML) with errors that name the file and line."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sopgen.errors import BriefError
from sopgen.schema import Brief, load_profile
from sopgen.yamlio import load_yaml_model


def load_brief(path: str | Path) -> Brief:
    """A Brief from YAML; unknown fields, missing fields and unknown profiles are errors naming the line.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.yaml"
    >>> _ = p.write_text("title: Restore\\ngoal: Restore the DB\\nscope: Prod\\naudience: DBAs\\nprofile: runbook\\n")
    >>> load_brief(p).format
    'step-by-step'
    """
    path = Path(path)
    brief = load_yaml_model(path, Brief, BriefError)
    try:
        load_profile(brief.profile)
    except Exception as exc:
        raise BriefError(str(exc), path=path) from None
    return brief


def brief_hash(brief: Brief) -> str:
    return hashlib.sha256(brief.model_dump_json().encode()).hexdigest()[:16]
