"""A p value that names its test between "P" and its operator ("P value by log rank test =
.38", "p (log-rank) = 0.52") is read. Sentences are written for the test (not taken from an
article)."""

from __future__ import annotations

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records


def test_stand_alone_p_values_that_name_their_test() -> None:
    text = (
        "There was no significant difference in progression-free survival between the two arms "
        "(P value by log rank test = .38), nor in overall survival (p (log-rank) = 0.52)."
    )
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    got = [(r.endpoint, r.statistic, r.value, r.p_value) for r in records]
    assert got == [("PFS", "p_value", 0.38, 0.38), ("OS", "p_value", 0.52, 0.52)]


def test_p_of_a_named_test_attaches_to_its_values() -> None:
    text = "Median OS was 11.2 versus 9.0 months (P-value from the Wald test = 0.012)."
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    assert [(r.value, r.p_value) for r in records] == [(11.2, 0.012), (9.0, 0.012)]
