"""The pre-commit hook run by `pre-commit try-repo` on a fixture repository, and the CI examples' commands."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GOOD = """# Purpose
The night operator restores the file server from the last backup.

# Scope
File server FS01 in Leeds.

# Resources
The vault key and the restore laptop.

# Procedure
1. The operator opens the backup console.
2. The operator restores yesterday's snapshot.

# Revision history
| Version | Date |
|---|---|
| 1.0 | 2026-05-01 |
"""


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=ci@example.org", "-c", "user.name=ci", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the sopgen git checkout (try-repo clones it)")
def test_pre_commit_try_repo_runs_the_hook(tmp_path: Path) -> None:
    """One real hook run (pre-commit installs sopgen into its own environment) over a good SOP and a vague
    one without a scope: the hook fails on the vague one only."""
    repo = tmp_path / "team-sops"
    repo.mkdir()
    (repo / "sopgen.toml").write_text('[sopgen]\nprofile = "basic"\n', encoding="utf-8")
    (repo / "restore.md").write_text(GOOD, encoding="utf-8")
    (repo / "vague.md").write_text(GOOD.replace("# Scope\nFile server FS01 in Leeds.\n\n", "")
                                   .replace("yesterday's snapshot", "the snapshot as soon as possible"),
                                   encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "SOPs")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "sopgen-check", "--all-files"]

    failed = subprocess.run(pre_commit, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert failed.returncode == 1, failed.stdout[-3000:] + failed.stderr[-2000:]
    assert re.search(r"sopgen check\.+Failed", failed.stdout)
    assert "vague.md:1:1: error missing-section Required section 'scope'" in failed.stdout
    assert "restore.md:" not in failed.stdout.split("Failed", 1)[1].replace("restore.md: score", "")


def test_plain_install_checks_without_the_drafting_stack(tmp_path: Path) -> None:
    """`pip install sopgen`, as the pre-commit hook and the CI examples install it: check works, the drafting
    stack (Chroma, LangChain, the e5 model) is not installed, and a verb that needs it names the extra."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                          str(ROOT)], capture_output=True, text=True, timeout=900)
    assert pip.returncode == 0, pip.stderr[-3000:]
    (tmp_path / "restore.md").write_text(GOOD, encoding="utf-8")
    sopgen = str(venv / "bin" / "sopgen")
    check = subprocess.run([sopgen, "check", "restore.md", "--profile", "basic"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    probe = subprocess.run([str(venv / "bin" / "python"), "-c", "import chromadb"], capture_output=True)
    assert probe.returncode != 0
    for verb in (["search", "restore"], ["index", "."]):
        run = subprocess.run([sopgen, *verb], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert run.returncode == 2, run.stdout + run.stderr
        assert f"sopgen {verb[0]} needs the 'draft' extra" in run.stderr and "pip install 'sopgen[draft]'" in run.stderr


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def _sopgen_commands(example: Path) -> list[list[str]]:
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    return [shlex.split(s) for s in _strings(data) if s.startswith(("sopgen check", "sopgen gaps"))]


@pytest.mark.parametrize("example", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_examples_commands_run(example: str, tmp_path: Path) -> None:
    """Every sopgen command of the CI examples runs as written on a small repository, writing its report."""
    sops = tmp_path / "docs" / "sops"
    sops.mkdir(parents=True)
    (sops / "restore.md").write_text(GOOD, encoding="utf-8")
    commands = _sopgen_commands(ROOT / "examples" / "ci" / example)
    assert commands, f"{example} runs no sopgen command"
    sopgen = shutil.which("sopgen", path=str(Path(sys.executable).parent)) or "sopgen"
    subprocess.run([sopgen, "check", "docs/sops/restore.md", "--profile", "gmp", "--write-baseline",
                    ".sopgen-baseline.json"], cwd=tmp_path, capture_output=True, check=False)
    for command in commands:
        args = []
        for arg in command[1:]:
            if "*" in arg:
                args += [str(p.relative_to(tmp_path)) for p in sorted(tmp_path.glob(arg))]
            else:
                args.append(arg)
        run = subprocess.run([sopgen, *args], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, f"{' '.join(command)}: {run.returncode}\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
        out = args[args.index("--output") + 1]
        assert (tmp_path / out).stat().st_size > 100
