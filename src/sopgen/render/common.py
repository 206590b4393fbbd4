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


_CONDITION = re.compile(
    r"^(?:if|when|whenever|in case|should|wenn|falls|sobald|sofern|bei|если|когда|в случае|при)\b\s*(.{3,160}?)\s*[,:;]\s+(.{3,})$",
    re.I,
)
_UNSAFE = re.compile(r"[\"\[\]{}()<>|#;`]")
_WRAP = 40  # characters per label line (Mermaid wraps at 320 px as well): nodes stay narrow


def wrap_label(text: str, width: int = _WRAP, limit: int = 220) -> str:
    """A node label in Mermaid's own syntax: markup characters replaced, wrapped at word boundaries
    (never mid-word), long text cut after a whole word.

    >>> wrap_label("The administrator restores the dump with pg_restore into reporting_db")
    'The administrator restores the dump<br/>with pg_restore into reporting_db'
    """
    words = " ".join(_UNSAFE.sub(" ", text).split()).split(" ")
    lines: list[str] = []
    line = ""
    used = 0
    for word in words:
        if used + len(word) > limit:
            line += " …"
            break
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
        used += len(word) + 1
    lines.append(line)
    return "<br/>".join(lines)


_YES_NO = {"en": ("yes", "no"), "de": ("ja", "nein"), "ru": ("да", "нет")}


def mermaid(sop: SOP, section: Section) -> str:
    """A top-down flowchart of the steps; a step that states a condition ("If the job failed, ...",
    "Wenn ...", "Если ...") becomes a decision whose 'yes' branch does the action and whose 'no' branch
    goes on to the next step."""
    yes, no = _YES_NO.get(sop.language, _YES_NO["en"])
    lines = ["flowchart TD"]
    previous: list[tuple[str, str | None]] = []  # nodes that flow into the next step, with an edge label
    for i, s in enumerate(section.steps, start=1):
        actor = f"{s.actor}: " if s.actor else ""
        condition = _CONDITION.match(s.action)
        if condition:
            lines.append(f'    D{i}{{"{wrap_label(condition.group(1) + "?")}"}}')
            lines.append(f'    S{i}["{i}. {wrap_label(actor + condition.group(2))}"]')
            lines += [f"    {node} -->|{label}| D{i}" if label else f"    {node} --> D{i}" for node, label in previous]
            lines.append(f"    D{i} -->|{yes}| S{i}")
            previous = [(f"S{i}", None), (f"D{i}", no)]
        else:
            lines.append(f'    S{i}["{i}. {wrap_label(actor + s.action)}"]')
            lines += [f"    {node} -->|{label}| S{i}" if label else f"    {node} --> S{i}" for node, label in previous]
            previous = [(f"S{i}", None)]
    return "\n".join(lines)
