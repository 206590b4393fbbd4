"""Small hostile files beside good ones: every verb ends in bounded time and memory, the bad file becomes a
clear error entry naming it, and the good files are still analysed and reported."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.hostile.conftest import run_sopgen

GOOD = "# Purpose\nKeep the backups.\n\n# Procedure\n1. The operator starts the job.\n2. The operator checks the log.\n"

# Each of these once held a whole batch for 14 s to over 5 minutes (a regular expression backtracking).
RUNAWAY = {
    "atx-heading.md": "# " + "a " * 1500 + "\n",
    "bold-spaces.md": "**a**" + " " * 40_000 + "x\n",
    "email-letters.md": "a" * 40_000 + "\n",
    "email-dots.md": "1." * 20_000 + "\n",
    "spaces.md": " " * 200_000 + "x\n",
    "comments.md": "<!-- " * 20_000 + "\n",
    "unclosed-tags.html": "<div " * 20_000 + "\n",
    "many-items.md": "1. x\n" * 20_000,
}


def _report(path: Path) -> dict[str, dict[str, object]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {Path(d["path"]).name: d for d in data["documents"]}


def test_backtracking_inputs_end_and_the_good_file_is_kept(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "good.md").write_text(GOOD, encoding="utf-8")
    for name, text in RUNAWAY.items():
        (share / name).write_text(text, encoding="utf-8")
    run = run_sopgen(["gaps", str(share), "-p", "basic", "-f", "json", "-o", str(tmp_path / "r.json"), "--jobs", "2"],
                     wall_s=180, label="gaps over backtracking inputs")
    assert run.returncode in (0, 1), run.stderr
    docs = _report(tmp_path / "r.json")
    assert set(docs) == {"good.md", *RUNAWAY}
    assert docs["good.md"]["error"] is None and docs["good.md"]["score"] is not None
    for name in RUNAWAY:  # analysed, or stopped by the budget with a message naming the file
        assert docs[name]["error"] is None or "timed out" in str(docs[name]["error"]), docs[name]["error"]


def test_a_runaway_file_is_stopped_by_the_time_budget(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "good.md").write_text(GOOD, encoding="utf-8")
    # 15 MB on one line (under the 20 MB size limit): about 4 s of work, well past the 1 s budget however
    # the machine's load varies (5 MB took 1.4 s once the scans got faster, too close to the budget)
    (share / "huge-line.md").write_text("word " * 3_000_000 + "\n", encoding="utf-8")
    run = run_sopgen(["gaps", str(share), "-p", "basic", "-f", "json", "-o", str(tmp_path / "r.json"),
                      "--timeout", "1"], wall_s=60, label="gaps --timeout 1 on a 15 MB line")
    assert run.returncode == 1
    docs = _report(tmp_path / "r.json")
    assert "huge-line.md: timed out after 1 s" in str(docs["huge-line.md"]["error"])
    assert docs["good.md"]["error"] is None and docs["good.md"]["score"] is not None
    check = run_sopgen(["check", str(share / "huge-line.md"), "--timeout", "1"], wall_s=60, label="check --timeout 1")
    assert check.returncode == 2 and "timed out after 1 s" in check.stdout + check.stderr


def _docx_bomb(path: Path, unpacked_mb: int) -> None:
    """A real .docx whose document.xml inflates to `unpacked_mb` MB (a few hundred KB on disk)."""
    import docx

    buffer = io.BytesIO()
    doc = docx.Document()
    doc.add_paragraph("Purpose")
    doc.save(buffer)
    # deflate level 1: 2.7 MB on disk for 600 MB, in a third of the default level's time
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                padding = b"<!--" + b" " * (unpacked_mb * 1024 * 1024) + b"-->"
                data = data.replace(b"<w:body>", b"<w:body>" + padding, 1)
            out.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)


def test_a_docx_bomb_is_refused_before_it_inflates(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    _docx_bomb(bomb, 600)
    assert bomb.stat().st_size < 5 * 1024 * 1024
    run = run_sopgen(["check", str(bomb)], wall_s=60, label="check docx bomb (600 MB unpacked)")
    assert run.returncode == 2
    assert "bomb.docx: document too large once unpacked" in run.stdout + run.stderr
    assert run.peak_mb < 1500


def test_devices_fifos_and_oversized_files_are_errors_not_hangs(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "good.md").write_text(GOOD, encoding="utf-8")
    (share / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(share / "fifo.md")
    with (share / "big.txt").open("wb") as fh:  # 200 MB, sparse: stat says so, but nothing is read
        fh.truncate(200 * 1024 * 1024)
    out = tmp_path / "r.json"
    run = run_sopgen(["gaps", str(share), "-p", "basic", "-f", "json", "-o", str(out)], wall_s=60, label="gaps devices")
    assert run.returncode == 1
    docs = _report(out)
    assert "zero.md: is a device, not a regular file" in str(docs["zero.md"]["error"])
    assert "fifo.md: is a FIFO, not a regular file" in str(docs["fifo.md"]["error"])
    assert "larger than the 20 MB limit" in str(docs["big.txt"]["error"]) and "--max-mb" in str(docs["big.txt"]["error"])
    assert docs["good.md"]["error"] is None
    for verb in (["check", str(share / "zero.md")], ["check", str(share / "fifo.md")]):
        result = run_sopgen(verb, wall_s=30, label=" ".join(verb[:1]) + " device")
        assert result.returncode == 2 and "not a regular file" in result.stdout + result.stderr
    index = run_sopgen(["index", str(share), "--store", str(tmp_path / "idx")], wall_s=120, label="index devices",
                       env={"SOPGEN_EMBEDDING": "hash"})
    assert index.returncode == 1, index.stderr
    assert "indexed 1," in index.stderr and "failed 3" in index.stderr
    assert "fifo.md: is a FIFO" in index.stderr


def test_a_file_name_that_is_not_utf8_is_kept_and_shown_escaped(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "good.md").write_text(GOOD, encoding="utf-8")
    with open(os.path.join(os.fsencode(share), b"latin\xe9.md"), "wb") as fh:
        fh.write(GOOD.encode())
    out = tmp_path / "r.json"
    run = run_sopgen(["gaps", str(share), "-p", "basic", "-f", "json", "-o", str(out), "--resume"], wall_s=60,
                     label="gaps non-utf8 name")
    assert run.returncode == 0, run.stderr
    docs = _report(out)
    assert docs["latin\\xe9.md"]["error"] is None and docs["latin\\xe9.md"]["score"] == docs["good.md"]["score"]
    again = run_sopgen(["gaps", str(share), "-p", "basic", "-f", "json", "-o", str(out), "--resume"], wall_s=60)
    assert again.returncode == 0 and set(_report(out)) == set(docs)
    index = run_sopgen(["index", str(share), "--store", str(tmp_path / "idx")], wall_s=120, env={"SOPGEN_EMBEDDING": "hash"})
    assert index.returncode == 0, index.stderr
    found = run_sopgen(["search", "backups", "--store", str(tmp_path / "idx"), "--format", "json", "--k", "5"],
                       wall_s=120, env={"SOPGEN_EMBEDDING": "hash"})
    assert any(h["path"].endswith("latin\\xe9.md") for h in json.loads(found.stdout))


def test_one_folder_under_three_spellings_is_indexed_once(tmp_path: Path) -> None:
    work = tmp_path / "work"
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    for i in range(3):
        (corpus / f"d{i}.md").write_text(GOOD.replace("backups", f"backups of system {i}"), encoding="utf-8")
    store = str(tmp_path / "idx")
    env = {"SOPGEN_EMBEDDING": "hash"}
    for spelling in ("corpus", "../work/corpus", str(corpus)):
        assert run_sopgen(["index", spelling, "--store", store], cwd=work, env=env).returncode == 0
    stats = run_sopgen(["index", "--stats", "--store", store], cwd=work, env=env)
    assert json.loads(stats.stdout)["documents"] == 3
    found = json.loads(run_sopgen(["search", "backups of system 1", "--store", store, "--format", "json", "--k", "9"],
                                  cwd=work, env=env).stdout)
    assert len({(h["path"], h["line"]) for h in found}) == len(found)  # no chunk comes back twice


def test_two_index_runs_on_one_store_wait_for_each_other(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(150):
        (corpus / f"d{i:03d}.md").write_text(GOOD + f"\n# Records\nLog {i} is kept for {i} days.\n" * 4, "utf-8")
    store = str(tmp_path / "idx")
    env = {**os.environ, "SOPGEN_EMBEDDING": "hash"}
    cmd = [sys.executable, "-m", "sopgen", "index", str(corpus), "--store", store]
    first = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    second = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    _, err1 = first.communicate(timeout=300)
    _, err2 = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert "indexed 150" in err1 + err2 and "unchanged 150" in err1 + err2  # the second found the work done
    import chromadb

    col = chromadb.PersistentClient(path=store).get_collection("sopgen")
    data = col.get(include=["embeddings", "metadatas"])
    assert len({m["path"] for m in data["metadatas"]}) == 150
    assert len(data["ids"]) == len(set(data["ids"])) and all(len(e) > 0 for e in data["embeddings"])


def test_kill_9_of_gaps_leaves_no_orphaned_workers(tmp_path: Path) -> None:
    import psutil

    share = tmp_path / "share"
    share.mkdir()
    for i in range(400):
        (share / f"d{i:03d}.md").write_text(GOOD * 40, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "sopgen", "gaps", str(share), "--jobs", "2", "-f", "json", "-o",
                             str(tmp_path / "r.json")], stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    deadline = time.time() + 60
    workers: list[psutil.Process] = []
    while len(workers) < 2 and time.time() < deadline:
        workers = parent.children(recursive=True)
        time.sleep(0.1)
    assert len(workers) >= 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"orphaned workers: {[p.pid for p in alive]}"


def test_bad_configuration_and_output_places_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "sopgen.toml").write_text('[sopgen.checks]\nextra_rule_files = ["words.yaml"]\n', encoding="utf-8")
    (tmp_path / "words.yaml").write_text("language: en\nrules:\n  - {id: Bad}\n", encoding="utf-8")
    run = run_sopgen(["check", "a.md"], cwd=tmp_path)
    assert run.returncode == 2 and "words.yaml:3" in run.stderr and "Traceback" not in run.stderr
    assert "[a-z]" in run.stderr  # the message is printed as text, not eaten as console markup
    (tmp_path / "sopgen.toml").unlink()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = run_sopgen(["gaps", "a.md", "-f", "json", "-o", "file/sub/r.json"], cwd=tmp_path)
    assert out.returncode == 2 and "file/sub/r.json: cannot write the output" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("verb", ["check", "gaps"])
def test_a_crashing_rule_file_does_not_stop_the_batch(tmp_path: Path, verb: str) -> None:
    """A user rule with a catastrophic regex is stopped by the budget, not left running."""
    (tmp_path / "a.md").write_text("# Purpose\n" + "a" * 40 + "!\n", encoding="utf-8")
    (tmp_path / "sopgen.toml").write_text('[sopgen.checks]\nextra_rule_files = ["words.yaml"]\n', encoding="utf-8")
    (tmp_path / "words.yaml").write_text(
        "language: en\nrules:\n  - id: evil\n    message: m\n    suggestion: s\n    patterns: ['(a+)+$']\n",
        encoding="utf-8")
    args = [verb, "a.md", "--timeout", "2"] + (["-f", "json", "-o", "r.json"] if verb == "gaps" else [])
    run = run_sopgen(args, cwd=tmp_path, wall_s=60, label=f"{verb} with a catastrophic user regex")
    assert run.returncode in (1, 2)
    assert "timed out after 2 s" in run.stdout + run.stderr + (
        (tmp_path / "r.json").read_text() if verb == "gaps" else "")


def test_indexing_dot_removes_files_deleted_below_it(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text(GOOD.replace("backups", "tapes"), encoding="utf-8")
    env = {"SOPGEN_EMBEDDING": "hash"}
    assert run_sopgen(["index", ".", "--store", str(tmp_path / ".idx")], cwd=tmp_path, env=env).returncode == 0
    (tmp_path / "sub" / "b.md").unlink()
    again = run_sopgen(["index", ".", "--store", str(tmp_path / ".idx")], cwd=tmp_path, env=env)
    assert "removed 1," in again.stderr, again.stderr
