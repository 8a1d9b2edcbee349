"""Section splitting: every character of a document belongs to exactly one section.

The rules (heading words, captions, front-matter and boilerplate cues, zoning cues) are data in
``resources/{en,zh}/sections.json``; this module is the state machine that applies them line by
line:

* headings (plain, numbered "2 Materials and Methods", "3.3.2 Responses ...", Chinese "一、结果")
  open a section of their kind; numbered subsections and unknown heading-like lines open a
  section of their parent's kind; structured-abstract labels (Background/Methods/Results/...)
  inside an abstract stay ``abstract``;
* tables (pipe rows ``a | b |``, ``---|---`` separators, cell-per-line rows ending in `` |``,
  PDF tables rendered as pipe rows under a "Table 2. ..." title) are one ``table`` section with
  their title and footnotes; a table printed twice in a row stays one section; prose resuming
  after a table or figure caption goes back to the kind of the prose before it;
* figure captions are ``other``; web-page furniture is ``boilerplate``;
* text before the first heading is front matter (short lines) and an unheaded abstract (long
  paragraphs) when the document has a journal citation line (PubMed pages) or starts its
  headings with Introduction/Methods (Frontiers); a document with no structural headings (news
  and education sites), or only late ones ("Conclusion"), is zoned into introduction / methods /
  results / conclusion by cue phrases, moving only forward and never overriding a heading.

A references section continues only while its paragraphs read as reference entries (the
``reference_entries`` rules): one that opens in the first half of a document (a reference-like
line, a table's "Reference" column head, a side bar or footnote of a PDF read as a heading)
gives back the body text it would swallow (see ``_Splitter._end_references``).

Sections are then split where the script changes (a Chinese translation of an English abstract
is its own ``abstract`` section in ``zh``) and each gets a language (see :mod:`trialex.language`).
"""

from __future__ import annotations

import itertools
import logging
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from trialex import rulebook
from trialex.language import (
    DEFAULT_LANGUAGE,
    LATIN,
    sample_of,
    script_language,
    statistical_language,
)
from trialex.records import SECTION_KINDS, Section
from trialex.regex import compile_guarded, guarded
from trialex.rulebook import RuleError

log = logging.getLogger(__name__)

RULE_LANGUAGES: tuple[str, ...] = rulebook.LANGUAGES  # the language folders of the rules

_TOP_KEYS = {
    "version",
    "language",
    "description",
    "headings",
    "heading_patterns",
    "path_cues",
    "notes",
    "boilerplate",
    "front_matter",
    "table_titles",
    "figure_captions",
    "table_footnotes",
    "zoning",
    "continuation_words",
    "reference_entries",
}
_RULE_KEYS = {
    "id",
    "kind",
    "phrases",
    "pattern",
    "examples",
    "abstract_part",
    "strong",
    "citation",
    "note",
    "topics",
}
_PATTERN_GROUPS = (
    "heading_patterns",
    "path_cues",
    "notes",
    "boilerplate",
    "front_matter",
    "table_titles",
    "figure_captions",
    "table_footnotes",
    "zoning",
    "reference_entries",
)

# Kinds that describe the structure of an article (their headings switch off zoning).
_STRUCTURE_KINDS = frozenset(
    {"key_points", "abstract", "introduction", "methods", "results", "discussion", "conclusion"}
)
_ZONE_ORDER = ("introduction", "methods", "results", "conclusion")
# Under which section a heading rule's ``topics`` are subsections, not a section of its kind:
# "Patients" under results, "Outcomes" / "Safety" / "Objectives" under methods, "Summary"
# closing a discussion.
_TOPIC_PARENTS: dict[str, frozenset[str]] = {
    "introduction": frozenset({"methods"}),  # "Objectives" of a protocol's "Methods/Design"
    "methods": frozenset({"results"}),
    "results": frozenset({"methods"}),
    "abstract": frozenset({"methods", "results", "discussion", "conclusion"}),
}
_BACK_KINDS = frozenset({"acknowledgments", "references", "boilerplate"})
_BODY_KINDS = frozenset({"introduction", "methods", "results", "discussion", "conclusion"})
# segments that may sit inside a references section (tables, captions, furniture)
_BETWEEN_KINDS = frozenset({"references", "table", "other", "boilerplate", "front_matter"})

# Layout thresholds (characters).
HEADING_MAX = 100  # a heading-like line is at most this long
FRONT_LINE_MAX = 200  # in the preamble, shorter lines are front matter, longer ones prose
FOOTNOTE_MAX = 120  # short sentences continuing a table's footnote block belong to it
FURNITURE_MAX = 40  # web furniture lines under a table ("Open in a new tab") stay in the table
BOILER_CONTINUE_MAX = 100  # short lines continue a boilerplate block
HEADING_PATTERN_WORDS = 8  # heading patterns only look at short heading-like lines
ZONE_MIN = 60  # shorter lines never move the zoning of unheaded prose
BOILER_SCAN_MAX = 300  # boilerplate cues are looked for in the first 300 characters of a line
ABSTRACT_PART_WINDOW = 6000  # structured-abstract labels are accepted this far into an abstract
SPLIT_MIN = 25  # shorter lines never split a section by language
MAX_ABSTRACT_DETECTIONS = 16  # per-paragraph statistical language checks in abstracts
REFERENCE_PROSE_MIN = 200  # a line this long is a paragraph of its own (PDF lines are shorter)
REFERENCE_PROSE_RUN = 500  # characters of prose in a row, no entry between, end references
REFERENCE_ROW_WEIGHT = 150  # ... where a line of result values counts this many
REFERENCE_LIST_MIN = 5  # after this many entries a section is a reference list, whatever follows
REFERENCE_ENTRY_MAX = 450  # a reference entry has a reference form at least every this many
REFERENCE_EARLY_SHARE = 0.5  # a references section opening before this share of the text ...
REFERENCE_SWALLOW_MIN = 1500  # ... gives back this much text before its list that is no entries
LATE_RESULT_VALUES = 5  # a later one gives back text before its list holding this many values
LOST_RESULTS_CUES = 2  # results cues that end a methods section of a text with no results
SHORT_LINE = 40  # shorter paragraphs (headings, furniture, wrapped pieces) weigh nothing
PARAGRAPH_LINES_MAX = 8  # wrapped lines without a blank line between are read 8 at a time


# a section-rules file is malformed (unknown key, duplicate id, bad kind or pattern): the one
# rule error (trialex.rulebook)
RulesError = RuleError


# --------------------------------------------------------------------------------------------
# Rules: loading and matching


_NUMBERING = re.compile(
    r"^(?:(?P<num>\d{1,2}(?:\.\d{1,2}){0,4})\.?(?=[\s\u00a0\u3000]|[\u4e00-\u9fff])"
    r"|(?P<roman>[IVX]{1,5})\.(?=\s)"
    r"|(?P<letter>[A-H])\.(?=\s)"
    r"|(?P<zh>[一二三四五六七八九十]{1,3})[、.．]"
    r"|[（(](?P<zhp>[一二三四五六七八九十]{1,3})[)）])"
    r"[\s\u00a0\u3000]*(?:[|｜][\s\u00a0\u3000]*)?"  # "1 | INTRODUCTION" (Wiley)
)
_HEAD_STRIP = " \t\u00a0\u3000:：.。-–—*#"
_BRACKETS = str.maketrans({"【": "", "】": "", "[": "", "]": "", "’": "'"})
_SPACES = re.compile(r"[\s\u00a0\u3000]+")
_LETTER_SPACED = re.compile(r"^(?:\w ){3,}\w$")
# small capitals read by PDF text as a capital and the rest of the word ("R ESULTS",
# "P ATIENTS AND M ETHODS"): the initial is set in a larger size, a word gap apart
_SMALL_CAPS = re.compile(r"\b([A-Z]) (?=[A-Z]{2,}\b)")


def _norm_heading(text: str) -> str:
    """Lower-cased heading words without brackets, trailing punctuation or extra spaces.

    Letter-spaced headings of PDF layouts ("A B S T R A C T") are closed up.
    """
    text = text.translate(_BRACKETS).strip(_HEAD_STRIP)
    text = _SPACES.sub(" ", text)
    if _LETTER_SPACED.match(text):
        text = text.replace(" ", "")
    elif text.isupper():
        text = _SMALL_CAPS.sub(r"\1", text)
    return text.casefold()


_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>\S[^\n]{0,300})$")
_BOLD_LINE = re.compile(r"^\*\*(?P<text>[^*\n]{1,100})\*\*[:：]?$")
_HTML_HEADING = re.compile(
    r"^<h(?P<level>[1-6])\b[^>\n]{0,100}>(?P<text>[^<\n]{1,200})</h[1-6]>$", re.IGNORECASE
)
# PMC plain-text renderings: "ABSTRACT.RESULTS:", "BODY.METHODS.STATISTICAL ANALYSIS:", "TITLE: ..."
LABEL_PATH = re.compile(
    r"^(?P<root>TITLE|ABSTRACT|BODY|BACK|FRONT)(?P<path>(?:\.[^:\n]{1,200}?)?)"
    r"(?:[:：]{1,2}[ \t]*(?P<rest>[^\n]*)|\.)$"
)
_PATH_SPLIT = re.compile(r"\.(?=[^\s.])")


def markup_heading(body: str) -> tuple[str, int]:
    """``(text, level)`` of a Markdown ``#`` / HTML ``<hN>`` heading line, ``(text, 0)`` for a
    whole-line ``**bold**`` heading and ``(body, -1)`` for a line that is no markup heading."""
    m = _MD_HEADING.match(body)
    if m is not None:
        text = m.group("text").rstrip(" #").strip()
        bold = _BOLD_LINE.match(text)
        return (bold.group("text").strip() if bold else text), len(m.group("hashes"))
    m = _HTML_HEADING.match(body)
    if m is not None:
        return m.group("text").strip(), int(m.group("level"))
    m = _BOLD_LINE.match(body)
    if m is not None:
        return m.group("text").strip(), 0
    return body, -1


