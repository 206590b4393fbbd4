"""File names as shown: lossless for reading, printable and serialisable in every report.

A name that is not valid UTF-8 arrives from the OS with lone surrogates (Python's surrogateescape). The
`Path` keeps them, so the file is still read; what reports, JSON, SQLite and Chroma see is the same name
with each undecodable byte written as `\\xNN`, which is valid text and tells the user which byte it was.
"""

from __future__ import annotations

import os


def display_name(name: str) -> str:
    r"""`name` with undecodable bytes shown as \xNN and control characters escaped.

    >>> display_name("latin\udce9.md")
    'latin\\xe9.md'
    >>> display_name("ok/файл.md")
    'ok/файл.md'
    """
    if name.isprintable():
        return name
    out = []
    for ch in name:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif not ch.isprintable():
            out.append(f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}")
        else:
            out.append(ch)
    return "".join(out)


def identity(path: str, root: str | None = None) -> str:
    """One canonical name per file: the resolved path relative to `root` (default: the working directory).

    `corpus/a.md`, `../x/corpus/a.md` and `/abs/x/corpus/a.md` are one document, not three; a file outside
    the root keeps its absolute resolved path.
    """
    base = os.path.realpath(root or os.getcwd())
    real = os.path.realpath(path)
    rel = os.path.relpath(real, base)
    chosen = real if rel == ".." or rel.startswith("../") else rel
    return display_name(chosen.replace(os.sep, "/"))
