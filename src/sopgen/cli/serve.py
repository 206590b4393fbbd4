"""`sopgen serve --mcp`: sopgen as a Model Context Protocol server for assistants and IDEs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sopgen.cli.app import app, fail, load_settings
from sopgen.errors import SopgenError


@app.command("serve")
def serve_cmd(
    mcp: Annotated[bool, typer.Option("--mcp", help="Serve the Model Context Protocol (the only server so far).")] = False,
    http: Annotated[bool, typer.Option("--http", help="Streamable HTTP on 127.0.0.1 instead of stdio.")] = False,
    port: Annotated[int, typer.Option("--port", help="Port for --http.")] = 8765,
    store: Annotated[str | None, typer.Option("--store", "-s", help="Index for the search/draft tools.")] = None,
    no_index: Annotated[bool, typer.Option("--no-index", help="Draft without retrieval.")] = False,
    root: Annotated[Path, typer.Option("--root", help="Folder outside which no tool reads or writes.")] = Path("."),
    token: Annotated[str | None, typer.Option("--token", envvar="SOPGEN_MCP_TOKEN",
                                              help="Bearer token for --http (default: generated, printed).")] = None,
    allow_origin: Annotated[list[str] | None, typer.Option("--allow-origin",
                                                           help="Browser Origin allowed over --http (repeatable).")] = None,
) -> None:
    """Serve sopgen's tools (search, outline, draft, check, gaps) and profiles over MCP.

    Examples:

      sopgen serve --mcp

      sopgen serve --mcp --http --port 8765
    """
    if not mcp:
        fail("say which server: --mcp")
    if token is not None and not token.strip():
        fail("--token must not be empty (an empty token would let every request in)")
    if not root.is_dir():
        fail(f"{root}: --root must be an existing folder")
    from sopgen.integrations.mcp_server import serve

    try:
        serve(http=http, port=port, store=store, use_index=not no_index, root=root, token=token,
              origins=allow_origin or [], limits=load_settings().limits)
    except SopgenError as exc:
        fail(exc)


@app.command("lsp")
def lsp_cmd() -> None:
    """Run the language server on stdin/stdout: diagnostics as you type, quick fixes (needs sopgen[lsp]).

    Editors start it themselves; for example in Neovim:
    vim.lsp.start({name = "sopgen", cmd = {"sopgen", "lsp"}, root_dir = vim.fn.getcwd()})
    """
    try:
        from sopgen.integrations.lsp import serve_stdio
    except ImportError as exc:
        fail(f"the language server needs pygls ({exc.name} is missing): pip install 'sopgen[lsp]'")
    serve_stdio()
