"""Checking many files at once: both cores, and every file inside its time and memory budget."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from sopgen.batch.limits import Limits
from sopgen.batch.pool import BoundedPool, Outcome
from sopgen.checks.check import check_document, check_path
from sopgen.checks.findings import DocumentReport, EncodedReports
from sopgen.config import RuleSettings
from sopgen.documents.loaders import load_shipped, ship
from sopgen.errors import SopgenError
from sopgen.schema import Profile


def _analyse(path: str, shown: str, profile: Profile, rules: RuleSettings, limits: Limits) -> str:
    """The worker task: the report as JSON, written here on both cores (the parent decodes it in a
    fraction of the time unpickling the models took, and a JSON report reuses the text)."""
    try:
        report = check_path(path, profile, rules, display_path=shown, limits=limits)
    except MemoryError:
        raise  # the pool reports it as "ran out of memory" and replaces the worker
    except Exception as exc:  # a bug on one document must not end the batch
        report = DocumentReport(path=shown, error=f"{shown}: internal error while analysing: {exc!r}")
    return report.model_dump_json(indent=2)


def _size(item: tuple[str, str]) -> int:
    try:
        return os.stat(item[0]).st_size
    except OSError:
        return 0  # the worker reports why it cannot be read


CLUSTER_BATCH = 16  # documents per Ray task for checks: a check costs about as much as a task's overhead


def _analyse_shipped(data: bytes | str, shown: str, profile: Profile, rules: RuleSettings,
                     limits: Limits) -> str:
    """The cluster task: the same check as `_analyse`, on bytes the driver read."""
    try:
        report = check_document(load_shipped(data, shown, limits), profile, rules)
    except SopgenError as exc:
        report = DocumentReport(path=shown, error=str(exc))
    except Exception as exc:
        report = DocumentReport(path=shown, error=f"{shown}: internal error while analysing: {exc!r}")
    return report.model_dump_json(indent=2)


def check_files(files: Iterable[tuple[str, str]], profile: Profile, rules: RuleSettings | None = None,
                limits: Limits | None = None, jobs: int | None = None, cluster: str | None = None,
                encoded: EncodedReports | None = None) -> Iterator[DocumentReport]:
    """Reports for (path, shown) pairs, in the order they finish; a runaway file becomes an error report.
    `encoded` collects the JSON the workers wrote for each report.

    >>> import tempfile, pathlib
    >>> from sopgen.schema import load_profile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.md"
    >>> _ = p.write_text("# Purpose\\nKeep backups.\\n")
    >>> [r.path for r in check_files([(str(p), "a.md")], load_profile("basic"))]
    ['a.md']
    """
    for outcome in _outcomes(list(files), profile, rules or RuleSettings(), limits or Limits(), jobs, cluster):
        if outcome.error is not None:
            yield DocumentReport(path=outcome.key, error=f"{outcome.key}: {outcome.error}")
            continue
        report = DocumentReport.model_validate_json(outcome.result)
        if encoded is not None:
            encoded.add(report, outcome.result)
        yield report


def _outcomes(items: list[tuple[str, str]], profile: Profile, rules: RuleSettings, limits: Limits,
              jobs: int | None, cluster: str | None) -> Iterator[Outcome[str]]:
    if not items:
        return
    if cluster is not None:
        from sopgen.cluster import RayPool

        shipped = ((shown, (ship(Path(path), shown, limits), shown, profile, rules, limits)) for path, shown in items)
        yield from RayPool(_analyse_shipped, cluster, limits, batch=CLUSTER_BATCH).imap_unordered(shipped)
        return
    workers = max(1, min(jobs or os.cpu_count() or 1, len(items)))
    if workers > 1:
        # largest first: the last task to finish is then a small one, so no core idles while the other ends
        # a long document (the callers put the reports back in their own order)
        items = sorted(items, key=_size, reverse=True)
    # what every task shares goes to the workers once, when they start; a task is then two short strings
    analyse = partial(_analyse, profile=profile, rules=rules, limits=limits)
    with BoundedPool(analyse, workers, limits) as pool:
        yield from pool.imap_unordered((shown, (path, shown)) for path, shown in items)