def label_path(body: str) -> tuple[str, list[str]] | None:
    """``("BODY", ["METHODS", "STATISTICAL ANALYSIS"])`` for a PMC label-path line, else None."""
    m = LABEL_PATH.match(body)
    if m is None:
        return None
    if m.group("rest") is None and not m.group("path"):
        return None  # "BODY." alone is no label ("BODY.METHODS." whose title wrapped is)
    if m.group("root") != "TITLE" and m.group("rest"):
        return None  # "BODY.METHODS: text" is not how the renderings print a label
    parts = [p.strip() for p in _PATH_SPLIT.split(m.group("path").lstrip(".")) if p.strip()]
    return m.group("root"), parts


def _heading_words(line: str) -> str:
    """The normalised words of a heading line without markup or numbering."""
    return _norm_heading(_split_numbering(markup_heading(line)[0])[0])


def _split_numbering(line: str) -> tuple[str, int]:
    """``("Responses ...", 3)`` for ``"3.3.2 Responses ..."``; depth 0 when unnumbered."""
    m = _NUMBERING.match(line)
    if m is None:
        return line, 0
    rest = line[m.end() :]
    if not rest or not (rest[0].isalpha()):
        return line, 0
    if m.group("num"):
        return rest, m.group("num").count(".") + 1
    return rest, 1


@dataclass(frozen=True)
class HeadingRule:
    id: str
    kind: str
    phrases: tuple[str, ...]
    abstract_part: bool
    examples: dict[str, tuple[str, ...]]
    # phrases naming a topic that is also a subsection of another section ("Treatment" under
    # "Results"): under results they do not reopen the rule's kind
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PatternRule:
    id: str
    kind: str
    group: str
    regex: re.Pattern[str]
    strong: bool
    citation: bool
    examples: dict[str, tuple[str, ...]]

    def matches(self, line: str) -> bool:
        return self.regex.search(line) is not None


@dataclass
class SectionRules:
    """Compiled section rules of one or more languages (see :func:`load_rules`)."""

    headings: dict[str, HeadingRule] = field(default_factory=dict)
    heading_rules: list[HeadingRule] = field(default_factory=list)
    patterns: dict[str, list[PatternRule]] = field(
        default_factory=lambda: {g: [] for g in _PATTERN_GROUPS}
    )
    _inline: re.Pattern[str] | None = None
    _combined: dict[str, tuple[re.Pattern[str] | None, list[PatternRule]]] = field(
        default_factory=dict
    )
    _pattern_headings: dict[str, HeadingRule] = field(default_factory=dict)
    _glued: dict[str, HeadingRule] | None = None
    continuation_words: set[str] = field(default_factory=set)

    @property
    def ids(self) -> set[str]:
        return {r.id for r in self.heading_rules} | {
            r.id for rules in self.patterns.values() for r in rules
        }

    def add(self, data: dict[str, Any], source: str) -> None:
        unknown = set(data) - _TOP_KEYS
        if unknown:
            raise RulesError(f"{source}: unknown keys {sorted(unknown)}")
        seen = self.ids
        words = data.get("continuation_words", [])
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise RulesError(f"{source}: continuation_words must be a list of strings")
        self.continuation_words.update(w.casefold() for w in words)
        for rule in data.get("headings", []):
            self._check_rule(rule, source, seen, needs="phrases")
            phrases = tuple(_norm_heading(p) for p in rule["phrases"])
            heading = HeadingRule(
                id=rule["id"],
                kind=rule["kind"],
                phrases=phrases,
                abstract_part=bool(rule.get("abstract_part", False)),
                examples=_examples(rule, source),
                topics=frozenset(_norm_heading(p) for p in rule.get("topics", [])),
            )
            if not heading.topics <= set(phrases):
                raise RulesError(f"{source}: {rule['id']}: topics must be among its phrases")
            for phrase in phrases:
                if not phrase:
                    raise RulesError(f"{source}: {rule['id']}: empty phrase")
                if phrase in self.headings:
                    raise RulesError(
                        f"{source}: {rule['id']}: phrase {phrase!r} already in "
                        f"{self.headings[phrase].id}"
                    )
                self.headings[phrase] = heading
            self.heading_rules.append(heading)
        for group in _PATTERN_GROUPS:
            for rule in data.get(group, []):
                self._check_rule(rule, source, seen, needs="pattern")
                try:
                    regex = re.compile(rule["pattern"], re.IGNORECASE)
                except re.error as exc:
                    raise RulesError(f"{source}: {rule['id']}: bad pattern: {exc}") from exc
                self.patterns[group].append(
                    PatternRule(
                        id=rule["id"],
                        kind=rule["kind"],
                        group=group,
                        regex=regex,
                        strong=bool(rule.get("strong", False)),
                        citation=bool(rule.get("citation", False)),
                        examples=_examples(rule, source),
                    )
                )
        self._inline = None
        self._combined = {}
        self._glued = None

    @staticmethod
    def _check_rule(rule: Any, source: str, seen: set[str], *, needs: str) -> None:
        if not isinstance(rule, dict):
            raise RulesError(f"{source}: a rule is not an object: {rule!r}")
        unknown = set(rule) - _RULE_KEYS
        if unknown:
            raise RulesError(f"{source}: {rule.get('id')}: unknown keys {sorted(unknown)}")
        for key in ("id", "kind", needs, "examples"):
            if key not in rule:
                raise RulesError(f"{source}: {rule.get('id')}: missing {key!r}")
        if rule["id"] in seen:
            raise RulesError(f"{source}: duplicate rule id {rule['id']!r}")
        seen.add(rule["id"])
        if rule["kind"] not in SECTION_KINDS:
            raise RulesError(f"{source}: {rule['id']}: unknown kind {rule['kind']!r}")

    # -- matching -------------------------------------------------------------------------

    def heading(self, line: str) -> tuple[HeadingRule | None, int]:
        """The heading rule a whole line is (or None), and its numbering depth.

        Heading phrases match the whole line; ``heading_patterns`` (regexes over the normalised
        heading words) catch variants ("Patients, Materials, and Methods") on heading-like lines.
        """
        line = markup_heading(line)[0]
        if len(line) > HEADING_MAX:
            return None, 0
        rest, depth = _split_numbering(line)
        norm = _norm_heading(rest)
        found = self.headings.get(norm)
        if found is None and " " not in norm and len(norm) > 12:
            found = self.glued().get(norm)  # "Conflictofinterest" in pdfplumber text
        if found is None and len(norm.split()) <= HEADING_PATTERN_WORDS and _heading_like(line):
            rule = self.first("heading_patterns", norm)
            if rule is not None:
                found = self._pattern_heading(rule)
        return found, depth

    def glued(self) -> dict[str, HeadingRule]:
        """Multi-word heading phrases with their spaces removed (PDF text loses them)."""
        if self._glued is None:
            self._glued = {
                p.replace(" ", ""): rule for p, rule in self.headings.items() if " " in p
            }
        return self._glued

    def _pattern_heading(self, rule: PatternRule) -> HeadingRule:
        heading = self._pattern_headings.get(rule.id)
        if heading is None:
            heading = HeadingRule(rule.id, rule.kind, (), False, rule.examples)
            self._pattern_headings[rule.id] = heading
        return heading

    def inline_label(self, line: str) -> tuple[HeadingRule, str] | None:
        """``(rule, label)`` for a paragraph opening with a heading label ("Methods: We ...")."""
        if self._inline is None:
            words = sorted(self.headings, key=len, reverse=True)
            alternation = "|".join(re.escape(w).replace(r"\ ", r"[\s\u00a0]+") for w in words)
            self._inline = re.compile(
                rf"^[\s\u00a0]*[【\[]?(?P<label>{alternation})[】\]]?[\s\u00a0]*"
                rf"(?:[:：]|(?<=[】\]]))[\s\u00a0]*(?=\S)",
                re.IGNORECASE,
            )
        if _LABEL_END.search(line, 0, 80) is None:
            return None
        m = self._inline.match(line)
        if m is None:
            return None
        rule = self.headings.get(_norm_heading(m.group("label")))
        if rule is None:
            return None
        return rule, line[: m.end()].strip().rstrip(":：").strip()

    def first(self, group: str, line: str, *, strong_only: bool = False) -> PatternRule | None:
        """The first rule of ``group`` matching ``line``, or None (one combined regex scan).

        ``strong_only`` restricts ``group`` to its rules marked ``"strong": true``.
        """
        key = f"{group}/strong" if strong_only else group
        cached = self._combined.get(key)
        if cached is None:  # the group's rules and their combined regex, built once
            rules = [r for r in self.patterns[group] if r.strong or not strong_only]
            combined = (
                compile_guarded(
                    # each rule fails fast on its own first character too
                    "|".join(f"(?:{guarded(r.regex.pattern, re.IGNORECASE)})" for r in rules),
                    re.IGNORECASE,
                )
                if rules
                else None
            )
            cached = self._combined[key] = (combined, rules)
        combined, rules = cached
        if combined is None or combined.search(line) is None:
            return None
        for rule in rules:
            if rule.regex.search(line):
                return rule
        return None  # pragma: no cover - the combined regex matched, so one rule does


def _examples(rule: dict[str, Any], source: str) -> dict[str, tuple[str, ...]]:
    examples = rule["examples"]
    if not isinstance(examples, dict) or set(examples) - {"match", "no_match"}:
        raise RulesError(f"{source}: {rule['id']}: examples must be {{match, no_match}}")
    if not examples.get("match"):
        raise RulesError(f"{source}: {rule['id']}: needs at least one 'match' example")
    return {k: tuple(examples.get(k, ())) for k in ("match", "no_match")}


