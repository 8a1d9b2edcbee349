"""Value mentions: numbers, percentages, n/N, CIs, p values, HRs and durations as printed.

The patterns are data (``resources/{en,zh}/patterns.json``): each has an ``id``, a ``kind`` that
tells :func:`find_mentions` how to read its named groups, the regex (with ``{MACRO}`` references
to the file's ``macros``) and ``examples`` that a test runs. Two optional keys are for speed
only and never change a result: ``requires`` (literals: a text holding none of them is skipped)
and ``"anchor": "number"`` (the pattern opens with ``{B}`` and a number, so it is tried only
where a number starts, found once per text, instead of at every character).

Kinds that no record is made of, kept so that a consumer can read them and no other pattern takes
their numbers: ``diff`` (a signed difference "−2.8%", "-0.4 (-1.9 to 1.1)", or percentage
points), ``dispersion`` (a range, IQR, SD or ± after a value, also stored on that value as
``extra["dispersion"]``; an undeclared bracket between a value and its unit is an ``interval``,
which assembly reads as a CI only where the sentence declares one), ``fraction`` ("two-thirds"
-> 2/3) and ``p_ns`` ("NS" after compared values). A duration after "mean" or with an SD carries
``extra["statistic"] = "mean"``; each bound of a duration range carries ``extra["bound"]``.
Matching runs on :func:`fold`-ed text (same length as printed, so offsets hold).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from trialex import rulebook
from trialex.regex import compile_guarded
from trialex.rulebook import RuleError

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
        "diff",
        "dispersion",
        "fraction",
        "p_ns",
        "duration_range",
    }
)
_FILE_KEYS = {"version", "language", "macros", "patterns"}
_PATTERN_KEYS = {"id", "kind", "pattern", "examples", "requires", "anchor", "note"}
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


# A thousands group separated by a space ("10 452", "10\u2009452", "1\u2009868\u2009904"): in the
# folded text the separator reads as "," so every pattern's number macro takes the whole number.
# A thin or no-break space is typographic and always joins. A plain space joins one group only,
# and not inside a run of numbers: a flattened table row ("Base 489 251 (34%) 153 39", "N   401
# 800   Age", "157 ± 20 159 ± 38", "172 122.54") holds separate cells; "ED50 103" is no number.
_SPACED_THOUSANDS = compile_guarded(
    r"(?<![\w.,-])[1-9]\d{0,2}(?:[ \u00a0\u2009\u202f\u2007]\d{3})+(?!\d)"
)
_RUN_BEFORE = re.compile(r"(?:\d[%)\]]?\s{1,3}|\s\s|(?:±|\+/-|\+/−)\s?)$")
_RUN_AFTER = re.compile(r"\s?(?:[(\[][^()\[\]]{0,20}[)\]])?\s{1,3}\d|\s\s|\.\d")


def _join_thousands(text: str) -> str:
    if not _SPACED_THOUSANDS.search(text):
        return text
    chars = list(text)
    for m in _SPACED_THOUSANDS.finditer(text):
        s, e = m.span()
        group = m.group()
        plain = group.count(" ")
        if plain and (
            plain > 1 or _RUN_BEFORE.search(text, max(0, s - 6), s) or _RUN_AFTER.match(text, e)
        ):
            continue
        for i in range(s, e):
            if not chars[i].isdigit():
                chars[i] = ","
    return "".join(chars)


def fold(text: str) -> str:
    """``text`` with dashes, spaces, decimal dots and percent signs folded (same length); a
    space-separated thousands group reads as a comma-separated one ("10 452" -> "10,452")."""
    joined = _join_thousands(text)
    return _FOLDABLE.sub(lambda m: FOLD[ord(m.group())], joined)  # type: ignore[return-value]


UNITS = {
    "month": "months",
    "months": "months",
    "mo": "months",
    "day": "days",
    "days": "days",
    "d": "days",
    "week": "weeks",
    "weeks": "weeks",
    "wk": "weeks",
    "wks": "weeks",
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


# a rule file with an unknown key, a duplicate id, an unknown kind or a bad regex: the one rule
# error (trialex.rulebook)
PatternFileError = RuleError


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


_SIGNS = {"-": -1.0, "+": 1.0, "−": -1.0, "–": -1.0, "‐": -1.0, "‑": -1.0, "﹣": -1.0, "－": -1.0}
_SPACES = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "·": "."})


def _below_thousand(t: str) -> float | None:
    """ "two-hundred-and-five" (words joined by "-") -> 205; None when it is no number."""
    hundreds, found, rest = t.partition("hundred")
    if found:
        count = WORD_NUMBERS.get(hundreds.rstrip("-"))
        rest = rest.strip("-")
        rest = rest[4:] if rest.startswith("and-") else rest
        below = _below_hundred(rest) if rest else 0.0
        if count is None or not count or below is None:
            return None
        return float(100 * count + below)
    return _below_hundred(t)


def _below_hundred(t: str) -> float | None:
    if t in WORD_NUMBERS:
        return float(WORD_NUMBERS[t])
    if t in _TENS:
        return float(_TENS[t])
    head, _, tail = t.partition("-")
    if head in _TENS and tail in WORD_NUMBERS and WORD_NUMBERS[tail] < 10:
        return float(_TENS[head] + WORD_NUMBERS[tail])
    return None


def parse_number(text: str) -> float | None:
    """A printed number as a float: "1,234", "10 452", ".049", "0·72", "−2.8", "Forty-five",
    "Twelve", "none" -> 0, "One hundred forty-nine" -> 149, "two hundred and five" -> 205,
    "One thousand two hundred" -> 1200, "Seven hundred and twelve" -> 712."""
    t = text.strip().translate(_SPACES).replace(",", "")
    sign = 1.0
    if (t[:1] in _SIGNS and t[1:2].isdigit()) or t[:2] in ("-.", "+.", "−."):
        sign, t = _SIGNS[t[0]], t[1:]
    if not t:
        return None
    if t[0].isdigit() or t[0] == ".":
        try:
            value = sign * float(t.replace(" ", ""))  # "10 452" -> 10452
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    t = t.replace(" ", "-").lower()
    if t in _ZERO_WORDS:
        return 0.0
    t = re.sub(r"-+", "-", t)
    thousands, found, rest = t.partition("thousand")
    if found:
        count = _below_thousand(thousands.rstrip("-"))
        rest = rest.strip("-")
        rest = rest[4:] if rest.startswith("and-") else rest
        below = _below_thousand(rest) if rest else 0.0
        if not count or below is None:
            return None
        return 1000 * count + below
    return _below_thousand(t)


_FRACTION_WORDS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4}
_FRACTION_WORDS.update({"fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5})
_FRACTION_WORDS.update({"sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8, "tenth": 10})
_FRACTION_WORDS.update({"tenths": 10})


def parse_fraction(text: str) -> float | None:
    """A fraction in words as a number between 0 and 1: "two-thirds" -> 2/3, "a third" -> 1/3,
    "half" -> 0.5, "three quarters" -> 0.75, "one-fifth" -> 0.2."""
    words = re.split(r"[-\s]+", text.strip().lower())
    if not words or words[-1] not in _FRACTION_WORDS:
        return None
    denominator = _FRACTION_WORDS[words[-1]]
    head = words[:-1]
    if not head or head == ["a"] or head == ["an"]:
        numerator = 1.0
    else:
        parsed = parse_number("-".join(head))
        if parsed is None or not parsed:
            return None
        numerator = parsed
    if numerator >= denominator:
        return None
    return numerator / denominator


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
                _fewest_literals(entry.get("requires", ())),
                starts,
            )
        )
    return patterns


def _fewest_literals(literals: Iterable[str]) -> tuple[str, ...]:
    """``literals`` without those that hold another of them: a text holds one of the result
    exactly when it holds one of ``literals`` ("patient" stands for "patients", "men" for
    "women"), so the test per sentence is the same with half the literals; shortest first."""
    out: list[str] = []
    for literal in sorted(set(literals), key=lambda x: (len(x), x)):
        if not any(kept in literal for kept in out):
            out.append(literal)
    return tuple(out)


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


def count_nouns(language: str, rules_dir: str | None = None) -> dict[str, Any] | None:
    """``<lang>/count_nouns.json`` of ``language`` ("zh" or else "en") of the rules folder in
    force (:mod:`trialex.rulebook`), if any."""
    return _count_nouns("zh" if language == "zh" else "en", rulebook.rules_key(rules_dir))


@functools.lru_cache(maxsize=16)
def _count_nouns(lang: str, key: str | None) -> dict[str, Any] | None:
    if not rulebook.exists(COUNT_NOUNS_FILE, lang, key):
        return None
    return dict(rulebook.load_json(COUNT_NOUNS_FILE, lang, key))


@functools.cache
def patterns_for(language: str, rules_dir: str | None = None) -> tuple[Pattern, ...]:
    """The compiled patterns of ``language`` ("zh" or anything else -> "en") of ``rules_dir``
    (:func:`find_mentions` passes the rules folder in force), loaded once (with the count nouns
    of :func:`count_nouns`)."""
    lang = "zh" if language == "zh" else "en"
    with rulebook.using(rules_dir):  # None: the bundled patterns (the cache key is the folder)
        data = rulebook.load_json("patterns.json", lang)
        nouns = count_nouns(lang)
        where = rulebook.label(rulebook.resolve("patterns.json", lang))
    with rulebook.parsing(where):
        if nouns is not None:
            data = with_count_nouns(data, nouns, lang)
        return tuple(load_pattern_file(data, where))


def _group(m: re.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def _p_value(g: dict[str, str | None]) -> float | None:
    """The p value of a match: "0.04", ".001", or a mantissa and a power of ten ("2 × 10−5",
    "1.2E-4", "10^-6", "3 x 10⁻⁴")."""
    exp = g.get("p_exp") or g.get("p_expb") or g.get("p_expc") or g.get("p_exp2") or g.get("p_sup")
    if exp is None:
        return parse_number(g.get("p_value") or "")
    mantissa = parse_number(g.get("p_mant") or g.get("p_mant2") or g.get("p_mant3") or "1")
    try:
        power = int(exp.translate(_SUPERSCRIPT).replace(" ", ""))
    except ValueError:
        return None
    if mantissa is None or not -300 < power < 1:
        return None
    return mantissa * 10.0**power


def _bracket_ci(m: re.Match[str], offset: int, rule: str) -> Mention | None:
    """The interval printed right after an estimate ("HR 0.72 (0.61–0.85)", "-0.4 (-1.9 to
    1.1)"): a ``ci`` mention of the bracket (its level, if printed, else none)."""
    if m.groupdict().get("ci") is None:
        return None
    s, e = m.span("ci")
    ci = Mention("ci", s + offset, e + offset, rule)
    ci.ci_level = parse_number(m.group("ci_level") or "") if "ci_level" in m.groupdict() else None
    ci.ci_low = parse_number(m.group("ci_low") or "")
    ci.ci_high = parse_number(m.group("ci_high") or "")
    return ci


