"""`sopgen serve` as a resident search process: `sopgen search` gets the same answers from it, sees a
re-index, and searches in-process again when it is gone. Real processes, stopped by PID."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sopgen.index.daemon import socket_path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _sopgen(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "sopgen"), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def _hits(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int]]:
    assert result.returncode == 0, result.stdout + result.stderr
    return [(Path(h["path"]).name, h["line"]) for h in json.loads(result.stdout)]


def test_daemon_answers_like_the_cold_path_and_sees_a_reindex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    docs = tmp_path / "docs"
    docs.mkdir()
    sources = sorted((ROOT / "corpora" / "en").glob("*.md"))[:3]
    for src in sources:
        (docs / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    store = tmp_path / "index"
    env = {**os.environ, "SOPGEN_EMBEDDING": "hash", "SOPGEN_STORE": str(store), "XDG_RUNTIME_DIR": str(tmp_path)}
    assert _sopgen("index", str(docs), env=env, cwd=tmp_path).returncode == 0
    query = ["search", "how is the restore tested", "-k", "3", "-f", "json"]
    cold = _hits(_sopgen(*query, env=env, cwd=tmp_path))

    log = (tmp_path / "daemon.log").open("w")
    daemon = subprocess.Popen([str(BIN / "sopgen"), "serve"], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    sock: Path | None = None
    try:
        deadline = time.time() + 120
        while time.time() < deadline and "ready" not in (tmp_path / "daemon.log").read_text():
            assert daemon.poll() is None, (tmp_path / "daemon.log").read_text()
            time.sleep(0.2)
        text = (tmp_path / "daemon.log").read_text()
        sock = socket_path(str(store), "sopgen")
        assert str(sock) in text and sock.exists() and oct(sock.parent.stat().st_mode & 0o777) == "0o700"
        warm = _hits(_sopgen(*query, env=env, cwd=tmp_path))
        assert warm == cold and warm

        # a new document indexed while the daemon runs is found by the next query
        (docs / "tape-vault.md").write_text("# Tape vault\n\n## Procedure\n1. The librarian moves the zebra tapes "
                                            "to the offsite vault every Friday.\n", encoding="utf-8")
        assert _sopgen("index", str(docs), env=env, cwd=tmp_path).returncode == 0
        found = _hits(_sopgen("search", "zebra tapes offsite vault", "-k", "1", "-f", "json", "--mode", "bm25", env=env,
                              cwd=tmp_path))
        assert found[0][0] == "tape-vault.md"
        served = (tmp_path / "daemon.log").read_text()
        assert served.count("answered in") == 2 and "reopened" in served  # the daemon, not the fallback
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
        log.close()
    assert daemon.returncode == 0 and sock is not None and not sock.exists()
    # no daemon: the same answers, in-process
    assert _hits(_sopgen(*query, env=env, cwd=tmp_path)) == cold
