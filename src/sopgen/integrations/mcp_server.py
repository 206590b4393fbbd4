"""A Model Context Protocol server (official `mcp` SDK): the sopgen tools plus the profiles as resources.

Start it with `sopgen serve --mcp` (stdio) or `sopgen serve --mcp --http --port 8765` (streamable HTTP on
127.0.0.1).
"""

from __future__ import annotations

import json
from typing import Any

from sopgen.integrations import tools as ops
from sopgen.schema import list_profiles, load_profile


def build_server(store: str | None = None, use_index: bool = True) -> Any:
    try:
        from mcp.server.mcpserver import MCPServer
    except ImportError as exc:  # pragma: no cover - depends on the extra
        from sopgen.errors import ConfigError

        raise ConfigError("the MCP server needs the 'mcp' package", hint="pip install 'sopgen[mcp]'") from exc

    server = MCPServer(name="sopgen", instructions="Draft, check and gap-analyse Standard Operating Procedures "
                                                   "(en/de/ru). Profiles are listed as resources.")

    @server.tool(name="search", description=ops.SearchArgs.__doc__)
    def search(query: str, k: int = 5, language: str | None = None, section: str | None = None) -> list[dict[str, Any]]:
        return ops.run_search(ops.SearchArgs(query=query, k=k, language=language, section=section), store)  # type: ignore[arg-type]

    @server.tool(name="check", description=ops.CheckArgs.__doc__)
    def check(text: str | None = None, path: str | None = None, profile: str = "full",
              language: str | None = None) -> dict[str, Any]:
        return ops.run_check(ops.CheckArgs(text=text, path=path, profile=profile, language=language))  # type: ignore[arg-type]

    @server.tool(name="gaps", description=ops.GapsArgs.__doc__)
    def gaps(paths: list[str], profile: str = "full") -> dict[str, Any]:
        return ops.run_gaps(ops.GapsArgs(paths=paths, profile=profile))

    @server.tool(name="outline", description=ops.BriefArgs.__doc__)
    def outline(brief: ops.BriefArgs) -> dict[str, Any]:
        return ops.run_outline(brief, store, use_index)

    @server.tool(name="draft", description=ops.BriefArgs.__doc__)
    def draft(brief: ops.BriefArgs) -> dict[str, Any]:
        return ops.run_draft(brief, store, use_index)

    for profile in list_profiles():
        server.resource(f"sopgen://profiles/{profile.name}", name=profile.name, description=profile.title,
                        mime_type="application/json")(_profile_reader(profile.name))
    return server


def _profile_reader(name: str) -> Any:
    def read() -> str:
        return json.dumps(load_profile(name).to_data(), ensure_ascii=False, indent=2)

    return read


def serve(http: bool = False, port: int = 8765, store: str | None = None, use_index: bool = True) -> None:
    server = build_server(store, use_index)
    if http:
        server.run(transport="streamable-http", host="127.0.0.1", port=port)
    else:
        server.run(transport="stdio")
