"""A resident search process: `sopgen serve` keeps the embedding model and the index open, and
`sopgen search` asks it over a Unix socket when it runs, so a warm query skips the model and store loading.

The socket lives in a folder only the user can enter (mode 0700), named after the store and collection,
so a daemon answers only for the index it opened. The daemon notices a re-index (the store's files
change) and reopens the index before the next answer. The client side imports nothing heavy (no numpy,
no chromadb): it is what makes the warm query fast. If the daemon is not there or does not answer within
a second, the caller searches in-process as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_REQUEST = 64 * 1024
CONNECT_TIMEOUT, ANSWER_TIMEOUT = 1.0, 30.0


def socket_path(store: str, collection: str) -> Path:
    """Where the daemon for this store and collection listens (short enough for AF_UNIX's 108 bytes)."""
    where = store if store.startswith(("http://", "https://")) else str(Path(store).resolve())
    key = hashlib.sha256(f"{where}\x00{collection}".encode()).hexdigest()[:16]
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()) / f"sopgen-{os.getuid()}"
    return base / f"search-{key}.sock"


def ask(store: str, collection: str, request: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The daemon's answer to a search request, or None when no daemon serves this index."""
    path = socket_path(store, collection)
    if not path.exists():
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(CONNECT_TIMEOUT)
            conn.connect(str(path))
            conn.settimeout(ANSWER_TIMEOUT)
            conn.sendall(json.dumps(request).encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(1 << 16)
                if not chunk:
                    break
                data += chunk
        answer = json.loads(data)
    except (OSError, ValueError):
        return None  # a stale socket or a daemon going down: search in-process instead
    if not isinstance(answer, dict) or "results" not in answer:
        return None
    if answer.get("error"):
        from sopgen.errors import IndexStoreError

        raise IndexStoreError(f"the search daemon says: {answer['error']}", path=str(path))
    return list(answer["results"])


def _store_stamp(store: str) -> float:
    """Changes when the index is rewritten: the newest mtime of the store's files (local stores)."""
    folder = Path(store)
    if not folder.is_dir():
        return 0.0
    return max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)


def serve(store: str, collection: str, open_searcher: Callable[[], Any],
          ready: Callable[[Path], None] | None = None, log: Callable[[str], None] | None = None) -> None:
    """Answer search requests until interrupted (SIGINT/SIGTERM); the socket is removed on the way out."""
    import signal

    from pydantic import BaseModel, Field, ValidationError

    from sopgen.index.search import best_passage

    class Request(BaseModel):
        query: str = Field(min_length=1, max_length=2000)
        k: int = Field(5, ge=1, le=200)
        language: str | None = None
        section: str | None = None
        path: str | None = None
        group: bool = False
        mode: str = Field("hybrid", pattern="^(hybrid|dense|bm25)$")

    path = socket_path(store, collection)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    if path.exists():
        if ask(store, collection, {"query": "ping", "k": 1}) is not None:
            raise OSError(f"a search daemon already serves this index ({path})")
        path.unlink()
    searcher, stamp = open_searcher(), _store_stamp(store)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)
    try:
        server.bind(str(path))
    finally:
        os.umask(old_umask)
    server.listen(16)

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    if ready is not None:
        ready(path)
    try:
        while True:
            conn, _ = server.accept()
            with conn:
                conn.settimeout(ANSWER_TIMEOUT)
                try:
                    data = b""
                    while not data.endswith(b"\n") and len(data) <= MAX_REQUEST:
                        chunk = conn.recv(1 << 16)
                        if not chunk:
                            break
                        data += chunk
                    request = Request.model_validate_json(data[:MAX_REQUEST])
                    started = time.perf_counter()
                    if _store_stamp(store) != stamp:  # re-indexed since: reopen before answering
                        searcher, stamp = open_searcher(), _store_stamp(store)
                        if log is not None:
                            log("index changed on disk: reopened it")
                    hits = searcher.search(request.query, request.k, language=request.language,
                                           section=request.section, path_glob=request.path, group=request.group,
                                           mode=request.mode)
                    results = [{**h.model_dump(mode="json"), "passage": best_passage(h.text, request.query)}
                               for h in hits]
                    answer: dict[str, Any] = {"results": results}
                    if log is not None:
                        log(f"answered in {1000 * (time.perf_counter() - started):.0f} ms: {len(results)} results")
                except ValidationError as exc:
                    answer = {"results": [], "error": f"bad request: {exc.errors()[0]['msg']}"}
                except Exception as exc:  # one bad query must not end the daemon
                    answer = {"results": [], "error": f"{type(exc).__name__}: {exc}"}
                with contextlib.suppress(OSError):
                    conn.sendall(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        path.unlink(missing_ok=True)
