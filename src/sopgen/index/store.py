"""Chroma storage: an embedded PersistentClient in a directory, or an HttpClient for a server URL.

Embeddings are always computed by sopgen and passed in, so a collection never depends on Chroma's
default (downloading) embedding function, and reopening it needs no registered embedding class. The model
name and dimension are stored in the collection metadata; mixing models in one collection is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sopgen.errors import IndexStoreError

SCHEMA = 5  # 2: title and heading path embedded; 3: markup and loose HTML text; 4-5: runbook headings are procedure


def is_url(store: str) -> bool:
    return store.startswith(("http://", "https://"))


def open_client(store: str) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if is_url(store):
        url = urlparse(store)
        try:
            client = chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                         ssl=url.scheme == "https", settings=chroma_settings)
            client.heartbeat()
        except Exception as exc:
            raise IndexStoreError(f"cannot reach the Chroma server: {exc}", path=store,
                                  hint="start it with 'chroma run --path DIR --port N' or fix --store") from None
        return client
    path = Path(store)
    if path.exists() and not path.is_dir():
        raise IndexStoreError("is a file, not an index directory", path=store, hint="choose another --store")
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        raise IndexStoreError(f"cannot open the index: {exc}", path=store) from None


def open_collection(store: str, name: str, model: str, dimension: int, *, create: bool = True) -> Any:
    """The collection for `name`; refuses one built with another embedding model."""
    client = open_client(store)
    if not create:
        try:
            collection = client.get_collection(name, embedding_function=None)
        except Exception:
            raise IndexStoreError(f"no index '{name}' here", path=store,
                                  hint="run 'sopgen index PATH --store ...' first") from None
    else:
        try:
            collection = client.get_or_create_collection(
                name, embedding_function=None,
                metadata={"hnsw:space": "cosine", "embedding_model": model, "dimension": dimension,
                          "sopgen_schema": SCHEMA},
            )
        except Exception as exc:  # chromadb's InvalidArgumentError: bad collection name and the like
            raise IndexStoreError(f"cannot create collection '{name}': {exc}", path=store,
                                  hint="collection names use 3-512 of [a-zA-Z0-9._-]") from None
    meta = collection.metadata or {}
    stored = meta.get("embedding_model")
    if stored is not None and stored != model:
        raise IndexStoreError(
            f"collection '{name}' was built with embedding model '{stored}', not '{model}'",
            path=store, hint=f"use SOPGEN_EMBEDDING={stored}, or index into another --collection",
        )
    return collection


def mark_schema(collection: Any) -> None:
    """Record that every chunk of the collection is now embedded the current way."""
    meta = {k: v for k, v in (collection.metadata or {}).items() if not k.startswith("hnsw:")}
    meta["sopgen_schema"] = SCHEMA
    collection.modify(metadata=meta)
