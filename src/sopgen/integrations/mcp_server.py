"""A Model Context Protocol server (official `mcp` SDK): the sopgen tools plus the profiles as resources.

Start it with `sopgen serve --mcp` (stdio) or `sopgen serve --mcp --http --port 8765` (streamable HTTP on
127.0.0.1). The server is confined: it reads and writes nothing outside `--root` (default: the working
directory), every check runs in a bounded worker, and the HTTP transport wants a bearer token and refuses
browser origins that are not on the allow-list, so neither another local user's process nor a web page
that happens to be open in a browser can drive it.
"""

from __future__ import annotations

import functools
import hmac
import json
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sopgen.batch.limits import Limits
from sopgen.batch.pool import BoundedPool
from sopgen.errors import SopgenError
from sopgen.integrations import tools as ops
from sopgen.integrations.confine import Confinement
from sopgen.schema import list_profiles, load_profile


def build_server(store: str | None = None, use_index: bool = True, root: str | Path = ".",
                 limits: Limits | None = None) -> Any:
    try:
        from mcp.server.mcpserver import MCPServer
    except ImportError as exc:  # pragma: no cover - depends on the extra
        from sopgen.errors import ConfigError

        raise ConfigError("the MCP server needs the 'mcp' package", hint="pip install 'sopgen[mcp]'") from exc

    box = Confinement(root)
    limits = limits or Limits()
    pool = BoundedPool(ops._check_task, workers=2, limits=limits)  # forked now, before any server thread
    server = MCPServer(name="sopgen", instructions="Draft, check and gap-analyse Standard Operating Procedures "
                                                   "(en/de/ru). Profiles are listed as resources. Paths are "
                                                   f"relative to the server's root folder {box.root}.")
    server.sopgen_pool = pool  # type: ignore[attr-defined]  # closed by serve()

    @server.tool(name="search", description=ops.SearchArgs.__doc__)
    @_told
    def search(query: str, k: int = 5, language: str | None = None, section: str | None = None) -> list[dict[str, Any]]:
        return ops.run_search(ops.SearchArgs(query=query, k=k, language=language, section=section), store)  # type: ignore[arg-type]

    @server.tool(name="check", description=ops.CheckArgs.__doc__)
    @_told
    def check(text: str | None = None, path: str | None = None, profile: str = "full",
              language: str | None = None) -> dict[str, Any]:
        return ops.run_check(ops.CheckArgs(text=text, path=path, profile=profile, language=language), box, pool)  # type: ignore[arg-type]

    @server.tool(name="gaps", description=ops.GapsArgs.__doc__)
    @_told
    def gaps(paths: list[str], profile: str = "full") -> dict[str, Any]:
        return ops.run_gaps(ops.GapsArgs(paths=paths, profile=profile), box, limits)

    @server.tool(name="outline", description=ops.BriefArgs.__doc__)
    @_told
    def outline(brief: ops.BriefArgs) -> dict[str, Any]:
        return ops.run_outline(brief, store, use_index, box)

    @server.tool(name="draft", description=ops.BriefArgs.__doc__)
    @_told
    def draft(brief: ops.BriefArgs) -> dict[str, Any]:
        return ops.run_draft(brief, store, use_index, box)

    for profile in list_profiles():
        server.resource(f"sopgen://profiles/{profile.name}", name=profile.name, description=profile.title,
                        mime_type="application/json")(_profile_reader(profile.name))
    return server


def _told(fn: Callable[..., Any]) -> Callable[..., Any]:
    """sopgen's own errors reach the assistant as their message (the SDK hides other exceptions)."""
    from mcp.server.mcpserver.exceptions import ToolError

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (SopgenError, ValueError) as exc:
            raise ToolError(str(exc)) from None

    return call


def _profile_reader(name: str) -> Any:
    def read() -> str:
        return json.dumps(load_profile(name).to_data(), ensure_ascii=False, indent=2)

    return read


class _Guard:
    """ASGI middleware: a bearer token on every request, and an Origin (if sent) from the allow-list."""

    def __init__(self, app: Any, token: str, origins: list[str]) -> None:
        self.app, self.token, self.origins = app, token.encode(), set(origins)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        origin = headers.get("origin")
        if origin is not None and origin not in self.origins:
            await _deny(send, 403, "origin not allowed (start the server with --allow-origin to add it)")
            return
        given = headers.get("authorization", "")
        if not (given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip().encode(), self.token)):
            await _deny(send, 401, "missing or wrong bearer token")
            return
        await self.app(scope, receive, send)


async def _deny(send: Any, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")]})
    await send({"type": "http.response.body", "body": body})


def serve(http: bool = False, port: int = 8765, store: str | None = None, use_index: bool = True,
          root: str | Path = ".", token: str | None = None, origins: list[str] | None = None,
          limits: Limits | None = None) -> None:
    server = build_server(store, use_index, root, limits)
    try:
        if not http:
            server.run(transport="stdio")
            return
        import uvicorn
        from mcp.server.transport_security import TransportSecuritySettings

        sys.stderr.write(f"sopgen MCP server on http://127.0.0.1:{port}/mcp (root {Path(root).resolve()})\n")
        if token is None:
            token = secrets.token_urlsafe(32)
            sys.stderr.write(f"bearer token: {token}\n")
        security = TransportSecuritySettings(allowed_hosts=[f"127.0.0.1:{port}", f"localhost:{port}"],
                                             allowed_origins=list(origins or []))
        app = server.streamable_http_app(transport_security=security, host="127.0.0.1")
        sys.stderr.flush()
        uvicorn.run(_Guard(app, token, list(origins or [])), host="127.0.0.1", port=port, log_level="warning")
    finally:
        server.sopgen_pool.close()
