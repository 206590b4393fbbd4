"""The README's Python snippets run as written (from the repository root, offline)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_readme_python_snippets_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 2
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOPGEN_CACHE_DIR", str(tmp_path / "cache"))
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "vague-time" in out and "offline ['purpose'" in out


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert first_block is not None
    assert [line.split()[1] for line in first_block.group(1).strip().splitlines()] == ["scripts/demo.sh", "scripts/test.sh"]
    run = (ROOT / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in run
