"""A Ray-backed twin of `sopgen.batch.BoundedPool.imap_unordered`: one task per document, outcomes as they
finish, a document that fails or overruns its budget becomes an error outcome, a lost node's tasks rerun.

The driver reads each file (bounded by `max_file_mb`) and ships its bytes, so workers need no shared file
system; they need sopgen installed (the same version) and run the same decode/chunk/check code as a local
run, which is why a cluster run writes the same chunk ids and the same report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from sopgen.batch.limits import Limits
from sopgen.batch.pool import Outcome
from sopgen.errors import ConfigError

K = TypeVar("K")
MAX_RETRIES = 3  # a task on a node that dies is run again elsewhere, this many times


def connect(address: str) -> Any:
    """Connect to the Ray cluster at `address` (`auto`, `ray://host:port`, or the head's host:port)."""
    try:
        import ray
    except ImportError:
        raise ConfigError("--cluster needs Ray", hint="pip install 'sopgen[ray]' on the driver and every node") from None
    if not ray.is_initialized():
        try:
            ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ConfigError(f"cannot connect to the Ray cluster at '{address}': {exc}",
                              hint="start it with `ray start --head` and pass its address") from None
    return ray


def _run_batch(func: Callable[..., Any], items: list[tuple[Any, tuple[Any, ...]]]) -> list[tuple[Any, Any, str | None]]:
    """Runs on a worker: several cheap documents in one task, each failing alone."""
    out: list[tuple[Any, Any, str | None]] = []
    for key, args in items:
        try:
            out.append((key, func(*args), None))
        except Exception as exc:  # one document's error must not fail its batch-mates
            out.append((key, None, str(exc)))
    return out


class RayPool:
    """Submit `func(*args)` to the cluster in tasks of `batch` documents, at most `in_flight` tasks at a
    time, and yield one outcome per document.

    Batches are for cheap documents: a gap check takes about 20 ms, as long as the task overhead itself,
    so a task per document would be mostly overhead; indexing (embedding) takes seconds per document and
    uses batches of one."""

    def __init__(self, func: Callable[..., Any], address: str, limits: Limits | None = None,
                 in_flight: int | None = None, batch: int = 1) -> None:
        self.ray = connect(address)
        self.limits = limits or Limits()
        self.func = func
        self.batch = max(1, batch)
        self.remote = self.ray.remote(max_retries=MAX_RETRIES, retry_exceptions=False, num_cpus=1)(_run_batch)
        cpus = int(self.ray.cluster_resources().get("CPU", 1))
        self.in_flight = in_flight or max(2, 2 * cpus)

    def imap_unordered(self, tasks: Iterable[tuple[K, tuple[Any, ...]]]) -> Iterator[Outcome[K]]:
        ray = self.ray
        todo = iter(tasks)
        running: dict[Any, tuple[list[K], float]] = {}
        # a retried task restarts its clock only on the node that runs it: give it the retries' time too
        allowed = self.limits.timeout_s * self.batch * (1 + MAX_RETRIES) + 30.0
        func = ray.put(self.func)

        def submit() -> None:
            while len(running) < self.in_flight:
                items = [item for _, item in zip(range(self.batch), todo, strict=False)]
                if not items:
                    return
                running[self.remote.remote(func, items)] = ([key for key, _ in items], time.monotonic())

        submit()
        while running:
            ready, _ = ray.wait(list(running), num_returns=1, timeout=1.0)
            for ref in ready:
                keys, started = running.pop(ref)
                yield from self._outcomes(ref, keys, started)
            now = time.monotonic()
            for ref, (keys, started) in list(running.items()):
                if now - started > allowed:
                    ray.cancel(ref, force=True)
                    running.pop(ref)
                    for key in keys:
                        yield Outcome(key=key, error=f"took longer than {self.limits.timeout_s:g} s on the cluster "
                                                     "(stopped; --timeout sets the budget)", seconds=now - started)
            submit()

    def _outcomes(self, ref: Any, keys: list[K], started: float) -> Iterator[Outcome[K]]:
        ray = self.ray
        seconds = time.monotonic() - started
        try:
            for key, result, error in ray.get(ref):
                yield Outcome(key=key, result=result, error=error, seconds=seconds)
        except ray.exceptions.RayError as exc:  # a worker or node lost more often than the retries allow
            for key in keys:
                yield Outcome(key=key, error=f"lost on the cluster after {MAX_RETRIES} retries: "
                                             f"{type(exc).__name__}", seconds=seconds)

    def __enter__(self) -> RayPool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None