def load_rules(
    languages: Sequence[str] = RULE_LANGUAGES, rules_dir: str | None = None
) -> SectionRules:
    """Load and compile ``<lang>/sections.json`` for ``languages``, of ``rules_dir`` (else of
    the rules folder in force, :mod:`trialex.rulebook`)."""
    rules = SectionRules()
    for lang in languages:
        path = rulebook.resolve("sections.json", lang, rules_dir)
        with rulebook.parsing(rulebook.label(path)):
            rules.add(rulebook.load_json("sections.json", lang, rules_dir), rulebook.label(path))
    return rules


def default_rules() -> SectionRules:
    """The section rules of the rules folder in force (compiled once per folder)."""
    return _rules_of(rulebook.rules_key())


@lru_cache(maxsize=4)
def _rules_of(key: str | None) -> SectionRules:
    return load_rules(rules_dir=key)


def rule_matches(rules: SectionRules, rule_id: str, line: str) -> bool:
    """Whether the rule ``rule_id`` recognises ``line`` (used to run every rule's examples)."""
    for heading in rules.heading_rules:
        if heading.id == rule_id:
            found, _ = rules.heading(line.strip())
            if found is heading:
                return True
            inline = rules.inline_label(line)
            return (
                inline is not None and inline[0] is heading and len(line.strip()) > len(inline[1])
            )
    for group, patterns in rules.patterns.items():
        for rule in patterns:
            if rule.id == rule_id:
                if group == "path_cues":
                    path = label_path(line.strip())
                    parts = path[1] if path else [line]
                    return any(rule.matches(_norm_heading(x)) for x in parts)
                if group == "heading_patterns":
                    found, _ = rules.heading(line.strip())
                    return found is not None and found.id == rule_id
                return rule.matches(line)
    raise KeyError(rule_id)


# --------------------------------------------------------------------------------------------
# Line features

_NOT_IN_HEADINGS = re.compile(r"[%=;]|\. [A-Z]")
_SENTENCE_BREAK = re.compile(r"[.!?;]\s+[A-Z]")
_LABEL_END = re.compile(r"[:：】\]]")
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_PIPES_ONLY = re.compile(r"^[|\s]+$")
_TERMINAL = tuple(".!?;。！？；")


@dataclass
class _Line:
    start: int  # offset of the line in the text
    end: int  # offset after its newline
    body: str  # the stripped content

    @property
    def blank(self) -> bool:
        return not self.body


# PMC plain-text renderings print a section's paragraphs, tables and figure captions on one
# line, separated by runs of two or more spaces: each piece is read as a line of its own (an
# MDPI table opens with its object id: "  nutrients-06-00111-t001_Table 1 Table 1 ...").
_PIECE_BREAK = re.compile(
    r"(?<=\S)[ \t\u00a0]{2,}(?=[A-Z0-9(\[]|[a-z][a-z\d-]{2,40}-t\d{3}_Table)"
    # a caption glued to the text before it: "... (Tables 1 and 2).Table 1Disease progression",
    # "... (2 patients).Fig. 1Disposition of patients", "...Fig. 2(a) Progression-free ...",
    # "...in Table 1.Fig. 1CONSORT diagramTable 1Summary ...", "... 15.8 years.Table 1" + newline
    r"|(?<=[^\s])(?=(?:Table|Figure|Fig\.?) ?\d{1,2}\.?"
    r"(?:[A-Z][a-z]|[A-Z]{3}|\([a-z]\) ?[A-Z]|[ \t]*\n|[ \t]*$))"
)
_HTML_TABLE = re.compile(r"^(?:<html>\s*)?(?:<body>\s*)?<table\b", re.IGNORECASE)
_XMLNS_LEAD = re.compile(r'^[^<>"\n]{0,40}="[^"\n]{0,200}">')
_LABELLED_DOC = re.compile(r"^[ \t]*(?:ABSTRACT|BODY)[.:]", re.MULTILINE)
_LOWER_WORD = re.compile(r"\b[a-z]{2,}\b")


def _lines(text: str, *, pieces: bool = False) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        start, end = pos, pos + len(raw)
        pos = end
        cuts = [m.end() for m in _PIECE_BREAK.finditer(raw)] if pieces and len(raw) > 80 else []
        if not cuts:
            out.append(_Line(start, end, raw.strip()))
            continue
        bounds = [0, *cuts, len(raw)]
        for a, b in itertools.pairwise(bounds):
            out.append(_Line(start + a, start + b, raw[a:b].strip()))
    return out


_PAGE_NUMBER_EDGE = re.compile(r"^\d{1,4}\s+\S|\S\s+\d{1,4}$")
_DIGITS = re.compile(r"\d+")
RUNNING_HEAD_MAX = 80  # running heads and feet of PDF pages are short lines
RUNNING_HEAD_MIN_REPEATS = 3


