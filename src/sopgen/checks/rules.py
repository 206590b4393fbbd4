"""Rule packs: declarative rule objects loaded from YAML (built-in, plugins, user files), one registry."""

from __future__ import annotations

import re
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from sopgen.checks.findings import Category, Severity
from sopgen.documents.prefilter import first_words
from sopgen.errors import ConfigError
from sopgen.yamlio import fast_load, load_yaml_model

RuleKind = Literal["lexical", "passive", "compound-step", "missing-actor", "undefined-abbreviation", "ambiguous-pronoun",
                   "unknown-role", "unused-role", "review-overdue", "owner-missing", "requirement-strength"]
RULES_VERSION = "2"  # bump when the rule engine's behaviour changes without a change in rule data


class RuleSpec(BaseModel):
    """One rule as written in YAML. `phrases` are literal, `stems` match any word ending, `patterns` are regex."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
    kind: RuleKind = "lexical"
    category: Category = "ambiguity"
    severity: Severity = "warning"
    message: str
    suggestion: str
    phrases: list[str] = Field(default_factory=list)
    stems: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    exceptions: list[str] = Field(default_factory=list, description="Regexes that veto a match at its start.")
    skip_sentence_initial: list[str] = Field(default_factory=list)
    separators: list[str] = Field(default_factory=list)
    known: list[str] = Field(default_factory=list, description="Abbreviations that need no definition.")
    case_sensitive: bool = Field(False, description="Match `patterns` case-sensitively.")
    change_log: list[str] = Field(default_factory=list, description="Regexes of verbs that report a change "
                                  "('added', 'изменён'): on a line that also holds a date or a version number "
                                  "the match describes a revision, not a step (passive-voice).")
    not_under_headings: list[str] = Field(default_factory=list, description="Regexes: no finding below a "
                                          "heading that matches one (a job description's rights allow 'may').")
    function_words: list[str] = Field(default_factory=list, description="Articles and the like, not part of a "
                                      "role's name (unknown-role, unused-role).")
    months: list[str] = Field(default_factory=list, description="Month-name stems January..December, in order, "
                              "for dates written in words (review-overdue).")
    forms: dict[str, list[str]] = Field(default_factory=dict, description="Verbal forms by strength: "
                                        "requirement, recommendation, permission, possibility (requirement-strength).")
    fixes: dict[str, str] = Field(default_factory=dict, description="Matched text (lower case) -> the text an "
                                  "editor's quick fix puts in its place ('should' -> 'must').")
    raw_text: bool = Field(False, description="Match `patterns` on the text as written (URLs, code and markup "
                                              "included), not on the masked prose.")

    @model_validator(mode="after")
    def _compilable(self, info: ValidationInfo) -> RuleSpec:
        trusted = bool(info.context and info.context.get("builtin"))  # tested in CI, compiled where needed
        for pattern in [] if trusted else [*self.patterns, *self.exceptions, *self.separators, *self.change_log]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"rule '{self.id}': invalid regex {pattern!r}: {exc}") from None
        if self.kind == "lexical" and not (self.phrases or self.stems or self.patterns):
            raise ValueError(f"rule '{self.id}': a lexical rule needs phrases, stems or patterns")
        return self


class RulePack(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str
    rules: list[RuleSpec]
    source: str = "builtin"


_END, _STEM = "\x00end", "\x00stem"


def _trie_regex(entries: list[tuple[str, bool]]) -> str:
    """One regex for many phrases/stems, shaped as a character trie.

    Python's `re` tries every alternative of a flat alternation at every position; a trie shares common
    prefixes, which made the word rules about 3x faster on real documents.
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for text, is_stem in entries:
        node = trie
        for ch in text.lower():
            node = node.setdefault(ch, {})
        node[_STEM if is_stem else _END] = {}

    def emit(node: dict, last: str) -> str:  # type: ignore[type-arg]
        alternatives: list[str] = []
        for key, child in sorted(node.items()):
            if key in (_END, _STEM):
                continue
            step = r"\s+" if key == " " else re.escape(key)
            alternatives.append(step + emit(child, key))
        # ends go last: the regex takes the first alternative that matches, and longer phrases come first
        if _STEM in node:
            alternatives.append(r"\w*")
        if _END in node:
            # a phrase ending in a letter or digit must end at a word boundary; 'etc.' or 'ggf.' need not
            alternatives.append(r"(?!\w)" if last.isalnum() else "")
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    return emit(trie, "")


