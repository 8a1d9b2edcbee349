"""Count nouns as data (resources/<lang>/count_nouns.json): the counts of patients, women,
participants, eyes, 例, 人 ... are one vocabulary, and adding a noun is a data change."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from trialex.extract.numbers import (
    count_nouns,
    find_mentions,
    load_pattern_file,
    with_count_nouns,
)

COUNTING = {"count", "pct", "count_pair", "n_eq"}


def _raw(path: str) -> dict:
    return json.loads((resources.files("trialex") / "resources" / path).read_text("utf-8"))


def _counted(text: str, language: str) -> list[tuple[str, float | None]]:
    return [(m.kind, m.value) for m in find_mentions(text, language, 0) if m.kind in COUNTING]


EXAMPLES = [
    (language, kind, text)
    for language in ("en", "zh")
    for kind in ("match", "no_match")
    for text in (count_nouns(language) or {}).get("examples", {}).get(kind, [])
]


@pytest.mark.parametrize(("language", "kind", "text"), EXAMPLES, ids=[t for _, _, t in EXAMPLES])
def test_count_nouns_examples(language: str, kind: str, text: str) -> None:
    assert bool(_counted(text, language)) is (kind == "match"), _counted(text, language)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Eight women were randomized", 8.0),
        ("120 participants were enrolled", 120.0),
        ("32 children received the vaccine", 32.0),
        ("24 eyes were treated", 24.0),
    ],
)
def test_count_nouns_count_beyond_patients(text: str, value: float) -> None:
    assert ("count", value) in _counted(text, "en")


def test_count_nouns_chinese_measure_words() -> None:
    assert ("count", 6.0) in _counted("低CRP组6人曾发生败血症", "zh")
    assert ("count", 35.0) in _counted("低CRP组35名患者", "zh")
    assert _counted("共1000人次", "zh") == []


def test_count_nouns_a_new_noun_is_a_data_change() -> None:
    data = _raw("en/patterns.json")
    nouns = {**count_nouns("en"), "nouns": [*count_nouns("en")["nouns"], "ferrets"]}
    patterns = {p.id: p for p in load_pattern_file(with_count_nouns(data, nouns, "en"))}
    assert patterns["count"].regex.search("12 ferrets were dosed")
    assert "ferrets" in patterns["count"].requires
    bundled = {p.id: p for p in load_pattern_file(with_count_nouns(data, count_nouns("en"), "en"))}
    assert not bundled["count"].regex.search("12 ferrets were dosed")
