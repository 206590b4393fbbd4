"""`sopgen lsp` in a real LSP session over stdio, driven by pygls's own client."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

TEXT = """# Purpose
Restart the service 🚀 as soon as possible.

# Procedure
1. The operator should open the console.
"""


async def _session(tmp_path: Path) -> None:
    (tmp_path / "sopgen.toml").write_text('[sopgen]\nprofile = "basic"\n', encoding="utf-8")
    uri = (tmp_path / "sop.md").as_uri()
    client = LanguageClient("sopgen-test", "1")
    published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published.put_nowait(params)

    await client.start_io(sys.executable, "-m", "sopgen", "lsp")
    try:
        result = await client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="sops")]))
        assert result.server_info is not None and result.server_info.name == "sopgen"
        client.initialized(types.InitializedParams())
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=TEXT)))
        first = await asyncio.wait_for(published.get(), 60)
        by_rule = {d.code: d for d in first.diagnostics}
        assert {"vague-time", "weak-modal", "missing-section"} <= set(by_rule)
        vague = by_rule["vague-time"]
        # LSP counts UTF-16 units: the rocket before the phrase is two of them
        line = TEXT.split("\n")[1]
        assert vague.range.start == types.Position(1, line.index("as soon") + 1)
        assert vague.severity == types.DiagnosticSeverity.Warning and vague.source == "sopgen"

        # as you type: the vague phrase replaced, the diagnostic goes away
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=vague.range, text="within 10 minutes")]))
        second = await asyncio.wait_for(published.get(), 60)
        assert second.version == 2 and "vague-time" not in {d.code for d in second.diagnostics}

        weak = next(d for d in second.diagnostics if d.code == "weak-modal")
        missing = next(d for d in second.diagnostics if d.code == "missing-section")
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=weak.range,
            context=types.CodeActionContext(diagnostics=[weak, missing])))
        titles = {a.title: a for a in actions or [] if isinstance(a, types.CodeAction)}
        replace = titles["Replace with 'must'"]
        assert replace.kind == types.CodeActionKind.QuickFix and replace.is_preferred
        edit = replace.edit.changes[uri][0]  # type: ignore[union-attr,index]
        assert edit.new_text == "must" and edit.range == weak.range
        assert any(t.startswith("Add a '") and "section" in t for t in titles)
        ignore = titles["Ignore weak-modal on this line"].edit.changes[uri][0]  # type: ignore[union-attr,index]
        assert ignore.new_text == "<!-- sopgen-disable-next-line weak-modal -->\n"

        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()


def test_lsp_session_over_stdio(tmp_path: Path) -> None:
    asyncio.run(asyncio.wait_for(_session(tmp_path), 180))