def _word_entries(spec: RuleSpec) -> list[tuple[str, bool]]:
    return [(" ".join(p.split()), False) for p in spec.phrases] + [(s, True) for s in spec.stems]


def _word_source(spec: RuleSpec) -> str | None:
    """Phrases and stems as one case-sensitive trie regex, run on lower-cased text (faster than IGNORECASE)."""
    entries = _word_entries(spec)
    return rf"(?<![\w/])(?:{_trie_regex(entries)})" if entries else None


def _pattern_source(spec: RuleSpec) -> tuple[str, int] | None:
    if not spec.patterns:
        return None
    flags = 0 if spec.case_sensitive or spec.id == "placeholder" else re.IGNORECASE
    return "|".join(f"(?:{p})" for p in spec.patterns), flags


_SMALL_COMPILES, _SMALL_ENTRIES = 8, 24  # see CompiledRule.words_for


class CompiledRule:
    """A RuleSpec with its regexes compiled once."""

    def __init__(self, spec: RuleSpec, language: str) -> None:
        self.spec = spec
        self.language = language
        self.has_words = bool(spec.phrases or spec.stems)
        # the regexes are compiled where a text needs them (`TextScan.spans_of` tells from the source's
        # prefilter plan that most cannot match a given page): compiling all of them was a third of a
        # one-page check
        self.pattern = _pattern_source(spec)
        # the words a match can start with, so the word list is tried only there
        self.word_starts = first_words(_word_entries(spec)) if self.has_words else None
        self.skip_initial = {w.lower() for w in spec.skip_sentence_initial}
        self.function_words = {w.lower() for w in spec.function_words}
        self.known = set(spec.known) | (_well_known() if spec.kind == "undefined-abbreviation" else set())
        self._small_compiles = 0

    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        return re.compile(*self.pattern) if self.pattern is not None else None

    def compiled(self) -> re.Pattern[str]:
        """`regex`, for a rule that has patterns."""
        assert self.regex is not None
        return self.regex

    @cached_property
    def exceptions(self) -> list[re.Pattern[str]]:
        return [re.compile(p, re.IGNORECASE) for p in self.spec.exceptions]

    @cached_property
    def separators(self) -> re.Pattern[str] | None:
        return re.compile("|".join(self.spec.separators), re.IGNORECASE) if self.spec.separators else None

    @cached_property
    def change_log(self) -> re.Pattern[str] | None:
        words = self.spec.change_log
        return re.compile("|".join(words), re.IGNORECASE) if words else None

    @cached_property
    def not_under(self) -> re.Pattern[str] | None:
        headings = self.spec.not_under_headings
        return re.compile("|".join(headings), re.IGNORECASE) if headings else None

    @cached_property
    def words(self) -> re.Pattern[str] | None:
        """The word-list regex, compiled when first needed: on a short text most lists have no candidate
        word at all (`word_starts`), and compiling every list was about a tenth of a one-page check."""
        source = _word_source(self.spec)
        return re.compile(source) if source is not None else None

    def words_for(self, entries: tuple[int, ...]) -> re.Pattern[str]:
        """A regex for the entries (indexes into `word_starts`) a text can match, or the whole list's.

        Every entry left out cannot match the text, and at any position the trie regex takes the longest
        match, so both give the same spans. The first few texts a process meets (one page, a handful of
        files) get a small regex of their few entries, compiled in microseconds instead of the whole list's
        tens of milliseconds; after that the whole list is compiled once and used for every text."""
        if "words" not in self.__dict__ and self._small_compiles < _SMALL_COMPILES and len(entries) <= _SMALL_ENTRIES:
            self._small_compiles += 1
            all_entries = _word_entries(self.spec)
            return re.compile(rf"(?<![\w/])(?:{_trie_regex([all_entries[i] for i in entries])})")
        assert self.words is not None
        return self.words

    @property
    def id(self) -> str:
        return self.spec.id


