"""Hostile inputs are run as real sopgen processes under a memory cap and a wall-clock limit.

Each run's wall time and peak memory (of the process tree, from the kernel's rusage) is recorded; the
worst of the session is printed at the end, so the figures in the issue note come from the suite itself.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

MEMORY_CAP_MB = 3072  # address space of the sopgen process (its workers inherit it)
_RUNS: list[tuple[str, float, float]] = []


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


def _cap() -> None:
    limit = MEMORY_CAP_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_sopgen(args: list[str], *, wall_s: float = 120, cwd: Path | None = None, label: str = "",
               env: dict[str, str] | None = None) -> Run:
    """`python -m sopgen ARGS` under the memory cap; fails the test if it outlives `wall_s`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "sopgen", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=wall_s, preexec_fn=_cap, env={**os.environ, **(env or {})}, errors="replace")
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_mb = max(peak, before) / 1024
    _RUNS.append((label or " ".join(args)[:60], seconds, peak_mb))
    return Run(proc.returncode, proc.stdout, proc.stderr, seconds, peak_mb)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _RUNS:
        slow = max(_RUNS, key=lambda r: r[1])
        big = max(_RUNS, key=lambda r: r[2])
        terminalreporter.write_line(
            f"hostile inputs: {len(_RUNS)} runs; worst wall {slow[1]:.1f} s ({slow[0]}); "
            f"peak RSS of any process so far {big[2]:.0f} MB ({big[0]})")
