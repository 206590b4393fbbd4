"""sopgen: draft, check and gap-analyse Standard Operating Procedures, offline first.

    >>> import sopgen
    >>> report = sopgen.check_sop("# Purpose\\nCall the supplier if necessary.\\n", "basic")
    >>> [f.rule for f in report.findings if f.category == "ambiguity"]
    ['escape-clause']

The public names are loaded lazily, so `import sopgen` stays fast.
"""

from __future__ import annotations

from typing import Any

from sopgen._version import __version__ as __version__

_API = {
    "SOP", "Brief", "DocumentReport", "IndexStats", "Outline", "Profile", "Report", "SearchResult",
    "aanalyze_gaps", "acheck_sop", "adraft_sop", "aindex_corpus", "analyze_gaps", "asearch", "check_sop",
    "draft_sop", "index_corpus", "load_brief", "load_profile", "outline_sop", "save", "search", "stream_draft",
}  # fmt: skip
_EXTRA = {"Finding": "sopgen.checks.findings", "list_profiles": "sopgen.schema"}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _API:
        return getattr(importlib.import_module("sopgen.api"), name)
    if name in _EXTRA:
        return getattr(importlib.import_module(_EXTRA[name]), name)
    raise AttributeError(f"module 'sopgen' has no attribute '{name}'")


__all__ = sorted(_API | set(_EXTRA) | {"__version__"})
