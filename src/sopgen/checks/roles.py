"""Roles cross-check: the actors of the steps against the roles the responsibilities section defines.

A step's actor is taken only where it is explicit (a 'Role:' label, or the rule's actor pattern such as
'The <role> <verb>s'), and a role counts as the same when the words of one name are among the words of
the other (first six letters, so 'operator'/'operators' and 'инженер'/'инженера' agree). Without a
responsibilities section that names roles there is nothing to cross-check, and nothing is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sopgen.documents import Block, Document

_LABEL = re.compile(r"^\s*(?P<name>[^:|–—]{2,60}?)\s*(?::|\s[–—-]\s)")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_HEADER_CELLS = {"role", "roles", "rolle", "rollen", "роль", "роли", "function", "funktion", "должность",
                 "who", "wer", "кто", "position", "stelle"}
_STEM = 6


@dataclass(frozen=True)
class Role:
    name: str
    line: int
    stems: frozenset[str]


def stems(name: str, function_words: set[str]) -> frozenset[str]:
    words = [w.lower().replace("ё", "е") for w in _WORD.findall(name)]
    return frozenset(w[:_STEM] for w in words if w not in function_words and not w.isdigit())


def same_role(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a) and bool(b) and (a <= b or b <= a)


def _label(text: str) -> str | None:
    m = _LABEL.match(text)
    if m is None:
        return None
    name = m.group("name").strip().strip("*_")
    words = name.split()
    return name if 1 <= len(words) <= 5 and name[:1].isalpha() else None


def _front_matter_roles(doc: Document) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for block in doc.blocks:
        if block.kind != "front_matter":
            continue
        lines = block.text.split("\n")
        inside = False
        for i, line in enumerate(lines):
            if re.match(r"^roles:\s*$", line):
                inside = True
            elif inside and (m := re.match(r"^\s*-\s*['\"]?(.+?)['\"]?\s*$", line)):
                out.append((m.group(1), block.line + 1 + i))
            elif inside and not line.startswith((" ", "\t")):
                inside = False
    return out


def defined_roles(doc: Document, lines: set[int], actor: re.Pattern[str] | None,
                  function_words: set[str]) -> list[Role]:
    """The roles named in the responsibilities section (labels, table first column) and the front matter."""
    found: list[tuple[str, int]] = _front_matter_roles(doc)
    for block in doc.blocks:
        if block.line not in lines or block.kind not in ("list_item", "paragraph", "table"):
            continue
        if block.kind == "table":
            for i, row in enumerate(block.text.split("\n")):
                cell = row.split(" | ")[0].strip()
                if (i == 0 and cell.lower() in _HEADER_CELLS) or not cell or len(cell.split()) > 6:
                    continue
                found.append((cell, block.line + i + (1 if i else 0)))
            continue
        name = _label(block.text)
        if name is None and actor is not None and (m := actor.match(block.text)):
            name = m.group("actor")
        if name:
            found.append((name, block.line))
    roles: list[Role] = []
    for name, line in found:
        key = stems(name, function_words)
        if key and not any(r.stems == key for r in roles):
            roles.append(Role(name=name, line=line, stems=key))
    return roles


def step_actor(block: Block, actor: re.Pattern[str] | None) -> tuple[str, int] | None:
    """The explicit actor of a step and its offset in the block text, or None when the step names none."""
    name = _label(block.text)
    if name is not None:
        return name, block.text.find(name)
    if actor is not None and (m := actor.match(block.text)):
        return m.group("actor"), m.start("actor")
    return None


def unknown_roles(doc: Document, steps: list[Block], roles: list[Role], actor: re.Pattern[str] | None,
                  function_words: set[str]) -> Iterator[tuple[Block, str, int]]:
    """(step, actor, offset in the step text) for every step whose actor is none of `roles`."""
    if not roles:
        return
    for block in steps:
        got = step_actor(block, actor)
        if got is None:
            continue
        name, offset = got
        key = stems(name, function_words)
        if key and not any(same_role(key, r.stems) for r in roles):
            yield block, name, offset


def unused_roles(steps: list[Block], roles: list[Role], function_words: set[str]) -> Iterator[Role]:
    """Roles that no step mentions, not even in passing."""
    if not steps:
        return
    mentioned = [stems(b.text, function_words) for b in steps]
    for role in roles:
        if not any(role.stems <= words or any(len(s) >= 4 and s in words for s in role.stems) for words in mentioned):
            yield role
