"""YAML loading that keeps line numbers, so validation errors can point at the offending line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sopgen.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def fast_load(text: str) -> Any:
    """yaml.safe_load with libyaml when it is there (the built-in data files load 10x faster)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _node_line(node: yaml.Node, loc: Sequence[int | str]) -> int:
    """Walk a composed YAML node along a pydantic error location; return the deepest 1-based line found."""
    line = node.start_mark.line + 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    node, line = v, k.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


Check = Callable[[dict[str, Any]], list[tuple[list[int | str], str]]]
MAX_PROBLEMS = 20


def load_yaml_model(path: Path, model: type[M], error: type[ConfigError] = ConfigError, *,
                    hint: str = "see the schema", check: Check | None = None,
                    context: dict[str, Any] | None = None, **extra: Any) -> M:
    """Parse `path` into `model`; every problem at once raises `error` naming the file and each line.

    `check` adds problems the model cannot see on its own (a profile name that does not exist);
    `context` goes to the model's validators."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error("file not found", path=path, hint="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read: {exc}", path=path) from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster than the Python parser
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise error(f"invalid YAML: {getattr(exc, 'problem', exc)}", path=where, hint="fix the syntax") from None
    if not isinstance(data, dict):
        raise error("expected a YAML mapping at the top level", path=path)
    problems: list[tuple[list[int | str], str]] = []
    result: M | None = None
    try:
        result = model.model_validate({**data, **extra}, context=context)
    except ValidationError as exc:
        problems += [([p for p in e["loc"] if isinstance(p, int | str)], e["msg"]) for e in exc.errors()]
    if check is not None:
        problems += check(data)
    if not problems and result is not None:
        return result
    node = yaml.compose(text, Loader=loader)  # composed only now, to point at the lines
    located = sorted(((_node_line(node, loc) if node is not None else 1), ".".join(map(str, loc)) or "(top level)", msg)
                     for loc, msg in problems)
    if len(located) == 1:
        line, field, msg = located[0]
        raise error(f"field '{field}': {msg}", path=f"{path}:{line}", hint=hint)
    listed = "\n".join(f"  {path}:{line}: field '{field}': {msg}" for line, field, msg in located[:MAX_PROBLEMS])
    more = f"\n  ... and {len(located) - MAX_PROBLEMS} more" if len(located) > MAX_PROBLEMS else ""
    raise error(f"{len(located)} problems:\n{listed}{more}\n", path=str(path), hint=hint)
