"""Gap analysis under duress: a crashing worker, SIGKILL mid-run, files vanishing while the run goes on."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import sopgen.checks.batch as runner
from sopgen.checks.findings import DocumentReport
from sopgen.gaps import analyze_gaps

pytestmark = pytest.mark.integration
DOC = "# Zweck\nDiese Anweisung regelt die Sicherung Nummer {i}.\n\n# Ablauf\n1. Der Admin startet die Sicherung.\n"


def make_share(root: Path, n: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"doc-{i:04d}.md").write_text(DOC.format(i=i), encoding="utf-8")
    return root


def test_a_crashing_worker_loses_only_its_own_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    share = make_share(tmp_path / "share", 12)
    (share / "crash.md").write_text(DOC.format(i="crash"), encoding="utf-8")
    real = runner.check_path

    def crashing(path: str, *args: object, **kwargs: object) -> DocumentReport:
        if str(path).endswith("crash.md"):
            os._exit(3)  # the whole worker process dies, as on a segfault in a native library
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "check_path", crashing)  # worker processes are forked after this
    report = analyze_gaps([share], "basic", jobs=2, cache_dir=tmp_path / "cache")
    by_name = {Path(d.path).name: d for d in report.documents}
    assert len(by_name) == 13
    assert "worker process crashed" in (by_name["crash.md"].error or "")
    assert all(d.error is None and d.score is not None for n, d in by_name.items() if n != "crash.md")
    assert report.summary.failed == 1


def test_sigkill_mid_run_loses_nothing_finished(tmp_path: Path) -> None:
    share = make_share(tmp_path / "share", 400)
    cache = tmp_path / "cache"
    env = {**os.environ, "SOPGEN_CACHE_DIR": str(cache)}
    proc = subprocess.Popen([sys.executable, "-m", "sopgen", "gaps", str(share), "--jobs", "1", "--resume", "-f",
                             "json", "-o", str(tmp_path / "out.json")], env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "100 documents done" in line:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(cache / "gaps.sqlite") as db:
        saved = db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    assert 100 <= saved < 400
    cached: list[bool] = []
    report = analyze_gaps([share], "full", jobs=1, resume=True, cache_dir=cache,  # the CLI default profile
                          progress=lambda r, hit: cached.append(hit))
    assert sum(cached) == saved and len(report.documents) == 400 and report.summary.failed == 0


def test_files_deleted_during_the_run_become_errors(tmp_path: Path) -> None:
    share = make_share(tmp_path / "share", 6)
    victim = share / "doc-0005.md"

    def delete_once(report: DocumentReport, cached: bool) -> None:
        if victim.exists():
            victim.unlink()

    report = analyze_gaps([share], "basic", jobs=1, cache_dir=tmp_path / "c", progress=delete_once)
    gone = next(d for d in report.documents if d.path.endswith("doc-0005.md"))
    assert gone.error is not None and "file not found" in gone.error
    assert report.summary.failed == 1 and report.summary.documents == 6
