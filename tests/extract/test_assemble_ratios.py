"""Hazard ratios of outcomes none of the listed endpoints name, HR cells with their CI, and mean
durations: the forms journal PDFs print them in (invented sentences and tables)."""

from __future__ import annotations

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.records import Record


def _records(text: str, kind: str) -> list[Record]:
    records, _ = extract_records(make_doc(text, [(kind, "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return records


HR_TABLE = """Table 3. Cox models of the risk of incident stroke.
| MODEL 1 HR (95% CI) | MODEL 2 HR (95% CI) |
---|---|---|
Number of adverse life events | 0.97 (0.92-1.02) | 0.96 (0.91–1.01) |
Age at baseline, per year | 1.08 (1.05-1.11) | 1.07 (1.04-1.10) |
"""


def test_hr_table_cells_with_ci_are_other_hazard_ratios() -> None:
    got = [
        (r.endpoint, r.statistic, r.value, r.ci_low, r.ci_high, r.ci_level)
        for r in _records(HR_TABLE, "table")
    ]
    assert got == [
        ("other", "hazard_ratio", 0.97, 0.92, 1.02, 95.0),
        ("other", "hazard_ratio", 0.96, 0.91, 1.01, 95.0),
        ("other", "hazard_ratio", 1.08, 1.05, 1.11, 95.0),
        ("other", "hazard_ratio", 1.07, 1.04, 1.10, 95.0),
    ]


def test_hr_cell_with_ci_keeps_a_named_endpoint() -> None:
    text = HR_TABLE.replace("MODEL 1 HR", "Overall survival HR").replace("MODEL 2 HR", "PFS HR")
    got = [(r.endpoint, r.value) for r in _records(text, "table")]
    assert got == [("OS", 0.97), ("PFS", 0.96), ("OS", 1.08), ("PFS", 1.07)]


def test_prose_hazard_ratio_of_an_unlisted_outcome_is_other() -> None:
    text = (
        "No association was found between the number of stressful events in life and incident "
        "stroke (hazard ratio = 0.97, 95% CI = 0.92–1.02)."
    )
    got = [
        (r.endpoint, r.statistic, r.value, r.ci_low, r.ci_high) for r in _records(text, "results")
    ]
    assert got == [("other", "hazard_ratio", 0.97, 0.92, 1.02)]


def test_prose_hazard_ratio_of_a_listed_endpoint_stays_it() -> None:
    text = "Overall survival was longer with drug A (HR 0.70; 95% CI 0.55-0.89)."
    assert [(r.endpoint, r.value) for r in _records(text, "results")] == [("OS", 0.70)]


def test_mean_follow_up_is_a_mean() -> None:
    text = (
        "For those who developed stroke, the mean follow-up time was 7.8 years, and the median "
        "follow-up of the others was 11.4 years."
    )
    got = [(r.endpoint, r.statistic, r.value) for r in _records(text, "results")]
    assert got == [("follow_up", "mean", 7.8), ("follow_up", "median", 11.4)]


def test_study_size_in_participants() -> None:
    for text in (
        "The study involved 2,462 stroke-free participants aged 55 years and older.",
        "The study population was composed of 1,208 participants without stroke.",
        "This left a total of 977 participants.",
    ):
        got = [(r.endpoint, r.statistic) for r in _records(text, "results")]
        assert got == [("sample_size", "count")], text