def _running_heads(bodies: Sequence[str]) -> set[int]:
    """Line indices of PDF running heads/feet: a short line with a page number at one edge
    whose words recur (with other numbers) on at least three pages ("148 A. Author et al.",
    "Life events and dementia 149")."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for k, body in enumerate(bodies):
        if not body or len(body) > RUNNING_HEAD_MAX or not _PAGE_NUMBER_EDGE.search(body):
            continue
        if is_table_row(body) or sum(ch.isalpha() for ch in body) < 6:
            continue
        number = int(_DIGITS.findall(body)[0 if body[0].isdigit() else -1])
        groups.setdefault(_DIGITS.sub("#", body), []).append((k, number))
    heads: set[int] = set()
    for found in groups.values():
        numbers = [n for _, n in found]
        if len(found) >= RUNNING_HEAD_MIN_REPEATS and numbers == sorted(set(numbers)):
            heads.update(k for k, _ in found)
    return heads


def labelled_document(text: str) -> bool:
    """True for a PMC plain-text rendering (two or more ``ABSTRACT.`` / ``BODY.`` labels)."""
    return any(count >= 2 for count, _ in enumerate(_LABELLED_DOC.finditer(text), start=1))


def _sentence_prose(body: str) -> bool:
    """A piece that reads as running prose (words, few digits), not as table cells."""
    if len(body) < 60 or not body[0].isupper():
        return False
    lower = len(_LOWER_WORD.findall(body))
    # cells carry labels and numbers; sentences carry function words ("in", "of", "were")
    return lower >= 8 and lower * 5 >= len(body.split()) * 2


def _prose_split(paras: Sequence[tuple[int, str, int, int]]) -> int | None:
    """The line where body text without reference form begins among the paragraphs of a
    references section, before any reference list (None when none does).

    :data:`REFERENCE_PROSE_RUN` characters of running prose with no entry between (each line
    of result values, a table's row, counts :data:`REFERENCE_ROW_WEIGHT`) end the section.
    Once :data:`REFERENCE_LIST_MIN` entries have been read it is a reference list, whatever
    follows (entries of forms the rules do not know, appendices).
    """
    entries = run = 0
    run_line = -1
    for line, form, size, count in paras:
        if form == "entry":
            entries += count
            run, run_line = 0, -1
            continue
        if entries >= REFERENCE_LIST_MIN:
            return None
        if form == "prose":
            step = size
        elif form == "rows":
            step = REFERENCE_ROW_WEIGHT * count
        else:
            continue
        if run == 0:
            run_line = line
        run += step
        if run >= REFERENCE_PROSE_RUN:
            return run_line
    return None


def _tail_runs(paras: Sequence[tuple[int, str, int, int]]) -> list[tuple[int, int]]:
    """``(first line, end line)`` of each run of non-entry paragraphs after a reference list
    (:data:`REFERENCE_LIST_MIN` entries) holding at least :data:`REFERENCE_SWALLOW_MIN`
    characters of text (see ``_Splitter._end_reference_lists``); the last run ends at the
    end of the document (``sys.maxsize``), the others at the entry that ends them."""
    runs: list[tuple[int, int]] = []
    entries = size_run = 0
    start: int | None = None
    for line, form, size, count in paras:
        if form == "entry":
            if start is not None and size_run >= REFERENCE_SWALLOW_MIN:
                runs.append((start, line))
            start, size_run = None, 0
            entries += count
            continue
        if entries < REFERENCE_LIST_MIN:
            continue
        if start is None:
            start = line
        if form == "rows":
            size_run += REFERENCE_ROW_WEIGHT * count
        elif form != "short":
            size_run += size
    if start is not None and size_run >= REFERENCE_SWALLOW_MIN:
        runs.append((start, sys.maxsize))
    return runs


def _list_start(
    paras: Sequence[tuple[int, str, int, int]], minimum: int = REFERENCE_SWALLOW_MIN
) -> int:
    """Index of the paragraph where a references section's reference list begins (the suffix
    where entries outweigh the rest most; ``len(paras)`` when it has no entries), or 0 when
    the text before it holds fewer than ``minimum`` characters of body text (prose, result
    rows): unknown forms of entries are never given back."""
    best: int | None = None
    best_at, score = len(paras), 0
    for n in range(len(paras) - 1, -1, -1):
        _, form, size, count = paras[n]
        if form == "entry":
            score += size
        elif form != "short":
            score -= size
        # a list begins on a reference entry; a back-matter statement or label alone (a table
        # footnote "Abbreviations: ..." read in the body) begins none
        if form == "entry" and count and (best is None or score >= best):
            best, best_at = score, n
    swallowed = sum(size for _, form, size, _ in paras[:best_at] if form in ("prose", "rows"))
    return best_at if swallowed >= minimum else 0


def _reads_as_prose(text: str) -> bool:
    """Running prose, wherever it starts (a paragraph continued from the previous column
    starts in lower case): many function words among its words."""
    lower = len(_LOWER_WORD.findall(text))
    return lower >= 8 and lower * 5 >= len(text.split()) * 2


def is_table_row(body: str) -> bool:
    """A pipe-table row, separator row, or a cell-per-line row ending in `` |``."""
    if "|" not in body:
        return False
    if body.endswith("|") or body.startswith("|"):
        return True
    if _SEPARATOR.match(body) or _PIPES_ONLY.match(body):
        return True
    return body.count(" | ") >= 2


def _heading_like(body: str) -> bool:
    """A short line that reads as a heading: no sentence end, capitalised, a few words."""
    body = markup_heading(body)[0]
    if not body or len(body) > HEADING_MAX or body.endswith(_TERMINAL) or body.endswith(","):
        return False
    rest, _ = _split_numbering(body)
    first = rest[0]
    if not (first.isupper() or first.isdigit() or "\u4e00" <= first <= "\u9fff"):
        return False
    if len(rest.split()) > 14 or _NOT_IN_HEADINGS.search(rest):
        return False
    return any(ch.isalpha() for ch in rest)


def _label_only(rule: PatternRule, body: str) -> bool:
    """True for a caption line that is only its label ("Fig. 1.", "Table 2")."""
    m = rule.regex.search(body)
    return m is not None and not body[m.end() :].strip(" .:|\u00a0\u3000")


def _is_long_prose(body: str) -> bool:
    if _name_list(body):
        return False
    if len(body) > 40 and body.count("。") >= 1 and not body.startswith(("[", "［")):
        return True  # Chinese prose is dense: one sentence of 40 characters is a paragraph
    return len(body) > FRONT_LINE_MAX or (len(body) > 80 and body.count(". ") >= 1)


_LIST_SEP = re.compile(r"[,，;；、]")


def _name_list(body: str) -> bool:
    """A list of names (an author line, however long): many short comma-separated items."""
    if len(body) < 40 or "。" in body:
        return False
    items = [x.strip() for x in _LIST_SEP.split(body) if x.strip()]
    if len(items) < 5:
        return False
    long_items = sum(1 for x in items if len(x.split()) > 4 or len(x) > 40)
    return long_items * 5 <= len(items) and body.count(". ") <= 1


# --------------------------------------------------------------------------------------------
# The state machine


@dataclass
class _Segment:
    line: int  # index of the first line
    kind: str
    title: str | None


class _Splitter:
    def __init__(self, text: str, rules: SectionRules) -> None:
        self.text = text
        self.rules = rules
        self.lines = _lines(text, pieces=labelled_document(text))
        self.inline_table = False  # a table printed inside a line of prose (PMC renderings)
        self.indent_table = False  # an untitled table of indented cells (PMC renderings)
        self.segments: list[_Segment] = []
        self.kind: str | None = None  # current kind; None = preamble
        self.prose_kind: str | None = None  # kind to resume after a table/figure/boilerplate
        # tables
        self.in_table = False
        self.table_title = ""
        self.table_first_row = ""
        self.table_footnotes = False
        self.in_figure = False
        self.caption_pending = False
        # boilerplate started by a cue (continues over short lines)
        self.in_boiler = False
        # abstract parts
        self.abstract_start = 0
        self.abstract_parts: set[str] = set()  # rule ids of the abstract's part labels
        self.abstract_labels: set[str] = set()  # their words ("background", "objectives")
        self.abstract_last = ""  # the rule id of the last part label
        self.abstract_headed = False  # the abstract opened on an "Abstract" heading
        self.abstract_unstructured = False  # prose came before any part label
        # zoning: ``zoned`` while the current prose kind comes from cues, not from a heading
        self.zone = 0
        self.zoned = False
        # Markdown heading levels: (level, kind) of the open headings, outermost first
        self.md_stack: list[tuple[int, str]] = []
        self.abstract_seen = False  # an abstract ended (keywords line): prose now is the body
        self.next_body: list[str] = [""] * len(self.lines)
        following = ""
        for k in range(len(self.lines) - 1, -1, -1):
            self.next_body[k] = following
            if self.lines[k].body:
                following = self.lines[k].body
        self._plan()

    # -- document-level decisions ----------------------------------------------------------

    def _plan(self) -> None:
        rules = self.rules
        self.has_structure = False
        self.has_citation = False
        self.first_structure_kind: str | None = None
        seen_prose = False
        for i, ln in enumerate(self.lines):
            body = ln.body
            if not body or is_table_row(body):
                continue
            rule, _ = rules.heading(body)
            structural = rule is not None and rule.kind in _STRUCTURE_KINDS
            if structural and rule is not None and not self._wrapped_word(i, body):
                self.has_structure = True
                if self.first_structure_kind is None:
                    self.first_structure_kind = rule.kind
            if not seen_prose:
                front = rules.first("front_matter", body)
                if front is not None and front.citation:
                    self.has_citation = True
                if _is_long_prose(body):
                    seen_prose = True
        self._plan_forms()
        self.zoning = (
            not self.has_citation
            and not self.labelled
            and not self.narrative
            and not self.abstract_doc
            and self.first_structure_kind in (None, "results", "discussion", "conclusion")
        )
        # the last prose line of a zoned document (a conclusion is usually the last paragraph)
        self.last_prose = -1
        if self.zoning:
            for i, ln in enumerate(self.lines):
                if _is_long_prose(ln.body) and not is_table_row(ln.body):
                    self.last_prose = i

    def _plan_forms(self) -> None:
        """Document forms that decide how headings are read.

        * ``labelled``: a PMC plain-text rendering whose sections are label paths
          (``ABSTRACT.RESULTS:``, ``BODY.METHODS.STATISTICAL ANALYSIS:``); the paths decide.
        * Markdown headings of several levels: a heading's level says which section it is in
          (``md_levels``), so an unknown "## Treatment of ..." closes a "###### References".
        * ``narrative``: Markdown headings, almost none of them article structure (a PDQ summary,
          a review): the body is ``other``.
        * ``abstract_doc``: a title line and a paragraph or two, nothing else (a PubMed record):
          the title is front matter and the rest is the abstract, whatever its first sentence says.
        * ``yaml_end``: a YAML front-matter block (``---`` ... ``---``) opening a web dump.
        """
        rules = self.rules
        bodies = [ln.body for ln in self.lines]
        paths = sum(1 for b in bodies if b and b[0] in "ABFT" and label_path(b) is not None)
        self.labelled = paths >= 2
        levels: set[int] = set()
        md = structural = 0
        kinds: set[str] = set()
        for b in bodies:
            if not b or b[0] not in "#<":
                continue
            text, level = markup_heading(b)
            if level <= 0:
                continue
            md += 1
            levels.add(level)
            rule, depth = rules.heading(text)
            if rule is not None and rule.kind in _STRUCTURE_KINDS and depth <= 1:
                structural += 1
                kinds.add(rule.kind)
        self.md_levels = len(levels) > 1
        self.md_min_level = min(levels) if levels else 1
        # a few "Response"/"Patient characteristics" topics among a hundred headings do not
        # make a review an article; "1 材料和方法" and "2 结果" do
        # a web summary that cites its sources as Markdown links ("[[12](#cit/section_2.3)]")
        cites = any("](#cit" in b for b in bodies)
        self.narrative = not self.labelled and (
            (md >= 3 and (len(kinds) < 2 or structural <= md // 20))
            or (md >= 1 and not kinds and cites)
        )
        self.yaml_end = -1
        if bodies and bodies[0] == "---":
            for k in range(1, min(len(bodies), 200)):
                if bodies[k] in ("---", "..."):
                    self.yaml_end = k
                    break
        self.running_heads = _running_heads(bodies)
        # PDF text: many short wrapped lines (two columns may be interleaved line by line)
        lengths = sorted(len(b) for b in bodies if b)
        self.wrapped = len(lengths) >= 60 and 30 <= lengths[len(lengths) // 2] <= 110
        filled = [b for b in bodies if b]
        self.abstract_doc = (
            not self.has_structure
            and not md
            and not self.labelled
            and 2 <= len(filled) <= 4
            and len(filled[0]) <= 400
            and max(len(b) for b in filled[1:]) >= 200
            and sum(len(b) for b in filled) <= 8000
            and rules.first("boilerplate", filled[0][:BOILER_SCAN_MAX]) is None
            and not any(is_table_row(b) for b in filled)
        )

    # -- helpers ---------------------------------------------------------------------------

    def _open(self, i: int, kind: str, title: str | None) -> None:
        self.segments.append(_Segment(i, kind, title))
        self.kind = kind
        self.in_table = False
        self.indent_table = False
        self.in_figure = False
        self.in_boiler = False

    def _open_prose(self, i: int, kind: str, title: str | None, *, new: bool = False) -> None:
        """Open a prose section; ``new`` marks the start of another abstract ("摘要" after
        "Abstract"), otherwise an abstract continues its structure."""
        if kind == "abstract" and (new or self.prose_kind != "abstract"):
            self.abstract_start = self.lines[i].start
            self.abstract_parts = set()
            self.abstract_labels = set()
            self.abstract_last = ""
            heading = self.rules.heading(title)[0] if title else None
            self.abstract_headed = heading is not None and heading.kind == "abstract"
            self.abstract_unstructured = False
        self._open(i, kind, title)
        self.prose_kind = kind

    def _interrupted(self) -> bool:
        """True inside a table or figure caption: prose must reopen a section."""
        return self.in_table or self.in_figure

    # -- main loop -------------------------------------------------------------------------

    def run(self) -> list[_Segment]:
        rules = self.rules
        for i, ln in enumerate(self.lines):
            body = ln.body
            if not body:
                continue
            if i <= self.yaml_end:
                if self.kind != "front_matter":
                    self._open(i, "front_matter", None)
                continue
            if self.abstract_doc:
                self._abstract_doc_line(i)
                continue
            if i in self.running_heads:
                self._open(i, "boilerplate", None)
                self.in_figure = True  # the page's prose resumes after it
                continue
            if self.labelled and body[0] in "ABFT":
                path = label_path(body)
                if path is not None:
                    self._label_path(i, body, *path)
                    continue
            if self.caption_pending:
                # "Fig. 1." / "Table 1." on a line of its own: the next line is its caption
                self.caption_pending = False
                if not is_table_row(body):
                    continue
            if self._table_line(i, body):
                continue
            if (self.md_levels or self.narrative) and body[0] in "#<":
                text, level = markup_heading(body)
                if level > 0:
                    self._md_heading(i, body, text, level)
                    continue
            heading, depth = rules.heading(body)
            if heading is not None and self._wrapped_word(i, body):
                heading = None
            if heading is None and self.wrapped and rules.first("notes", body) is None:
                heading = self._interleaved_heading(body)  # (a contents line is no heading)
            if heading is not None:
                self._heading(i, body, heading, depth)
                continue
            note = rules.first("notes", body)
            if note is not None and len(body) <= FRONT_LINE_MAX:
                if note.strong:  # another article's text follows ("（上接801页）")
                    self._open_prose(i, note.kind, body)
                    continue
                self._open(i, note.kind, None)
                self.in_figure = True  # prose after it reopens its own section
                continue
            if self.prose_kind is not None and len(body) <= BOILER_SCAN_MAX:
                front = rules.first("front_matter", body, strong_only=True)
                if front is not None:
                    # a first-page footnote printed inside the body (PDF text)
                    self._open(i, "front_matter", None)
                    self.in_figure = True
                    continue
            if self.prose_kind == "abstract" and len(body) <= BOILER_SCAN_MAX:
                front = rules.first("front_matter", body)
                if front is not None and not front.citation:
                    # "Keywords: ...", "Received ...": the abstract is over
                    self._open(i, "front_matter", None)
                    self.prose_kind = None
                    self.abstract_seen = True
                    continue
            caption = rules.first("figure_captions", body)
            if caption is not None:
                self._open(i, "other", body)
                self.in_figure = True
                self.caption_pending = _label_only(caption, body)
                continue
            inline = rules.inline_label(body)
            if inline is not None and self._inline(i, body, *inline):
                continue
            boiler = self._boilerplate(body)
            if boiler is not None:
                if self.kind != "boilerplate" or self._interrupted():
                    self._open(i, "boilerplate", None)
                self.in_boiler = True
                continue
            if self.in_boiler and self.prose_kind is None and rules.first("front_matter", body):
                self.in_boiler = False  # the journal line after the banners of a PMC page
            if self.in_boiler:
                self.in_boiler = len(body) <= BOILER_CONTINUE_MAX
                if self.in_boiler or self.prose_kind == "boilerplate":
                    continue  # a short line, or a block opened by a heading ("Citing Articles")
                self._resume(i, body)
                continue
            if self.kind is None or (self.kind == "front_matter" and self.prose_kind is None):
                self._preamble(i, body)
                continue
            if self.in_table or self.in_figure:
                self._resume(i, body)
                continue
            if self.kind == "boilerplate" and self.prose_kind is None:
                self._preamble(i, body)
                continue
            if self.kind not in ("front_matter", "boilerplate") and self._heading_at(i, body):
                self._open_prose(i, self.prose_kind or self.kind or "other", body)
                continue
            if self.kind == "abstract" and not self.abstract_parts:
                self.abstract_unstructured = True
            if self.zoned and self.kind in _ZONE_ORDER:
                self._zone_step(i, body)
        if not self.segments:
            return [_Segment(0, "other", None)]
        self._end_references()
        self._lost_results()
        self.segments[0].line = 0
        return self.segments

    # -- line handlers ---------------------------------------------------------------------

    def _abstract_doc_line(self, i: int) -> None:
        """A PubMed record (title, then the abstract): the title line is front matter, the
        paragraphs after it the abstract, structured or not."""
        if self.kind is None:
            self._open(i, "front_matter", None)
        elif self.kind == "front_matter":
            self._open_prose(i, "abstract", None, new=True)

    def _path_kind(self, part: str) -> str | None:
        """The kind one component of a label path names ("MATERIALS AND METHODS" -> methods)."""
        rule, _ = self.rules.heading(part)
        if rule is not None:
            return rule.kind
        cue = self.rules.first("path_cues", _norm_heading(part))
        return cue.kind if cue is not None else None

    def _label_path(self, i: int, body: str, root: str, parts: list[str]) -> None:
        """A label-path line of a PMC rendering opens the section its first component names.

        ``ABSTRACT.*`` is the abstract whatever its part; ``BODY.X.Y`` takes the kind of ``X``
        (or of a known later component); an unknown ``X`` continues the body section before it
        (the introduction when the body has none yet).
        """
        self.zoned = False
        if root in ("TITLE", "FRONT"):
            if self.kind != "front_matter":
                self._open(i, "front_matter", None)
            self.prose_kind = None
            return
        if root == "ABSTRACT":
            if self.prose_kind == "abstract":
                self._open(i, "abstract", body)
            else:
                self._open_prose(i, "abstract", body, new=True)
            return
        kind = None
        for part in parts:
            kind = self._path_kind(part)
            if kind is not None:
                break
        if kind is None:
            previous = self.prose_kind
            if previous in (None, "front_matter", "abstract"):
                kind = "introduction"
            elif previous in _BACK_KINDS:
                kind = "other"
            else:
                kind = previous
        self._open_prose(i, kind, body)

    def _md_heading(self, i: int, body: str, text: str, level: int) -> None:
        """A Markdown heading in a document of several heading levels (or a narrative one).

        The heading's level places it: it closes every open heading of its level or deeper; an
        unknown heading takes the kind of the heading it sits under; the children of back
        matter (references, boilerplate) stay back matter; the page title (a top-level heading
        before any prose) is front matter; in a narrative document article-structure words
        ("Response", "Efficacy") are topics, so the body stays ``other``.
        """
        self.zoned = False
        rule, _ = self.rules.heading(text)
        # a narrative excerpt opening on "## Treatment of Recurrent ..." opens its body: only a
        # level-1 heading is the title of a narrative page
        titled = level == 1 or not self.narrative
        if (
            self.prose_kind is None
            and titled
            and level <= min(self.md_min_level, 2)
            and rule is None
        ):
            if self.kind != "front_matter" or self._interrupted():
                self._open(i, "front_matter", None)
            return
        while self.md_stack and self.md_stack[-1][0] >= level:
            self.md_stack.pop()
        parent = self.md_stack[-1][1] if self.md_stack else None
        if parent in _BACK_KINDS and (rule is None or rule.kind not in _BACK_KINDS):
            kind = parent
        elif rule is not None:
            kind = rule.kind
            if parent == "abstract" and rule.abstract_part:
                kind = "abstract"
            elif self.narrative and kind in _STRUCTURE_KINDS:
                kind = parent or "other"
        elif parent is not None:
            kind = parent
        elif self.narrative:
            kind = "other"
        else:
            kind = self.prose_kind or "other"
            if kind in _BACK_KINDS or kind == "front_matter":
                kind = "other"
        self.md_stack.append((level, kind))
        if kind in ("boilerplate", "front_matter"):
            self._open(i, kind, body)
            self.prose_kind = kind if kind == "boilerplate" else None
            return
        if kind == "abstract" and self.prose_kind == "abstract" and parent == "abstract":
            self._open(i, "abstract", body)
            return
        self._open_prose(i, kind, body, new=kind == "abstract" and parent != "abstract")

    def _wrapped_word(self, i: int, body: str) -> bool:
        """A lower-case line right under an unfinished line ("... require immediate" /
        "treatment."): the end of a hard-wrapped sentence, not a heading."""
        if not body[0].islower() or i == 0:
            return False
        above = self.lines[i - 1].body
        return bool(above) and not above.endswith(_TERMINAL) and not above.endswith(":")

    def _heading_at(self, i: int, body: str) -> bool:
        """An unknown heading: heading-like, and not a line of a wrapped paragraph (PDF text)."""
        if not _heading_like(body):
            return False
        words = body.split()
        if words[-1].casefold() in self.rules.continuation_words or body.endswith(("-", "/")):
            return False
        following = self.next_body[i]
        return not (following and following[0].islower())

    def _interleaved_heading(self, body: str) -> HeadingRule | None:
        """A heading printed at the start of a line of the other column (PDF text):
        "Introduction that promote ...", "References Neuroscience, 95, ...".

        Only where that heading is due: Introduction before the body, back matter after it.
        """
        first, _, rest = body.partition(" ")
        if not rest or not first[:1].isupper() or (first.isupper() and len(first) < 4):
            return None
        rule, depth = self.rules.heading(first)
        if rule is None or depth:
            return None
        if rule.kind == "introduction" and not rule.abstract_part:
            due = self.prose_kind in (None, "front_matter", "abstract")
        elif rule.kind in ("references", "acknowledgments"):
            due = self.prose_kind in ("discussion", "conclusion", "references", "acknowledgments")
            if self.prose_kind == "references" and self._reference_form(rest):
                due = False  # "Support Care Cancer. 2003;11:415.": a journal name in an entry
        else:
            due = False
        return rule if due else None

    def _reference_form(self, text: str) -> bool:
        """``text`` carries a reference form (a ``reference_entries`` rule of kind
        references: year;volume:pages, an author list, a DOI ...)."""
        return any(
            rule.kind == "references" and rule.regex.search(text)
            for rule in self.rules.patterns["reference_entries"]
        )

    def _boilerplate(self, body: str) -> PatternRule | None:
        """A boilerplate cue: any cue in front matter and banners, strong cues elsewhere.

        Only the start of a line is searched, and in the body only lines of up to
        :data:`BOILER_SCAN_MAX` characters (web furniture is short; article paragraphs are not).
        A block opened by a heading ("Citing Articles") needs no cues: it runs to the next one.
        """
        if self.kind == "boilerplate" and self.prose_kind == "boilerplate":
            return None
        if self.kind in (None, "front_matter", "boilerplate"):
            return self.rules.first("boilerplate", body[:BOILER_SCAN_MAX])
        if len(body) > BOILER_SCAN_MAX:
            return None
        return self.rules.first("boilerplate", body, strong_only=True)

    def _table_line(self, i: int, body: str) -> bool:
        """Handle table titles, rows and footnotes; False when the line is not table material."""
        rules = self.rules
        title = rules.first("table_titles", body)
        if title is not None:
            norm = _norm_heading(body)
            if self.in_table and norm == self.table_title:
                return True  # the same table printed again
            self._open(i, "table", body)
            self.in_table = True
            self.inline_table = self.labelled
            self.table_title = norm
            self.table_first_row = ""
            self.table_footnotes = False
            self.caption_pending = _label_only(title, body)
            return True
        if _HTML_TABLE.match(body):
            # an HTML table block of a MinerU / web conversion, under its title or not
            if not self.in_table:
                self._start_table(i)
                self.table_title = ""
                self.table_first_row = ""
            return True
        if is_table_row(body):
            row = _SPACES.sub(" ", body)
            if self.in_table:
                if not self.table_first_row:
                    self.table_first_row = row
                    return True
                if not self.table_footnotes or row == self.table_first_row:
                    return True
            caption = self._start_table(i)
            self.table_title = "" if caption is None else _norm_heading(self.lines[caption].body)
            self.table_first_row = row
            return True
        if self.in_table and self._footnote(body):
            self.table_footnotes = True
            return True
        if not self.in_table and self._indented_cells(i, body):
            # an untitled table of a PMC rendering: its cells are printed indented, one row or
            # cell a line, under the prose that cites it
            self._open(i, "table", None)
            self.in_table = True
            self.inline_table = True
            self.indent_table = True
            self.table_title = ""
            self.table_first_row = ""
            self.table_footnotes = False
            return True
        if self.in_table and self.indent_table and not self._indented(i):
            return False  # the indented cells are over: prose (or a heading) again
        if self.in_table and self.inline_table and not _sentence_prose(body):
            return True  # cells and footnotes of a flattened table, up to the prose after it
        # "Open in a new tab", "View large" under a table stay in the table
        return (
            self.in_table
            and len(body) <= FURNITURE_MAX
            and rules.first("boilerplate", body, strong_only=True) is not None
        )

    def _indented(self, i: int) -> bool:
        """The raw line holding line ``i`` (or the piece cut from it) starts with white space."""
        start = self.text.rfind("\n", 0, self.lines[i].start) + 1
        return self.text[start] in " \t\u00a0"

    def _indented_cells(self, i: int, body: str) -> bool:
        """In a PMC rendering, an indented line at the start of a raw line that is neither a
        label, a caption, a heading nor a sentence: a table's cells."""
        if not self.labelled or self.prose_kind not in _STRUCTURE_KINDS or self.in_figure:
            return False
        if not self._indented(i):
            return False
        if _XMLNS_LEAD.match(body):
            # ' xmlns:ns0="...">To identify ...', '... ">ClinicalTrials.gov NCT01234567': the
            # debris of a link inside a paragraph, so prose (tables carry no links here)
            return False
        if _sentence_prose(body) or self.rules.first("figure_captions", body) is not None:
            return False
        return self.rules.heading(body)[0] is None

    def _start_table(self, i: int) -> int | None:
        """Open a table section at line ``i``, or at the caption line just above it (returned)."""
        caption = self._caption_above(i)
        if caption is None:
            self._open(i, "table", None)
        else:
            self._open(caption, "table", self.lines[caption].body)
        self.in_table = True
        self.table_footnotes = False
        return caption

    def _caption_above(self, i: int) -> int | None:
        """The line right above a new table when it is its untitled caption (HTML ``<caption>``).

        Only a heading-like line (no sentence end), directly above the first row with no blank
        line between, that is not a known heading and opened a section of its own or sits in
        prose; the section it opened (if any) is taken over by the table.
        """
        j = i - 1
        if j < 0 or self.in_table or self.in_figure or not self.segments:
            return None
        body = self.lines[j].body
        if not body or not _heading_like(body) or self.rules.heading(body)[0] is not None:
            return None
        if self.kind in (None, "front_matter", "boilerplate"):
            return None
        if self.segments[-1].line == j:
            self.segments.pop()
        return j

    def _footnote(self, body: str) -> bool:
        """A table footnote: a footnote cue, or a short sentence inside a footnote block."""
        if self.rules.heading(body)[0] is not None:
            return False
        if self.rules.first("figure_captions", body) is not None:
            return False
        cue = self.rules.first("table_footnotes", body)
        if cue is not None:
            # a labelled block ("Abbreviations: ...") holds however long; other cues are short
            return cue.strong or len(body) <= 2 * FOOTNOTE_MAX
        return (
            self.table_footnotes
            and len(body) <= FOOTNOTE_MAX
            and body.endswith((*_TERMINAL, ")"))
            and _SENTENCE_BREAK.search(body) is None
        )

    def _heading(self, i: int, body: str, rule: HeadingRule, depth: int) -> None:
        self.zoned = False
        kind = rule.kind
        parent = self.prose_kind
        if self.narrative and kind in _STRUCTURE_KINDS:
            # "**Summary**", "Treatment" in a narrative review are topics of its body
            kind = parent if parent is not None and parent not in _BACK_KINDS else "other"
            if parent == "front_matter":
                kind = "other"
            self._open_prose(i, kind, body)
            return
        if parent is None and rule.abstract_part and depth == 0 and self.has_citation:
            # a PubMed page: the structured abstract's labels come before any other heading
            self._open_prose(i, "abstract", body)
            self._add_part(rule, body)
            return
        if parent is None and kind in ("references", "acknowledgments"):
            # "Author information", "Article notes" above the abstract of a PMC page
            if self.kind != "front_matter" or self._interrupted():
                self._open(i, "front_matter", None)
            return
        if (
            rule.topics
            and depth <= 1
            and parent in _TOPIC_PARENTS.get(kind, ())
            and _heading_words(body) in rule.topics
        ):
            # "Patients", "Treatment" as a subsection of the results; "Outcomes", "Safety",
            # "Objectives" of the methods; "Summary" closing a discussion
            self._open_prose(i, parent, body)
            return
        if depth > 1 and parent in _STRUCTURE_KINDS:
            # a numbered subsection ("2.4 Statistical analysis") belongs to its parent
            self._open_prose(i, parent, body)
            return
        if (
            (rule.abstract_part or self._abstract_opening(i, kind))
            and self.prose_kind == "abstract"
            and depth == 0
            and (not self.abstract_unstructured or self._parts_ahead(i))
            and (rule.id not in self.abstract_parts or rule.id == self.abstract_last)
            and _heading_words(body) not in self.abstract_labels
            and self.lines[i].start - self.abstract_start < ABSTRACT_PART_WINDOW
        ):
            self._add_part(rule, body)
            self._open(i, "abstract", body)
            self.prose_kind = "abstract"
            return
        self._open_prose(i, kind, body, new=kind == "abstract")

    def _add_part(self, rule: HeadingRule, label: str) -> None:
        """Record a part label of the current abstract."""
        self.abstract_parts.add(rule.id)
        self.abstract_labels.add(_heading_words(label))
        self.abstract_last = rule.id

    def _parts_ahead(self, i: int) -> bool:
        """In an abstract that opened on prose ("Lessons Learned", an unlabelled aim), the part
        labels that follow still structure it when they run, part label after part label, to a
        conclusion label within the abstract's window: "Methods" / "Results" / "Conclusion"."""
        if not self.abstract_headed:
            return False  # an unheaded abstract (a PubMed page): its prose is all of it
        for k in range(i, len(self.lines)):
            ln = self.lines[k]
            if ln.start - self.abstract_start >= ABSTRACT_PART_WINDOW:
                return False
            if not ln.body or len(ln.body) > HEADING_MAX:
                continue
            if is_table_row(ln.body):
                return False
            rule, depth = self.rules.heading(ln.body)
            if rule is None:
                continue  # a heading-like line of prose
            if not rule.abstract_part or depth:
                return False
            if rule.kind == "conclusion" and k > i:
                return True
        return False

    def _abstract_opening(self, i: int, kind: str) -> bool:
        """A structure heading right under an "Abstract" heading, nothing between: the
        abstract's first part ("Abstract" / "Introduction" / ... / "Conclusion", then the
        body's own "Introduction")."""
        if kind not in _STRUCTURE_KINDS or kind == "abstract" or not self.segments:
            return False
        last = self.segments[-1]
        if last.kind != "abstract" or last.title is None or self.abstract_parts:
            return False
        rule, _ = self.rules.heading(last.title)
        if rule is None or rule.kind != "abstract":
            return False
        return all(not self.lines[k].body for k in range(last.line + 1, i))

    def _inline(self, i: int, body: str, rule: HeadingRule, label: str) -> bool:
        kind = rule.kind
        if kind == "abstract" and self.prose_kind in (None, "front_matter", "abstract"):
            # "摘要：目的 ...", "Abstract: Objective ...": an abstract (another one after the first)
            self._open_prose(i, "abstract", label, new=True)
            return True
        if rule.abstract_part and (
            self.prose_kind == "abstract" or self.prose_kind is None or self.kind is None
        ):
            # a structured abstract with inline labels ("Background: ...", "目的：...")
            if self.prose_kind != "abstract":
                self._open_prose(i, "abstract", label)
            else:
                self._open(i, "abstract", label)
            self._add_part(rule, label)
            return True
        if self.prose_kind is None:
            return False  # "Correspondence: ..." before the first heading is front matter
        # In the body only back-matter labels ("Contribution: ...", "Funding: ...") open a
        # section: "Treatment: ..." or "Response: ..." are run-in headings of the current one.
        if kind in _BACK_KINDS:
            if kind == self.kind and not self._interrupted():
                return True
            self._open_prose(i, kind, label)
            return True
        return False

    def _resume(self, i: int, body: str) -> None:
        """Prose after a table, caption or boilerplate block: back to the previous prose kind."""
        kind = self.prose_kind
        if kind is None or kind == "front_matter":
            self.kind = None
            self._preamble(i, body)
            return
        title = body if self._heading_at(i, body) else None
        if self.zoned and kind in _ZONE_ORDER:
            zoned = self._zone_kind(i, body)
            if zoned is not None:
                kind = zoned
        self._open_prose(i, kind, title)

    def _preamble(self, i: int, body: str) -> None:
        """Text before the first heading: front matter, an unheaded abstract, or zoned prose."""
        front = self.rules.first("front_matter", body)
        if front is not None or not _is_long_prose(body):
            if self.kind != "front_matter":
                self._open(i, "front_matter", None)
            return
        if self.narrative:
            self._open_prose(i, "other", None)
            return
        if self.abstract_seen:
            # after "摘要 ... 关键词 ... Abstract ... Key words": the unheaded introduction
            self._open_prose(i, "introduction", None)
            return
        if self.has_citation or self.first_structure_kind in ("introduction", "methods"):
            # PubMed pages; Frontiers-style unheaded abstracts before "1 Introduction"
            self._open_prose(i, "abstract", None)
            self.abstract_unstructured = True
            return
        if self.first_structure_kind in ("abstract", "key_points"):
            self._open(i, "front_matter", None)
            return
        # no headings, or only late ones ("Conclusion" on a news page): zone the prose
        self.zone = 0
        zoned = self._zone_kind(i, body) or _ZONE_ORDER[0]
        self._open_prose(i, zoned, None)
        self.zoned = True

    # -- where a references section ends ----------------------------------------------------

    def _end_references(self) -> None:
        """A references section continues only while its paragraphs read as reference entries.

        Entries (numbered, author lists, year;volume:pages, DOIs: the ``reference_entries``
        rules, about one per entry) and back-matter statements keep it going; short lines are
        neutral. A document's references are at its end: a section that opens in the first
        :data:`REFERENCE_EARLY_SHARE` of the text (a reference-like line, a table's "Reference"
        column head, a side bar or a footnote read as a heading early in a PDF) must not
        swallow the results and discussion after it. Such a section

        * keeps only its reference list, the suffix where entries outweigh everything else,
          when the text before that list holds at least :data:`REFERENCE_SWALLOW_MIN`
          characters of body text (prose, result rows);
        * with no list, ends where running prose with no reference form begins:
          :data:`REFERENCE_PROSE_RUN` characters in a row (a line of result values counts
          :data:`REFERENCE_ROW_WEIGHT`), however the PDF text split it into lines.

        The text given back takes the body kind before the section (``other`` after front
        matter or an abstract); tables and captions inside it keep their kind. Sections that
        open late are never changed: reference forms the rules do not know, appendices and
        back matter statements stay where they are.
        """
        segs = self.segments
        k = 0
        while k < len(segs):
            if segs[k].kind != "references":
                k += 1
                continue
            stop = k + 1  # the section: its segments up to the next heading of another kind
            while stop < len(segs) and self._continues_references(segs[stop]):
                stop += 1
            back = next((s.kind for s in reversed(segs[:k]) if s.kind not in _BETWEEN_KINDS), None)
            paras = list(self._reference_paragraphs(k, stop))
            kind = back if back in _BODY_KINDS else "other"
            if paras and self.lines[segs[k].line].start < REFERENCE_EARLY_SHARE * len(self.text):
                start = _list_start(paras)
                if start:
                    end = paras[start][0] if start < len(paras) else len(self.lines)
                    first = next(p[0] for p in paras if p[1] not in ("entry", "short"))
                    stop += self._relabel(k, stop, first, end, kind)
                else:
                    split = _prose_split(paras)
                    if split is not None:
                        stop += self._relabel(k, stop, split, len(self.lines), kind)
            elif paras and kind in ("results", "discussion", "conclusion"):
                # a late section: it gives back only the results it swallowed (a side bar or
                # a table's column head read as "References" in the results or discussion):
                # text before its reference list that holds result values
                start = _list_start(paras, REFERENCE_PROSE_RUN)
                if start:
                    first = next(p[0] for p in paras if p[1] not in ("entry", "short"))
                    end = paras[start][0] if start < len(paras) else self._end_line(stop)
                    if first < end and self._result_values(first, end) >= LATE_RESULT_VALUES:
                        stop += self._relabel(k, stop, first, end, kind)
            k = stop
        self._end_reference_lists()

    def _end_line(self, stop: int) -> int:
        """The line where segment ``stop`` begins (the end of the text after the last)."""
        return self.segments[stop].line if stop < len(self.segments) else len(self.lines)

    def _result_values(self, first: int, end: int) -> int:
        """Result values (percentages, p values, CIs, ratios: ``reference_entries`` rules of
        kind results) in lines ``first`` to ``end``."""
        rules = [r for r in self.rules.patterns["reference_entries"] if r.kind == "results"]
        return sum(
            len(rule.regex.findall(self.lines[x].body)) for x in range(first, end) for rule in rules
        )

    def _end_reference_lists(self) -> None:
        """What follows a reference list and is no reference entry is no reference: an author
        manuscript or preprint prints its tables (often read as lines of values), figure
        legends and appendices after the references. Each run of at least
        :data:`REFERENCE_SWALLOW_MIN` characters of such text (prose, rows, other lines; a line
        of result values counts :data:`REFERENCE_ROW_WEIGHT`) with no entry in it, after
        :data:`REFERENCE_LIST_MIN` entries, becomes ``other``."""
        segs = self.segments
        k = 0
        while k < len(segs):
            if segs[k].kind != "references":
                k += 1
                continue
            stop = k + 1
            while stop < len(segs) and self._continues_references(segs[stop]):
                stop += 1
            paras = list(self._reference_paragraphs(k, stop))
            bounds = [seg.line for seg in segs] + [len(self.lines)]
            for j in range(k + 1, stop):  # tables and captions in it: no entries either
                if segs[j].kind in ("table", "other"):
                    size = sum(len(self.lines[x].body) for x in range(segs[j].line, bounds[j + 1]))
                    paras.append((segs[j].line, "float", size, 0))
            for first, last in _tail_runs(sorted(paras)):
                stop += self._relabel(k, stop, first, last, "other")
            k = stop

    def _lost_results(self) -> None:
        """A full text with a methods section but no results and no discussion lost its
        results heading (read into another line, set in a form the rules do not know): its
        methods end at the first paragraph whose results cues outweigh its methods cues
        (zoning rules, at least :data:`LOST_RESULTS_CUES`), and the methods text from there
        on is results. Methods keep only cohort sizes and follow-up; results keep their
        values."""
        segs = self.segments
        kinds = {seg.kind for seg in segs}
        if "methods" not in kinds or kinds & {"results", "discussion"}:
            return
        bounds = [seg.line for seg in segs] + [len(self.lines)]
        results, methods = _ZONE_ORDER.index("results"), _ZONE_ORDER.index("methods")
        for k, seg in enumerate(segs):
            if seg.kind != "methods":
                continue
            for para in self._paragraphs(range(seg.line, bounds[k + 1])):
                text = " ".join(self.lines[x].body for x in para)
                if len(text) < ZONE_MIN:
                    continue
                scores = self._scores(text)
                if scores[results] >= LOST_RESULTS_CUES and scores[results] > scores[methods]:
                    if para[0] > seg.line:
                        segs.insert(k + 1, _Segment(para[0], "methods", None))
                        k += 1
                    for later in segs[k:]:
                        if later.kind == "methods":
                            later.kind = "results"
                        elif later.kind not in ("table", "other", "boilerplate"):
                            break
                    return

    def _relabel(self, k: int, stop: int, first: int, end: int, kind: str) -> int:
        """Give lines ``first`` to ``end`` of the references section ``segments[k:stop]``
        the ``kind``; returns the number of segments inserted (at those two lines)."""
        segs = self.segments
        added = 0
        for line in (first, end):
            if line >= len(self.lines):
                continue
            at = max(j for j in range(k, stop + added) if segs[j].line <= line)
            if segs[at].line < line:
                segs.insert(at + 1, _Segment(line, segs[at].kind, None))
                added += 1
        for seg in segs[k : stop + added]:
            if first <= seg.line < end and seg.kind == "references":
                seg.kind = kind
        return added

    def _continues_references(self, seg: _Segment) -> bool:
        """A segment inside a references section: a table, caption or furniture in it, or its
        prose resumed after one (no heading of its own, or one that names no kind)."""
        if seg.kind in _BETWEEN_KINDS - {"references"}:
            return True
        if seg.kind != "references":
            return False
        return seg.title is None or self.rules.heading(seg.title)[0] is None

    def _reference_paragraphs(self, k: int, stop: int) -> Iterator[tuple[int, str, int, int]]:
        """``(first line, form, characters, count)`` of each paragraph of the references
        section ``segments[k:stop]``. Forms: ``entry`` (a reference form about once per entry,
        count the forms; or a back-matter statement: a label or ``reference_entries`` rule of
        kind acknowledgments), ``prose``, ``rows`` (count the lines of result values: rules of
        kind results), ``other``, and ``short`` (headings, furniture, wrapped pieces)."""
        segs = self.segments
        bounds = [s.line for s in segs] + [len(self.lines)]
        for j in range(k, stop):
            if segs[j].kind != "references":
                continue
            for para in self._paragraphs(range(segs[j].line, bounds[j + 1])):
                text = " ".join(self.lines[x].body for x in para)
                label = self.rules.inline_label(text)
                if label is not None and label[0].kind in _BACK_KINDS:
                    yield para[0], "entry", len(text), 0  # "Contribution: ...", "Funding: ..."
                    continue
                found = rows = statements = 0
                for x in para:
                    values = 0
                    for rule in self.rules.patterns["reference_entries"]:
                        count = len(rule.regex.findall(self.lines[x].body))
                        if rule.kind == "references":
                            found += count
                        elif rule.kind == "results":
                            values += count
                        else:
                            statements += count
                    rows += values >= 2
                if statements and not rows:
                    yield para[0], "entry", len(text), 0  # "All authors read and approved ..."
                    continue
                prose = len(text) >= SHORT_LINE and _reads_as_prose(text)
                if rows and rows * 2 >= len(para):
                    # results, or rows citing their studies ("Knudson MM, et al. 2004 ... 5
                    # (4.2%)"): a reference list prints no percentages or p values
                    yield para[0], "prose" if prose else "rows", len(text), rows
                elif found and len(text) <= REFERENCE_ENTRY_MAX * found:
                    yield para[0], "entry", len(text), found
                elif prose:
                    yield para[0], "prose", len(text), 0
                elif rows:
                    yield para[0], "rows", len(text), rows
                elif len(text) >= SHORT_LINE:
                    yield para[0], "other", len(text), 0
                else:
                    yield para[0], "short", len(text), 0

    def _paragraphs(self, lines: Iterable[int]) -> Iterator[list[int]]:
        """Line indices of the paragraphs in ``lines``: runs of short lines between blank
        lines (wrapped lines of a PDF), at most :data:`PARAGRAPH_LINES_MAX` of them; a long
        line (a paragraph or an entry joined into one line) and a heading are paragraphs of
        their own."""
        para: list[int] = []
        for x in lines:
            body = self.lines[x].body
            alone = len(body) >= REFERENCE_PROSE_MIN or self.rules.heading(body)[0] is not None
            if not body or alone:
                if para:
                    yield para
                para = []
                if alone:
                    yield [x]
                continue
            para.append(x)
            if len(para) >= PARAGRAPH_LINES_MAX:
                yield para  # PDF text without paragraph gaps: read it a few lines at a time
                para = []
        if para:
            yield para

    # -- zoning of unheaded prose ----------------------------------------------------------

    def _scores(self, body: str, first: int = 0) -> list[int]:
        """Cue counts per zoning stage; stages before ``first`` are never compared, so they are
        not counted (left 0)."""
        scores = [0] * len(_ZONE_ORDER)
        for rule in self.rules.patterns["zoning"]:
            if rule.kind in _ZONE_ORDER:
                stage = _ZONE_ORDER.index(rule.kind)
                if stage >= first:
                    scores[stage] += len(rule.regex.findall(body))
        return scores

    def _zone_kind(self, i: int, body: str) -> str | None:
        """Move forward to a later stage when its cues outweigh the current stage's."""
        if len(body) < ZONE_MIN:
            return None
        current = _ZONE_ORDER.index(self.kind) if self.kind in _ZONE_ORDER else self.zone
        scores = self._scores(body, current)
        if i == self.last_prose and scores[-1] > 0:
            scores[-1] += 1
        best = current
        for stage in range(current + 1, len(_ZONE_ORDER)):
            if scores[stage] > scores[best] and scores[stage] > scores[current]:
                best = stage
        self.zone = best
        return _ZONE_ORDER[best]

    def _zone_step(self, i: int, body: str) -> None:
        zoned = self._zone_kind(i, body)
        if zoned is not None and zoned != self.kind:
            self._open_prose(i, zoned, None)


