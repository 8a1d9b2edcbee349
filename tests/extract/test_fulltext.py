"""Long forms: full texts (inline tables, sections, origin) and narrative web summaries.

Invented sentences that show each phrasing class; no text of ../shared is copied here.
"""

from __future__ import annotations

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.records import Record


def _records(text: str, kinds: list[tuple[str, str, int]] | None = None) -> list[Record]:
    records, _ = extract_records(make_doc(text, kinds or [("results", "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return records


def _summary(records: list[Record]) -> list[tuple[str, str, float]]:
    return [(r.endpoint, r.statistic, r.value) for r in records]


def test_an_abbreviation_inside_a_longer_word_is_no_endpoint() -> None:
    # "CR" inside a regimen name ("FCR", "PCR-B"), "CRP", "OS" inside "PCOS"
    text = (
        "Grade 3 toxicity was seen with FCR-B (33% vs. 3%). "
        "CRP was raised in 40% of patients. PCOS was present in 12%."
    )
    assert not [r for r in _records(text) if r.endpoint in ("CR", "OS")]


def test_a_plural_abbreviation_keeps_its_term() -> None:
    records = _records("Overall, 12 CRs (40%) were seen.")
    assert ("CR", "proportion", 40.0) in _summary(records)
