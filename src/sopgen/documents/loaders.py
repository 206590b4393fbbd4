"""Loaders: any supported file -> Document. Every failure is a DocumentError naming the file."""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from sopgen.batch.limits import Limits
from sopgen.documents.encoding import UndecodableError, decode_bytes, normalise_newlines
from sopgen.documents.language import detect_language, other_language
from sopgen.documents.model import Block, DocFormat, Document
from sopgen.documents.names import display_name
from sopgen.documents.structure import build_sections, parse_text
from sopgen.errors import DocumentError

MAX_BYTES_DEFAULT = 20 * 1024 * 1024
EXTENSIONS: dict[str, DocFormat] = {
    ".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", ".rst": "rst",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".php": "html", ".phtml": "html", ".docx": "docx", ".pdf": "pdf",
}  # fmt: skip


def supported(path: Path) -> bool:
    from sopgen.plugins import plugin_loaders

    return path.suffix.lower() in EXTENSIONS or path.suffix.lower() in plugin_loaders()


def read_bounded(path: Path, max_bytes: int, shown: str) -> bytes:
    """The bytes of a regular file, at most `max_bytes` of them counted as read.

    `stat` cannot be trusted for this: a link to /dev/zero reports 0 bytes and never ends, and a FIFO
    blocks the reader forever. Links are resolved first, so only a regular file is ever opened.
    """
    try:
        info = path.stat()  # follows links
    except FileNotFoundError:
        raise DocumentError("file not found", path=shown, hint="check the path") from None
    except PermissionError:
        raise DocumentError("permission denied", path=shown, hint="check the file's read permissions") from None
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}", path=shown) from None
    if stat.S_ISDIR(info.st_mode):
        raise DocumentError("is a directory, not a file", path=shown, hint="pass files, or use 'sopgen gaps' on folders")
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode) or \
            stat.S_ISBLK(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file"
        raise DocumentError(f"is {kind}, not a regular file", path=shown, hint="only regular files are read")
    too_big = DocumentError(
        f"file is larger than the {max_bytes / 1024 / 1024:.3g} MB limit", path=shown,
        hint="split it, or raise the limit with --max-mb (SOPGEN_LIMITS__MAX_FILE_MB)",
    )
    if info.st_size > max_bytes:
        raise too_big
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped between stat and open
                raise DocumentError("is not a regular file", path=shown, hint="only regular files are read")
            data = fh.read(max_bytes + 1)
    except PermissionError:
        raise DocumentError("permission denied", path=shown, hint="check the file's read permissions") from None
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}", path=shown) from None
    if len(data) > max_bytes:
        raise too_big
    return data


def content_hash(path: Path, max_bytes: int) -> str | None:
    """sha256 of what would be analysed (read as `read_bounded` reads it); None for anything unreadable,
    whose error the load itself then reports."""
    try:
        return hashlib.sha256(read_bounded(path, max_bytes, str(path))).hexdigest()
    except DocumentError:
        return None


def load_document(path: str | Path, *, max_bytes: int = MAX_BYTES_DEFAULT, display_path: str | None = None,
                  limits: Limits | None = None) -> Document:
    """Read, decode and structure one file.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.md"
    >>> _ = p.write_text("# Purpose\\nKeep backups.\\n\\n## Steps\\n1. Run the job.\\n2. Check the log.\\n")
    >>> [s.heading for s in load_document(p).sections]
    ['Purpose', 'Steps']
    """
    path = Path(path)
    shown = display_path or display_name(str(path))
    if limits is not None:
        max_bytes = limits.max_bytes
    suffix = path.suffix.lower()
    from sopgen.plugins import plugin_loaders

    plugin = plugin_loaders().get(suffix)
    if suffix not in EXTENSIONS and plugin is None:
        if not path.exists() and not path.is_symlink():
            raise DocumentError("file not found", path=shown, hint="check the path")
        if path.is_dir():
            raise DocumentError("is a directory, not a file", path=shown,
                                hint="pass files, or use 'sopgen gaps' on folders")
        known = ", ".join(sorted(EXTENSIONS))
        raise DocumentError(f"unsupported file type '{suffix or '(none)'}'", path=shown, hint=f"supported: {known}")
    data = read_bounded(path, max_bytes, shown)
    if plugin is not None and suffix not in EXTENSIONS:
        doc = plugin(path)
        if not isinstance(doc, Document):
            raise DocumentError("plugin loader did not return a Document", path=shown)
        return doc
    if not data.strip():
        raise DocumentError("file is empty", path=shown, hint="nothing to analyse")
    fmt = EXTENSIONS[suffix]
    return load_bytes(data, fmt, shown, limits=limits)


def load_shipped(data: bytes | str, name: str, limits: Limits | None = None) -> Document:
    """A document whose bytes were read elsewhere (a cluster driver): the format from `name`'s extension.

    `data` is the file's bytes, or the message of the error reading them raised (re-raised here, so the
    document becomes an error entry on the worker as it would locally)."""
    if isinstance(data, str):
        raise DocumentError(data)
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        return load_document(name, display_path=name, limits=limits)  # a plugin format: read where it runs
    if not data.strip():
        raise DocumentError("file is empty", path=name, hint="nothing to analyse")
    return load_bytes(data, EXTENSIONS[suffix], name, limits=limits)


