"""Checking many files at once: both cores, and every file inside its time and memory budget."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from sopgen.batch.limits import Limits
from sopgen.batch.pool import BoundedPool
from sopgen.checks.check import check_document, check_path
from sopgen.checks.findings import DocumentReport
from sopgen.config import RuleSettings
from sopgen.documents.loaders import load_shipped, ship
from sopgen.errors import SopgenError
from sopgen.schema import Profile


def _analyse(path: str, shown: str, profile: Profile, rules: RuleSettings, limits: Limits) -> DocumentReport:
    try:
        return check_path(path, profile, rules, display_path=shown, limits=limits)
    except MemoryError:
        raise  # the pool reports it as "ran out of memory" and replaces the worker
    except Exception as exc:  # a bug on one document must not end the batch
        return DocumentReport(path=shown, error=f"{shown}: internal error while analysing: {exc!r}")


CLUSTER_BATCH = 16  # documents per Ray task for checks: a check costs about as much as a task's overhead


def _analyse_shipped(data: bytes | str, shown: str, profile: Profile, rules: RuleSettings,
                     limits: Limits) -> DocumentReport:
    """The cluster task: the same check as `_analyse`, on bytes the driver read."""
    try:
        return check_document(load_shipped(data, shown, limits), profile, rules)
    except SopgenError as exc:
        return DocumentReport(path=shown, error=str(exc))
    except Exception as exc:
        return DocumentReport(path=shown, error=f"{shown}: internal error while analysing: {exc!r}")


def check_files(files: Iterable[tuple[str, str]], profile: Profile, rules: RuleSettings | None = None,
                limits: Limits | None = None, jobs: int | None = None,
                cluster: str | None = None) -> Iterator[DocumentReport]:
    """Reports for (path, shown) pairs, in the order they finish; a runaway file becomes an error report.

    >>> import tempfile, pathlib
    >>> from sopgen.schema import load_profile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.md"
    >>> _ = p.write_text("# Purpose\\nKeep backups.\\n")
    >>> [r.path for r in check_files([(str(p), "a.md")], load_profile("basic"))]
    ['a.md']
    """
    items = list(files)
    if not items:
        return
    rules, limits = rules or RuleSettings(), limits or Limits()
    if cluster is not None:
        from sopgen.cluster import RayPool

        shipped = ((shown, (ship(Path(path), shown, limits), shown, profile, rules, limits)) for path, shown in items)
        for outcome in RayPool(_analyse_shipped, cluster, limits, batch=CLUSTER_BATCH).imap_unordered(shipped):
            yield outcome.result if outcome.error is None else \
                DocumentReport(path=outcome.key, error=f"{outcome.key}: {outcome.error}")
        return
    workers = max(1, min(jobs or os.cpu_count() or 1, len(items)))
    # what every task shares goes to the workers once, when they start; a task is then two short strings
    analyse = partial(_analyse, profile=profile, rules=rules, limits=limits)
    tasks = ((shown, (path, shown)) for path, shown in items)
    with BoundedPool(analyse, workers, limits) as pool:
        for outcome in pool.imap_unordered(tasks):
            if outcome.error is None:
                yield outcome.result
            else:
                yield DocumentReport(path=outcome.key, error=f"{outcome.key}: {outcome.error}")
