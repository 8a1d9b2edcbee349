"""The ``requires`` prefilter of an open outcome pattern only skips windows that cannot match."""

from __future__ import annotations

import dataclasses

from trialex.extract.outcomes import open_rules

SENTENCES = [
    "Lymphoedema was reported in 12% of women after surgery.",
    "Grade 3 neutropenia was observed in only 4 patients, and fatigue occurred in 7.",
    "Treatment failure was observed in nine patients; the cohort was followed for years.",
    "The median age was 61 years and the relapse was seen in two patients of the group.",
    "Hospital readmission was 8.2% vs 4.1% while the dose was reduced.",
]


def _matches(pattern, text: str) -> list[tuple[int, int]]:
    return [m.span("outcome") for m in pattern.finditer(text)]


def test_requires_keeps_every_match_of_the_pattern() -> None:
    patterns = [p for p in open_rules().patterns if p.requires is not None]
    assert patterns, "no open outcome pattern has a requires prefilter"
    for pattern in patterns:
        plain = dataclasses.replace(pattern, requires=None)
        texts = [
            *SENTENCES,
            *pattern.examples.get("match", []),
            *pattern.examples.get("no_match", []),
        ]
        texts.append(" ".join(texts))  # windows of many anchors in one text
        for text in texts:
            assert _matches(pattern, text) == _matches(plain, text), (pattern.id, text)


def test_requires_skips_a_text_with_no_value_after_the_verb() -> None:
    pattern = next(p for p in open_rules().patterns if p.id == "outcome_copula_value")
    assert pattern.requires is not None
    assert not pattern.requires.search("The protocol was approved and consent was obtained.")
    assert pattern.requires.search("Infection was observed in 5 patients.")


def test_anchor_matches_are_the_anchors_finditer() -> None:
    from trialex.extract.outcomes import _ANCHOR_SOURCE, anchor_matches
    from trialex.regex import compile_guarded

    text = "xwas was_was was\nwas. Xwas X foo there Was; rates of 5 and incidence of 3"
    for source in (r"\bwas\s", r"\bX|was", r"\b(?:was|were)\s|\bfoo", r"(?i:there)\s"):
        anchor = compile_guarded(source)
        _ANCHOR_SOURCE[anchor.pattern] = source
        assert [m.span() for m in anchor_matches(anchor, text)] == [
            m.span() for m in anchor.finditer(text)
        ], source
    for pattern in open_rules().patterns:
        if pattern.anchor is not None:
            got = [m.span() for m in anchor_matches(pattern.anchor, text)]
            assert got == [m.span() for m in pattern.anchor.finditer(text)], pattern.id
