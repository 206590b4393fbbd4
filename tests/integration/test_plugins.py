"""The example plugin, really installed with pip, proves all four hooks; a broken plugin only warns."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    source = tmp_path_factory.mktemp("src") / "plugin"
    shutil.copytree(ROOT / "examples" / "sopgen-acme-plugin", source)  # setuptools builds in place: not in the repo
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(source)], check=True)
    return target


def sopgen(args: list[str], pythonpath: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOPGEN_NO_PLUGINS"}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    return subprocess.run([sys.executable, "-m", "sopgen", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_all_four_hooks(plugin_path: Path, tmp_path: Path) -> None:
    listed = sopgen(["profiles", "list"], [plugin_path], tmp_path)
    assert listed.returncode == 0 and "acme-lab" in listed.stdout and "plugin:acme" in listed.stdout

    doc = tmp_path / "share" / "spill.acme"
    doc.parent.mkdir()
    doc.write_text("TITLE: Acid spill\n== Purpose ==\nThis procedure exists so that spills are contained.\n"
                   "== Scope ==\nApplies to lab 2.\n== Procedure ==\n1. The technician uses the kit for synergy.\n"
                   "2. The technician calls the lab lead.\n3. The lab lead records the spill.\n", encoding="utf-8")
    checked = sopgen(["check", str(doc), "--profile", "acme-lab", "--format", "json"], [plugin_path], tmp_path)
    report = json.loads(checked.stdout)["documents"][0]
    assert report["error"] is None  # the .acme loader read it
    assert {s["id"]: s["status"] for s in report["sections"]}["waste"] == "missing"  # the plugin profile's own id
    banned = [f for f in report["findings"] if f["rule"] == "acme-banned-words"]
    assert [(f["line"], f["text"]) for f in banned] == [(7, "synergy")]  # the plugin's rule pack ran

    exported = sopgen(["gaps", str(doc.parent), "--profile", "acme-lab", "--format", "acme-scores"], [plugin_path],
                      tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert list(json.loads(exported.stdout)) == [f"{doc.parent}/spill.acme"]


def test_broken_plugin_warns_and_sopgen_still_works(plugin_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken-site"
    info = broken / "sopgen_broken-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sopgen-broken\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[sopgen]\nbroken = sopgen_broken_does_not_exist\n")
    result = sopgen(["profiles", "list"], [plugin_path, broken], tmp_path)
    assert result.returncode == 0
    assert "sopgen plugin 'broken' failed to load" in result.stderr
    assert "acme-lab" in result.stdout and "basic" in result.stdout
