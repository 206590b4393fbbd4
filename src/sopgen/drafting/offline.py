"""The offline engine: no language model, a deterministic grounded skeleton.

It writes each section of the profile in the brief's language from the brief itself and the most relevant
retrieved material (cited), assembles procedure steps from the closest indexed procedure, and marks every
fact it cannot know with an explicit [[WRITER: ...]] prompt that `sopgen check` reports.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from sopgen.drafting.constraints import content_constraints, forbids_secrets, quotes_secret
from sopgen.drafting.sources import Source
from sopgen.schema import Brief, Outline, OutlineSection, Profile, Section, Step
from sopgen.yamlio import fast_load

ENGINE = "offline"
_ITEM = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]|[-*•]|(?:step|schritt|шаг)\s+\d+[:.)])\s+(.+)$", re.I | re.M)
_CHECKBOX = re.compile(r"^\[[ xX]\]\s*")
_LANG_NAMES = {"en": "English", "de": "German", "ru": "Russian"}


@cache
def texts() -> dict[str, Any]:
    data: dict[str, Any] = fast_load(
        (resources.files("sopgen.drafting") / "data" / "offline.yaml").read_text(encoding="utf-8"))
    return data


def writer(language: str, text: str) -> str:
    return f"[[{texts()['writer_marker'][language]}: {text}]]"


def _t(section_id: str, key: str, language: str) -> str | None:
    entry = texts()["sections"].get(section_id, {}).get(key)
    if entry is None:
        return None
    return str(entry.get(language) or entry.get("en"))


def heading(profile: Profile, section_id: str, language: str) -> str:
    return profile.spec(section_id).heading(language)


def make_outline(brief: Brief, profile: Profile, procedure_sources: list[Source]) -> Outline:
    """The profile's sections in order, with intents, and the planned steps of the closest procedure."""
    sections = []
    steps = [s.action for s in extract_steps(procedure_sources)[0]]
    for ps in profile.sections:
        intent = _t(ps.id, "intent", brief.language) or heading(profile, ps.id, brief.language)
        sections.append(OutlineSection(id=ps.id, title=heading(profile, ps.id, brief.language), intent=intent,
                                       required=ps.required, planned_steps=steps if ps.id == "procedure" else []))
    return Outline(title=brief.title, language=brief.language, profile=profile.name, format=brief.format,
                   sections=sections)


def has_steps(source: Source) -> bool:
    """Does this chunk state steps (numbered or bulleted items)?"""
    return len(_ITEM.findall(_body(source))) >= 2


def extract_steps(sources: list[Source]) -> tuple[list[Step], list[Source]]:
    """Steps of the primary document's procedure part, each citing its chunk, in document order.

    The sources are already that part (drafting.selection chose the document); a numbered or bulleted list
    becomes steps item by item. A procedure written as prose subsections ("5.1 Eingang", "5.2 Bewertung")
    gives one step per subsection: its title and first sentences.
    """
    if not sources:
        return [], []
    ordered = sorted(sources, key=lambda s: (s.path, s.line))
    listed = [s for s in ordered if _ITEM.search(_body(s))]
    steps: list[Step] = []
    if listed:
        used = []
        for src in listed:
            taken = False
            for m in _ITEM.finditer(_body(src)):
                action = _clean_step(m.group(1))
                if len(action.split()) >= 2 and len(steps) < 25:
                    steps.append(Step(action=action, citations=[src.key]))
                    taken = True
            if taken:
                used.append(src)
        return steps, used
    used = []
    for src in ordered[:12]:
        sentences = re.split(r"(?<=[.!?])\s+", " ".join(_body(src).split()))
        text = " ".join(sentences[:2]).strip()
        if len(text.split()) < 3:
            continue
        title = src.heading.strip() if src.heading else ""
        steps.append(Step(action=f"{title}: {text}" if title and title not in text else text, citations=[src.key]))
        used.append(src)
    return steps, used


def _clean_step(text: str) -> str:
    """A list item as a step: checkbox marks and a trailing colon that introduced sub-items dropped."""
    return _CHECKBOX.sub("", text.strip()).rstrip(":").strip()


def _body(source: Source) -> str:
    if source.heading and source.text.startswith(source.heading):
        return source.text[len(source.heading):].lstrip("\n")
    return source.text


_ACTOR_START = re.compile(r"^(?:the |a |an |der |die |das )?[A-ZÄÖÜА-ЯЁ][\w-]+(?:\s[\w()-]+){0,3}\s+\w+(?:s|t|et|it|ят|ат|ет|ит|ёт)\b")


