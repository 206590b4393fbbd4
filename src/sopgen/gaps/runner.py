"""Batch gap analysis: many documents, parallel worker processes, resumable, never stopping at a bad file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from sopgen._version import __version__
from sopgen.batch.limits import Limits
from sopgen.checks.batch import check_files
from sopgen.checks.findings import DocumentReport, EncodedReports, Report
from sopgen.checks.rules import data_fingerprint
from sopgen.config import RuleSettings
from sopgen.documents.loaders import content_hash
from sopgen.documents.walk import Skipped, Target, collect
from sopgen.gaps.cache import ResultCache
from sopgen.schema import Profile, load_profile

Progress = Callable[[DocumentReport, bool], None]  # (finished report, came from cache)


def _fingerprint(profile: Profile, rules: RuleSettings) -> str:
    data = f"{__version__}|{data_fingerprint()}|{profile.model_dump_json()}|{rules.model_dump_json()}"
    return hashlib.sha256(data.encode()).hexdigest()


def analyze_gaps(
    paths: Iterable[str | Path],
    profile: Profile | str = "full",
    *,
    jobs: int | None = None,
    resume: bool = False,
    cache_dir: Path | None = None,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    rules: RuleSettings | None = None,
    progress: Progress | None = None,
    on_start: Callable[[int, list[Skipped]], None] | None = None,
    limits: Limits | None = None,
    root: str | None = None,
    cluster: str | None = None,
    encoded: EncodedReports | None = None,
) -> Report:
    """Analyse every supported document under `paths` against a profile.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.md").write_text("# Purpose\\nKeep backups.\\n# Procedure\\n1. Run it.\\n")
    >>> analyze_gaps([d], "basic", jobs=1).summary.documents
    1

    `cluster` (a Ray address) runs the checks as Ray tasks; the report is the same as a local run's.
    `encoded` collects the JSON the workers wrote for each report analysed in this run (see render_json).
    """
    profile = load_profile(profile) if isinstance(profile, str) else profile
    rules = rules or RuleSettings()
    limits = limits or Limits()
    targets, skipped, broken = collect([str(p) for p in paths], include, exclude, root)
    if on_start:
        on_start(len(targets) + len(broken), skipped)
    results: dict[str, DocumentReport] = {}
    encoded = encoded if encoded is not None else EncodedReports()
    for t in broken:
        results[t.shown] = DocumentReport(path=t.shown, error=f"{t.shown}: file not found (check the path)")
        if progress:
            progress(results[t.shown], False)
    cache = ResultCache(cache_dir or Path(".sopgen/cache"))
    fingerprint = _fingerprint(profile, rules)
    todo: list[tuple[Target, str | None]] = []
    try:
        for t in targets:
            content = content_hash(t.path, limits.max_bytes)
            key = ResultCache.key(content, fingerprint) if content else None
            cached = cache.get(key) if (resume and key) else None
            if cached is not None:
                results[t.shown] = cached.model_copy(update={"path": t.shown})
                if progress:
                    progress(results[t.shown], True)
            else:
                todo.append((t, key))

        def finish(t: Target, key: str | None, report: DocumentReport) -> None:
            results[t.shown] = report
            if key and report.error is None:
                cache.put(key, encoded.get(report) or report.model_dump_json())
            if progress:
                progress(report, False)

        by_shown = {t.shown: (t, key) for t, key in todo}
        for report in check_files([(str(t.path), t.shown) for t, _ in todo], profile, rules, limits, jobs, cluster,
                                  encoded):
            t, key = by_shown[report.path]
            finish(t, key, report)
    finally:
        cache.close()
    order = [t.shown for t in broken] + [t.shown for t in targets]
    return Report.build(profile.name, [results[s] for s in order if s in results])
