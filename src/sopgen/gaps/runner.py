"""Batch gap analysis: many documents, parallel worker processes, resumable, never stopping at a bad file."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from sopgen import __version__
from sopgen.checks import check_path
from sopgen.checks.findings import DocumentReport, Report
from sopgen.checks.rules import data_fingerprint
from sopgen.config import RuleSettings
from sopgen.documents.walk import Skipped, Target, collect
from sopgen.gaps.cache import ResultCache
from sopgen.schema import Profile, load_profile

Progress = Callable[[DocumentReport, bool], None]  # (finished report, came from cache)


def _analyse(path: str, shown: str, profile: Profile, rules: RuleSettings) -> DocumentReport:
    try:
        return check_path(path, profile, rules, display_path=shown)
    except Exception as exc:  # a bug on one document must not end the batch
        return DocumentReport(path=shown, error=f"internal error while analysing: {exc!r}")


def _fingerprint(profile: Profile, rules: RuleSettings) -> str:
    data = f"{__version__}|{data_fingerprint()}|{profile.model_dump_json()}|{rules.model_dump_json()}"
    return hashlib.sha256(data.encode()).hexdigest()


def _content_hash(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


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
) -> Report:
    """Analyse every supported document under `paths` against a profile.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.md").write_text("# Purpose\\nKeep backups.\\n# Procedure\\n1. Run it.\\n")
    >>> analyze_gaps([d], "basic", jobs=1).summary.documents
    1
    """
    profile = load_profile(profile) if isinstance(profile, str) else profile
    rules = rules or RuleSettings()
    targets, skipped, broken = collect([str(p) for p in paths], include, exclude)
    if on_start:
        on_start(len(targets) + len(broken), skipped)
    results: dict[str, DocumentReport] = {}
    for t in broken:
        results[t.shown] = DocumentReport(path=t.shown, error=f"{t.shown}: file not found (check the path)")
        if progress:
            progress(results[t.shown], False)
    cache = ResultCache(cache_dir or Path(".sopgen/cache"))
    fingerprint = _fingerprint(profile, rules)
    todo: list[tuple[Target, str | None]] = []
    try:
        for t in targets:
            content = _content_hash(t.path)
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
                cache.put(key, report)
            if progress:
                progress(report, False)

        workers = jobs or os.cpu_count() or 1
        if workers <= 1 or len(todo) <= 1:
            for t, key in todo:
                finish(t, key, _analyse(str(t.path), t.shown, profile, rules))
        else:
            _parallel(todo, workers, profile, rules, finish)
    finally:
        cache.close()
    order = [t.shown for t in broken] + [t.shown for t in targets]
    return Report.build(profile.name, [results[s] for s in order if s in results])


def _parallel(todo: list[tuple[Target, str | None]], workers: int, profile: Profile, rules: RuleSettings,
              finish: Callable[[Target, str | None, DocumentReport], None]) -> None:
    """Run in worker processes; if a worker dies, finish the rest one by one so one crash loses one file."""
    pending = {item[0].shown: item for item in todo}  # what has not finished yet, in submission order
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures: dict[Future[DocumentReport], tuple[Target, str | None]] = {}
            queue = iter(list(pending.values()))
            for item in queue:
                futures[pool.submit(_analyse, str(item[0].path), item[0].shown, profile, rules)] = item
                if len(futures) >= workers * 4:
                    break
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for fut in done:
                    target, key = futures.pop(fut)
                    finish(target, key, fut.result())
                    del pending[target.shown]
                for item in queue:
                    futures[pool.submit(_analyse, str(item[0].path), item[0].shown, profile, rules)] = item
                    if len(futures) >= workers * 4:
                        break
    except BrokenProcessPool:
        for target, key in list(pending.values()):
            with ProcessPoolExecutor(max_workers=1) as solo:
                try:
                    report = solo.submit(_analyse, str(target.path), target.shown, profile, rules).result()
                except BrokenProcessPool:
                    report = DocumentReport(path=target.shown, error=f"{target.shown}: the worker process crashed "
                                            "while analysing this file")
            finish(target, key, report)
            del pending[target.shown]
