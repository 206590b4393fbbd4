from pathlib import Path

import pytest

from sopgen.llm import tokens


def test_real_tiktoken_works_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    tokens.get_encoding.cache_clear()
    import tiktoken

    enc = tokens.get_encoding("cl100k_base")
    assert enc.encode("hello world") == [15339, 1917]
    assert tokens.encoding_for_model("gpt-4o").name == "o200k_base"
    # LangChain and any tiktoken user in this process now find the files too.
    assert tiktoken.get_encoding("cl100k_base").decode([15339, 1917]) == "hello world"
    assert (tmp_path / "sopgen" / "tiktoken" / "9b5ad71b2ce5302211f9c61530b329a4922fc6a4").exists()


def test_unknown_encoding_fails_clearly() -> None:
    with pytest.raises(tokens.OfflineResourceError, match="not shipped"):
        tokens.get_encoding("p50k_base")
