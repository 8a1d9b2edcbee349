"""The open endpoint vocabulary: outcome phrases that no vocabulary term names.

GUIDELINES: every clinical outcome a study reports as a number is a record; one that has no code
is ``other`` with its outcome phrase as ``label``. The vocabulary (``resources/endpoints.json``,
CTCAE) knows the frequent outcomes; the rest is an open set ("lymphoedema", "first attempts
failed", "time to achieve an ANC > 0.5"). :func:`open_terms` finds such phrases by the grammar of
a result clause (``resources/en/open_outcomes.json``: "<outcome> was/occurred in <value>",
"<value> of patients <verb phrase>", "<outcome> (x% vs y%)", "<outcome> rate of x%", "time to
<event>") and returns them as :class:`~trialex.extract.rules.Term` of source ``open``, each with
its trimmed phrase as label. A phrase is dropped where a vocabulary term lies in its clause (the
vocabulary decides there) and where it names no outcome (age, dose, a group, a count noun).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from trialex import rulebook
from trialex.extract.rules import Term
from trialex.regex import compile_guarded
from trialex.rulebook import RuleError

OPEN_KEYS = frozenset(
    {
        "id",
        "code",
        "side",
        "pattern",
        "anchor",
        "window_after",
        "requires",
        "examples",
        "note",
        "reject",
    }
)
ANCHOR_BEFORE, ANCHOR_AFTER = 110, 40  # the window around an anchor match the pattern is tried in


@dataclass(frozen=True)
class OpenPattern:
    id: str
    code: str
    side: str  # "before": phrase, verb, value; "after": value, count noun, verb phrase
    regex: re.Pattern[str]
    examples: dict[str, list[str]]
    reject: re.Pattern[str] | None = None  # on the raw phrase: not an outcome of this pattern
    anchor: re.Pattern[str] | None = None  # where the pattern can match (its verb or value)
    window_after: int = ANCHOR_AFTER  # how far after an anchor match the pattern may reach
    # (speed only) what every match holds from its verb on ("was in 5"): a window around an
    # anchor with no start of it inside cannot match and is skipped (same matches)
    requires: re.Pattern[str] | None = None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The pattern's matches; with an anchor, only those in a window around an anchor
        match (a phrase of at most seven words before its verb, the value after it)."""
        if self.anchor is None:
            yield from self.regex.finditer(text)
            return
        needed = None
        if self.requires is not None:
            needed = [m.start() for m in self.requires.finditer(text)]
            if not needed:
                return
        last = 0
        for a in anchor_matches(self.anchor, text):
            lo = max(last, a.start() - ANCHOR_BEFORE)
            if needed is not None:
                # a match starts at or after lo and holds a start of `requires` before its end
                k = bisect.bisect_left(needed, lo)
                if k == len(needed) or needed[k] >= min(len(text), a.end() + self.window_after):
                    continue
            for m in self.regex.finditer(text, lo, min(len(text), a.end() + self.window_after)):
                if m.end() > last:
                    last = m.end()
                    yield m


