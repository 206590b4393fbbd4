"""The HTML gap report in a real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sopgen.gaps import analyze_gaps, render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CORPORA = Path(__file__).resolve().parents[2] / "corpora"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

pytestmark = pytest.mark.browser


@pytest.mark.skipif(CHROMIUM is None and not __import__("os").environ.get("CI"), reason="chromium not installed")
def test_report_renders_filters_and_shows_findings(tmp_path: Path) -> None:
    assert CHROMIUM, "CI must have Debian's chromium (scripts/test.sh installs it)"
    from playwright.sync_api import sync_playwright

    report = analyze_gaps([CORPORA], "full", jobs=1, exclude=["README.md"], cache_dir=tmp_path / "c")
    page_file = tmp_path / "gaps.html"
    page_file.write_text(render_html(report), encoding="utf-8")
    n_docs = len(report.documents)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        rows = page.locator("#heat tbody tr")
        assert rows.count() == n_docs
        assert page.locator("#heat tbody tr").first.locator("td.present, td.weak, td.missing").count() == 14
        page.select_option("#f-lang", "ru")
        ru = sum(1 for d in report.documents if d.language == "ru")
        assert rows.count() == ru and 0 < ru < n_docs
        page.select_option("#f-lang", "")
        page.select_option("#f-sec", "approval")
        page.select_option("#f-status", "missing")
        missing_approval = sum(1 for d in report.documents for s in d.sections if s.id == "approval" and s.status == "missing")
        assert rows.count() == missing_approval
        page.select_option("#f-sec", "")
        def scores() -> list[int]:
            return [int(t) for t in page.locator("#heat tbody tr td:nth-child(3)").all_inner_texts()]

        assert scores() == sorted(scores())  # worst first by default
        page.click("#heat th[data-k='score']")
        assert scores() == sorted(scores(), reverse=True)
        page.locator("#heat td.doc").first.click()
        assert page.locator("#detail h2").count() == 1
        assert page.locator("#detail mark").count() >= 1  # offending text highlighted in its line
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "gaps-report.png"), full_page=False)
        browser.close()
    assert all(u.startswith("file://") for u in requests), f"the report fetched from the network: {requests}"


@pytest.mark.skipif(CHROMIUM is None and not __import__("os").environ.get("CI"), reason="chromium not installed")
def test_review_and_owner_columns_and_filters(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from sopgen.config import RuleSettings

    folder = tmp_path / "plans"
    folder.mkdir()
    body = "# Purpose\nGet everyone out of the building safely.\n\n# Revision history\n| Version | Date |\n|---|---|\n"
    (folder / "old-owned.md").write_text(body + "| 1.0 | 2023-04-01 |\n\nOwner: Safety officer\n", encoding="utf-8")
    (folder / "fresh-unowned.md").write_text(body + "| 2.0 | 2026-05-01 |\n", encoding="utf-8")
    (folder / "undated.md").write_text("# Purpose\nGet everyone out.\n\nApproved by: Plant manager\n", encoding="utf-8")
    report = analyze_gaps([folder], "emergency", jobs=1, cache_dir=tmp_path / "c",
                          rules=RuleSettings(today=__import__("datetime").date(2026, 6, 1)))
    by_name = {Path(d.path).name: d for d in report.documents}
    assert by_name["old-owned.md"].review_overdue is True and by_name["old-owned.md"].owner == "Safety officer"
    assert by_name["fresh-unowned.md"].review_overdue is False and by_name["fresh-unowned.md"].owner is None
    assert by_name["undated.md"].review_overdue is None and by_name["undated.md"].owner == "Plant manager"
    page_file = tmp_path / "gaps.html"
    page_file.write_text(render_html(report), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(page_file.as_uri())
        rows = page.locator("#heat tbody tr")
        assert rows.count() == 3
        assert page.locator("td.overdue").all_inner_texts() == ["2024-04-01"]
        page.check("#f-overdue")
        assert [Path(t).name for t in page.locator("#heat td.doc").all_inner_texts()] == ["old-owned.md"]
        page.uncheck("#f-overdue")
        page.check("#f-owner")
        assert [Path(t).name for t in page.locator("#heat td.doc").all_inner_texts()] == ["fresh-unowned.md"]
        browser.close()
