"""The index on both store modes (embedded directory and a real Chroma server), one parametrised suite."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sopgen.cli import app
from sopgen.documents import load_document
from sopgen.documents.names import identity
from sopgen.errors import IndexStoreError
from sopgen.index.chunking import chunk_document
from sopgen.index.embeddings import E5Embeddings, HashEmbeddings
from sopgen.index.indexer import index_corpus, index_stats
from sopgen.index.retriever import SopgenRetriever
from sopgen.index.search import Searcher

CORPORA = Path(__file__).resolve().parents[2] / "corpora"
pytestmark = pytest.mark.integration


@pytest.fixture(params=["local", "server"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "local":
        return str(tmp_path / "index")
    url: str = request.getfixturevalue("chroma_server")
    return url


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for lang in ("en", "de", "ru"):
        shutil.copytree(CORPORA / lang, root / lang)
    return root


def _collection(request: pytest.FixtureRequest) -> str:
    import hashlib

    return "t" + hashlib.sha1(request.node.name.encode()).hexdigest()[:16]


def test_incremental_index_and_search(store: str, corpus: Path, request: pytest.FixtureRequest) -> None:
    emb, col = HashEmbeddings(), _collection(request)
    first = index_corpus([corpus], store, emb, collection=col)
    assert first.indexed == 22 and first.failed == [] and first.chunks_written > 100
    stats = index_stats(store, col)
    assert stats["documents"] == 22 and set(stats["languages"]) == {"en", "de", "ru"}
    assert stats["embedding_model"] == "hash" and stats["chunks"] == first.chunks_written

    again = index_corpus([corpus], store, emb, collection=col)
    assert (again.indexed, again.unchanged, again.chunks_written) == (0, 22, 0)

    changed = corpus / "en" / "db-backup-restore-runbook.md"
    changed.write_text("# Tiny\n\n## Purpose\nOnly one chunk now, about the XQ-77 gadget.\n", encoding="utf-8")
    (corpus / "en" / "password-reset.txt").unlink()
    third = index_corpus([corpus], store, emb, collection=col)
    assert (third.indexed, third.removed, third.unchanged) == (1, 1, 20)
    searcher = Searcher(store, emb, col)
    paths = {m["path"] for m in searcher.metas}
    assert not any(p.endswith("password-reset.txt") for p in paths)
    tiny = [m for m in searcher.metas if str(m["path"]).endswith("db-backup-restore-runbook.md")]
    assert len(tiny) == len(chunk_document(load_document(changed)))

    hits = searcher.search("XQ-77", k=3)
    assert hits[0].path.endswith("db-backup-restore-runbook.md")
    form = searcher.search("FRM-QA-017", k=10, language="de")
    assert form and all(h.language == "de" for h in form)
    grouped = searcher.search("Datensicherung Band Tresor", k=5, group=True)
    assert len({h.path for h in grouped}) == len(grouped)
    only_ru = searcher.search("журнал", k=5, path_glob="*/ru/*")
    assert only_ru and all("/ru/" in h.path for h in only_ru)
    section = searcher.search("who is responsible", k=5, section="responsibilities")
    assert section and all(h.section_id == "responsibilities" for h in section)

    docs = SopgenRetriever(searcher=searcher, k=2).invoke("XQ-77 gadget")
    assert docs[0].metadata["path"].endswith("db-backup-restore-runbook.md") and docs[0].metadata["line"] >= 1


def test_mixing_embedding_models_is_refused(store: str, corpus: Path, request: pytest.FixtureRequest) -> None:
    col = _collection(request)
    index_corpus([corpus / "en"], store, HashEmbeddings(), collection=col)
    with pytest.raises(IndexStoreError, match="built with embedding model 'hash', not 'e5-small'"):
        index_corpus([corpus / "en"], store, E5Embeddings(), collection=col)


def test_cross_lingual_retrieval_with_bundled_e5(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "backup.de.md").write_text("# Datensicherung\n\n## Ablauf\nDie Bänder werden jeden Freitag in den "
                                       "Tresor gelegt und fünf Wochen aufbewahrt.\n", encoding="utf-8")
    (root / "fire.ru.md").write_text("# Пожар\n\n## Порядок действий\nПри пожаре сотрудники покидают здание по "
                                     "эвакуационным выходам.\n", encoding="utf-8")
    (root / "phone.en.md").write_text("# Hotline\n\n## Procedure\nGreet the caller and verify the account "
                                      "number.\n", encoding="utf-8")
    emb = E5Embeddings()
    index_corpus([root], str(tmp_path / "idx"), emb)
    searcher = Searcher(str(tmp_path / "idx"), emb)
    assert searcher.search("how long are backup tapes kept", 1, mode="dense")[0].path.endswith("backup.de.md")
    assert searcher.search("what to do in case of fire", 1, mode="dense")[0].path.endswith("fire.ru.md")


def test_cli_search_json_contract(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"SOPGEN_EMBEDDING": "hash"}
    store = str(tmp_path / "cli-index")
    result = runner.invoke(app, ["index", str(corpus), "--store", store], env=env)
    assert result.exit_code == 0, result.output
    out = runner.invoke(app, ["search", "FRM-QA-017", "--store", store, "--k", "3", "--format", "json"], env=env)
    hits = json.loads(out.output)
    assert len(hits) == 3
    assert set(hits[0]) >= {"path", "heading", "line", "score", "text"}
    assert "FRM-QA-017" in hits[0]["text"]
    missing = runner.invoke(app, ["search", "x", "--store", str(tmp_path / "nothing")], env=env)
    assert missing.exit_code == 2 and "no index" in missing.output


def test_killed_index_run_resumes_to_exactly_the_right_chunks(tmp_path: Path) -> None:
    """SIGKILL a real `sopgen index` subprocess mid-run, run it again, compare with the expected chunk set."""
    share = tmp_path / "share"
    share.mkdir()
    sources = [p for p in CORPORA.glob("*/*") if p.suffix in (".md", ".txt", ".rst") and p.name != "README.md"]
    for i in range(150):
        src = sources[i % len(sources)]
        text = load_document(src).text
        (share / f"doc-{i:03d}{src.suffix}").write_text(f"Copy {i}\n\n{text}", encoding="utf-8")
    store = str(tmp_path / "idx")
    env = {**os.environ, "SOPGEN_EMBEDDING": "hash", "SOPGEN_NO_PLUGINS": "1"}
    cmd = [sys.executable, "-m", "sopgen", "index", str(share), "--store", store]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    done = 0
    for line in proc.stderr:
        if line.startswith("indexed "):
            done += 1
        if done >= 20:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = index_stats(store)
    assert 0 < partial["documents"] < 150, "the run must be killed mid-way for this test to mean anything"
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    expected = {}
    for f in share.iterdir():
        for c in chunk_document(load_document(f, display_path=identity(str(f)))):  # resolved, relative to cwd
            expected[c.id] = (c.path, c.content_hash, c.doc_hash)
    from sopgen.index.store import open_client

    data = open_client(store).get_collection("sopgen").get(include=["metadatas"])
    got = {cid: (m["path"], m["content_hash"], m["doc_hash"]) for cid, m in zip(data["ids"], data["metadatas"], strict=True)}
    assert len(data["ids"]) == len(got)  # no duplicate ids
    assert got == expected
