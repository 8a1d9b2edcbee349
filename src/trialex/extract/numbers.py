"""Value mentions: numbers, percentages, n/N, CIs, p values, HRs and durations as printed.

The patterns are data (``resources/{en,zh}/patterns.json``): each has an ``id``, a ``kind`` that
tells :func:`find_mentions` how to read its named groups, the regex (with ``{MACRO}`` references
to the file's ``macros``) and ``examples`` that a test runs. Two optional keys are for speed
only and never change a result: ``requires`` (literals: a text holding none of them is skipped)
and ``"anchor": "number"`` (the pattern opens with ``{B}`` and a number, so it is tried only
where a number starts, found once per text, instead of at every character).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from trialex.regex import compile_guarded

KINDS = frozenset(
    {
        "ignore",
        "pct",
        "pct_range",
        "pct_pair",
        "ci",
        "p",
        "hr",
        "n_eq",
        "timepoint",
        "timepoint_pair",
        "duration",
        "count",
        "count_pair",
        "duration_pair",
        "or",
        "rr",
    }
)
_FILE_KEYS = {"version", "language", "macros", "patterns"}
_PATTERN_KEYS = {"id", "kind", "pattern", "examples", "requires", "anchor"}
# "anchor": "number" declares that a match can only start where a number starts: at a {B}
# position followed by an optional "~" and a digit, a "." or a word number ({W}). Such a
# pattern is tried only at those positions (found once per sentence), not at every character.
_ANCHORS = {"number": r"(?={B}[∼~]?(?:[\d.]|{W}))"}
_MACRO = re.compile(r"\{([A-Z]+)\}")

_UNITS_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen",
    "fifteen sixteen seventeen eighteen nineteen",
)
WORD_NUMBERS: dict[str, int] = {
    w: i for i, w in enumerate(word for line in _UNITS_WORDS for word in line.split(" "))
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_TENS.update({"seventy": 70, "eighty": 80, "ninety": 90})
_ZERO_WORDS = {"none", "neither", "no"}
DASHES = "-‐‑‒–—−﹣－"
# One-for-one character folding applied before matching (offsets never move): every dash and
# minus form reads as "-", exotic spaces as " ", the Lancet decimal point "·" as ".", the
# full-width percent sign as "%". Records still quote the original text.
FOLD = str.maketrans(
    {
        **{ch: "-" for ch in DASHES[1:]},
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u00b7": ".",
        "\uff05": "%",
    }
)


_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in FOLD) + "]")


def fold(text: str) -> str:
    """``text`` with dashes, spaces, decimal dots and percent signs folded (same length)."""
    return _FOLDABLE.sub(lambda m: FOLD[ord(m.group())], text)  # type: ignore[return-value]


UNITS = {
    "month": "months",
    "months": "months",
    "mo": "months",
    "day": "days",
    "days": "days",
    "d": "days",
    "week": "weeks",
    "weeks": "weeks",
    "year": "years",
    "years": "years",
    "y": "years",
    "yr": "years",
    "个月": "months",
    "月": "months",
    "天": "days",
    "日": "days",
    "年": "years",
    "周": "weeks",
}


class PatternFileError(ValueError):
    """A rule file with an unknown key, a duplicate id, an unknown kind or a bad regex."""


@dataclass(frozen=True)
class Pattern:
    id: str
    kind: str
    regex: re.Pattern[str]
    examples: dict[str, list[str]]
    requires: tuple[str, ...] = ()  # run only on text holding one of these literals (speed)
    starts: re.Pattern[str] | None = None  # zero-width: the only positions a match can start


@dataclass
class Mention:
    """One value mention in the text; offsets are absolute (into the document text)."""

    kind: str
    start: int
    end: int
    rule: str
    value: float | None = None
    n: int | None = None
    N: int | None = None
    lo: float | None = None
    hi: float | None = None
    unit: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ci_level: float | None = None
    p_op: str | None = None
    p_value: float | None = None
    approx: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def parse_number(text: str) -> float | None:
    """A printed number as a float: "1,234", ".049", "Forty-five", "Twelve", "none" -> 0,
    "One hundred forty-nine" -> 149, "two hundred and five" -> 205."""
    t = text.strip().replace(",", "").replace(" ", "-").lower()
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        pass
    if t in _ZERO_WORDS:
        return 0.0
    hundreds, found, rest = t.partition("hundred")
    if found:
        count = WORD_NUMBERS.get(hundreds.rstrip("-"))
        rest = rest.strip("-")
        rest = rest[4:] if rest.startswith("and-") else rest
        below = parse_number(rest) if rest else 0.0
        if count is None or not count or below is None or not 0 <= below < 100:
            return None
        return float(100 * count + below)
    if t in WORD_NUMBERS:
        return float(WORD_NUMBERS[t])
    if t in _TENS:
        return float(_TENS[t])
    head, _, tail = t.partition("-")
    if head in _TENS and tail in WORD_NUMBERS:
        return float(_TENS[head] + WORD_NUMBERS[tail])
    return None


def _as_int(value: float | None) -> int | None:
    return int(value) if value is not None and float(value).is_integer() else None


def _compile(raw: str, macros: dict[str, str], where: str) -> re.Pattern[str]:
    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in macros:
            raise PatternFileError(f"{where}: unknown macro {{{m.group(1)}}}")
        return macros[m.group(1)]

    try:
        return compile_guarded(_MACRO.sub(sub, raw))
    except re.error as error:
        raise PatternFileError(f"{where}: bad regex: {error}") from error


def load_pattern_file(data: dict[str, Any], where: str = "patterns") -> list[Pattern]:
    """Validate and compile one pattern file (unknown keys and duplicate ids are errors)."""
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise PatternFileError(f"{where}: unknown keys {sorted(unknown)}")
    macros = {k: str(v) for k, v in data.get("macros", {}).items()}
    patterns: list[Pattern] = []
    seen: set[str] = set()
    anchors: dict[str, re.Pattern[str]] = {}  # one compiled anchor per file: found once per text
    for entry in data["patterns"]:
        extra = set(entry) - _PATTERN_KEYS
        if extra:
            raise PatternFileError(f"{where}: pattern {entry.get('id')}: unknown keys {extra}")
        pid = entry["id"]
        if pid in seen:
            raise PatternFileError(f"{where}: duplicate id {pid!r}")
        seen.add(pid)
        if entry["kind"] not in KINDS:
            raise PatternFileError(f"{where}: pattern {pid}: unknown kind {entry['kind']!r}")
        examples = entry.get("examples", {})
        if set(examples) - {"match", "no_match"}:
            raise PatternFileError(f"{where}: pattern {pid}: bad examples keys")
        starts = None
        if "anchor" in entry:
            if entry["anchor"] not in _ANCHORS:
                raise PatternFileError(
                    f"{where}: pattern {pid}: unknown anchor {entry['anchor']!r}"
                )
            if not entry["pattern"].startswith("{B}"):
                raise PatternFileError(
                    f"{where}: pattern {pid}: an anchored pattern opens with {{B}}"
                )
            starts = anchors.get(entry["anchor"])
            if starts is None:
                starts = _compile(_ANCHORS[entry["anchor"]], macros, f"{where}:{pid}:anchor")
                anchors[entry["anchor"]] = starts
        patterns.append(
            Pattern(
                pid,
                entry["kind"],
                _compile(entry["pattern"], macros, f"{where}:{pid}"),
                {"match": examples.get("match", []), "no_match": examples.get("no_match", [])},
                tuple(entry.get("requires", ())),
                starts,
            )
        )
    return patterns


COUNT_NOUNS_FILE = "count_nouns.json"


def count_noun_macro(data: dict[str, Any], language: str) -> str:
    """The regex of a language's count nouns (``resources/<lang>/count_nouns.json``): English
    nouns as whole words, Chinese measure words not followed by a ``not_before`` character."""
    nouns = sorted({str(n) for n in data["nouns"]}, key=lambda n: (-len(n), n))
    alternation = "|".join(re.escape(n) for n in nouns)
    if language == "zh":
        after = "".join(re.escape(c) for c in data.get("not_before", []))
        return f"(?:{alternation})" + (f"(?![{after}])" if after else "")
    return rf"(?:{alternation})\b"


def with_count_nouns(data: dict[str, Any], nouns: dict[str, Any], language: str) -> dict[str, Any]:
    """``data`` (a pattern file) with its count-noun macro (``PAT`` / ``PATZH``) built from
    ``nouns``, and the nouns added to the ``requires`` of every pattern that uses it."""
    name = "PATZH" if language == "zh" else "PAT"
    words = [str(n) for n in nouns["nouns"]]
    literals = words if language == "zh" else [w for n in words for w in (n, n.capitalize())]
    patterns = []
    for entry in data["patterns"]:
        if "{" + name + "}" in entry["pattern"] and entry.get("requires"):
            entry = {**entry, "requires": list(dict.fromkeys([*entry["requires"], *literals]))}
        patterns.append(entry)
    macros = {**data.get("macros", {}), name: count_noun_macro(nouns, language)}
    return {**data, "macros": macros, "patterns": patterns}


@functools.cache
def count_nouns(language: str) -> dict[str, Any] | None:
    """``resources/<lang>/count_nouns.json`` of ``language`` ("zh" or else "en"), if any."""
    lang = "zh" if language == "zh" else "en"
    path = resources.files("trialex") / "resources" / lang / COUNT_NOUNS_FILE
    if not path.is_file():
        return None
    return dict(json.loads(path.read_text(encoding="utf-8")))


@functools.cache
def patterns_for(language: str) -> tuple[Pattern, ...]:
    """The compiled patterns of ``language`` ("zh" or anything else -> "en"), loaded once
    (with the count nouns of :func:`count_nouns`)."""
    lang = "zh" if language == "zh" else "en"
    path = resources.files("trialex") / "resources" / lang / "patterns.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    nouns = count_nouns(lang)
    if nouns is not None:
        data = with_count_nouns(data, nouns, lang)
    return tuple(load_pattern_file(data, f"{lang}/patterns.json"))


def _group(m: re.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


def _mention(p: Pattern, m: re.Match[str], offset: int) -> list[Mention]:
    start, end = m.start() + offset, m.end() + offset
    g = m.groupdict()
    approx = m.group(0).lstrip()[:1] in "∼~"
    if p.kind == "timepoint_pair":  # "at 1 and 2 years": one time point per value, in order
        unit = (g.get("unit") or "").lower()
        unit = UNITS.get(unit, UNITS.get(unit.rstrip("s"), unit))
        points = []
        for i, name in enumerate(("a", "b")):
            s, e = m.span(name)
            tp = Mention(
                "timepoint", s + offset, e + offset, p.id, value=parse_number(m.group(name))
            )
            tp.unit = unit
            tp.extra["pair"] = i
            points.append(tp)
        points[-1].end = end
        return points
    if p.kind == "duration_pair":
        unit = (g.get("unit") or "").lower()
        unit = UNITS.get(unit, UNITS.get(unit.rstrip("s"), unit))
        pair = []
        for name in ("a", "b"):
            s, e = m.span(name)
            pair.append(
                Mention(
                    "duration",
                    s + offset,
                    e + offset,
                    p.id,
                    value=parse_number(m.group(name)),
                    unit=unit,
                )
            )
        pair[-1].end = end
        return pair
    if p.kind in ("pct_pair", "count_pair"):
        out = []
        for name in ("a", "b"):
            s, e = m.span(name)
            kind = "pct" if p.kind == "pct_pair" else "count"
            v = parse_number(m.group(name))
            out.append(
                Mention(
                    kind,
                    s + offset,
                    e + offset,
                    p.id,
                    value=v,
                    n=_as_int(v) if kind == "count" else None,
                )
            )
        # the pair shares the unit word: widen the last mention to the pattern end
        out[-1].end = end
        out[0].extra["pair"] = True
        out[1].extra["pair"] = True
        return out
    mention = Mention(p.kind, start, end, p.id, approx=approx)
    if p.kind == "pct_range":
        mention.lo = parse_number(g.get("lo") or g.get("lo2") or "")
        mention.hi = parse_number(g.get("hi") or g.get("hi2") or "")
        mention.unit = "%"
    elif p.kind == "ci":
        # a bracketed interval right after an estimate ("10.5% [6.2%-16.3%]") has no level
        mention.ci_level = parse_number(g.get("ci_level") or "")
        mention.ci_low = parse_number(g.get("ci_low") or g.get("ci_low2") or "")
        mention.ci_high = parse_number(g.get("ci_high") or g.get("ci_high2") or "")
    elif p.kind == "p":
        op = g.get("p_op") or "="  # "the P value was .04"
        mention.p_op = {"≤": "<=", "≥": ">="}.get(op, op)
        mention.p_value = parse_number(g["p_value"])
        mention.value = mention.p_value
    elif p.kind in ("timepoint", "duration"):
        raw_v = g.get("value") or g.get("value2") or ""
        mention.value = parse_number(raw_v)
        unit = (g.get("unit") or g.get("unit2") or "").lower()
        mention.unit = UNITS.get(unit, UNITS.get(unit.rstrip("s"), unit))
    else:
        if g.get("zero"):
            mention.value = 0.0
            mention.n = 0
        raw_value = g.get("value")
        if raw_value is not None:
            mention.value = parse_number(raw_value)
        if g.get("n") is not None:
            mention.n = _as_int(parse_number(g["n"]))
        if g.get("N") is not None:
            mention.N = _as_int(parse_number(g["N"]))
        if p.kind == "count" and mention.value is None:
            mention.value = float(mention.n) if mention.n is not None else None
        if p.kind == "pct":
            mention.unit = "%"
    return [mention]


def find_mentions(text: str, language: str = "en", offset: int = 0) -> list[Mention]:
    """All non-overlapping value mentions of ``text`` (longest match wins, then rule order)."""
    found: list[tuple[int, int, int, Pattern, re.Match[str]]] = []
    anchor: re.Pattern[str] | None = None  # the anchor whose start positions are in `positions`
    positions: list[int] = []
    for order, pattern in enumerate(patterns_for(language)):
        if pattern.requires:
            for literal in pattern.requires:  # a plain loop: cheaper than any() per sentence
                if literal in text:
                    break
            else:
                continue
        if pattern.starts is None:
            for m in pattern.regex.finditer(text):
                if m.end() > m.start():
                    found.append((m.start(), -(m.end() - m.start()), order, pattern, m))
            continue
        # an anchored pattern: the matches of finditer, tried only where a number starts
        if pattern.starts is not anchor:  # identity: hashing a compiled regex is slow
            anchor = pattern.starts
            positions = [m.start() for m in anchor.finditer(text)]
        match = pattern.regex.match
        last_end = 0
        for pos in positions:
            if pos < last_end:
                continue
            m = match(text, pos)
            if m is not None and m.end() > pos:
                found.append((pos, pos - m.end(), order, pattern, m))
                last_end = m.end()
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    out: list[Mention] = []
    last_end = -1
    for start, neg_len, _order, pattern, m in found:
        if start < last_end:
            continue
        last_end = start - neg_len
        if pattern.kind == "ignore":
            continue
        out.extend(
            x
            for x in _mention(pattern, m, offset)
            if x.value is not None or x.kind in ("ci", "pct_range")
        )
    return out
