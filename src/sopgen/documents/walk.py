"""Finding the documents under the paths a user gave: recursive, skipping hidden and unsupported files."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from sopgen.documents import supported
from sopgen.documents.names import display_name


@dataclass(frozen=True)
class Target:
    """A file to analyse, with the path to show in reports (as given, joined with the path below it)."""

    path: Path
    shown: str


@dataclass(frozen=True)
class Skipped:
    shown: str
    reason: str


def _matches(shown: str, globs: list[str]) -> bool:
    name = shown.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(shown, g) or fnmatch.fnmatch(name, g) for g in globs)


def collect(paths: list[str], include: list[str] | None = None, exclude: list[str] | None = None,
            root: str | None = None) -> tuple[list[Target], list[Skipped], list[Target]]:
    """(documents to analyse, skipped files with a reason, missing/unreadable paths reported as errors).

    With `root`, a file whose resolved path (links followed) is outside it is skipped, never read.
    """
    include, exclude = include or [], exclude or []
    real_root = os.path.realpath(root) if root else None
    targets: list[Target] = []
    skipped: list[Skipped] = []
    broken: list[Target] = []
    seen: set[str] = set()

    def add(path: Path, shown: str, explicit: bool) -> None:
        if shown in seen:
            return
        seen.add(shown)
        if real_root is not None and os.path.commonpath([real_root, os.path.realpath(path)]) != real_root:
            skipped.append(Skipped(shown, "outside the root folder"))
        elif exclude and _matches(shown, exclude):
            skipped.append(Skipped(shown, "excluded by --exclude"))
        elif include and not _matches(shown, include) and not explicit:
            skipped.append(Skipped(shown, "not matched by --include"))
        elif not supported(path) and not explicit:
            skipped.append(Skipped(shown, f"unsupported file type '{path.suffix or '(none)'}'"))
        else:
            targets.append(Target(path, shown))

    for given in paths:
        base = Path(given)
        if base.is_dir():
            for dirpath, dirnames, filenames in os.walk(base, followlinks=False, onerror=None):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    full = Path(dirpath) / name
                    shown = display_name(
                        os.path.join(given.rstrip("/"), os.path.relpath(full, base)).replace(os.sep, "/"))
                    if name.startswith("."):
                        skipped.append(Skipped(shown, "hidden file"))
                    else:
                        add(full, shown, explicit=False)
        elif base.exists() or base.is_symlink():
            add(base, display_name(given), explicit=True)
        else:
            broken.append(Target(base, display_name(given)))
    return targets, skipped, broken
