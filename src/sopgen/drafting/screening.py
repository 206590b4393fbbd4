"""Source text is data, never instructions: lines that address an AI system, or carry links that run script
or hide their target, are taken out of retrieved text before any engine sees it, and reported.

The patterns are the `security` rules `sopgen check` uses (checks/rules/common.yaml), so a line that would
be flagged in a draft is never copied into one.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel

from sopgen.checks.rules import CompiledRule, compiled_rules


class Flagged(BaseModel):
    """A source line left out of a draft, and why."""

    path: str
    line: int
    rule: str
    text: str


@cache
def _security_rules() -> tuple[CompiledRule, ...]:
    return tuple(r for r in compiled_rules("en") if r.spec.category == "security" and r.regex is not None)


def screen(text: str, path: str, first_line: int) -> tuple[str, list[Flagged]]:
    """`text` without its flagged lines (blanked, so line numbers hold), and what was flagged."""
    flagged: list[Flagged] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        for rule in _security_rules():
            m = rule.regex.search(line) if rule.regex is not None else None
            if m is not None:
                flagged.append(Flagged(path=path, line=first_line + i, rule=rule.id, text=line.strip()[:200]))
                lines[i] = ""
                break
    return ("\n".join(lines), flagged) if flagged else (text, flagged)