def _unit(raw: str | None) -> str:
    unit = (raw or "").lower()
    return UNITS.get(unit, UNITS.get(unit.rstrip("s"), unit))


def _mention(p: Pattern, m: re.Match[str], offset: int) -> list[Mention]:
    start, end = m.start() + offset, m.end() + offset
    g = m.groupdict()
    approx = m.group(0).lstrip()[:1] in "∼~"
    if p.kind == "duration_range":  # "3–5 months", "18 to 20 months": two bounds of one unit
        unit = _unit(g.get("unit"))
        bounds = []
        for name, bound in (("a", "lower"), ("b", "upper")):
            s, e = m.span(name)
            d = Mention("duration", s + offset, e + offset, p.id, value=parse_number(m[name]))
            d.unit, d.approx = unit, approx
            d.extra["bound"] = bound
            bounds.append(d)
        bounds[-1].end = end
        return bounds
    if p.kind == "dispersion":  # "(range, 19-70)", "(IQR 35-240)", "± 5.6", "(SD = 5.6)"
        d = Mention("dispersion", start, end, p.id)
        label = (g.get("disp") or "").lower()
        kind = "iqr" if "iq" in label else "range" if "range" in label else "sd"
        kind = "se" if label.startswith(("se", "s.e", "standard error")) else kind
        d.extra["dispersion"] = kind
        d.lo = parse_number(g.get("lo") or "")
        d.hi = parse_number(g.get("hi") or "")
        d.value = parse_number(g.get("sd") or "") if g.get("sd") else None
        return [d]
    if p.kind in ("fraction", "p_ns"):
        f = Mention(p.kind, start, end, p.id)
        if p.kind == "fraction":
            f.value = parse_fraction(g.get("value") or "")
        return [f]
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
            if m.group(name) is None:  # the second alternative of a pattern: "a2", "b2"
                name += "2"
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
        mention.ci_level = parse_number(g.get("ci_level") or g.get("ci_level2") or "")
        mention.ci_low = parse_number(g.get("ci_low") or g.get("ci_low2") or g.get("ci_low3") or "")
        mention.ci_high = parse_number(
            g.get("ci_high") or g.get("ci_high2") or g.get("ci_high3") or ""
        )
    elif p.kind == "p":
        op = g.get("p_op") or "="  # "the P value was .04"
        compact = op.replace(" ", "")
        if compact in ("<or=", ">or="):  # "P < or = 0.01": the old typewriter "≤"
            op = compact[0] + "="
        elif compact in ("=<", "=>") and " " in op:  # "p = <0.001"
            op = compact[1]
        else:
            op = {"≤": "<=", "≥": ">=", "=<": "<=", "=>": ">="}.get(compact, compact)
        mention.p_op = op
        mention.p_value = _p_value(g)
        mention.value = mention.p_value
    elif p.kind in ("timepoint", "duration"):
        raw_v = g.get("value") or g.get("value2") or g.get("value3") or ""
        mention.value = parse_number(raw_v)
        mention.unit = _unit(g.get("unit") or g.get("unit2") or g.get("unit3") or g.get("unit4"))
        if g.get("sd"):  # "70.8 ± 5.6 years": a mean with its standard deviation
            mention.extra["dispersion"] = {"dispersion": "sd", "value": parse_number(g["sd"])}
            mention.extra["statistic"] = "mean"
        if g.get("bracket"):  # "7.1 (5.9-8.9) months": a CI only where the text declares one
            s, e = m.span("bracket")
            interval = Mention("dispersion", s + offset, e + offset, p.id)
            interval.extra["dispersion"] = "interval"
            interval.lo, interval.hi = parse_number(g.get("lo") or ""), parse_number(g["hi"] or "")
            mention.end = _trim_end(m, "bracket", offset)
            return [mention, interval]
    elif p.kind == "diff":  # a signed difference: "−2.8%", "-0.4 (-1.9 to 1.1)", "+3.1 points"
        mention.value = parse_number(g.get("value") or "")
        mention.unit = "%" if g.get("pct") else "percentage points" if g.get("pp") else None
        ci = _bracket_ci(m, offset, p.id)
        if ci is not None:
            mention.end = _trim_end(m, "ci", offset)
            return [mention, ci]
    else:
        if g.get("zero") or g.get("zero2"):
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
        if p.kind in ("hr", "or", "rr"):
            ci = _bracket_ci(m, offset, p.id)
            if ci is not None:  # "HR = 0.72 (0.61–0.85)": the ratio and its interval
                mention.end = _trim_end(m, "ci", offset)
                return [mention, ci]
    return [mention]


