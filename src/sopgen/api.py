"""The public Python API. Everything here is stable; internal modules may change.

Each function has a runnable example (the test suite executes them as doctests).
"""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopgen.checks import check_path, check_text
from sopgen.checks.findings import DocumentReport, Report
from sopgen.config import Settings, load_settings
from sopgen.errors import optional_extra
from sopgen.gaps import analyze_gaps as _analyze_gaps
from sopgen.integrations.notebook import register as _register_display
from sopgen.integrations.progress import ProgressBar
from sopgen.schema import SOP, Brief, Outline, Profile, load_profile
from sopgen.schema.briefs import load_brief

if TYPE_CHECKING:
    from sopgen.drafting import outline_sop, stream_draft
    from sopgen.index.indexer import IndexStats
    from sopgen.index.search import SearchResult

_register_display()  # SOPs and reports display themselves in Jupyter

# Indexing, search and drafting need the `draft` extra (Chroma, the e5 model, LangChain): imported on first
# use, so that checking and gap analysis work on a plain `pip install sopgen`.
_LAZY = {"IndexStats": "sopgen.index.indexer", "SearchResult": "sopgen.index.search", "outline_sop": "sopgen.drafting",
         "stream_draft": "sopgen.drafting"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        with optional_extra(f"sopgen.{name}"):
            return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sopgen.api' has no attribute '{name}'")


def _settings(**overrides: Any) -> Settings:
    return load_settings(**{k: v for k, v in overrides.items() if v is not None})


def index_corpus(paths: list[str | Path] | str | Path, store: str | None = None, *, embedding: str | None = None,
                 collection: str | None = None, progress: bool = False, cluster: str | None = None) -> IndexStats:
    """Index documents (incremental) into a Chroma directory or server; `cluster` (a Ray address) runs the
    decoding, chunking and embedding as Ray tasks.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "backup.md").write_text("# Backup\\n\\n## Procedure\\n1. Start the job.\\n2. Check the log.\\n")
    >>> index_corpus(d, store=str(d / "index"), embedding="hash").indexed
    1
    """
    with optional_extra("index_corpus"):
        from sopgen.index.embeddings import make_embeddings
        from sopgen.index.indexer import index_corpus as _index_corpus

    settings = _settings(store=store, embedding=embedding, collection=collection)
    paths = paths if isinstance(paths, list) else [paths]
    emb = make_embeddings(settings.embedding, api_key=settings.api_key(), base_url=settings.base_url)
    bar = ProgressBar("index") if progress else None
    try:
        return _index_corpus(paths, settings.store, emb, collection=settings.collection,
                             on_start=bar.start if bar else None, cluster=cluster, limits=settings.limits,
                             progress=(lambda path, outcome, chunks: bar.advance(path)) if bar else None)
    finally:
        if bar:
            bar.close()


def analyze_gaps(paths: list[str | Path] | str | Path, profile: Profile | str = "full", *, jobs: int | None = None,
                 resume: bool = False, progress: bool = False, **kwargs: Any) -> Report:
    """Gap analysis of files and folders (parallel); `progress=True` shows a bar (also in notebooks);
    `cluster="auto"` (or a Ray address) runs the checks as Ray tasks.

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.md").write_text("# Purpose\\nKeep backups.\\n")
    >>> analyze_gaps(d, "basic", jobs=1).documents[0].sections[0].status
    'weak'
    """
    paths = paths if isinstance(paths, list) else [paths]
    bar = ProgressBar("gaps") if progress else None
    try:
        return _analyze_gaps(paths, profile, jobs=jobs, resume=resume,
                             on_start=(lambda total, skipped: bar.start(total)) if bar else None,
                             progress=(lambda report, cached: bar.advance(report.path)) if bar else None, **kwargs)
    finally:
        if bar:
            bar.close()


def search(query: str, k: int = 5, *, store: str | None = None, embedding: str | None = None,
           language: str | None = None, section: str | None = None, path: str | None = None,
           group: bool = False) -> list[SearchResult]:
    """Hybrid (dense + BM25) cross-lingual search of an index.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "forms.md").write_text("# Forms\\n\\nComplaints are logged on form FRM-QA-017.\\n")
    >>> _ = index_corpus(d, store=str(d / "i"), embedding="hash")
    >>> search("FRM-QA-017", 1, store=str(d / "i"), embedding="hash")[0].path.endswith("forms.md")
    True
    """
    with optional_extra("search"):
        from sopgen.index.embeddings import make_embeddings
        from sopgen.index.search import Searcher

    settings = _settings(store=store, embedding=embedding)
    emb = make_embeddings(settings.embedding, api_key=settings.api_key(), base_url=settings.base_url)
    return Searcher(settings.store, emb, settings.collection).search(query, k, language=language, section=section,
                                                                     path_glob=path, group=group)


def draft_sop(brief: Brief | str | Path, *, store: str | None = None, engine: str | None = None,
              use_index: bool = True, **settings: Any) -> SOP:
    """Draft a SOP from a brief (a Brief, or a path to its YAML). Offline unless a model is configured.

    >>> b = Brief(title="Reset a password", goal="Unlock the user within 15 minutes.", scope="Service desk",
    ...           audience="service desk agents", profile="basic")
    >>> sop = draft_sop(b, engine="offline", use_index=False)
    >>> sop.engine, [s.id for s in sop.sections][:2]
    ('offline', ['purpose', 'scope'])
    """
    with optional_extra("draft_sop"):
        from sopgen.drafting import draft_sop as _draft_sop

    return _draft_sop(brief, settings=_settings(store=store, engine=engine, **settings), use_index=use_index)


def check_sop(source: str | Path, profile: Profile | str = "full", *, language: str | None = None) -> DocumentReport:
    """Check Markdown text (a `str`) or a file (a `pathlib.Path`) against a profile.

    A string is always text, never guessed to be a path: a path that does not exist must not be checked
    as text, and text that happens to name a file must not read it.

    >>> report = check_sop("# Purpose\\nBackups are checked regularly.\\n", "basic")
    >>> sorted({f.rule for f in report.findings if f.category == "ambiguity"})
    ['passive-voice', 'vague-time']
    """
    if isinstance(source, Path):
        return check_path(source, profile)
    return check_text(source, profile, language=language)


async def aindex_corpus(*args: Any, **kwargs: Any) -> IndexStats:
    """Async `index_corpus` (runs in a worker thread)."""
    return await asyncio.to_thread(index_corpus, *args, **kwargs)


async def asearch(*args: Any, **kwargs: Any) -> list[SearchResult]:
    """Async `search`."""
    return await asyncio.to_thread(search, *args, **kwargs)


async def adraft_sop(*args: Any, **kwargs: Any) -> SOP:
    """Async `draft_sop`."""
    return await asyncio.to_thread(draft_sop, *args, **kwargs)


async def acheck_sop(*args: Any, **kwargs: Any) -> DocumentReport:
    """Async `check_sop`."""
    return await asyncio.to_thread(check_sop, *args, **kwargs)


async def aanalyze_gaps(*args: Any, **kwargs: Any) -> Report:
    """Async `analyze_gaps`."""
    return await asyncio.to_thread(analyze_gaps, *args, **kwargs)


__all__ = [
    "SOP", "Brief", "DocumentReport", "IndexStats", "Outline", "Profile", "Report", "SearchResult",
    "aanalyze_gaps", "acheck_sop", "adraft_sop", "aindex_corpus", "analyze_gaps", "asearch", "check_sop",
    "draft_sop", "index_corpus", "load_brief", "load_profile", "outline_sop", "search", "stream_draft",
]  # fmt: skip


def save(sop: SOP, path: str | Path, format: str | None = None) -> Path:
    """Write a draft to Markdown, DOCX, HTML or PDF, chosen by `format` or the file's extension.

    >>> import tempfile, pathlib
    >>> brief = Brief(title="Reset a password", goal="Unlock the user.", scope="Service desk", audience="agents")
    >>> out = save(draft_sop(brief, engine="offline", use_index=False), pathlib.Path(tempfile.mkdtemp()) / "sop.docx")
    >>> out.suffix, out.stat().st_size > 0
    ('.docx', True)
    """
    from sopgen.render import write_sop

    return write_sop(sop, path, format)
