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
    """Keep the index warm for `sopgen search` (default), or serve sopgen's tools over MCP (--mcp).

    Without --mcp, a resident search process keeps the embedding model and the index open and answers
    `sopgen search` over a private Unix socket; stop it with Ctrl-C.

    Examples:

      sopgen serve --store .sopgen/index

      sopgen serve --mcp

      sopgen serve --mcp --http --port 8765
    """
    if not mcp:
        _search_daemon(store)
        return
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


def _search_daemon(store: str | None) -> None:
    from sopgen.cli.app import err_console
    from sopgen.index.daemon import serve

    try:
        settings = load_settings(store=store)

        def open_searcher() -> object:
            from chromadb.api.shared_system_client import SharedSystemClient

            from sopgen.index.embeddings import make_embeddings
            from sopgen.index.search import Searcher

            # chromadb keeps one client per path per process; after a re-index by another process it must
            # be dropped, or it answers from its stale segment state
            SharedSystemClient.clear_system_cache()
            searcher = Searcher(settings.store, make_embeddings(settings.embedding, api_key=settings.api_key(),
                                                                base_url=settings.base_url), settings.collection)
            searcher.search("warm-up", 1)  # loads the model, the vectors and the BM25 tables now, not on the first query
            return searcher

        serve(settings.store, settings.collection, open_searcher,
              ready=lambda path: err_console.print(f"search daemon ready for {settings.store} on {path} "
                                                   "(Ctrl-C stops it)", highlight=False, soft_wrap=True),
              log=lambda line: err_console.print(line, highlight=False, soft_wrap=True))
    except (SopgenError, OSError) as exc:
        fail(str(exc))


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
