"""Finding the documents under the paths a user gave: recursive, skipping hidden and unsupported files."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from sopgen.documents import supported


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


def collect(paths: list[str], include: list[str] | None = None, exclude: list[str] | None = None
            ) -> tuple[list[Target], list[Skipped], list[Target]]:
    """(documents to analyse, skipped files with a reason, missing/unreadable paths reported as errors)."""
    include, exclude = include or [], exclude or []
    targets: list[Target] = []
    skipped: list[Skipped] = []
    broken: list[Target] = []
    seen: set[str] = set()

    def add(path: Path, shown: str, explicit: bool) -> None:
        if shown in seen:
            return
        seen.add(shown)
        if exclude and _matches(shown, exclude):
            skipped.append(Skipped(shown, "excluded by --exclude"))
        elif include and not _matches(shown, include) and not explicit:
            skipped.append(Skipped(shown, "not matched by --include"))
        elif not supported(path) and not explicit:
            skipped.append(Skipped(shown, f"unsupported file type '{path.suffix or '(none)'}'"))
        else:
            targets.append(Target(path, shown))

    for given in paths:
        root = Path(given)
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    full = Path(dirpath) / name
                    shown = os.path.join(given.rstrip("/"), os.path.relpath(full, root)).replace(os.sep, "/")
                    if name.startswith("."):
                        skipped.append(Skipped(shown, "hidden file"))
                    else:
                        add(full, shown, explicit=False)
        elif root.exists() or root.is_symlink():
            add(root, given, explicit=True)
        else:
            broken.append(Target(root, given))
    return targets, skipped, broken