def anchor_matches(anchor: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of ``anchor.finditer(text)``, found faster: the plain pattern (no guard)
    without its leading ``\\b`` lets the engine jump to its first literal; the word boundary
    is then tested on the characters around each match start (and a failed one resumes one
    character on, so no match is hidden)."""
    plain, bounded = _plain_anchor(anchor)
    if not bounded:
        yield from plain.finditer(text)
        return
    n = len(text)
    pos = 0
    while pos <= n:
        m = plain.search(text, pos)
        if m is None:
            return
        p = m.start()
        before = p > 0 and _is_word(text[p - 1])
        if before != (p < n and _is_word(text[p])):
            yield m
            pos = m.end() if m.end() > p else p + 1
        else:
            pos = p + 1


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # the engine's \w on str


@functools.lru_cache(maxsize=256)
def _plain_anchor(anchor: re.Pattern[str]) -> tuple[re.Pattern[str], bool]:
    """(the anchor's source pattern compiled without the guard and without a leading \\b,
    whether it had one)."""
    from re import _constants, _parser  # type: ignore[attr-defined]  # stdlib, Python >= 3.11

    source = _ANCHOR_SOURCE.get(anchor.pattern, anchor.pattern)
    flags = anchor.flags & ~re.UNICODE
    # only a \\b that every match starts with (not "\\bX|Y", whose Y needs none)
    parsed = list(_parser.parse(source, flags))
    if source.startswith("\\b") and parsed[:1] == [(_constants.AT, _constants.AT_BOUNDARY)]:
        return re.compile(source[2:], flags), True
    return re.compile(source, flags), False


_ANCHOR_SOURCE: dict[str, str] = {}  # guarded pattern -> the pattern as written


@dataclass(frozen=True)
class Recode:
    regex: re.Pattern[str]  # on the trimmed phrase
    code: str
    examples: dict[str, list[str]]


@dataclass(frozen=True)
class OpenRules:
    patterns: tuple[OpenPattern, ...]
    object_verbs: tuple[str, ...]
    boundary_left: re.Pattern[str]
    boundary_right: re.Pattern[str]
    strip_left: re.Pattern[str]
    not_outcome: re.Pattern[str]
    not_outcome_examples: dict[str, list[str]]
    not_outcome_raw: re.Pattern[str]  # on the whole phrase before clause words are cut off
    not_outcome_raw_examples: dict[str, list[str]]
    recodes: tuple[Recode, ...] = ()


def load_open_rules(data: dict[str, Any]) -> OpenRules:
    from trialex.records import ENDPOINTS

    patterns = []
    for entry in data["patterns"]:
        unknown = set(entry) - OPEN_KEYS
        if unknown or entry["code"] not in ENDPOINTS or entry["side"] not in ("before", "after"):
            raise RuleError(f"open_outcomes.json: {entry.get('id')}: bad entry {sorted(unknown)}")
        regex = compile_guarded(entry["pattern"])
        if "outcome" not in regex.groupindex:
            raise RuleError(f"open_outcomes.json: {entry['id']}: no (?P<outcome>...) group")
        reject = re.compile(entry["reject"]) if "reject" in entry else None
        anchor = compile_guarded(entry["anchor"]) if "anchor" in entry else None
        if anchor is not None:
            _ANCHOR_SOURCE[anchor.pattern] = entry["anchor"]
        patterns.append(
            OpenPattern(
                entry["id"],
                entry["code"],
                entry["side"],
                regex,
                entry["examples"],
                reject,
                anchor,
                int(entry.get("window_after", ANCHOR_AFTER)),
                compile_guarded(entry["requires"]) if "requires" in entry else None,
            )
        )
    recodes = []
    for entry in data.get("recode", []):
        if entry["code"] not in ENDPOINTS:
            raise RuleError(f"open_outcomes.json: recode: bad entry {entry['code']}")
        recodes.append(Recode(re.compile(entry["pattern"]), entry["code"], entry["examples"]))
    return OpenRules(
        tuple(patterns),
        tuple(sorted(data["object_verbs"], key=len, reverse=True)),
        re.compile(data["boundary_left"]),
        re.compile(data["boundary_right"]),
        re.compile(data["strip_left"]),
        re.compile(data["not_outcome"]["pattern"]),
        data["not_outcome"]["examples"],
        re.compile(data["not_outcome_raw"]["pattern"]),
        data["not_outcome_raw"]["examples"],
        tuple(recodes),
    )


def open_rules() -> OpenRules:
    """``en/open_outcomes.json`` of the rules folder in force (:mod:`trialex.rulebook`)."""
    return _open_rules(rulebook.rules_key())


@functools.lru_cache(maxsize=8)
def _open_rules(key: str | None) -> OpenRules:
    where = str(rulebook.resolve("open_outcomes.json", "en", key))
    with rulebook.using(key), rulebook.parsing(where):  # codes: the registry of the same folder
        return load_open_rules(rulebook.load_json("open_outcomes.json", "en"))


def trim(text: str, start: int, end: int, side: str, rules: OpenRules) -> tuple[int, int] | None:
    """The outcome phrase inside ``text[start:end]``: clause words before it cut off ("and",
    "while"), the setting after it cut off ("in the placebo group"), determiners and rate nouns
    stripped ("the incidence of"); for a verb phrase of an object verb, the object ("had
    nausea" -> "nausea"). ``None`` when nothing that names an outcome is left."""
    phrase = text[start:end]
    if side == "before" and (m := rules.boundary_left.match(phrase)):
        start += m.end()
    start = _strip(text, start, end, rules)
    if m := rules.boundary_right.search(text[start:end]):
        end = start + m.start()
    if side == "after":
        lowered = text[start:end].lower()
        for verb in rules.object_verbs:
            if lowered.startswith(verb + " "):
                start = _strip(text, start + len(verb) + 1, end, rules)
                break
    phrase = text[start:end].strip()
    if side == "after" and phrase.lower() in rules.object_verbs:
        return None  # "had" with no object
    if not re.search(r"[A-Za-z]{3}", phrase) or rules.not_outcome.search(phrase):
        return None
    return start, start + len(phrase)


_CLAUSE_END = re.compile(r"[.;?!,](?:\s|$)|\n|\s(?:and|while|whereas|but)\s|[，。；！？]")


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``[start, end)`` (a stop, semicolon, comma, line break or "and",
    "while", "whereas", "but" ends one): an outcome phrase is offered only where no vocabulary
    term is in its clause."""
    lo = max(0, start - 400)
    ends = list(_CLAUSE_END.finditer(text, lo, start))
    lo = ends[-1].end() if ends else lo
    nxt = _CLAUSE_END.search(text, end, end + 400)
    return lo, nxt.start() if nxt else min(len(text), end + 400)


def _strip(text: str, start: int, end: int, rules: OpenRules) -> int:
    m = rules.strip_left.match(text[start:end])
    return start + m.end() if m else start


def open_terms(text: str, known: list[Term]) -> list[Term]:
    """Outcome phrases of ``text`` by the clause grammar of results prose, in clauses with none
    of the ``known`` terms (but a ``time_to_event`` one inside a "time to <event>" phrase,
    which :func:`~trialex.extract.rules.find_terms` then drops); no two overlap."""
    rules = open_rules()
    spans = sorted((t.start, t.end, t.code) for t in known)
    starts = [s for s, _, _ in spans]
    out: list[Term] = []
    taken: list[tuple[int, int]] = []
    for pattern in rules.patterns:
        for m in pattern.finditer(text):
            lo, hi = _clause(text, *m.span())
            o_lo, o_hi = m.span("outcome")
            i = bisect.bisect_left(starts, lo - 300)
            if any(
                s < hi
                and lo < e
                and not (code == pattern.code == "time_to_event" and s < o_hi and o_lo < e)
                for s, e, code in spans[i : bisect.bisect_left(starts, hi)]
            ):  # a term of the clause decides, but a bare "median time" inside the phrase of
                continue  # "median time to achieve an ANC > 0.5" gives way to it
            raw = text[o_lo:o_hi]
            if rules.not_outcome_raw.search(raw) or (pattern.reject and pattern.reject.search(raw)):
                continue
            span = trim(text, o_lo, o_hi, pattern.side, rules)
            if span is None or any(s < span[1] and span[0] < e for s, e in taken):
                continue
            taken.append(span)
            label = text[span[0] : span[1]]
            first = label.split(" ", 1)[0]
            if first[1:].islower():  # "Lymphoedema" -> "lymphoedema"; "ANC", "HbA1c" stay
                label = label[:1].lower() + label[1:]
            code = next((r.code for r in rules.recodes if r.regex.search(label)), pattern.code)
            out.append(Term(span[0], span[1], code, "open", label))
    if _CJK.search(text):
        out.extend(_zh_open_terms(text, spans, starts, taken))
    return sorted(out, key=lambda t: t.start)


_CJK = re.compile(r"[\u4e00-\u9fff]")


ZhOpenRules = tuple[tuple[tuple[str, str, re.Pattern[str]], ...], re.Pattern[str]]


def zh_open_rules() -> ZhOpenRules:
    """``zh/open_outcomes.json`` of the rules folder in force (:mod:`trialex.rulebook`): (id,
    code, pattern) of each rule, and the phrases that name no outcome."""
    return _zh_open_rules(rulebook.rules_key())


@functools.lru_cache(maxsize=8)
def _zh_open_rules(key: str | None) -> ZhOpenRules:
    where = str(rulebook.resolve("open_outcomes.json", "zh", key))
    with rulebook.using(key), rulebook.parsing(where):
        data = rulebook.load_json("open_outcomes.json", "zh")
    patterns = []
    for entry in data["patterns"]:
        regex = compile_guarded(entry["pattern"])
        if "outcome" not in regex.groupindex:
            raise RuleError(f"zh/open_outcomes.json: {entry['id']}: no (?P<outcome>...) group")
        patterns.append((entry["id"], entry["code"], regex))
    return tuple(patterns), re.compile(data["not_outcome"]["pattern"])


def _zh_open_terms(
    text: str,
    spans: list[tuple[int, int, str]],
    starts: list[int],
    taken: list[tuple[int, int]],
) -> list[Term]:
    """ "RTX-IP发生率约为3.5%": the Chinese outcome phrase before 发生率, in a clause (，。；
    end one) that holds no vocabulary term."""
    patterns, not_outcome = zh_open_rules()
    out: list[Term] = []
    for _, code, regex in patterns:
        for m in regex.finditer(text):
            lo, hi = _clause(text, *m.span())
            i = bisect.bisect_left(starts, lo - 300)
            if any(s < hi and lo < e for s, e, _ in spans[i : bisect.bisect_left(starts, hi)]):
                continue
            o_lo, o_hi = m.span("outcome")
            label = text[o_lo:o_hi]
            if not_outcome.search(label) or any(s < o_hi and o_lo < e for s, e in taken):
                continue
            taken.append((o_lo, o_hi))
            out.append(Term(o_lo, o_hi, code, "open", label))
    return out
