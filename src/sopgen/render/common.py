"""What every renderer shares: step lines per format, writer prompts, sequence words, Mermaid."""

from __future__ import annotations

import re

from sopgen.schema import SOP, Section, Step

_SEQUENCE = {
    "en": ["First", "Then", "Next", "After that", "Finally"],
    "de": ["Zuerst", "Dann", "Anschließend", "Danach", "Abschließend"],
    "ru": ["Сначала", "Затем", "Далее", "После этого", "В завершение"],
}
_MARKER = {"en": "WRITER", "de": "AUTOR", "ru": "АВТОР"}


def cite(keys: list[str]) -> str:
    return "".join(f" [{k}]" for k in keys)


def step_text(step: Step) -> str:
    actor = f"**{step.actor}**: " if step.actor else ""
    extra = ""
    if step.expected_result:
        extra += f" → {step.expected_result}"
    if step.cautions:
        extra += " (" + "; ".join(step.cautions) + ")"
    return f"{actor}{step.action}{extra}{cite(step.citations)}"


def step_lines(sop: SOP, section: Section) -> list[str]:
    """The procedure steps in the brief's format (Markdown)."""
    if not section.steps:
        return []
    if sop.format == "checklist":
        return [f"- [ ] {step_text(s)}" for s in section.steps]
    if sop.format == "narrative":
        words = _SEQUENCE.get(sop.language, _SEQUENCE["en"])
        sentences = []
        last = len(section.steps) - 1
        for i, s in enumerate(section.steps):
            word = words[0] if i == 0 else words[-1] if i == last else words[1 + (i - 1) % 3]
            action = s.action[0].lower() + s.action[1:] if s.action[:1].isupper() and not s.action[:2].isupper() else s.action
            who = f"{s.actor}: " if s.actor else ""
            sentences.append(f"{word}, {who}{action.rstrip('.')}.{cite(s.citations)}")
        return [" ".join(sentences)]
    return [f"{i}. {step_text(s)}" for i, s in enumerate(section.steps, start=1)]


def writer_lines(sop: SOP, section: Section) -> list[str]:
    marker = _MARKER.get(sop.language, "WRITER")
    return [f"- [[{marker}: {t}]]" for t in section.todo]


def mermaid(sop: SOP, section: Section) -> str:
    """A top-down flowchart of the steps, one node per step."""
    lines = ["flowchart TD"]
    for i, s in enumerate(section.steps, start=1):
        label = re.sub(r"[\"\[\]{}()<>|#]", " ", (f"{s.actor}: " if s.actor else "") + s.action)
        label = " ".join(label.split())[:80]
        lines.append(f'    S{i}["{i}. {label}"]')
        if i > 1:
            lines.append(f"    S{i - 1} --> S{i}")
    return "\n".join(lines)
