"""`sopgen lsp`: a language server (pygls) that checks SOPs as they are typed, the way vale-ls does.

Diagnostics on open, change and save; quick fixes: the rule's replacement where it has one ('should' ->
'must'), the missing section's heading appended, and 'ignore on this line' (a sopgen-disable-next-line
comment). Positions are converted to UTF-16 code units, as LSP counts them. A document larger than the
configured limit is not checked and says so, so typing never waits on a runaway check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from sopgen._version import __version__
from sopgen.checks import check_document
from sopgen.checks.findings import Finding
from sopgen.config import Settings, load_settings
from sopgen.documents import load_bytes
from sopgen.errors import SopgenError
from sopgen.schema import Profile, load_profile

SOURCE = "sopgen"
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
             "info": types.DiagnosticSeverity.Information}
_FORMATS = {".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", ".rst": "rst", ".html": "html",
            ".htm": "html"}
_IGNORE = {"md": "<!-- sopgen-disable-next-line {rule} -->", "html": "<!-- sopgen-disable-next-line {rule} -->"}


def _utf16(line: str, column: int) -> int:
    """A 1-based code-point column as a 0-based UTF-16 offset."""
    prefix = line[: max(column - 1, 0)]
    return len(prefix.encode("utf-16-le")) // 2


def _path(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


class SopgenServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("sopgen", __version__)
        self.settings: Settings = load_settings()
        self.profile: Profile = load_profile(self.settings.profile)
        self.findings: dict[str, list[Finding]] = {}

    def configure(self, root: str | None) -> None:
        """Settings from the workspace's sopgen.toml / pyproject.toml, as the CLI would read them there."""
        if root is None:
            return
        import os

        here = os.getcwd()
        try:
            os.chdir(root)
            self.settings = load_settings()
            self.profile = load_profile(self.settings.profile)
        except (OSError, SopgenError) as exc:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"sopgen: {exc}"))
        finally:
            os.chdir(here)

    def check(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        fmt = _FORMATS.get(Path(_path(uri)).suffix.lower(), "md")
        text = document.source
        diagnostics: list[types.Diagnostic] = []
        if len(text.encode("utf-8")) > self.settings.limits.max_bytes:
            self.findings[uri] = []
            diagnostics.append(types.Diagnostic(
                range=types.Range(types.Position(0, 0), types.Position(0, 0)), severity=types.DiagnosticSeverity.Information,
                source=SOURCE, message=f"not checked: larger than {self.settings.limits.max_file_mb} MB (max_file_mb)"))
        else:
            try:
                doc = load_bytes(text.encode("utf-8"), fmt, _path(uri))  # type: ignore[arg-type]
                findings = check_document(doc, self.profile, self.settings.checks).findings
            except SopgenError as exc:
                findings = []
                diagnostics.append(types.Diagnostic(
                    range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                    severity=types.DiagnosticSeverity.Error, source=SOURCE, message=str(exc)))
            self.findings[uri] = findings
            lines = text.split("\n")
            for f in findings:
                diagnostics.append(self._diagnostic(f, lines))
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics,
                                                                               version=document.version))

    @staticmethod
    def _diagnostic(f: Finding, lines: list[str]) -> types.Diagnostic:
        def line_text(n: int) -> str:
            return lines[n - 1].rstrip("\r") if 0 < n <= len(lines) else ""

        start = types.Position(f.line - 1, _utf16(line_text(f.line), f.column))
        end = types.Position(f.end_line - 1, _utf16(line_text(f.end_line), f.end_column))
        return types.Diagnostic(
            range=types.Range(start, end), severity=_SEVERITY[f.severity], code=f.rule, source=SOURCE,
            message=f"{f.message} {f.suggestion}",
            data={"rule": f.rule, "fix": f.fix, "suggestion": f.suggestion, "line": f.line, "column": f.column},
        )

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        document = self.workspace.get_text_document(uri)
        fmt = _FORMATS.get(Path(_path(uri)).suffix.lower(), "md")
        actions: list[types.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            if diagnostic.source != SOURCE or not isinstance(diagnostic.data, dict):
                continue
            data: dict[str, Any] = diagnostic.data
            rule = str(data.get("rule"))
            edits: list[tuple[str, types.TextEdit]] = []
            if data.get("fix") is not None:
                edits.append((f"Replace with '{data['fix']}'", types.TextEdit(range=diagnostic.range, new_text=str(data["fix"]))))
            if rule == "missing-section":
                heading = _missing_heading(diagnostic.message)
                end = types.Position(len(document.lines), 0)
                prefix = "" if document.source.endswith("\n") or not document.source else "\n"
                edits.append((f"Add a '{heading}' section", types.TextEdit(
                    range=types.Range(end, end), new_text=f"{prefix}\n## {heading}\n\n")))
            if fmt in _IGNORE and rule != "missing-section":
                at = types.Position(diagnostic.range.start.line, 0)
                indent = document.lines[at.line][: len(document.lines[at.line]) - len(document.lines[at.line].lstrip())] \
                    if at.line < len(document.lines) else ""
                edits.append((f"Ignore {rule} on this line", types.TextEdit(
                    range=types.Range(at, at), new_text=indent + _IGNORE[fmt].format(rule=rule) + "\n")))
            for title, edit in edits:
                actions.append(types.CodeAction(
                    title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                    is_preferred=title.startswith(("Replace", "Add")),
                    edit=types.WorkspaceEdit(changes={uri: [edit]})))
        return actions


def _missing_heading(message: str) -> str:
    """'Required section 'scope' (Scope) is missing.' -> 'Scope'."""
    start, end = message.find("("), message.rfind(")")
    return message[start + 1 : end] if 0 <= start < end else "Section"


def make_server() -> SopgenServer:
    server = SopgenServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: SopgenServer, params: types.InitializeParams) -> None:
        root = None
        if params.workspace_folders:
            root = _path(params.workspace_folders[0].uri)
        elif params.root_uri:
            root = _path(params.root_uri)
        ls.configure(root)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SopgenServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SopgenServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SopgenServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SopgenServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.findings.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: SopgenServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params)

    return server


def serve_stdio() -> None:
    make_server().start_io()
