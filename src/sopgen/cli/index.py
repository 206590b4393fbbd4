"""`sopgen index` and `sopgen search`: the knowledge base drafting draws on."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from sopgen.cli.app import (
    ClusterOpt,
    ExitCode,
    JobsOpt,
    MaxMbOpt,
    MemoryOpt,
    TimeoutOpt,
    app,
    err_console,
    fail,
    nothing_found,
    with_limits,
)
from sopgen.errors import SopgenError

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from sopgen.config import Settings

StoreOpt = Annotated[str | None, typer.Option("--store", "-s", help="Index directory or http://host:port of a Chroma server.")]
CollectionOpt = Annotated[str | None, typer.Option("--collection", help="Collection name (default: sopgen).")]


def _settings(store: str | None, collection: str | None) -> Settings:
    from sopgen.config import load_settings

    return load_settings(store=store, collection=collection)


def make_default_embeddings(settings: Settings) -> Embeddings:
    from sopgen.index.embeddings import make_embeddings

    return make_embeddings(settings.embedding, api_key=settings.api_key(), base_url=settings.base_url)


@app.command("index")
def index_cmd(
    paths: Annotated[list[str] | None, typer.Argument(help="Files and folders to index.")] = None,
    store: StoreOpt = None,
    collection: CollectionOpt = None,
    stats: Annotated[bool, typer.Option("--stats", help="Show what the index holds and exit.")] = False,
    include: Annotated[list[str] | None, typer.Option("--include", help="Only files matching this glob.")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Skip files matching this glob.")] = None,
    jobs: JobsOpt = None,
    cluster: ClusterOpt = None,
    timeout: TimeoutOpt = None,
    memory_mb: MemoryOpt = None,
    max_mb: MaxMbOpt = None,
) -> None:
    """Index process documents (incremental: unchanged files are skipped, changed ones replaced).

    Exit codes: 0 indexed, 1 some documents could not be read, 2 usage error.

    Examples:

      sopgen index corpora/ --store .sopgen/index

      sopgen index share/ --store http://127.0.0.1:8000

      sopgen index --stats
    """
    try:
        settings = with_limits(_settings(store, collection), timeout, memory_mb, max_mb)
        if stats:
            from sopgen.index.indexer import index_stats

            typer.echo(json.dumps(index_stats(settings.store, settings.collection), ensure_ascii=False, indent=2))
            return
        if not paths:
            fail("give at least one PATH to index (or --stats)")
        from sopgen.index.indexer import index_corpus

        embeddings = make_default_embeddings(settings)
        tty = sys.stderr.isatty()
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("[bold]index[/]"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.fields[chunks]} chunks"), TimeElapsedColumn(), console=err_console,
                       transient=True) if tty else None
        task = None
        total_chunks = 0

        def on_start(n: int) -> None:
            nonlocal task
            if bar is not None:
                bar.start()
                task = bar.add_task("index", total=n, chunks=0)

        def on_file(path: str, outcome: str, chunks: int) -> None:
            nonlocal total_chunks
            total_chunks += chunks
            if bar is not None and task is not None:
                bar.update(task, advance=1, chunks=total_chunks)
            else:
                err_console.print(escape(f"{outcome} {path} ({chunks} chunks)"), highlight=False)

        try:
            result = index_corpus(paths, settings.store, embeddings, collection=settings.collection,
                                  include=include, exclude=exclude, progress=on_file, on_start=on_start,
                                  limits=settings.limits, cache_dir=settings.cache_dir, jobs=jobs,
                                  on_wait=lambda message: err_console.print(message, highlight=False),
                                  cluster=cluster)
        finally:
            if bar is not None:
                bar.stop()
    except SopgenError as exc:
        fail(exc)
    for path, reason in result.skipped:
        err_console.print(escape(f"skipped {path}: {reason}"), highlight=False)
    if not result.seen and not result.failed and not result.removed:
        nothing_found([str(p) for p in paths], len(result.skipped))
    err_console.print(
        f"indexed {result.indexed}, unchanged {result.unchanged}, removed {result.removed}, skipped "
        f"{len(result.skipped)}, failed "
        f"{len(result.failed)}; {result.chunks_written} chunks in {result.seconds:.1f} s "
        f"({result.chunks_per_second:.1f} chunks/s) into {settings.store}", highlight=False)
    for _path, error in result.failed:
        err_console.print(f"[red]failed[/] {escape(error)}", highlight=False)
    if result.failed:
        raise typer.Exit(int(ExitCode.FINDINGS))


@app.command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help="What to look for, in any of en/de/ru.")],
    store: StoreOpt = None,
    collection: CollectionOpt = None,
    k: Annotated[int, typer.Option("--k", "-k", min=1, help="Number of results.")] = 5,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    language: Annotated[str | None, typer.Option("--language", "-l", help="Only chunks in this language.")] = None,
    section: Annotated[str | None, typer.Option("--section", help="Only chunks of this section id.")] = None,
    path: Annotated[str | None, typer.Option("--path", help="Only documents whose path matches this glob.")] = None,
    group: Annotated[bool, typer.Option("--group", help="At most one result per document.")] = False,
    mode: Annotated[str, typer.Option("--mode", help="hybrid | dense | bm25")] = "hybrid",
    no_daemon: Annotated[bool, typer.Option("--no-daemon", help="Search in this process even when "
                                                                "`sopgen serve` runs.")] = False,
) -> None:
    """Search the index: dense + BM25 hybrid, cross-lingual. Warm (fast) while `sopgen serve` runs.

    Examples:

      sopgen search "how long are backups kept" --k 3

      sopgen search FRM-QA-017 --format json --language de
    """
    if fmt not in ("text", "json"):
        fail(f"--format must be text or json, not '{fmt}'")
    if mode not in ("hybrid", "dense", "bm25"):
        fail(f"--mode must be hybrid, dense or bm25, not '{mode}'")
    from sopgen.schema import SUPPORTED_LANGUAGES

    if language is not None and language not in SUPPORTED_LANGUAGES:
        fail(f"--language '{language}' is not supported; use one of {', '.join(SUPPORTED_LANGUAGES)}")
    try:
        settings = _settings(store, collection)
        from sopgen.index.daemon import ask

        # a running `sopgen serve` has the model and the index open: ask it first (the warm path)
        hits = None if no_daemon else ask(settings.store, settings.collection, {
            "query": query, "k": k, "language": language, "section": section, "path": path, "group": group,
            "mode": mode})
        if hits is None:
            from sopgen.index.search import Searcher, best_passage

            searcher = Searcher(settings.store, make_default_embeddings(settings), settings.collection)
            hits = [{**h.model_dump(mode="json"), "passage": best_passage(h.text, query)}
                    for h in searcher.search(query, k, language=language, section=section, path_glob=path,
                                             group=group, mode=mode)]  # type: ignore[arg-type]
    except SopgenError as exc:
        fail(exc)
    if fmt == "json":
        typer.echo(json.dumps([{k: v for k, v in h.items() if k != "passage"} for h in hits], ensure_ascii=False,
                              indent=2))
        return
    from rich.table import Table

    table = Table(title=escape(f"search: {query}"))
    for col in ("score", "document", "line", "heading"):
        table.add_column(col, overflow="fold")
    table.add_column("matching passage", overflow="fold", ratio=3)
    for h in hits:
        table.add_row(f"{h['score']:.4f}", escape(h["path"]), str(h["line"]), escape(h.get("heading") or ""),
                      escape(h["passage"]))
    Console(width=160).print(table)