def ship(path: Path, shown: str, limits: Limits) -> bytes | str:
    """The bytes `load_shipped` takes: the file read within its size budget, or the error as text."""
    try:
        return read_bounded(path, limits.max_bytes, shown)
    except DocumentError as exc:
        return str(exc)


def load_bytes(data: bytes, fmt: DocFormat, path: str, *, limits: Limits | None = None) -> Document:
    """Build a Document from raw bytes of a known format."""
    digest = hashlib.sha256(data).hexdigest()
    encoding: str | None
    if fmt == "docx":
        text, blocks = _docx(data, path, limits or Limits())
        encoding = None
    elif fmt == "pdf":
        text = _pdf(data, path)
        blocks = parse_text(text)
        encoding = None
    else:
        try:
            decoded, encoding = decode_bytes(data)
        except UndecodableError as exc:
            raise DocumentError(str(exc), path=path, hint="is this really a text file?") from None
        text = normalise_newlines(decoded)
        blocks = _html(text) if fmt == "html" else parse_text(text)
    if not text.strip():
        raise DocumentError("no text content", path=path, hint="a scanned PDF needs OCR first")
    lines = text.count("\n") + 1
    sections = build_sections(blocks, lines)
    title = next((b.text for b in blocks if b.kind == "heading"), None) or _front_matter_title(blocks)
    body_sample = " ".join(b.text for b in blocks if b.kind != "code")[:6000] or text[:6000]
    return Document(
        path=path, format=fmt, encoding=encoding, language=detect_language(body_sample), text=text,
        other_language=other_language(body_sample),
        sha256=digest, title=title or Path(path).stem, blocks=blocks, sections=sections,
    )


def _front_matter_title(blocks: list[Block]) -> str | None:
    for b in blocks:
        if b.kind == "front_matter":
            m = re.search(r"^title:\s*['\"]?(.+?)['\"]?\s*$", b.text, re.M)
            return m.group(1) if m else None
    return None


