"""Extension points: other packages add profiles, rule packs, loaders and exporters.

A plugin is an entry point in the group ``sopgen`` that resolves to an object (usually a module) with any
of these attributes: ``profiles()`` and ``rule_packs()`` returning paths to YAML files, ``loaders()``
returning ``{".ext": callable(path) -> Document}``, ``exporters()`` returning ``{"name": callable}``.
A broken plugin is reported with a warning that names it and is skipped: it never breaks sopgen.
Set SOPGEN_NO_PLUGINS=1 to switch plugin loading off (tests do).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

GROUP = "sopgen"


class PluginWarning(UserWarning):
    """A plugin failed to load or returned something unusable."""


@cache
def _plugins() -> tuple[tuple[str, Any], ...]:
    if os.environ.get("SOPGEN_NO_PLUGINS"):
        return ()
    loaded: list[tuple[str, Any]] = []
    for ep in entry_points(group=GROUP):
        try:
            loaded.append((ep.name, ep.load()))
        except Exception as exc:  # a broken plugin must never break sopgen
            warnings.warn(f"sopgen plugin '{ep.name}' failed to load: {exc!r}", PluginWarning, stacklevel=2)
    return tuple(loaded)


def _hook(name: str) -> Iterator[tuple[str, Any]]:
    for plugin, obj in _plugins():
        func: Callable[[], Any] | None = getattr(obj, name, None)
        if func is None:
            continue
        try:
            yield plugin, func()
        except Exception as exc:
            warnings.warn(f"sopgen plugin '{plugin}' hook {name}() failed: {exc!r}", PluginWarning, stacklevel=2)


def plugin_profile_paths() -> list[tuple[str, Path]]:
    return [(p, Path(path)) for p, paths in _hook("profiles") for path in paths]


def plugin_rule_packs() -> list[tuple[str, Path]]:
    return [(p, Path(path)) for p, paths in _hook("rule_packs") for path in paths]


def plugin_loaders() -> dict[str, Callable[[Path], Any]]:
    found: dict[str, Callable[[Path], Any]] = {}
    for _plugin, mapping in _hook("loaders"):
        found.update({ext.lower(): fn for ext, fn in dict(mapping).items()})
    return found


def plugin_exporters() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for _plugin, mapping in _hook("exporters"):
        found.update(dict(mapping))
    return found
