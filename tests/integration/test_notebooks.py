"""The worked examples in notebooks/ are executed for real (nbclient, offline engine) so they never rot."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
pytestmark = pytest.mark.integration


def test_there_are_worked_examples() -> None:
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_displays_rich_output(path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOPGEN_CACHE_DIR", str(tmp_path / "cache"))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    rich = [o for o in outputs if o.output_type in ("execute_result", "display_data")
            and ({"text/html", "text/markdown", "image/svg+xml"} & set(o.get("data", {})))]
    assert rich, "the notebook's objects should display themselves as HTML/Markdown/SVG"
    bars = [o for o in rich if "text/html" in o.get("data", {}) and ("gaps: " in o["data"]["text/html"]
                                                                   or "index: " in o["data"]["text/html"])]
    if path.stem in ("01-draft-from-brief", "03-gap-analysis"):
        assert bars and "/" in bars[0]["data"]["text/html"]  # the long operation showed a progress bar
