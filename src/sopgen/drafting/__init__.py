"""Drafting: brief -> grounded outline -> section drafts -> SOP with citations."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sopgen.config import Settings, load_settings
from sopgen.drafting.pipeline import (
    DraftState,
    SectionProgress,
    build_state,
    make_outline,
    pipeline,
    retrieve,
)
from sopgen.index.embeddings import make_embeddings
from sopgen.index.search import Searcher
from sopgen.llm.factory import EngineChoice, make_engine
from sopgen.llm.usage import UsageCounter
from sopgen.schema import SOP, Brief, Outline
from sopgen.schema.briefs import brief_hash, load_brief


def open_searcher(settings: Settings) -> Searcher:
    emb = make_embeddings(settings.embedding, api_key=settings.api_key(), base_url=settings.base_url)
    return Searcher(settings.store, emb, settings.collection)


def _prepare(brief: Brief | str | Path, settings: Settings | None, engine: EngineChoice | None,
             searcher: Searcher | None, use_index: bool) -> tuple[Settings, Brief, EngineChoice, Searcher | None]:
    settings = settings or load_settings()
    brief = brief if isinstance(brief, Brief) else load_brief(brief)
    engine = engine or make_engine(settings)
    if searcher is None and use_index:
        searcher = open_searcher(settings)
    return settings, brief, engine, searcher


def draft_sop(brief: Brief | str | Path, *, settings: Settings | None = None, engine: EngineChoice | None = None,
              searcher: Searcher | None = None, use_index: bool = True, parts: Path | None = None,
              progress: SectionProgress | None = None, revise: bool = False) -> SOP:
    """Draft a SOP from a brief over the indexed corpus; offline unless a model is configured."""
    settings, brief, engine, searcher = _prepare(brief, settings, engine, searcher, use_index)
    state = build_state(brief, engine, searcher, parts, settings.concurrency, progress, revise)
    counter = UsageCounter()
    hits_before = engine.cache.hits if engine.cache else 0
    result: DraftState = pipeline().invoke(state, config={"callbacks": [counter]})
    assert result.sop is not None
    if engine.chat is not None:
        hits = (engine.cache.hits - hits_before) if engine.cache else 0
        result.sop.usage = counter.summary(engine.model, hits)
    return result.sop


def stream_draft(brief: Brief | str | Path, *, settings: Settings | None = None, engine: EngineChoice | None = None,
                 searcher: Searcher | None = None, use_index: bool = True,
                 parts: Path | None = None) -> Iterator[tuple[str, Any]]:
    """Draft while reporting progress: yields ("outline", Outline), then ("section", Section) as each section
    finishes (concurrently drafted sections arrive in completion order), then ("sop", SOP).

    >>> b = Brief(title="Reset a password", goal="Unlock the user.", scope="Service desk", audience="agents",
    ...           profile="basic")
    >>> [kind for kind, _ in stream_draft(b, settings=load_settings(engine="offline"), use_index=False)][:2]
    ['outline', 'section']
    """
    settings, brief, engine, searcher = _prepare(brief, settings, engine, searcher, use_index)
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    state = build_state(brief, engine, searcher, parts, settings.concurrency)
    state.on_section = lambda section: events.put(("section", section))
    state.on_outline = lambda outline: events.put(("outline", outline))
    done = object()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result: DraftState = pipeline().invoke(state)
            events.put(("sop", result.sop))
        except BaseException as exc:  # handed to the consumer below
            failure.append(exc)
        finally:
            events.put(("done", done))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    while True:
        kind, item = events.get()
        if item is done:
            break
        yield kind, item
    worker.join()
    if failure:
        raise failure[0]


def outline_sop(brief: Brief | str | Path, *, settings: Settings | None = None, engine: EngineChoice | None = None,
                searcher: Searcher | None = None, use_index: bool = True) -> Outline:
    """Only the outline stage: the plan of the SOP before any section is drafted."""
    _settings, brief, engine, searcher = _prepare(brief, settings, engine, searcher, use_index)
    state = make_outline(retrieve(build_state(brief, engine, searcher)))
    assert state.outline is not None
    return state.outline


__all__ = ["brief_hash", "draft_sop", "load_brief", "open_searcher", "outline_sop", "stream_draft"]