# --------------------------------------------------------------------------------------------
# Languages


_IMAGE_LINE = re.compile(r"^!\[[^\]\n]{0,200}\]\([^)\n]{0,300}\)$")


class _LanguageAssigner:
    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self._doc_latin: str | None = None
        self.abstract_checks = 0

    def doc_latin(self) -> str:
        """The document's Latin-script language, from one sample of its first long paragraph."""
        if self._doc_latin is None:
            sample = ""
            for ln in self.lines:
                if _is_long_prose(ln.body) and script_language(ln.body) == LATIN:
                    sample = ln.body
                    break
            if not sample:
                sample = " ".join(
                    ln.body for ln in self.lines[:50] if script_language(ln.body) == LATIN
                )
            self._doc_latin = (
                statistical_language(sample_of(sample)) if sample else DEFAULT_LANGUAGE
            )
            self._doc_latin = self._doc_latin or DEFAULT_LANGUAGE
        return self._doc_latin

    def line_language(self, body: str, kind: str) -> str | None:
        if _IMAGE_LINE.match(body):
            return None  # "![](images/3f2a.jpg)": no words, the language of its neighbours
        script = script_language(body)
        if script != LATIN:
            return script
        if (
            kind == "abstract"
            and _is_long_prose(body)
            and self.abstract_checks < MAX_ABSTRACT_DETECTIONS
        ):
            # translated abstracts: check each long abstract paragraph on its own
            self.abstract_checks += 1
            return statistical_language(sample_of(body)) or self.doc_latin()
        return self.doc_latin()


