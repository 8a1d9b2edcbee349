"""Outcome phrasings of trial abstracts that name no vocabulary endpoint (own sentences):
'the proportion of patients with <outcome> was x% in A and y% in B', '<outcome> was obtained /
successful in x of N', and 'x of these N patients' (the restated denominator)."""

from __future__ import annotations

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.records import Record


def _records(text: str) -> list[Record]:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    return records


def test_share_of_patients_with_an_outcome_per_arm() -> None:
    text = (
        "The proportion of patients with complete wound closure at 12 weeks was 62% in the "
        "dressing group and 41% in the control group (P = .004)."
    )
    got = [(r.endpoint, r.statistic, r.value, r.group, r.p_value) for r in _records(text)]
    assert got == [
        ("other", "proportion", 62.0, "dressing", 0.004),
        ("other", "proportion", 41.0, "control", 0.004),
    ]


def test_outcome_obtained_in_a_share_of_patients() -> None:
    text = "Angiographic patency was obtained in 78% of patients."
    assert [(r.endpoint, r.value) for r in _records(text)] == [("other", 78.0)]


def test_success_in_x_of_these_n_patients() -> None:
    text = "Repeat cardioversion was successful in 14 of these 40 patients."
    got = [(r.endpoint, r.statistic, r.value, r.n, r.N) for r in _records(text)]
    assert got == [("other", "count", 14.0, 14, 40)]
