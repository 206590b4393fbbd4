"""A SQLite response cache for LangChain chat models: a repeated draft costs zero model calls.

Keyed by LangChain's own (prompt, llm_string) pair, which includes the model name and parameters, hashed.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import warnings
from pathlib import Path
from typing import Any

from langchain_core.caches import RETURN_VAL_TYPE, BaseCache
from langchain_core.load import dumps, loads


class SQLiteResponseCache(BaseCache):
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._db.commit()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def _key(prompt: str, llm_string: str) -> str:
        return hashlib.sha256(f"{llm_string}\x00{prompt}".encode()).hexdigest()

    def lookup(self, prompt: str, llm_string: str) -> RETURN_VAL_TYPE | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM responses WHERE key = ?", (self._key(prompt, llm_string),)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        with warnings.catch_warnings():  # langchain_core.load is marked beta; our own rows are trusted
            warnings.simplefilter("ignore")
            value: Any = loads(row[0])
        return list(value)

    def update(self, prompt: str, llm_string: str, return_val: RETURN_VAL_TYPE) -> None:
        data = dumps(list(return_val))
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO responses (key, value) VALUES (?, ?)",
                             (self._key(prompt, llm_string), data))
            self._db.commit()

    def clear(self, **kwargs: Any) -> None:
        with self._lock:
            self._db.execute("DELETE FROM responses")
            self._db.commit()

    def close(self) -> None:
        self._db.close()
