"""A worker pool that bounds every task in time and memory and never outlives its parent.

`concurrent.futures.ProcessPoolExecutor` cannot stop one runaway task: a file that sends a regular
expression into a long search holds its worker (and the batch) for as long as it likes, and a worker killed
by the kernel breaks the whole pool. Here every task runs in a worker process with an address-space limit;
a task that passes its deadline has its worker killed and replaced, and a worker that dies loses only the
task it held. Workers ask the kernel to kill them when the parent dies (Linux `PR_SET_PDEATHSIG`), so a
`kill -9` of the command leaves no orphans.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import queue
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from typing import Any, Generic, TypeVar

from sopgen.batch.limits import Limits
from sopgen.errors import SopgenError

K = TypeVar("K")
_PR_SET_PDEATHSIG = 1
_EXIT_OOM = 113  # a worker that hit its memory limit exits with this
_QUEUED_BYTES = 16 * 1024  # a task sent ahead must fit a pipe's buffer, so the send never blocks


@dataclass(frozen=True)
class Outcome(Generic[K]):
    """What one task ended in: a result, or an error message (timed out, out of memory, crashed)."""

    key: K
    result: Any = None
    error: str | None = None
    seconds: float = 0.0


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _vm_size() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _worker_main(conn: Connection, func: Callable[..., Any], memory_mb: int, parent: int) -> None:
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if memory_mb > 0:
        limit = _vm_size() + memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        key, args = task
        try:
            conn.send((key, "ok", func(*args)))
        except MemoryError:
            with contextlib.suppress(Exception):
                conn.send((key, "oom", None))
            os._exit(_EXIT_OOM)  # a heap that hit the limit is not worth reusing
        except SopgenError as exc:  # an expected, explained failure (unreadable file ...): its own message
            conn.send((key, "error", str(exc)[:2000]))
        except Exception as exc:  # a bug on one input must not end the worker
            try:
                conn.send((key, "error", f"internal error: {exc!r}"[:2000]))
            except Exception:
                os._exit(4)


class _Worker:
    def __init__(self, ctx: Any, func: Callable[..., Any], memory_mb: int) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child, func, memory_mb, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.pending: deque[tuple[Any, bytes]] = deque()  # tasks sent and not answered; the first is running
        self.started = 0.0  # when the running task started

    @property
    def key(self) -> Any:
        return self.pending[0][0] if self.pending else None

    def send(self, key: Any, data: bytes) -> None:
        """Queue a pickled `(key, args)` task; the worker runs its tasks in the order they were sent."""
        self.conn.send_bytes(data)
        if not self.pending:
            self.started = time.monotonic()
        self.pending.append((key, data))

    def answered(self) -> None:
        """The running task answered: the next queued one (if any) starts now."""
        self.pending.popleft()
        self.started = time.monotonic()

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(timeout=5)
        with contextlib.suppress(OSError):
            self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError, BrokenPipeError):
            self.conn.send(None)
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()


def _context(method: str | None) -> Any:
    # fork is cheapest and keeps what the parent imported; the pool forks its workers when it is made, so
    # a server makes its pool before it starts any thread (a replacement after a timeout is the exception).
    return multiprocessing.get_context(method or ("fork" if sys.platform.startswith("linux") else "spawn"))


class BoundedPool:
    """`workers` processes running `func(*args)`, each call limited by `limits.timeout_s` and `memory_mb`.

    >>> with BoundedPool(len, workers=1) as pool:
    ...     [o.result for o in pool.imap_unordered([("a", ("abc",))])]
    [3]
    """

    def __init__(self, func: Callable[..., Any], workers: int = 1, limits: Limits | None = None,
                 start_method: str | None = None) -> None:
        self.func = func
        self.limits = limits or Limits()
        self.size = max(1, workers)
        self._ctx = _context(start_method)
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.func, self.limits.memory_mb)
        with self._lock:
            self._all.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        return self._spawn()

    def _error_for(self, status: str) -> str:
        if status == "timeout":
            return f"timed out after {self.limits.timeout_s:g} s (raise the limit with --timeout)"
        if status == "oom":
            return (f"ran out of memory (limit {self.limits.memory_mb} MB per document; "
                    "raise it with --memory-mb)")
        return "the worker process crashed while handling this file"

    def _collect(self, worker: _Worker) -> tuple[Any, str, Any] | None:
        try:
            return worker.conn.recv()  # type: ignore[no-any-return]
        except (EOFError, OSError):
            worker.process.join(timeout=2)  # so its exit code says why it died
            return None

    def _finish(self, worker: _Worker, ready: bool) -> tuple[Outcome[Any], _Worker, list[tuple[Any, bytes]]]:
        """The outcome of `worker`'s running task (`ready`: it answered before its deadline), the worker to
        use next (the same one, or a replacement for one that timed out, ran out of memory or died) and the
        tasks that were queued behind a task that took its worker down, to be run again elsewhere."""
        message = self._collect(worker) if ready else None
        seconds = time.monotonic() - worker.started
        if message is None or message[1] == "oom":
            if not ready:
                status = "timeout"
            else:
                status = "oom" if message is not None or worker.process.exitcode == _EXIT_OOM else "crash"
            orphans = list(worker.pending)[1:]
            outcome = Outcome(worker.key, error=self._error_for(status), seconds=seconds)
            return outcome, self._replace(worker), orphans
        worker.answered()
        key, status, payload = message
        if status == "error":
            return Outcome(key, error=str(payload), seconds=seconds), worker, []
        return Outcome(key, result=payload, seconds=seconds), worker, []

    def run(self, key: K, *args: Any) -> Outcome[K]:
        """One task, blocking; thread-safe (a server's request threads share the pool)."""
        data = bytes(ForkingPickler.dumps((key, args)))
        worker = self._idle.get()
        try:
            worker.send(key, data)
        except (OSError, BrokenPipeError):
            worker = self._replace(worker)
            worker.send(key, data)
        outcome, worker, _ = self._finish(worker, worker.conn.poll(self.limits.timeout_s))
        self._idle.put(worker)
        return outcome

    def imap_unordered(self, tasks: Iterable[tuple[K, tuple[Any, ...]]]) -> Iterator[Outcome[K]]:
        """Every task's outcome as it finishes; runaway and crashing tasks become error outcomes.

        Each worker is sent its next task while it runs the current one (when the task is small enough to
        wait in the pipe), so it never sits idle while this process reads a result and answers; a task
        queued behind one that takes its worker down is run again on another."""
        todo = iter(tasks)
        again: deque[tuple[Any, bytes]] = deque()

        def next_task() -> tuple[Any, bytes] | None:
            if again:
                return again.popleft()
            task = next(todo, None)
            return None if task is None else (task[0], bytes(ForkingPickler.dumps(task)))

        workers = [self._idle.get() for _ in range(self.size)]
        held: tuple[Any, bytes] | None = None  # a task taken from `todo` and not yet sent
        try:
            while True:
                for i, worker in enumerate(workers):
                    while len(worker.pending) < 2:
                        held = held or next_task()
                        if held is None:
                            break
                        if worker.pending and len(held[1]) > _QUEUED_BYTES:
                            break  # too big to wait in the pipe: sent when the worker is free
                        try:
                            worker.send(*held)
                        except (OSError, BrokenPipeError):
                            if worker.pending:  # it died with work: the wait below reports it
                                break
                            worker = workers[i] = self._replace(worker)
                            continue
                        held = None
                busy = {w.conn: w for w in workers if w.pending}
                if not busy:
                    return
                deadline = min(w.started for w in busy.values()) + self.limits.timeout_s
                ready = set(wait(list(busy), timeout=max(0.0, deadline - time.monotonic())))
                now = time.monotonic()
                for conn, worker in busy.items():
                    answered = conn in ready
                    if answered or now - worker.started >= self.limits.timeout_s:
                        outcome, workers[workers.index(worker)], orphans = self._finish(worker, answered)
                        again.extend(orphans)
                        yield outcome
        finally:
            for worker in workers:
                self._idle.put(self._replace(worker) if worker.pending else worker)

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), []
        for worker in workers:
            worker.stop()

    def __enter__(self) -> BoundedPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