_TAG = re.compile(r"<[^<>\n]{0,200}>")


def _label_language(seg: _Segment) -> str | None:
    """A captioned or headed block (not a table) in a non-Latin script takes its label's
    language: "图1 ... Fig.1 ..." is a Chinese caption with its English translation, "参考文献"
    a Chinese paper's reference list even when most references are English."""
    if seg.kind == "table" or not seg.title:
        return None
    lead = markup_heading(seg.title)[0][:20]
    script = script_language(lead)
    return script if script not in (None, LATIN) else None


def _to_sections(text: str, lines: list[_Line], segments: list[_Segment]) -> list[Section]:
    assigner = _LanguageAssigner(lines)
    bounds = [seg.line for seg in segments] + [len(lines)]
    out: list[Section] = []
    for n, seg in enumerate(segments):
        first, stop = bounds[n], bounds[n + 1]
        if first >= stop:
            continue
        parts: list[tuple[int, str | None]] = []  # (line index, language)
        if seg.kind in _STRUCTURE_KINDS or seg.kind == "front_matter":
            # split prose where the language of its paragraphs changes (a translated abstract);
            # short lines (headings, labels) follow the paragraph around them
            for j in range(first, stop):
                body = lines[j].body
                if not body or (parts and len(body) < SPLIT_MIN):
                    continue
                lang = assigner.line_language(body, seg.kind)
                if lang is None:
                    continue
                if not parts:
                    parts.append((first, lang))
                elif parts[-1][1] != lang:
                    parts.append((j, lang))
        else:
            # tables, references, furniture: one section in the language of most characters
            size: dict[str, int] = {}
            for j in range(first, stop):
                body = _TAG.sub(" ", lines[j].body)  # HTML tables: the cells, not the tags
                lang = assigner.line_language(body, seg.kind) if body.strip() else None
                if lang is not None:
                    size[lang] = size.get(lang, 0) + len(body)
            label = _label_language(seg)
            if label is not None:
                parts.append((first, label))
            elif size:
                parts.append((first, max(size, key=lambda k: (size[k], k))))
        if not parts:
            parts = [(first, None)]
        for k, (j, lang) in enumerate(parts):
            end_line = parts[k + 1][0] if k + 1 < len(parts) else stop
            start = lines[j].start
            end = lines[end_line - 1].end
            out.append(
                Section(
                    kind=seg.kind,  # type: ignore[arg-type]
                    title=seg.title if k == 0 else None,
                    language=lang or "",
                    start=start,
                    end=end,
                )
            )
    # letter-free sections take the language of their neighbour
    fallback = next((s.language for s in out if s.language), DEFAULT_LANGUAGE)
    previous = fallback
    for idx, section in enumerate(out):
        if not section.language:
            out[idx] = section.model_copy(update={"language": previous})
        previous = out[idx].language
    if out:
        out[0] = out[0].model_copy(update={"start": 0})
        out[-1] = out[-1].model_copy(update={"end": len(text)})
    return out


# --------------------------------------------------------------------------------------------
# Public API


def _path_heading_kind(title: str, rules: SectionRules | None = None) -> str | None:
    """The kind a section title names as a heading: a label path's first known component
    ("BODY.CONCLUSIONS:"), a Markdown or plain heading ("## Conclusion", "5 结论"), or None."""
    rules = rules or default_rules()
    path = label_path(title.strip())
    if path is not None:
        for part in path[1]:
            rule, _ = rules.heading(part)
            if rule is not None:
                return rule.kind
        return None
    rule, _ = rules.heading(title.strip())
    return rule.kind if rule is not None else None


def split_sections(text: str, *, rules: SectionRules | None = None) -> list[Section]:
    """Sections tiling ``text`` in order, each with a kind, a title (if headed) and a language.

    The empty text has no sections; any other text has at least one.
    """
    if not text:
        return []
    splitter = _Splitter(text, rules or default_rules())
    segments = splitter.run()
    return _to_sections(text, splitter.lines, segments)


def section_at(sections: Iterable[Section], offset: int) -> Section | None:
    """The section holding character ``offset`` (None when out of range)."""
    for section in sections:
        if section.start <= offset < section.end:
            return section
    return None
