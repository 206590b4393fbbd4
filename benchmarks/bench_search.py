"""`sopgen search` cold (a new process loads the model and the index) and warm (`sopgen serve` runs),
whole processes as a user runs them, on an index of ../shared/realdocs (or corpora/ when that is absent).

Run: .venv/bin/python benchmarks/bench_search.py [--store DIR] [--queries 10]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUERIES = ["how are incident severity levels defined", "Schutzmaßnahmen beim Löten", "кто отвечает за первую линию поддержки",
           "which linter runs before code review", "wie wird eine Reklamation bearbeitet", "ransomware first steps",
           "срок реакции на критичный запрос", "Gefahrstoffe lagern", "rotate a database credential", "lab safety rules"]


def run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "sopgen"), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", help="an existing index (default: build one of ../shared/realdocs)")
    parser.add_argument("--queries", type=int, default=len(QUERIES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_RUNTIME_DIR": tmp}
        store = args.store or str(Path(tmp) / "index")
        if not args.store:
            real = ROOT.parent / "shared" / "realdocs"
            source = [str(real), "--exclude", "MANIFEST.tsv"] if real.is_dir() else [str(ROOT / "corpora"), "--exclude",
                                                                                     "README.md"]
            t = run(["index", *source, "--store", store], env)
            print(f"indexed {source[0]} in {t:.0f} s")
        queries = (QUERIES * 3)[: args.queries]
        print(f"load before {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        cold = [run(["search", q, "--store", store, "--no-daemon"], env) for q in queries[:3]]
        log = Path(tmp) / "daemon.log"
        daemon = subprocess.Popen([str(BIN / "sopgen"), "serve", "--store", store], env=env, stdout=log.open("w"),
                                  stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 120
            while "ready" not in log.read_text() and time.time() < deadline:
                time.sleep(0.1)
            warm = [run(["search", q, "--store", store], env) for q in queries]
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=30)
        inside = [float(line.split("answered in ")[1].split(" ms")[0]) / 1000
                  for line in log.read_text().splitlines() if "answered in" in line]
        print(f"cold query (new process, model and index loaded): median {statistics.median(cold):.2f} s (target <= 2 s)")
        print(f"warm query (sopgen serve running), whole process: median {statistics.median(warm):.3f} s, "
              f"max {max(warm):.3f} s (target <= 0.3 s); inside the daemon median {statistics.median(inside):.3f} s")
        print(f"warm / cold: {statistics.median(cold) / statistics.median(warm):.1f}x faster")
        print(f"load after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
