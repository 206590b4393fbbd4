"""Shared fixtures. Unit tests run with the network blocked (loopback stays open for real servers)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("SOPGEN_NO_PLUGINS", "1")
ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) and self.family != socket.AF_UNIX:
        raise OSError(f"network access blocked in tests: {address}")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    yield


@pytest.fixture(autouse=True)
def isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test runs in its own folder, so a stray sopgen.toml or .sopgen/ never leaks between tests."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("SOPGEN_") and key != "SOPGEN_NO_PLUGINS":
            monkeypatch.delenv(key)
    return tmp_path
