"""An assistant (the official MCP SDK client) asking a real `sopgen serve --mcp` subprocess for things
outside its root, over stdio and over HTTP with and without the bearer token."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp.client.client import Client
from mcp.client.stdio import StdioServerParameters

from tests.integration.conftest import free_port
from tests.integration.test_mcp import http_transport

pytestmark = pytest.mark.integration
SECRET = "# Purpose\nThe vault key is hunter2 and should be rotated regularly.\n"


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    root = tmp_path / "root"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "ok.md").write_text("# Purpose\nKeep backups.\n\n# Procedure\n1. Run the job.\n", "utf-8")
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / "secrets.md").write_text(SECRET, "utf-8")
    (outside / "evil.yaml").write_text("name: evil\ntitle: x\nsections: []\n", "utf-8")
    (root / "docs" / "link.md").symlink_to(outside / "secrets.md")
    return {"root": root, "outside": outside}


async def _probe(target: Any, outside: Path) -> dict[str, Any]:
    async with Client(target) as client:
        calls = {
            "ok": {"path": "docs/ok.md", "profile": "basic"},
            "dotdot": {"path": "../home/secrets.md", "profile": "basic"},
            "absolute": {"path": str(outside / "secrets.md"), "profile": "basic"},
            "symlink": {"path": "docs/link.md", "profile": "basic"},
            "missing": {"path": "docs/nope.md", "profile": "basic"},
            "profile": {"text": "# Purpose\nx\n", "profile": str(outside / "evil.yaml")},
            "both": {"text": "# Purpose\nx\n", "path": "docs/ok.md"},
        }
        out = {name: await client.call_tool("check", args) for name, args in calls.items()}
        started = time.monotonic()  # a small hostile text once held a server thread for 21 s
        out["hostile"] = await client.call_tool("check", {"text": "# " + "a " * 1200 + "\n**a**" + " " * 1300 + "x\n"})
        out["hostile_seconds"] = time.monotonic() - started
        out["gaps"] = await client.call_tool("gaps", {"paths": ["docs"], "profile": "basic"})
        out["draft_profile"] = await client.call_tool("draft", {"brief": {
            "title": "Reset a password", "goal": "Unlock the user.", "scope": "Service desk", "audience": "agents",
            "profile": str(outside / "evil.yaml")}})
        out["gaps_out"] = await client.call_tool("gaps", {"paths": [str(outside)], "profile": "basic"})
        return out


def _text(result: Any) -> str:
    return " ".join(getattr(c, "text", "") for c in result.content)


def _assert_confined(out: dict[str, Any]) -> None:
    assert not out["ok"].is_error and out["ok"].structured_content["score"] is not None
    for name in ("dotdot", "absolute", "symlink", "profile", "draft_profile"):
        assert out[name].is_error, name
        assert "outside the server's root" in _text(out[name]), (name, _text(out[name]))
        assert "hunter2" not in _text(out[name])
    missing = out["missing"].structured_content  # reported as an unreadable document, never checked as text
    assert "file not found" in missing["error"] and missing["score"] is None and not missing["findings"]
    assert out["both"].is_error and "exactly one of text or path" in _text(out["both"])
    assert not out["hostile"].is_error and out["hostile_seconds"] < 10
    gaps = out["gaps"].structured_content
    assert [Path(d["path"]).name for d in gaps["documents"]] == ["ok.md"]  # the link out is skipped, unread
    assert "hunter2" not in str(gaps)
    assert out["gaps_out"].is_error and "outside the server's root" in _text(out["gaps_out"])


def test_stdio_server_reads_nothing_outside_its_root(layout: dict[str, Path]) -> None:
    params = StdioServerParameters(command=sys.executable, args=["-m", "sopgen", "serve", "--mcp", "--no-index",
                                                                 "--root", str(layout["root"])],
                                   env={"SOPGEN_NO_PLUGINS": "1"})
    _assert_confined(asyncio.run(_probe(params, layout["outside"])))


def test_http_server_wants_the_token_and_an_allowed_origin(layout: dict[str, Path], tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    log = (tmp_path / "mcp.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "sopgen", "serve", "--mcp", "--http", "--port", str(port),
                             "--no-index", "--root", str(layout["root"])], stdout=log, stderr=subprocess.STDOUT)
    try:
        token = None
        deadline = time.time() + 60
        while token is None:
            for line in (tmp_path / "mcp.log").read_text().splitlines():
                if line.startswith("bearer token: "):
                    token = line.split(": ", 1)[1].strip()
            if proc.poll() is not None or time.time() > deadline:
                raise AssertionError((tmp_path / "mcp.log").read_text())
            time.sleep(0.2)
        init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                           "clientInfo": {"name": "probe", "version": "1"}}}
        headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
        while True:  # wait for the port
            try:
                plain = httpx2.post(url, json=init, headers=headers, timeout=10)
                break
            except httpx2.TransportError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        assert plain.status_code == 401
        wrong = httpx2.post(url, json=init, headers={**headers, "Authorization": "Bearer nope"}, timeout=10)
        assert wrong.status_code == 401
        page = httpx2.post(url, json=init, timeout=10,
                           headers={**headers, "Authorization": f"Bearer {token}", "Origin": "http://127.0.0.1:9999"})
        assert page.status_code == 403  # a web page on another localhost port cannot drive the server
        _assert_confined(asyncio.run(_probe(http_transport(url, token), layout["outside"])))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