def _trim_end(m: re.Match[str], group: str, offset: int) -> int:
    """Where the mention before ``group`` ends: the start of the group, less the spaces."""
    end = m.start(group)
    while end > m.start() and m.string[end - 1] in " ,;:":
        end -= 1
    return end + offset


@dataclass(frozen=True)
class LiteralGate:
    """Which ``requires`` literals of a pattern list a text holds, found in one scan.

    ``scan`` finds, at every position, the longest literal starting there; every literal
    starting at that position is a prefix of it (``prefixes``), so the literals found are
    exactly those ``literal in text`` finds (one regex pass instead of a test per literal,
    ~600 per sentence). ``needs[i]`` is pattern i's literals (None: it runs on every text).
    """

    scan: re.Pattern[str] | None
    prefixes: dict[str, frozenset[str]]
    needs: tuple[frozenset[str] | None, ...]

    def present(self, text: str) -> frozenset[str]:
        if self.scan is None:
            return frozenset()
        found = set(self.scan.findall(text))
        if len(found) == 1:
            return self.prefixes[found.pop()]
        return frozenset().union(*(self.prefixes[x] for x in found))


@functools.cache
def literal_gate(language: str, rules_dir: str | None = None) -> LiteralGate:
    """The :class:`LiteralGate` of :func:`patterns_for` ``(language, rules_dir)``."""
    from trialex.extract.rules import trie_pattern

    patterns = patterns_for(language, rules_dir)
    needs = tuple(
        frozenset(p.requires) if p.requires and "" not in p.requires else None for p in patterns
    )
    literals = sorted(set().union(*(n for n in needs if n is not None)))
    if not literals:
        return LiteralGate(None, {}, needs)
    prefixes = {x: frozenset(y for y in literals if x.startswith(y)) for x in literals}
    return LiteralGate(re.compile(f"(?=({trie_pattern(literals)}))"), prefixes, needs)


