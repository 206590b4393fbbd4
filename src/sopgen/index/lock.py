"""One writer per index: a second `sopgen index` on the same store waits for the first, then finds its work
done. Without it two runs upsert the same chunks at once, and Chroma can keep a chunk whose embedding it
cannot read back.

The lock is an `flock` on a file in the store directory (for a server URL, in the cache folder, keyed by
the URL: that covers writers on this machine; writers on several machines need the server-side lock of the
scale-out issue). The kernel drops it when the holder dies, so a killed run never leaves a stale lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sopgen.errors import IndexStoreError
from sopgen.index.store import is_url


def lock_path(store: str, cache_dir: Path) -> Path:
    if is_url(store):
        return cache_dir / "locks" / (hashlib.sha256(store.encode()).hexdigest()[:16] + ".lock")
    return Path(store) / ".sopgen-index.lock"


@contextlib.contextmanager
def store_lock(store: str, cache_dir: Path = Path(".sopgen/cache"), wait_s: float = 600.0,
               on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's writer lock; wait up to `wait_s` for another writer, then stop with a clear error."""
    path = lock_path(store, cache_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and on_wait is not None:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                    on_wait(f"another sopgen index (pid {holder}) is writing to {store}; waiting for it")
                    told = True
                if time.monotonic() > deadline:
                    raise IndexStoreError(f"another sopgen index has held the store for over {wait_s:g} s",
                                          path=store, hint="wait for it to finish, or stop it") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing drops the lock
