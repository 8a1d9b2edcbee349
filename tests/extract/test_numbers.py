"""Value parsing: numbers as printed, percentages, n/N, CIs, p values, HRs, durations."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import trialex.extract.numbers as numbers
from trialex.extract.numbers import (
    PatternFileError,
    find_mentions,
    load_pattern_file,
    parse_number,
    patterns_for,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("64", 64.0),
        ("8.5", 8.5),
        (".049", 0.049),
        ("0.001", 0.001),
        ("1,234", 1234.0),
        ("12,345.5", 12345.5),
        ("Forty-five", 45.0),
        ("Twelve", 12.0),
        ("Ninety-two", 92.0),
        ("twenty three", 23.0),
        ("none", 0.0),
        ("seven", 7.0),
        ("abc", None),
        ("", None),
        ("One hundred forty-nine", 149.0),
        ("two hundred and five", 205.0),
        ("One hundred", 100.0),
        ("nine hundred ninety nine", 999.0),
        ("hundred", None),
        ("one hundred hundred", None),
    ],
)
def test_numbers_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


# (text, kind, value, n, N)
CASES = [
    ("The overall response rate was 64%", "pct", 64.0, None, None),
    ("Forty-five percent of the patients (29 of 64) achieved", "pct", 45.0, 29, 64),
    ("Twelve (63.2%) of 19 patients", "pct", 63.2, 12, 19),
    ("16 (55.2%) of 29 patients", "pct", 55.2, 16, 29),
    ("the rate was 81% (17/21)", "pct", 81.0, 17, 21),
    ("66.7% (n=10/15) reached a CR", "pct", 66.7, 10, 15),
    ("Ninety-two % (12/13) of patients", "pct", 92.0, 12, 13),
    ("polychemotherapy (5/5; 100%)", "pct", 100.0, 5, 5),
    ("reported in 20 patients (31%)", "pct", 31.0, 20, None),
    ("13 of 19 patients (68.4%) reached", "pct", 68.4, 13, 19),
    ("17 out of 20 (85%) who had", "pct", 85.0, 17, 20),
    ("treated with blinatumomab (n = 132)", "n_eq", 132.0, None, None),
    ("steroids (n=7) and", "n_eq", 7.0, None, None),
    ("data of 1,250 patients were pooled", "count", 1250.0, 1250, None),
    ("Eight patients had fatal adverse events", "count", 8.0, 8, None),
    ("7 of 23 patients in CR", "count", 7.0, 7, 23),
    ("was 7.4 months for", "duration", 7.4, None, None),
    ("was 99 days", "duration", 99.0, None, None),
    ("HR 1.58", "hr", 1.58, None, None),
]


@pytest.mark.parametrize(("text", "kind", "value", "n", "N"), CASES)
def test_numbers_find_mentions_values(
    text: str, kind: str, value: float, n: int | None, N: int | None
) -> None:
    mentions = [m for m in find_mentions(text) if m.kind == kind]
    assert mentions, [(m.kind, text[m.start : m.end]) for m in find_mentions(text)]
    m = mentions[0]
    assert (m.value, m.n, m.N) == (value, n, N)
    assert text[m.start : m.end].strip()  # the span is real text


@pytest.mark.parametrize(
    ("text", "op", "p"),
    [
        ("(P = .049)", "=", 0.049),
        ("p < 0.001", "<", 0.001),
        ("P=0.005", "=", 0.005),
        ("(10/20; p=0.02)", "=", 0.02),
        ("P ≤ .05", "<=", 0.05),
    ],
)
def test_numbers_p_values(text: str, op: str, p: float) -> None:
    (m,) = [m for m in find_mentions(text) if m.kind == "p"]
    assert (m.p_op, m.p_value) == (op, p)


@pytest.mark.parametrize(
    ("text", "low", "high", "level"),
    [
        ("(95% CI, 19.4-36.4)", 19.4, 36.4, 95.0),
        ("(95% CI, 19.4−36.4)", 19.4, 36.4, 95.0),
        ("(95% CI, 19.4–36.4)", 19.4, 36.4, 95.0),
        ("(95% CI, 19.4 to 36.4)", 19.4, 36.4, 95.0),
        ("[90% CI 7.9-58.4]", 7.9, 58.4, 90.0),
        ("(95% CI, 140-not reported)", 140.0, None, 95.0),
    ],
)
def test_numbers_confidence_intervals(
    text: str, low: float, high: float | None, level: float
) -> None:
    (m,) = [m for m in find_mentions(text) if m.kind == "ci"]
    assert (m.ci_low, m.ci_high, m.ci_level) == (low, high, level)


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("36% at 1 year", "years", 1.0),
        ("the 1-year OS", "years", 1.0),
        ("12-month EFS", "months", 12.0),
    ],
)
def test_numbers_timepoints(text: str, unit: str, value: float) -> None:
    (m,) = [m for m in find_mentions(text) if m.kind == "timepoint"]
    assert (m.value, m.unit) == (value, unit)


@pytest.mark.parametrize(
    "text",
    [
        "Median age was 45 years (range 20-75)",
        "The median time was 99 days (IQR, 35-240 days)",
        "bone marrow blasts <5%",
        "a cure rate of less than 10%",
        "dexamethasone 10 mg/m2",
        "between 2013-2021",
        "sensitivity of 10−4",
        "after 2 cycles of blinatumomab",
    ],
)
def test_numbers_ranges_thresholds_doses_are_not_values(text: str) -> None:
    assert not [m for m in find_mentions(text) if m.kind in ("pct", "ci")]
    assert not [m for m in find_mentions(text) if m.kind == "count"]


def test_numbers_range_is_not_a_ci() -> None:
    mentions = find_mentions("45 years (range 20-75)")
    assert not [m for m in mentions if m.kind == "ci"]


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("between 36% and 45%", 36.0, 45.0),
        ("is 80-90%", 80.0, 90.0),
        ("from 10% to 40%", 10.0, 40.0),
    ],
)
def test_numbers_percentage_ranges(text: str, lo: float, hi: float) -> None:
    (m,) = [m for m in find_mentions(text) if m.kind == "pct_range"]
    assert (m.lo, m.hi) == (lo, hi)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [("总缓解率为 64%", "pct", 64.0), ("132 例接受", "count", 132.0), ("(P=0.049)", "p", 0.049)],
)
def test_numbers_chinese(text: str, kind: str, value: float) -> None:
    assert any(m.kind == kind and m.value == value for m in find_mentions(text, "zh"))


def test_numbers_offsets_are_absolute() -> None:
    text = "xxxx The overall response rate was 64%"
    (m,) = find_mentions(text[5:], offset=5)
    assert text[m.start : m.end] == "64%"


def _all_patterns() -> list[tuple[str, object]]:
    return [(lang, p) for lang in ("en", "zh") for p in patterns_for(lang)]


@pytest.mark.parametrize(("lang", "pattern"), _all_patterns(), ids=lambda x: getattr(x, "id", x))
def test_numbers_rule_examples(lang: str, pattern) -> None:  # type: ignore[no-untyped-def]
    for example in pattern.examples["match"]:
        assert pattern.regex.search(example), (pattern.id, example)
    for example in pattern.examples["no_match"]:
        assert not pattern.regex.search(example), (pattern.id, example)


def test_numbers_every_pattern_has_examples() -> None:
    missing = [p.id for _lang, p in _all_patterns() if not p.examples["match"]]
    assert missing == ["pct_pair"] or not missing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": 1, "patterns": [], "extra": 1}, "unknown keys"),
        (
            {
                "version": 1,
                "patterns": [
                    {"id": "a", "kind": "pct", "pattern": "x"},
                    {"id": "a", "kind": "pct", "pattern": "y"},
                ],
            },
            "duplicate id",
        ),
        ({"version": 1, "patterns": [{"id": "a", "kind": "nope", "pattern": "x"}]}, "unknown kind"),
        ({"version": 1, "patterns": [{"id": "a", "kind": "pct", "pattern": "{ZZ}"}]}, "macro"),
        ({"version": 1, "patterns": [{"id": "a", "kind": "pct", "pattern": "("}]}, "bad regex"),
        (
            {"version": 1, "patterns": [{"id": "a", "kind": "pct", "pattern": "x", "flags": 1}]},
            "unknown keys",
        ),
        (
            {"version": 1, "patterns": [{"id": "a", "kind": "pct", "pattern": "x", "anchor": "y"}]},
            "unknown anchor",
        ),
        (
            {
                "version": 1,
                "patterns": [{"id": "a", "kind": "pct", "pattern": "x", "anchor": "number"}],
            },
            "opens with",
        ),
    ],
)
def test_numbers_pattern_file_rejects_bad_data(data: dict[str, object], message: str) -> None:
    with pytest.raises(PatternFileError, match=message):
        load_pattern_file(json.loads(json.dumps(data)))


@pytest.mark.parametrize(("lang", "pattern"), _all_patterns(), ids=lambda x: getattr(x, "id", x))
def test_numbers_required_literals_cover_every_match(lang: str, pattern) -> None:  # type: ignore[no-untyped-def]
    """The speed prefilter never hides a match: every example match holds a required literal."""
    if not pattern.requires:
        return
    for example in pattern.examples["match"]:
        m = pattern.regex.search(example)
        # the literal is in the match or in the lookahead after its start ("Five(?= deaths)")
        assert m and any(r in example[m.start() :] for r in pattern.requires), (pattern.id, example)


RAW = Path(__file__).resolve().parents[2] / "raw"
# pieces of the field's phrasing, glued at random: numbers of every printed form, word numbers,
# the characters the {B} boundary looks at, and the words the value patterns follow or skip
PIECES = [
    "12",
    "3.5",
    ".049",
    "1,234",
    "2019",
    "10",
    "0",
    "64%",
    "%",
    " percent",
    "~",
    "∼",
    "-",
    "–",
    "/",
    ":",
    ".",
    ",",
    "(",
    ")",
    "[",
    "]",
    " ",
    "  ",
    "\n",
    "One",
    "one",
    "twelve",
    "Forty-five",
    "Three",
    "none",
    "Seven",
    " of ",
    " and ",
    " vs ",
    " patients",
    " months",
    " mo",
    " y",
    " cycles",
    " mg",
    " with",
    " were",
    " of whom",
    " (n = 8)",
    "Fig",
    "arm ",
    "x",
    "e",
    "N",
    "CR",
    "HR",
    "95% CI",
    " to ",
    "±",
    "≥",
    "between ",
    "respectively",
    "a",
    "B",
    "s",
    "t",
]


def _anchored() -> list[tuple[str, object]]:
    return [(lang, p) for lang, p in _all_patterns() if p.starts is not None]


def _texts() -> list[str]:
    lines = [line for path in sorted(RAW.glob("*.txt")) for line in path.read_text().splitlines()]
    examples = [e for _lang, p in _all_patterns() for v in p.examples.values() for e in v]
    return [line for line in lines if line.strip()] + examples


def _unanchored(language: str) -> tuple[numbers.Pattern, ...]:
    return tuple(dataclasses.replace(p, starts=None) for p in patterns_for(language))


def _starts_outside_anchor(pattern: numbers.Pattern, text: str) -> list[int]:
    assert pattern.starts is not None
    allowed = {m.start() for m in pattern.starts.finditer(text)}
    return [m.start() for m in pattern.regex.finditer(text) if m.start() not in allowed]


def test_numbers_anchored_patterns_exist() -> None:
    assert len(_anchored()) >= 10


@pytest.mark.parametrize(("lang", "pattern"), _anchored(), ids=lambda x: getattr(x, "id", x))
def test_numbers_anchored_pattern_starts_only_at_numbers(lang: str, pattern) -> None:  # type: ignore[no-untyped-def]
    """An "anchor": "number" pattern is tried only where a number starts: it never matches
    anywhere else (the raw texts, every rule example)."""
    outside = {t: _starts_outside_anchor(pattern, t) for t in _texts()}
    assert {t: s for t, s in outside.items() if s} == {}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_numbers_anchoring_never_changes_mentions(text: str) -> None:
    for _lang, pattern in _anchored():
        assert _starts_outside_anchor(pattern, text) == [], (pattern.id, text)  # type: ignore[arg-type]
    for lang in ("en", "zh"):
        fast = find_mentions(text, lang, 3)
        numbers.patterns_for = lambda language, *_, _lang=lang: _unanchored(_lang)  # type: ignore[assignment]
        try:
            slow = find_mentions(text, lang, 3)
        finally:
            numbers.patterns_for = patterns_for
        assert fast == slow


def test_numbers_anchoring_never_changes_mentions_on_raw_texts(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    texts = [t for t in _texts() if re.search(r"\d", t)]
    fast = [find_mentions(t, "en") for t in texts]
    monkeypatch.setattr(numbers, "patterns_for", lambda language, *_: _unanchored("en"))
    assert [find_mentions(t, "en") for t in texts] == fast


@pytest.mark.parametrize(
    "text",
    [
        "Of 120 patients, 45 (37.5%) had a response (95% CI 28-47; P = 0.01).",
        "Median OS was 14 months vs 11 months (HR 0.72); 3 cases of death.",
        "Hazard ratio 0.8, odds ratio 1.2, ± 3 SD, IQR 2-5, one of them.",
        "",
    ],
)
def test_literal_gate_finds_exactly_the_literals_the_text_holds(text: str) -> None:
    from trialex.extract.numbers import literal_gate, patterns_for

    gate = literal_gate("en")
    literals = set().union(*(n for n in gate.needs if n is not None))
    assert gate.present(text) == {x for x in literals if x in text}
    assert len(gate.needs) == len(patterns_for("en"))
