"""Baselines: known findings stay known when lines move, new ones fail the run, SARIF says which is which."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sopgen.cli import app

runner = CliRunner()

DOC = """# Purpose
Backups are checked regularly.

# Procedure
1. The operator restarts the service as soon as possible.
2. The operator closes the ticket.
"""


def _check(path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["check", str(path), "-p", "basic", *args])
    return result.exit_code, result.output


def test_round_trip_moved_lines_stay_known_new_findings_fail(tmp_path: Path) -> None:
    doc, baseline = tmp_path / "sop.md", tmp_path / "baseline.json"
    doc.write_text(DOC, encoding="utf-8")
    code, _ = _check(doc, "--fail-on", "warning", "--write-baseline", str(baseline))
    assert code == 0  # what was just recorded is known
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert {e["rule"] for e in recorded["entries"]} >= {"vague-time", "passive-voice", "missing-section"}

    # a line inserted above the findings and the steps renumbered: nothing new
    moved = DOC.replace("# Purpose\n", "# Purpose\nThis procedure keeps the file server usable.\n")
    moved = moved.replace("1. The operator restarts", "1. The operator logs in.\n2. The operator restarts")
    moved = moved.replace("2. The operator closes", "3. The operator closes")
    doc.write_text(moved, encoding="utf-8")
    code, out = _check(doc, "--fail-on", "warning", "--baseline", str(baseline))
    assert code == 0, out
    assert "vague-time" not in out.split("score")[0]  # known findings are not listed
    assert "0 new" in out

    # a new vague phrase is a new finding: it is shown and fails the run
    doc.write_text(moved + "4. The operator archives the log quickly.\n", encoding="utf-8")
    code, out = _check(doc, "--fail-on", "warning", "--baseline", str(baseline))
    assert code == 1
    assert ":9:" in out and "quickly" in out and "1 new" in out

    # without the baseline, every finding counts again
    assert _check(doc, "--fail-on", "warning")[0] == 1


def test_changed_wording_is_new_and_fixed_findings_are_counted_as_gone(tmp_path: Path) -> None:
    doc, baseline = tmp_path / "sop.md", tmp_path / "b.json"
    doc.write_text(DOC, encoding="utf-8")
    _check(doc, "--write-baseline", str(baseline))
    doc.write_text(DOC.replace("as soon as possible", "within 15 minutes, as soon as possible"), encoding="utf-8")
    result = runner.invoke(app, ["check", str(doc), "-p", "basic", "--baseline", str(baseline), "-f", "json"])
    data = json.loads(result.output)
    states = {f["rule"]: f["baseline"] for f in data["documents"][0]["findings"] if f["line"] == 5}
    assert states == {"vague-time": "new"}  # its line changed, so it is looked at again
    assert data["summary"]["baseline"]["absent"] == 1


def test_sarif_marks_baseline_state(tmp_path: Path) -> None:
    doc, baseline = tmp_path / "sop.md", tmp_path / "b.json"
    doc.write_text(DOC, encoding="utf-8")
    _check(doc, "--write-baseline", str(baseline))
    doc.write_text(DOC + "3. The operator archives the log quickly.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(doc), "-p", "basic", "--baseline", str(baseline), "-f", "sarif"])
    results = json.loads(result.output)["runs"][0]["results"]
    by_state = {r["baselineState"] for r in results if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 7}
    assert by_state == {"new"}
    assert {r["baselineState"] for r in results} == {"new", "unchanged"}
    assert all(r["partialFingerprints"]["sopgen/v1"] for r in results)


def test_update_keeps_entries_of_files_not_checked(tmp_path: Path) -> None:
    a, b, baseline = tmp_path / "a.md", tmp_path / "b.md", tmp_path / "b.json"
    a.write_text(DOC, encoding="utf-8")
    b.write_text("# Purpose\nFiles are deleted quickly.\n", encoding="utf-8")
    runner.invoke(app, ["check", str(a), str(b), "-p", "basic", "--write-baseline", str(baseline)])
    a.write_text(DOC.replace("regularly", "every Monday"), encoding="utf-8")
    runner.invoke(app, ["check", str(a), "-p", "basic", "--write-baseline", str(baseline)])
    entries = json.loads(baseline.read_text(encoding="utf-8"))["entries"]
    assert any(e["path"].endswith("b.md") and e["rule"] == "vague-time" for e in entries)
    assert not any(e["path"].endswith("a.md") and e["text"] == "regularly" for e in entries)


def test_gaps_baseline_and_fail_on(tmp_path: Path) -> None:
    folder, baseline = tmp_path / "docs", tmp_path / "b.json"
    folder.mkdir()
    (folder / "a.md").write_text(DOC, encoding="utf-8")
    assert runner.invoke(app, ["gaps", str(folder), "-p", "basic", "--fail-on", "warning"]).exit_code == 1
    result = runner.invoke(app, ["gaps", str(folder), "-p", "basic", "--fail-on", "warning",
                                 "--write-baseline", str(baseline)])
    assert result.exit_code == 0
    (folder / "a.md").write_text(DOC + "3. The operator archives the log quickly.\n", encoding="utf-8")
    result = runner.invoke(app, ["gaps", str(folder), "-p", "basic", "--fail-on", "warning", "--baseline",
                                 str(baseline), "-f", "json"])
    assert result.exit_code == 1
    assert json.loads(result.output[result.output.index("{"):])["summary"]["baseline"]["new"] == 1


def test_bad_baseline_is_a_usage_error_naming_the_file(tmp_path: Path) -> None:
    doc, bad = tmp_path / "sop.md", tmp_path / "bad.json"
    doc.write_text(DOC, encoding="utf-8")
    bad.write_text('{"entries": 3}', encoding="utf-8")
    code, out = _check(doc, "--baseline", str(bad))
    assert code == 2 and "bad.json: not a sopgen baseline" in out
    code, out = _check(doc, "--baseline", str(tmp_path / "none.json"))
    assert code == 2 and "none.json: baseline file not found" in out