def _assign_actors(steps: list[Step], roles: list[str]) -> list[int]:
    """Give a step its actor when it starts with one of the brief's roles (the whole name); return the
    steps that name no actor at all. A step whose sentence already names someone else keeps that actor:
    a brief role is never pasted in front of another person's step."""
    missing = []
    for i, step in enumerate(steps, start=1):
        low = step.action.lower()
        role = next((r for r in sorted(roles, key=len, reverse=True)
                     if low.startswith(r.lower() + " ") or low.startswith(r.lower() + ":")), None)
        if role is not None:
            step.actor = role
            if low.startswith(role.lower() + ":"):  # "DBA: stop the service" -> actor DBA, "Stop the service"
                rest = step.action[len(role) + 1:].strip()
                step.action = rest[:1].upper() + rest[1:]
        elif not _ACTOR_START.match(step.action):
            missing.append(i)
    return missing


_SUPERVISOR = re.compile(r"manager|lead|head|owner|supervisor|chief|coordinator|leit|verantwortlich|vorgesetzt|"
                         r"руковод|начальник|менеджер|старш|заведующ|ответственн", re.I)


def owner_role(roles: list[str], fallback: str) -> str:
    """The role that decides when something goes wrong: a supervisory one if the brief names one."""
    return next((r for r in roles if _SUPERVISOR.search(r)), roles[0] if roles else fallback)


