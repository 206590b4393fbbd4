"""The public API: every documented example runs, lazy names resolve, async variants work."""

from __future__ import annotations

import asyncio
import doctest
import importlib

import pytest

import sopgen

MODULES = ["sopgen", "sopgen.api", "sopgen.schema.profiles", "sopgen.documents.loaders", "sopgen.checks.check",
           "sopgen.gaps.runner", "sopgen.schema.briefs", "sopgen.drafting"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_public_names_resolve_and_have_docstrings() -> None:
    for name in sopgen.__all__:
        obj = getattr(sopgen, name)
        if callable(obj):
            assert obj.__doc__, name
    with pytest.raises(AttributeError):
        sopgen.not_a_name  # noqa: B018


def test_async_variants() -> None:
    report = asyncio.run(sopgen.acheck_sop("# Purpose\nDo it promptly.\n", "basic"))
    assert any(f.rule == "vague-time" for f in report.findings)


def test_objects_display_themselves_in_ipython() -> None:
    from IPython.core.interactiveshell import InteractiveShell

    from sopgen.integrations.notebook import register

    shell = InteractiveShell.instance()
    assert register(shell)
    brief = sopgen.Brief(title="Reset a password", goal="Unlock the user.", scope="Service desk",
                         audience="agents", profile="basic", format="checklist")
    sop = sopgen.draft_sop(brief, engine="offline", use_index=False)
    shown, _ = shell.display_formatter.format(sop)
    assert "<h2>" in shown["text/html"] and "engine: offline" in shown["text/html"]
    assert shown["text/markdown"].startswith("# Reset a password")
    report = sopgen.check_sop("# Purpose\nDo it promptly.\n", "basic")
    assert "<mark>promptly</mark>" in shell.display_formatter.format(report)[0]["text/html"]
    outline = sopgen.outline_sop(brief, use_index=False)
    text = outline._repr_markdown_()
    assert [s.id for s in outline.sections] == ["purpose", "scope", "resources", "procedure", "revision_history"]
    assert "1. **Purpose**" in text
