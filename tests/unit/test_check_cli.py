"""`sopgen check` end to end: exit codes, formats, config, suppression, SARIF validity."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from sopgen.cli import app

runner = CliRunner()

GOOD = """# Purpose
This procedure describes how the night operator restores the file server.

# Scope
It applies to the file server FS01 in Leeds.

# Resources
The operator needs the vault key and the restore laptop.

# Procedure
1. The operator opens the backup console.
2. The operator restores yesterday's snapshot.

# Revision history
| Version | Date |
|---|---|
| 1.0 | 2024-05-01 |
"""

VAGUE = GOOD.replace("restores yesterday's snapshot.", "restores the snapshot promptly, if necessary.")


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    good, vague = tmp_path / "good.md", tmp_path / "vague.md"
    good.write_text(GOOD, encoding="utf-8")
    vague.write_text(VAGUE, encoding="utf-8")
    return {"good": good, "vague": vague}


def test_clean_document_exits_zero(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["check", str(files["good"]), "--profile", "basic"])
    assert result.exit_code == 0, result.output
    assert "score 100" in result.output


def test_fail_on_threshold(files: dict[str, Path]) -> None:
    assert runner.invoke(app, ["check", str(files["vague"]), "-p", "basic"]).exit_code == 0  # only warnings
    result = runner.invoke(app, ["check", str(files["vague"]), "-p", "basic", "--fail-on", "warning"])
    assert result.exit_code == 1
    assert f"{files['vague']}:12:39: warning vague-time" in result.output and "vague-time" in result.output


def test_json_findings_have_contract_fields(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["check", str(files["vague"]), "-p", "basic", "-f", "json"])
    data = json.loads(result.output)
    assert data["schema_version"] == 1 and data["profile"] == "basic"
    doc = data["documents"][0]
    assert {s["id"] for s in doc["sections"]} == {"purpose", "scope", "resources", "procedure", "revision_history"}
    finding = next(f for f in doc["findings"] if f["rule"] == "vague-time")
    contract = {"rule": "vague-time", "category": "ambiguity", "severity": "warning", "line": 12, "column": 39,
                "end_line": 12, "end_column": 47, "text": "promptly"}
    assert {k: finding[k] for k in contract} == contract
    assert finding["message"] and finding["suggestion"] and len(finding["fingerprint"]) == 20
    line = VAGUE.split("\n")[11]
    assert line[finding["column"] - 1 : finding["end_column"] - 1] == "promptly"


def test_sarif_is_valid_2_1_0(files: dict[str, Path]) -> None:
    from sarif_pydantic import Sarif

    result = runner.invoke(app, ["check", str(files["vague"]), str(files["good"]), "-p", "full", "-f", "sarif"])
    sarif = json.loads(result.output)
    schema = Sarif.model_json_schema(by_alias=True)
    jsonschema.validate(sarif, schema)
    Sarif.model_validate(sarif)
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "missing-section" in rule_ids and "vague-time" in rule_ids
    for res in run["results"]:
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        assert res["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_config_disables_rules_and_sets_severity(files: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "sopgen.toml").write_text('[sopgen.checks]\ndisable = ["escape-clause"]\n'
                                          '[sopgen.checks.severity]\nvague-time = "error"\n')
    result = runner.invoke(app, ["check", str(files["vague"]), "-p", "basic", "-f", "json"])
    findings = json.loads(result.output)["documents"][0]["findings"]
    assert not any(f["rule"] == "escape-clause" for f in findings)
    assert [f["severity"] for f in findings if f["rule"] == "vague-time"] == ["error"]
    assert result.exit_code == 1


def test_inline_suppression(tmp_path: Path) -> None:
    path = tmp_path / "s.md"
    path.write_text("Call us promptly.\n<!-- sopgen-disable vague-time -->\nCall us promptly.\n"
                    "<!-- sopgen-enable -->\nCall us promptly.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "-p", "basic", "-f", "json"])
    lines = [f["line"] for f in json.loads(result.output)["documents"][0]["findings"] if f["rule"] == "vague-time"]
    assert lines == [1, 5]


def test_usage_errors_exit_two(files: dict[str, Path], tmp_path: Path) -> None:
    assert runner.invoke(app, ["check", str(files["good"]), "-p", "nope"]).exit_code == 2
    assert runner.invoke(app, ["check", str(files["good"]), "-f", "xml"]).exit_code == 2
    missing = runner.invoke(app, ["check", str(tmp_path / "missing.md")])
    assert missing.exit_code == 2 and "missing.md: file not found" in missing.output


def test_sample_corpus_checks_without_errors() -> None:
    corpora = Path(__file__).resolve().parents[2] / "corpora"
    docs = [p for p in corpora.glob("*/*") if p.suffix in (".md", ".txt", ".rst", ".html")]
    assert len(docs) >= 15
    result = runner.invoke(app, ["check", *map(str, docs), "-p", "basic", "-f", "json"])
    data = json.loads(result.output)
    assert data["summary"]["failed"] == 0
    assert {d["language"] for d in data["documents"]} == {"en", "de", "ru"}


FRENCH = ("Le technicien vérifie la pompe avant le démarrage. Il note les valeurs dans le registre et informe "
          "le responsable de la production si une valeur est hors des limites. La procédure est révisée chaque "
          "année par le service qualité.\n")


def test_unsupported_language_is_reported_and_language_can_be_forced(tmp_path: Path) -> None:
    from sopgen.documents.language import other_language

    french = tmp_path / "fr.md"
    french.write_text(FRENCH, encoding="utf-8")
    result = runner.invoke(app, ["check", str(french), "-p", "basic", "-f", "json"])
    doc = json.loads(result.output)["documents"][0]
    assert any("French (fr)" in w and "--language" in w for w in doc["warnings"])
    text = runner.invoke(app, ["check", str(french), "-p", "basic"]).output
    assert "fr.md: warning: the text looks like French" in text
    forced = json.loads(runner.invoke(app, ["check", str(french), "-p", "basic", "-f", "json", "--language", "de"])
                        .output)["documents"][0]
    assert forced["language"] == "de" and forced["warnings"] == []
    bad = runner.invoke(app, ["check", str(french), "--language", "fr"])
    assert bad.exit_code == 2 and "en, de, ru" in bad.output
    # the documents sopgen does have rules for are not mistaken for another language
    assert other_language(GOOD) is None
    assert other_language("Der Bediener prüft die Pumpe vor dem Start und trägt die Werte in das Protokoll ein. "
                          "Wenn ein Wert außerhalb der Grenzen liegt, informiert er die Schichtleitung.") is None
    assert other_language("Оператор проверяет насос перед пуском и записывает значения в журнал. Если значение "
                          "выходит за пределы, он сообщает мастеру смены.") is None
    assert other_language("Оператор перевіряє насос перед пуском і записує значення в журнал. Якщо значення "
                          "виходить за межі, він повідомляє майстра зміни і чекає на його рішення.") == "uk"
