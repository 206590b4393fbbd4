from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage
from typer.testing import CliRunner

from sopgen.checks.reviewer import llm_review
from sopgen.cli import app
from sopgen.documents import load_bytes
from sopgen.llm.testing import ScriptedToolModel

TEXT = "# Procedure\n1. Check the valve.\n2. Restart things as appropriate and tell the team.\n"


def test_reviewer_findings_point_at_real_text() -> None:
    def respond(tool: str, messages: list[BaseMessage]) -> dict[str, Any]:
        assert "<<<SOURCE" in messages[-1].text and "Restart things" in messages[-1].text
        return {"items": [
            {"quote": "tell the team", "problem": "Which team, and how?", "suggestion": "Call the shift lead on 7100."},
            {"quote": "words the model made up", "problem": "x", "suggestion": "y"},
        ]}

    doc = load_bytes(TEXT.encode(), "md", "sop.md")
    findings = llm_review(doc, ScriptedToolModel(responder=respond), method="function_calling")
    assert [(f.rule, f.line, f.column, f.end_column, f.text) for f in findings] == [
        ("llm-review", 3, 38, 51, "tell the team")
    ]
    assert doc.lines[2][37:50] == "tell the team"


def test_review_needs_a_model(tmp_path: Path) -> None:
    path = tmp_path / "sop.md"
    path.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path), "--review", "-p", "basic"], env={"SOPGEN_ENGINE": "offline"})
    assert result.exit_code == 2 and "--review needs a model" in result.output
