"""'n of N <population phrase> (x%)': the population between the denominator and the bracketed
percentage may take several words ("patients with bone pain at baseline"). Sentences are
written for the test (not taken from an article)."""

from __future__ import annotations

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records


def _records(text: str) -> list[tuple[str, str, float, int | None, int | None]]:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return [(r.endpoint, r.statistic, r.value, r.n, r.N) for r in records]


def test_long_population_phrase_keeps_one_proportion_record() -> None:
    got = _records("Three out of 12 patients with bone pain at baseline (25.0%) had pain relief.")
    assert got == [("other", "proportion", 25.0, 3, 12)]


def test_arm_phrase_between_denominator_and_percentage() -> None:
    got = _records("Five of 20 patients in the placebo arm (25%) had grade 3 nausea.")
    assert got == [("adverse_events", "proportion", 25.0, 5, 20)]


def test_short_form_unchanged() -> None:
    got = _records("Overall, 13 of 19 patients (68.4%) achieved a complete remission.")
    assert got == [("CR", "proportion", 68.4, 13, 19)]
