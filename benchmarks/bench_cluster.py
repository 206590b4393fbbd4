"""Scale-out on Ray: the same corpus with 1 and then 2 worker processes on this machine, whole `sopgen`
processes as a user runs them, beside a local run; speed-up and per-task overhead printed, and from them an
estimate for 100,000 documents on N nodes (assumptions printed with it).

A head node with one CPU is started, then a second node with one CPU joins (both on 127.0.0.1, stopped by
PID at the end). Corpus: ../shared/realdocs when present (71 documents; indexed with the real e5 model),
copied 10 times for gap analysis (710 documents), else corpora/.

Run: .venv/bin/python benchmarks/bench_cluster.py
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}


def port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def node(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(BIN / "ray"), "start", "--block", "--num-cpus", "1", "--disable-usage-stats", *args],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, env=ENV, start_new_session=True)


def cpus(address: str) -> float:
    code = f"import ray; ray.init(address={address!r}, logging_level='ERROR'); print(ray.cluster_resources().get('CPU', 0))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    return float(out.stdout.split()[-1]) if out.returncode == 0 and out.stdout.split() else 0.0


def wait_for(address: str, wanted: int) -> None:
    deadline = time.time() + 180
    while cpus(address) < wanted:
        if time.time() > deadline:
            raise RuntimeError("the Ray cluster did not come up")
        time.sleep(1)


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "sopgen"), *args], cwd=cwd, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    real = ROOT.parent / "shared" / "realdocs"
    with tempfile.TemporaryDirectory(prefix="sb", dir="/tmp") as tmp_name:
        tmp = Path(tmp_name)
        docs = tmp / "docs"
        source = [p for p in (sorted(real.iterdir()) if real.is_dir() else sorted((ROOT / "corpora").glob("*/*")))
                  if p.is_file() and p.name not in ("MANIFEST.tsv", "README.md") and p.parent.name != "briefs"]
        docs.mkdir()
        for p in source:
            shutil.copy(p, docs / p.name)
        many = tmp / "many"
        for copy in range(10):
            (many / str(copy)).mkdir(parents=True)
            for p in source:
                shutil.copy(p, many / str(copy) / p.name)
        n_index, n_gaps = len(source), 10 * len(source)
        print(f"corpus: {n_index} documents to index, {n_gaps} to gap-analyse; {os.cpu_count()} cores; load "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        local_gaps = timed(["gaps", "many", "-p", "full", "-f", "json", "-o", "local.json", "--jobs", "1"], tmp)
        local_index = timed(["index", "docs", "--store", str(tmp / "local"), "--jobs", "1"], tmp)
        address = f"127.0.0.1:{port()}"
        temp = tmp / "ray"
        head = node(["--head", "--port", address.split(":")[1], "--include-dashboard=false", "--temp-dir", str(temp)],
                    tmp / "head.log")
        worker = None
        try:
            wait_for(address, 1)
            one_gaps = timed(["gaps", "many", "-p", "full", "-f", "json", "-o", "c1.json", "--cluster", address], tmp)
            one_index = timed(["index", "docs", "--store", str(tmp / "c1"), "--cluster", address], tmp)
            worker = node(["--address", address], tmp / "worker.log")
            wait_for(address, 2)
            two_gaps = timed(["gaps", "many", "-p", "full", "-f", "json", "-o", "c2.json", "--cluster", address], tmp)
            two_index = timed(["index", "docs", "--store", str(tmp / "c2"), "--cluster", address], tmp)
        finally:
            for proc in (worker, head):
                if proc is not None and proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=60)
        print(f"gaps  ({n_gaps} docs): local --jobs 1 {local_gaps:6.1f} s | cluster 1 worker {one_gaps:6.1f} s | "
              f"2 workers {two_gaps:6.1f} s  -> speed-up {one_gaps / two_gaps:.2f}x")
        print(f"index ({n_index} docs): local --jobs 1 {local_index:6.1f} s | cluster 1 worker {one_index:6.1f} s | "
              f"2 workers {two_index:6.1f} s  -> speed-up {one_index / two_index:.2f}x")
        overhead_gaps = (one_gaps - local_gaps) / n_gaps
        overhead_index = (one_index - local_index) / n_index
        print(f"per-task overhead of the cluster (1 worker against local --jobs 1): gaps {1000 * overhead_gaps:.0f} ms, "
              f"index {1000 * overhead_index:.0f} ms per document (start-up of the driver included; for index most "
              "of it is threads: a local run's model uses both cores, a one-CPU Ray worker one)")
        per_cpu_gaps, per_cpu_index = n_gaps / one_gaps, n_index / one_index
        print(f"throughput per worker CPU: gaps {per_cpu_gaps:.1f} docs/s, index {per_cpu_index:.2f} docs/s")
        for nodes in (1, 10, 50):
            cores = 2 * nodes
            print(f"estimate for 100,000 documents on {nodes:2d} node(s) of 2 cores: index "
                  f"{100_000 / (per_cpu_index * cores) / 3600:5.1f} h, gaps {100_000 / (per_cpu_gaps * cores) / 60:5.1f} min "
                  "(assumes linear scaling as measured from 1 to 2 workers, documents like these, embedding on the "
                  "workers, and a Chroma server that keeps up with the writes)")


if __name__ == "__main__":
    main()