def find_mentions(text: str, language: str = "en", offset: int = 0) -> list[Mention]:
    """All non-overlapping value mentions of ``text`` (longest match wins, then rule order)."""
    found: list[tuple[int, int, int, Pattern, re.Match[str]]] = []
    anchor: re.Pattern[str] | None = None  # the anchor whose start positions are in `positions`
    positions: list[int] = []
    key = rulebook.rules_key()
    gate = literal_gate(language, key)
    present = gate.present(text)
    for order, pattern in enumerate(patterns_for(language, key)):
        need = gate.needs[order]
        if need is not None and need.isdisjoint(present):
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
            x for x in _mention(pattern, m, offset) if x.value is not None or x.kind in _VALUELESS
        )
    _attach(text, out, offset)
    return out


_VALUELESS = frozenset({"ci", "pct_range", "dispersion", "p_ns"})
_MEAN_BEFORE = re.compile(r"(?i)\b(?:mean|average)\b(?![^.;]*\bmedian\b)[^.;]{0,60}$")


def _attach(text: str, mentions: list[Mention], offset: int) -> None:
    """A dispersion right after a value describes it ("45 years (range 20-75)", "11.4 years
    (SD = 5.6)"): the value keeps it in ``extra["dispersion"]`` (never as a CI); a standard
    deviation, or "mean" before a duration, makes the value a mean (``extra["statistic"]``)."""
    prev: Mention | None = None
    for x in mentions:
        if x.kind == "dispersion":
            if prev is not None and x.start - prev.end <= 3 and "dispersion" not in prev.extra:
                prev.extra["dispersion"] = {
                    "dispersion": x.extra["dispersion"],
                    "value": x.value,
                    "lo": x.lo,
                    "hi": x.hi,
                }
                if x.extra["dispersion"] in ("sd", "se"):
                    prev.extra["statistic"] = "mean"
            continue
        if x.kind == "duration" and "statistic" not in x.extra:
            before = text[max(0, x.start - offset - 70) : x.start - offset]
            if _MEAN_BEFORE.search(before):
                x.extra["statistic"] = "mean"
        if x.kind not in ("ci", "p", "p_ns", "timepoint"):
            prev = x
