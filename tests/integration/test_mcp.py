"""The MCP server as a real subprocess, driven by the official SDK client (stdio and streamable HTTP)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from mcp.client.client import Client
from mcp.client.stdio import StdioServerParameters

from tests.integration.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def http_transport(url: str, token: str | None, origin: str | None = None) -> Any:
    """A streamable-HTTP transport that sends the bearer token (and an Origin, as a browser would)."""
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if origin:
        headers["Origin"] = origin
    return streamable_http_client(url, http_client=create_mcp_http_client(headers=headers))


async def _exercise(client_target: Any) -> dict[str, Any]:
    async with Client(client_target) as client:
        tools = sorted(t.name for t in (await client.list_tools()).tools)
        checked = await client.call_tool("check", {"path": "corpora/de/reklamationsbearbeitung.txt",
                                                   "profile": "iso9001-process"})
        drafted = await client.call_tool("draft", {"brief": {"title": "Reset a password", "goal": "Unlock the user.",
                                                             "scope": "Service desk", "audience": "agents",
                                                             "profile": "basic"}})
        resources = sorted(str(r.uri) for r in (await client.list_resources()).resources)
        gmp = await client.read_resource("sopgen://profiles/gmp")
        return {"tools": tools, "checked": checked, "drafted": drafted, "resources": resources, "gmp": gmp}


def _assert_results(out: dict[str, Any]) -> None:
    assert out["tools"] == ["check", "draft", "gaps", "outline", "search"]
    report = out["checked"].structured_content
    assert not out["checked"].is_error and report["encoding"] == "cp1252" and report["language"] == "de"
    assert {"rule", "line", "column", "message", "suggestion"} <= set(report["findings"][0])
    draft = out["drafted"].structured_content
    assert draft["engine"] == "offline" and "# Reset a password" in draft["markdown"]
    assert "sopgen://profiles/job-description" in out["resources"]
    assert '"name": "gmp"' in out["gmp"].contents[0].text


def test_mcp_over_stdio() -> None:
    params = StdioServerParameters(command=sys.executable, args=["-m", "sopgen", "serve", "--mcp", "--no-index",
                                                                 "--root", str(ROOT)], env={"SOPGEN_NO_PLUGINS": "1"})
    _assert_results(asyncio.run(_exercise(params)))


def test_mcp_over_streamable_http(tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "mcp.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "sopgen", "serve", "--mcp", "--http", "--port", str(port),
                             "--no-index", "--root", str(ROOT), "--token", "t0ken"], stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/mcp"
        deadline = time.time() + 60
        while True:
            try:
                out = asyncio.run(_exercise(http_transport(url, "t0ken")))
                break
            except Exception:
                if proc.poll() is not None or time.time() > deadline:
                    raise
                time.sleep(0.5)
        _assert_results(out)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
