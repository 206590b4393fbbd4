"""Acme's sopgen plugin: every hook sopgen offers, in a dozen lines each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def profiles() -> list[Path]:
    return [HERE / "acme-lab.yaml"]


def rule_packs() -> list[Path]:
    return [HERE / "acme-words.yaml"]


def load_acme(path: Path) -> Any:
    """'.acme' files are Acme's old wiki export: 'TITLE:' then '== Heading ==' sections."""
    from sopgen.documents import load_bytes

    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("TITLE:"):
            lines.append("# " + line[6:].strip())
        elif line.startswith("==") and line.endswith("=="):
            lines.append("## " + line.strip("= "))
        else:
            lines.append(line)
    doc = load_bytes("\n".join(lines).encode("utf-8"), "md", str(path))
    return doc.model_copy(update={"text": path.read_text(encoding="utf-8")})


def loaders() -> dict[str, Any]:
    return {".acme": load_acme}


def export_scores(report: Any) -> str:
    """A one-line-per-document score list for Acme's dashboard."""
    return json.dumps({d.path: d.score for d in report.documents}, indent=2)


def exporters() -> dict[str, Any]:
    return {"acme-scores": export_scores}