class _HtmlBlocks(HTMLParser):
    """HTML -> Blocks with the source line of each element, so findings point into the real file."""

    _HEADINGS: ClassVar[dict[str, int]] = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
    _BLOCKS: ClassVar[set[str]] = {"p", "li", "td", "th", "div", "pre", "dt", "dd", "caption", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._kind: str | None = None
        self._level = 0
        self._buf: list[str] = []
        self._start = 1
        self._skip = 0
        self._row: list[str] = []
        self._row_line = 1
        self._lists: list[str] = []
        self._counters: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in ("script", "style", "head"):
            self._skip += 1
            return
        if tag in ("ol", "ul"):
            self._flush(line)
            self._lists.append(tag)
            self._counters.append(0)
        elif tag == "tr":
            self._flush(line)
            self._row, self._row_line = [], line
        elif tag in self._HEADINGS or tag in self._BLOCKS or tag == "br":
            if tag == "br":
                self._buf.append(" ")
                return
            if tag in ("td", "th"):
                self._kind = "cell"
                self._buf, self._start = [], line
                return
            self._flush(line)
            self._kind = tag
            self._level = self._HEADINGS.get(tag, 0)
            self._buf, self._start = [], line
            if tag == "li" and self._counters:
                self._counters[-1] += 1

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
            return
        if tag in ("td", "th"):
            self._row.append(" ".join("".join(self._buf).split()))
            self._buf, self._kind = [], None
        elif tag == "tr":
            if any(self._row):
                self.blocks.append(Block(kind="table", text=" | ".join(self._row), line=self._row_line, end_line=line))
            self._row = []
        elif tag in ("ol", "ul"):
            self._flush(line)
            if self._lists:
                self._lists.pop()
                self._counters.pop()
        elif tag in self._HEADINGS or tag in self._BLOCKS:
            self._flush(line)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            if self._kind is None and data.strip() and not "".join(self._buf).strip():
                self._start = self.getpos()[0]  # loose text between blocks ("</ul> <span>Duties:</span>")
            self._buf.append(data)

    def _flush(self, line: int) -> None:
        text = " ".join("".join(self._buf).split())
        kind, self._buf = self._kind, []
        self._kind = None
        if not text or kind == "cell":
            return
        end = max(line, self._start)
        if kind in self._HEADINGS:
            self.blocks.append(Block(kind="heading", text=text, line=self._start, end_line=end, level=self._level,
                                     style="html"))
        elif kind == "li":
            ordered = bool(self._lists) and self._lists[-1] == "ol"
            number = str(self._counters[-1]) if ordered and self._counters else None
            self.blocks.append(Block(kind="list_item", text=text, line=self._start, end_line=end, ordered=ordered,
                                     number=number, level=max(0, len(self._lists) - 1)))
        elif kind == "pre":
            self.blocks.append(Block(kind="code", text=text, line=self._start, end_line=end))
        else:
            self.blocks.append(Block(kind="paragraph", text=text, line=self._start, end_line=end))

    def close(self) -> None:
        super().close()
        self._flush(self.getpos()[0])


def _defuse_unclosed_tags(text: str) -> str:
    """Write a '<' that no '>' closes before the next '<' as '&lt;'.

    html.parser rescans from every unclosed '<' to the end of the input (quadratic: 100 KB of '<div '
    takes minutes); such a '<' is text anyway. Linear; the lines stay where they were.
    """
    parts = text.split("<")  # the '<' before parts[k] is closed iff parts[k] holds a '>'
    unclosed = [">" not in part and (part[:1].isalpha() or part[:1] in "/!?") for part in parts[1:]]
    if sum(unclosed) < _MAX_UNCLOSED:
        return text  # a few are cheap, and a '<' inside a comment or an attribute value must stay as written
    return parts[0] + "".join(("&lt;" if bad else "<") + part for bad, part in zip(unclosed, parts[1:], strict=True))


_MAX_UNCLOSED = 200  # html.parser's rescans cost ~n x this; beyond it the '<' are noise, not markup


def _html(text: str) -> list[Block]:
    parser = _HtmlBlocks()
    parser.feed(_defuse_unclosed_tags(text))
    parser.close()
    return parser.blocks


def _check_zip(data: bytes, path: str, limits: Limits) -> None:
    """Refuse a zip bomb before anything inflates it: entry count and declared sizes (zipfile stops reading
    an entry at its declared size, so a lying header cannot get past this either)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(f"not a valid .docx (corrupt or truncated): {exc}", path=path) from None
    if len(infos) > limits.max_zip_entries:
        raise DocumentError(f"document has {len(infos)} parts, above the limit of {limits.max_zip_entries}",
                            path=path, hint="is this really a Word document?")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limits.max_unpacked_mb * 1024 * 1024:
        raise DocumentError(
            f"document too large once unpacked ({unpacked / 1024 / 1024:.0f} MB, limit {limits.max_unpacked_mb:g} MB)",
            path=path, hint="raise SOPGEN_LIMITS__MAX_UNPACKED_MB if it is genuine",
        )


def _docx(data: bytes, path: str, limits: Limits) -> tuple[str, list[Block]]:
    """Paragraphs and tables in body order; Word heading styles and list numbering become structure."""
    _check_zip(data, path, limits)
    try:
        import docx
        from docx.document import Document as DocxDocument
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - core dependency
        raise DocumentError("python-docx is not installed", path=path, hint="pip install python-docx") from exc
    try:
        document: DocxDocument = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentError(f"not a valid .docx (corrupt or truncated): {exc}", path=path) from None
    except MemoryError:
        raise
    except Exception as exc:  # lxml errors inside a damaged package
        raise DocumentError(f"not a valid .docx: {exc}", path=path) from None
    lines: list[str] = []
    blocks: list[Block] = []
    counters: dict[int, int] = {}
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells = [" ".join(c.text.split()) for c in row.cells]
                lines.append(" | ".join(cells))
                blocks.append(Block(kind="table", text=lines[-1], line=len(lines), end_line=len(lines)))
            continue
        if not isinstance(item, Paragraph):
            continue
        text = " ".join(item.text.split())
        if not text:
            lines.append("")
            continue
        lines.append(text)
        line = len(lines)
        style = (item.style.name if item.style is not None else "") or ""
        level = _docx_heading_level(style)
        numbered = item._p.pPr is not None and item._p.pPr.numPr is not None
        if level:
            blocks.append(Block(kind="heading", text=text, line=line, end_line=line, level=level, style="docx"))
            counters.clear()
        elif numbered or style.lower().startswith(("list", "aufzählung", "listenabsatz", "список")):
            ordered = "bullet" not in style.lower() and "aufzählungszeichen" not in style.lower()
            counters[0] = counters.get(0, 0) + 1
            blocks.append(Block(kind="list_item", text=text, line=line, end_line=line, ordered=ordered,
                                number=str(counters[0]) if ordered else None))
        else:
            counters.clear()
            blocks.append(Block(kind="paragraph", text=text, line=line, end_line=line))
    return "\n".join(lines), blocks


def _docx_heading_level(style: str) -> int:
    low = style.lower()
    if low in ("title", "titel", "заголовок"):
        return 1
    m = re.match(r"(heading|überschrift|заголовок)\s*(\d)", low)
    return int(m.group(2)) if m else 0


def _pdf(data: bytes, path: str) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - core dependency
        raise DocumentError("pypdf is not installed", path=path, hint="pip install pypdf") from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise DocumentError(f"not a valid PDF (corrupt or truncated): {exc}", path=path) from None
    except MemoryError:
        raise
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise DocumentError(f"not a valid PDF: {exc}", path=path) from None
    return normalise_newlines("\n".join(p.rstrip() for p in pages))