def _excerpt(source: Source, words: int = 120) -> str:
    """The body of a source chunk: lists and tables keep their lines, prose is cut at a sentence."""
    lines = [line.strip() for line in source.text.split("\n") if line.strip()]
    if source.heading and lines and lines[0] == source.heading.strip():
        lines = lines[1:]
    structured = [line for line in lines if " | " in line or _ITEM.match(line)]
    if lines and len(structured) >= max(2, len(lines) // 2):
        table = [line for line in lines if " | " in line]
        if len(table) >= 2 and len(table) >= len(lines) // 2:
            width = table[0].count("|") + 1
            rows = [f"| {line} |" for line in table[:12]]
            return "\n".join([rows[0], "|" + "---|" * width, *rows[1:]])
        return "\n".join(lines[:12])
    text = " ".join(lines)
    sentences = re.split(r"(?<=[.!?])\s+", text)
    out: list[str] = []
    for sentence in sentences:
        if out and len(" ".join([*out, sentence]).split()) > words:
            break
        out.append(sentence)
    return " ".join(out)


def _foreign(source: Source, brief: Brief) -> str | None:
    if source.language and source.language != brief.language:
        label = texts()["labels"][brief.language]["from_source"]
        return str(label.format(key=source.key, lang=_LANG_NAMES.get(source.language, source.language)))
    return None


def draft_section(section: OutlineSection, brief: Brief, profile: Profile, sources: list[Source],
                  all_sources: list[Source]) -> Section:
    """Draft one section offline (see module doc). `sources` are this section's retrieved sources."""
    lang = brief.language
    labels = texts()["labels"][lang]
    body: list[str] = []
    todo: list[str] = []
    cited: list[str] = []
    steps: list[Step] = []
    sid = section.id
    values = {"goal": brief.goal, "scope": brief.scope, "audience": brief.audience, "title": brief.title,
              "owner": owner_role(brief.roles, labels["role"]),
              "first": brief.roles[0] if brief.roles else labels["actor"]}
    fixed = _t(sid, "text", lang)
    if fixed:
        body.append(fixed.format(**values))
    if sid == "procedure":
        steps, used = extract_steps(sources)
        if forbids_secrets(brief):  # a writer instruction: keep secrets out of the SOP
            steps = [st for st in steps if not quotes_secret(st.action)]
        cited += [s.key for s in used]
        if not steps:
            todo.append(_t(sid, "missing", lang) or "")
        else:
            missing = _assign_actors(steps, brief.roles)
            if missing:
                todo.append(labels["who"].format(steps=", ".join(map(str, missing))))
            todo += [note for s in used if (note := _foreign(s, brief))]
    elif sid == "responsibilities":
        rows = [f"| {labels['role']} | {labels['responsibility']} |", "|---|---|"]
        pool = sources or all_sources
        for role in brief.roles:
            found = next(((s, m.group(0)) for s in pool for m in re.finditer(r"[^.\n]*[.\n]", s.text)
                          if role.lower() in m.group(0).lower()), None)
            if found:
                duty = found[1].strip()
                cells = [c.strip() for c in duty.strip("|").split("|") if c.strip()]
                if len(cells) > 1:
                    duty = " ".join(c for c in cells if role.lower() not in c.lower()) or cells[-1]
                rows.append(f"| {role} | {duty} [{found[0].key}] |")
                cited.append(found[0].key)
            else:
                rows.append(f"| {role} | {writer(lang, (_t(sid, 'missing', lang) or '').format(role=role))} |")
        if brief.roles:
            body.append("\n".join(rows))
        elif sources:
            body.append(f"{_excerpt(sources[0])} [{sources[0].key}]")
            cited.append(sources[0].key)
        else:
            todo.append((_t(sid, "missing", lang) or "").format(role=labels["role"]))
    elif sid == "references":
        pass  # filled in after all other sections exist (see list_references): only what the text cites
    elif sid == "revision_history":
        first = (_t(sid, "first", lang) or "").format(engine=ENGINE, count=_COUNT)
        body.append(f"| {labels['version']} | {labels['date']} | {labels['change']} | {labels['author']} |\n"
                    f"|---|---|---|---|\n| {brief.version} | {date.today().isoformat()} | {first} | "
                    f"{brief.author or 'sopgen'} |")
    elif sid == "approval":
        roles = texts()["sections"]["approval"]["roles"][lang]
        rows = [f"| {labels['role']} | {labels['name']} | {labels['signature']} | {labels['date']} |", "|---|---|---|---|"]
        rows += [f"| {r} | | | |" for r in roles]
        body.append("\n".join(rows))
    elif sid == "definitions":
        pass  # filled in after all other sections exist (see define_terms)
    elif not fixed or sources:
        own = [src for src in sources if not src.language or src.language == brief.language]
        if own:
            best = own[0]
            excerpt = _excerpt(best)
            multiline = "\n" in excerpt
            body.append(f"{excerpt}\n\n({labels['source']}: [{best.key}])" if multiline else f"{excerpt} [{best.key}]")
            cited.append(best.key)
        elif sources:
            best = sources[0]
            todo.append(f"{_t(sid, 'missing', lang) or section.intent} ({_foreign(best, brief)})")
            cited.append(best.key)
        elif not fixed:
            todo.append(_t(sid, "missing", lang) or section.intent)
        if not own and (generic := _t(sid, "fallback", lang)):
            # nothing in the indexed documents: a generic rule built from the brief's roles, and the prompt stays
            body.append(generic.format(**values))
    fallback = "procedure" if "procedure" in profile.ids else profile.ids[0]
    placed = [c for c in content_constraints(brief) if (c.section if c.section in profile.ids else fallback) == sid]
    if placed:
        body.append("\n".join(f"- {c.text} ({labels['from_brief']})" for c in placed))
        todo.append(labels["confirm_brief"])
    return Section(id=sid, title=section.title, body="\n\n".join(b for b in body if b), steps=steps,
                   citations=sorted(set(cited), key=lambda k: int(k[1:])), todo=[t for t in todo if t])


_COUNT = "\x00count\x00"  # replaced by the number of cited documents once the draft is assembled


def list_references(sections: list[Section], cited: list[Source], brief: Brief) -> None:
    """References: the brief's regulations and the documents the text cites (nothing uncited)."""
    items = [f"- {r}" for r in brief.regulations]
    keys: list[str] = []
    seen: set[str] = set()
    for src in cited:
        if src.path not in seen:
            seen.add(src.path)
            items.append(f"- {src.path} [{src.key}]")
            keys.append(src.key)
    for section in sections:
        if section.id == "references":
            section.body = "\n".join(items) if items else (_t("definitions", "none", brief.language) or "")
            section.citations = keys
        section.body = section.body.replace(_COUNT, str(len(seen)))


_ABBR = re.compile(r"(?<![\w-])([A-ZÄÖÜА-ЯЁ]{2,6})(?![\w-])")


def define_terms(sections: list[Section], sources: list[Source], language: str) -> Section | None:
    """Fill the definitions section with the abbreviations the draft uses, defined from the sources."""
    target = next((s for s in sections if s.id == "definitions"), None)
    if target is None:
        return None
    text = " ".join([s.body for s in sections] + [st.action for s in sections for st in s.steps])
    from sopgen.checks.rules import compiled_rules

    known = {"SOP", "TBD", "TODO", "WRITER", "AUTOR", "АВТОР"}
    known |= {k for rule in compiled_rules(language) for k in rule.known}  # abbreviations everybody knows
    terms = sorted({t for t in _ABBR.findall(text) if t not in known})
    lines: list[str] = []
    todo: list[str] = []
    cited: list[str] = []
    for term in terms[:20]:
        found = None
        for s in sources:
            m = re.search(rf"([\w][\w\s-]{{3,60}}?)\s*\({re.escape(term)}\)", s.text) or \
                re.search(rf"\b{re.escape(term)}\s*\(([^)]{{3,80}})\)", s.text)
            if m:
                found = (m.group(1).strip(), s.key)
                break
        if found:
            lines.append(f"- **{term}**: {found[0]} [{found[1]}]")
            cited.append(found[1])
        else:
            todo.append((_t("definitions", "missing", language) or "").format(term=term))
    target.body = "\n".join(lines) if lines else (_t("definitions", "none", language) or "")
    target.todo = todo
    target.citations = sorted(set(cited), key=lambda k: int(k[1:]))
    return target