@cache
def _well_known() -> frozenset[str]:
    """checks/rules/known-abbreviations.yaml: names, units and codes no reader needs defined, any language."""

    path = resources.files("sopgen.checks") / "rules" / "known-abbreviations.yaml"
    data = fast_load(path.read_text(encoding="utf-8")) or {}
    return frozenset(str(k) for k in data.get("known", []))


def _builtin_pack_path(language: str) -> Path | None:
    entry = resources.files("sopgen.checks") / "rules" / f"{language}.yaml"
    return Path(str(entry)) if entry.is_file() else None


@cache
def _load_pack(path: Path, source: str) -> RulePack:
    return load_yaml_model(path, RulePack, ConfigError, source=source,
                           context={"builtin": True} if source == "builtin" else None)


def rule_packs(language: str, extra_files: tuple[Path, ...] = ()) -> list[RulePack]:
    """Built-in pack for a language, then plugin packs, then user files (same id: later ones win)."""
    from sopgen.plugins import plugin_rule_packs

    packs: list[RulePack] = []
    for name in ("common", language):  # common.yaml: rules for every language (links, injected text)
        builtin = _builtin_pack_path(name)
        if builtin is not None:
            packs.append(_load_pack(builtin, "builtin"))
    sources = [(f"plugin:{name}", path) for name, path in plugin_rule_packs()]
    sources += [(str(path), path) for path in extra_files]
    for source, path in sources:
        pack = _load_pack(path, source)
        if pack.language in (language, "*"):
            packs.append(pack)
    return packs


@cache
def compiled_rules(language: str, extra_files: tuple[Path, ...] = ()) -> tuple[CompiledRule, ...]:
    merged: dict[str, RuleSpec] = {}
    for pack in rule_packs(language, extra_files):
        for spec in pack.rules:
            merged[spec.id] = spec
    return tuple(CompiledRule(spec, language) for spec in merged.values())


def validate_rule_files(extra_files: tuple[Path, ...]) -> None:
    """Load and compile every user and plugin rule pack once, so a broken file stops the run before it
    starts (a ConfigError naming the file and line) instead of failing every document in the workers.

    The built-in packs are the package's own tested data: they are compiled where a document needs them,
    in the workers and only for the languages met (a third of the start-up of a one-language run)."""
    from sopgen.plugins import plugin_rule_packs

    sources = [(f"plugin:{name}", path) for name, path in plugin_rule_packs()]
    for source, path in [*sources, *((str(path), path) for path in extra_files)]:
        pack = _load_pack(path, source)
        for spec in pack.rules:
            rule = CompiledRule(spec, pack.language)
            _ = rule.regex, rule.exceptions, rule.separators, rule.not_under, rule.words  # compile them all


def all_rule_specs() -> dict[str, RuleSpec]:
    """Every rule id across the built-in languages (for SARIF rule metadata and docs); nothing compiled."""
    out: dict[str, RuleSpec] = {}
    for lang in ("en", "de", "ru"):
        merged: dict[str, RuleSpec] = {}
        for pack in rule_packs(lang):
            merged.update((spec.id, spec) for spec in pack.rules)
        for rule_id, spec in merged.items():
            out.setdefault(rule_id, spec)
    return out


@cache
def data_fingerprint() -> str:
    """Hash of the built-in rule packs and section vocabulary: cached results are stale when these change."""
    import hashlib

    digest = hashlib.sha256(RULES_VERSION.encode())
    for lang in ("common", "en", "de", "ru", "known-abbreviations"):
        path = _builtin_pack_path(lang)
        if path is not None:
            digest.update(path.read_bytes())
    digest.update((resources.files("sopgen.schema") / "data" / "sections.yaml").read_bytes())
    return digest.hexdigest()
