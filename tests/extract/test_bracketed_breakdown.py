"""An outcome with a qualifier in brackets before its verb, and a breakdown in brackets after its
value (own sentences): the value is the outer outcome's, each bracketed item its own term's."""

from __future__ import annotations

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records


def _summary(text: str) -> list[tuple[str, float]]:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    return [(r.endpoint, r.value) for r in records]


def test_qualifier_in_brackets_keeps_the_outcome_linked_to_its_value() -> None:
    text = "The overall response rate (RECIST 1.1 criteria) was 24% in the whole cohort."
    assert _summary(text) == [("ORR", 24.0)]


def test_breakdown_items_keep_their_own_terms() -> None:
    text = (
        "The objective response rate was 61.5% (complete response (CR), 18.0%; "
        "partial response, 43.5%)."
    )
    assert _summary(text) == [("ORR", 61.5), ("CR", 18.0), ("PR", 43.5)]
