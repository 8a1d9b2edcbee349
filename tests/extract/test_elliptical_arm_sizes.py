"""Arm sizes that leave out the count noun of the cohort size before them: "640 patients were
randomised, with 322 in the A arm and 318 in the B arm". Sentences are written for the test
(not taken from an article)."""

from __future__ import annotations

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records


def _sizes(text: str) -> list[tuple[float, str | None]]:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return [(r.value, r.group) for r in records if r.endpoint == "sample_size"]


def test_arm_sizes_after_a_cohort_size() -> None:
    text = (
        "The trial comprised 640 patients in the intention-to-treat population, with 322 in "
        "the nivolumab arm and 318 in the docetaxel arm."
    )
    got = _sizes(text)
    assert [v for v, _ in got] == [640.0, 322.0, 318.0]
    assert got[1][1] == "nivolumab" and got[2][1] == "docetaxel"


def test_counts_of_events_split_by_arm_are_no_arm_sizes() -> None:
    text = "Twelve patients died, with 5 in the placebo arm and 7 in the active arm."
    assert _sizes(text) == []


def test_a_count_that_does_something_in_its_arm_is_no_size() -> None:
    text = "A total of 90 patients were enrolled, and 14 in the high-dose group had grade 3 rash."
    assert [v for v, _ in _sizes(text)] == [90.0]


def test_bracketed_size_of_a_population_just_named_is_no_event_count() -> None:
    text = (
        "Patients with new lesions had a higher risk of death than all other patients "
        "(n = 540; median OS 10.2 vs 15.8 months)."
    )
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    sized = [(r.endpoint, r.value) for r in records if r.value == 540.0]
    assert sized == [("sample_size", 540.0)]
