"""The first-character guard: the class it derives, and that it never changes a match."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._paths import RAW_FILES

from trialex import ner, sections
from trialex.extract import numbers
from trialex.extract import rules as rules_module
from trialex.extract.numbers import load_pattern_file
from trialex.extract.rules import load_assembly
from trialex.ner import TermMatcher
from trialex.ner import load_rules as load_term_rules
from trialex.regex import MAX_FIRST_CHARS, compile_guarded, first_char_class, guarded
from trialex.sections import load_rules as load_section_rules

RESOURCES = Path(numbers.__file__).resolve().parents[1] / "resources"


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"\b(?:patients|adults)\s+aged", 0, "[pa]"),
        (r"(?<!\d)\d+\s*岁", 0, r"[\d]"),
        (r"(?:a|b?)c", 0, "[abc]"),  # an optional first item lets the next one start
        (r"x*y+", 0, "[xy]"),
        (r"(?i)\bwas defined|诊断标准", 0, "[w诊]"),
        (r"[≥≤<>]=?\s*\d", 0, "[≥≤<>]"),
        (r"(?<=[)\]]):\s|;", 0, "[:;]"),  # a lookbehind is zero-width: skipped
    ],
)
def test_first_char_class(pattern: str, flags: int, expected: str) -> None:
    assert first_char_class(pattern, flags) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        r"x?",  # can match the empty string: every position is a match
        r"\w+ arm",  # any word character
        r".+%",
        r"[^a]b",
        r"(?i:a)b",  # inline flags inside a group: the guard would not fold case
        "[A-Za-z]+",  # 52 characters: more than the guard is worth
    ],
)
def test_unbounded_patterns_are_left_alone(pattern: str) -> None:
    assert first_char_class(pattern) is None
    assert guarded(pattern) == pattern


def test_case_folded_letters_count_once() -> None:
    lower = "abcdefghijklmnopqrstuvwxyz"
    assert 2 * len(lower) > MAX_FIRST_CHARS
    assert first_char_class("|".join(lower), re.IGNORECASE) is not None
    assert first_char_class("|".join(lower + lower.upper())) is None


def test_global_flags_stay_first_and_verbose_comments_stay_closed() -> None:
    assert guarded("(?i)ab|cd").startswith("(?i)(?=[ac])")
    regex = compile_guarded("(?x) a b  # a comment")
    assert regex.search("xx ab") is not None
    assert compile_guarded("(?i)AB").search("xab").span() == (1, 3)


def _spans(
    regex: re.Pattern[str], text: str
) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in regex.finditer(text)]


def _loaded_regexes() -> list[re.Pattern[str]]:
    """Every regex the loaders guard: value patterns and anchors, cues, term rules, the combined
    section patterns (in a fixed order, so a plain and a guarded load line up)."""
    found: list[re.Pattern[str]] = []
    for language in ("en", "zh"):
        path = RESOURCES / language / "patterns.json"
        for pattern in load_pattern_file(json.loads(path.read_text("utf-8")), str(path)):
            found.append(pattern.regex)
            if pattern.starts is not None:
                found.append(pattern.starts)
    config = load_assembly(json.loads((RESOURCES / "assembly.json").read_text("utf-8")))
    found.extend(cue.regex for cue in config.cues.values())
    nlp = spacy.blank("en")
    found.extend(regex for regex, _owners in TermMatcher(nlp, load_term_rules())._regexes)
    rules = load_section_rules()
    for group in sorted(rules.patterns):
        rules.first(group, "")
        found.extend(r for r, _ in rules._combined.values() if r is not None)
    return found


def _plain(monkeypatch: pytest.MonkeyPatch) -> list[re.Pattern[str]]:
    with monkeypatch.context() as patch:
        for module in (numbers, rules_module, ner, sections):
            if hasattr(module, "compile_guarded"):
                patch.setattr(module, "compile_guarded", re.compile)
            if hasattr(module, "guarded"):
                patch.setattr(module, "guarded", lambda pattern, flags=0: pattern)
        return _loaded_regexes()


GUARDED = _loaded_regexes()
SEED_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in RAW_FILES)
# characters the rules care about, in both cases, CJK, and case-folding oddities (long s,
# Kelvin sign, dotted capital I)
ALPHABET = st.sampled_from(
    [*"aAbBcCpPsSkKmMoOtTlLhH ./-–()[]%:;,≥≤<>=\n0123456789", "患者", "岁", "ſ", "K", "İ"]
)


def test_the_guard_is_used() -> None:
    """Many value patterns carry a hand-written guard already; cues, terms and section
    patterns get theirs from the loaders."""
    changed = sum(p.pattern != g.pattern for p, g in zip(PLAIN, GUARDED, strict=True))
    assert changed > len(GUARDED) // 4


def test_guard_never_changes_a_match_on_the_seeds(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _plain(monkeypatch)
    assert len(plain) == len(GUARDED)
    for reference, regex in zip(plain, GUARDED, strict=True):
        assert _spans(reference, SEED_TEXT) == _spans(regex, SEED_TEXT), reference.pattern[:80]


@settings(max_examples=50, deadline=None)
@given(
    noise=st.lists(ALPHABET, max_size=60).map("".join),
    start=st.integers(min_value=0, max_value=len(SEED_TEXT) - 1),
)
def test_guard_never_changes_a_match_on_mixed_text(noise: str, start: int) -> None:
    text = SEED_TEXT[start : start + 300] + noise + SEED_TEXT[start : start + 100]
    for reference, regex in zip(PLAIN, GUARDED, strict=True):
        assert _spans(reference, text) == _spans(regex, text), reference.pattern[:80]


def _plain_once() -> list[re.Pattern[str]]:
    patch = pytest.MonkeyPatch()
    try:
        return _plain(patch)
    finally:
        patch.undo()


PLAIN = _plain_once()
