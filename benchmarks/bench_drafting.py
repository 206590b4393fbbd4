"""Drafting figures: completeness and citations of every sample brief, concurrency, tokens, cache.

1. Every sample brief with the offline engine (and, when SOPGEN_BASE_URL points at a server, with the
   openai-compatible engine): required sections present per `sopgen check`, every [S#] resolves to a real
   span of an indexed file.
2. A model that takes a fixed 300 ms per call, on the 14-section `full` profile: wall time with sections
   drafted concurrently versus one after another.
3. Tokens sent per draft, counted with the real cl100k tokenizer; a repeated draft through the response
   cache costs zero model calls.

Run: .venv/bin/python benchmarks/bench_drafting.py
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage

from sopgen.checks import check_document
from sopgen.config import load_settings
from sopgen.documents import load_bytes, load_document
from sopgen.drafting import draft_sop, load_brief
from sopgen.index.embeddings import make_embeddings
from sopgen.index.indexer import index_corpus
from sopgen.index.search import Searcher
from sopgen.llm.cache import SQLiteResponseCache
from sopgen.llm.factory import EngineChoice, make_engine
from sopgen.llm.testing import ScriptedToolModel
from sopgen.llm.tokens import count_tokens
from sopgen.render import render_markdown

ROOT = Path(__file__).resolve().parents[1]


def respond(tool: str, messages: list[BaseMessage]) -> dict[str, Any]:
    prompt = messages[-1].text
    if tool == "PlannedOutline":
        return {"sections": [{"id": i, "title": "", "intent": "", "planned_steps": []}
                             for i in re.findall(r"^- ([a-z_]+): ", prompt, re.M)]}
    keys = re.findall(r"<<<SOURCE (S\d+) ", prompt)
    cite = f" [{keys[0]}]" if keys else ""
    steps = [{"action": f"The operator performs step {i}.{cite}", "actor": "Operator"} for i in (1, 2, 3)]
    return {"body": f"The responsible role carries out this part as described.{cite}",
            "steps": steps if "Section to write: procedure" in prompt else [], "citations": keys[:1]}


def verify(sop: Any, label: str) -> None:
    md = render_markdown(sop)
    doc = load_bytes(md.encode(), "md", "draft.md").model_copy(update={"language": sop.language})
    report = check_document(doc, sop.profile)
    missing = [s.id for s in report.sections if s.required and s.status != "present"]
    keys = {c.key: c for c in sop.sources}
    used = set(re.findall(r"\[(S\d+)\]", md.split("\n---\n", 1)[-1]))
    bad = [k for k in used if k not in keys or keys[k].end_line > len(load_document(ROOT / keys[k].path).lines)]
    print(f"{label:40} sections missing/weak: {missing or 'none'}; citations {len(used)}, unresolved: {bad or 'none'}")


def main() -> None:
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        emb = make_embeddings(os.environ.get("SOPGEN_EMBEDDING", "e5-small"))
        store = str(Path(tmp) / "idx")
        index_corpus(["corpora"], store, emb, exclude=["README.md"])
        searcher = Searcher(store, emb)
        briefs = sorted(Path("corpora/briefs").glob("*.yaml"))
        for path in briefs:
            sop = draft_sop(load_brief(path), settings=load_settings(engine="offline"), searcher=searcher)
            verify(sop, f"offline     {path.name}")
        if os.environ.get("SOPGEN_BASE_URL"):
            settings = load_settings(engine="openai-compatible", cache_dir=Path(tmp) / "c")
            for path in briefs:
                sop = draft_sop(load_brief(path), settings=settings, engine=make_engine(settings), searcher=searcher)
                verify(sop, f"compatible  {path.name}")
        brief = load_brief(briefs[0]).model_copy(update={"profile": "full"})
        timings = {}
        for concurrency in (1, 14):
            model = ScriptedToolModel(responder=respond, delay=0.3)
            engine = EngineChoice("openai-compatible", "fixed-300ms", model, "function_calling")
            t0 = time.perf_counter()
            draft_sop(brief, settings=load_settings(concurrency=concurrency), engine=engine, searcher=searcher)
            timings[concurrency] = (time.perf_counter() - t0, model.calls)
        (seq, calls), (par, _) = timings[1], timings[14]
        print(f"14-section draft, 300 ms per call: {calls} calls; sequential {seq:.2f} s, concurrent {par:.2f} s "
              f"(target < 2 s)")
        counter = ScriptedToolModel(responder=respond)
        draft_sop(brief, settings=load_settings(), engine=EngineChoice("openai-compatible", "count", counter,
                                                                          "function_calling"), searcher=searcher)
        sent = sum(count_tokens(m.text) for msgs in counter.prompts for m in msgs)
        print(f"tokens sent per draft (cl100k, prompts only): {sent} in {counter.calls} calls")
        cache = SQLiteResponseCache(Path(tmp) / "responses.sqlite")
        for run in (1, 2):
            model = ScriptedToolModel(responder=respond, cache=cache)
            draft_sop(brief, settings=load_settings(), engine=EngineChoice("openai-compatible", "cached", model,
                                                                              "function_calling"), searcher=searcher)
            print(f"cached run {run}: {model.calls} model calls")


if __name__ == "__main__":
    main()
