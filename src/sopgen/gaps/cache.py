"""Result cache for --resume: one SQLite row per (file content hash, profile, rules version).

Every finished document is committed at once, so a run killed with Ctrl-C or SIGKILL loses nothing it
already finished (a power cut may lose the last few, which are then analysed again); a re-run only
analyses files whose content (or the profile/rules) changed.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from sopgen.checks.findings import DocumentReport


class ResultCache:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "gaps.sqlite"
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=NORMAL: a commit survives the process being killed (what --resume is for),
        # without an fsync per document, which held up the dispatch of the next file to the workers
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, report TEXT NOT NULL)")
        self._db.commit()

    @staticmethod
    def key(content_hash: str, profile_fingerprint: str) -> str:
        return hashlib.sha256(f"{content_hash}|{profile_fingerprint}".encode()).hexdigest()

    def get(self, key: str) -> DocumentReport | None:
        row = self._db.execute("SELECT report FROM results WHERE key = ?", (key,)).fetchone()
        return DocumentReport.model_validate_json(row[0]) if row else None

    def put(self, key: str, report: str) -> None:
        """Store a report's JSON (`DocumentReport.model_dump_json`, with or without an indent)."""
        self._db.execute("INSERT OR REPLACE INTO results (key, report) VALUES (?, ?)", (key, report))
        self._db.commit()

    def close(self) -> None:
        self._db.close()
