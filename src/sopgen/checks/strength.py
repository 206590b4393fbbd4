"""Requirement strength of procedure steps, in the verbal forms a profile asks for.

ISO/IEC Directives Part 2 (and DIN 820-2, ГОСТ 1.5 for German and Russian) give each strength its own
verb: requirement (shall / muss / должен), recommendation (should / sollte / рекомендуется), permission
(may / darf / допускается), possibility (can / kann / может). RFC 2119 uses the capitalised keywords only;
in lower case they carry no normative meaning. The per-language forms live in the rule packs.
"""

from __future__ import annotations

import re

STRENGTHS = ("requirement", "constraint", "recommendation", "permission", "possibility")
RFC2119 = {
    "requirement": ["MUST NOT", "SHALL NOT", "MUST", "SHALL", "REQUIRED"],
    "recommendation": ["SHOULD NOT", "NOT RECOMMENDED", "SHOULD", "RECOMMENDED"],
    "permission": ["MAY", "OPTIONAL"],
}


def _compile(forms: dict[str, list[str]], case_sensitive: bool) -> dict[str, re.Pattern[str]]:
    flags = 0 if case_sensitive else re.IGNORECASE
    return {strength: re.compile(r"(?<!\w)(?:" + "|".join(_form(f) for f in sorted(words, key=len, reverse=True))
                                 + r")(?!\w)", flags)
            for strength, words in forms.items() if words}


def _form(form: str) -> str:
    """A form as a regex: words separated by any space; ' ... ' is a gap of up to six words, for the German
    frame 'ist ... zu' ('ist vor dem Start zu prüfen')."""
    parts = [r"\s+".join(re.escape(w) for w in piece.split()) for piece in form.split(" ... ")]
    return r"(?:\s+\S+){0,6}?\s+".join(parts)


def strength_matchers(iso_forms: dict[str, list[str]], mode: str) -> dict[str, re.Pattern[str]]:
    """Strength -> regex, in priority order (a step that says both 'shall' and 'may' is a requirement)."""
    compiled = _compile(RFC2119, True) if mode == "rfc2119" else _compile(iso_forms, False)
    return {s: compiled[s] for s in STRENGTHS if s in compiled}


def step_strength(text: str, matchers: dict[str, re.Pattern[str]]) -> tuple[str, str | None]:
    """('requirement', 'shall'), ... or ('none', None)."""
    for strength, regex in matchers.items():
        m = regex.search(text)
        if m:
            return strength, m.group(0)
    return "none", None


def terms(matchers: dict[str, re.Pattern[str]], iso_forms: dict[str, list[str]], mode: str) -> str:
    """The forms to suggest, one per strength: 'shall / should / may / can'."""
    if mode == "rfc2119":
        return "MUST / SHOULD / MAY"
    return " / ".join(iso_forms[s][0] for s in matchers if s != "constraint" and iso_forms.get(s))
