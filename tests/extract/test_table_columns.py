"""Results tables as JATS renders them ("a | b | c" rows): what a column header, a row group and
the caption say of each cell. Invented tables in the style of trial reports."""

from __future__ import annotations

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.records import Record


def _records(text: str, kind: str = "results") -> list[Record]:
    records, _ = extract_records(make_doc(text, [(kind, "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return records


MEDIAN_TABLE = """Table 2. Median time to event by treatment group
Outcome | Arm A n=70 | Arm B n=72 | Hazard ratio (95% CI) | P-value |
---|---|---|---|---|
Time to disease progression (months) | | | | |
Centre 1 | 9.1 | 7.4 | 0.81 (0.55–1.19) | 0.28 |
All | 8.6 | 7.9 | 0.90 (0.64–1.27) | 0.55 |
Survival (months) | | | | |
All | 14.2 | 12.5 | 0.93 (0.68–1.27) | 0.64 |
"""


def test_bare_numbers_of_a_median_table_are_medians_and_the_p_column_reaches_the_ratio() -> None:
    got = [
        (r.endpoint, r.statistic, r.value, r.unit, r.p_value)
        for r in _records(MEDIAN_TABLE)
        if r.endpoint != "sample_size"
    ]
    assert ("TTP", "median", 9.1, "months", 0.28) in got
    assert ("TTP", "median", 7.9, "months", 0.55) in got
    assert ("TTP", "hazard_ratio", 0.81, None, 0.28) in got
    assert ("OS", "median", 14.2, "months", 0.64) in got
    assert ("OS", "hazard_ratio", 0.93, None, 0.64) in got


def test_bare_numbers_without_a_median_cue_are_no_records() -> None:
    text = MEDIAN_TABLE.replace("Median time to event", "Events")
    assert not [r for r in _records(text) if r.statistic == "median"]


SEPARATE_CI_TABLE = """Table 3. Multivariable Cox model of overall survival
Covariate | Hazard ratio | 95% CI | P value |
---|---|---|---|
Allocated arm (B vs A) | 0.78 | 0.61–0.99 | 0.04 |
ECOG performance status (1 vs 0) | 1.52 | 1.20–1.93 | <0.001 |
"""


def test_a_ratio_table_with_ci_and_p_columns_keeps_every_row_and_its_interval() -> None:
    got = [
        (r.endpoint, r.statistic, r.value, r.ci_low, r.ci_high) for r in _records(SEPARATE_CI_TABLE)
    ]
    assert got == [
        ("OS", "hazard_ratio", 0.78, 0.61, 0.99),
        ("OS", "hazard_ratio", 1.52, 1.20, 1.93),
    ]


def test_an_odds_ratio_column_gives_odds_ratios() -> None:
    text = """Table 4. Response by subgroup
Subgroup | OR (95% CI) |
---|---|
Women | 1.64 (1.02–2.63) |
Men | 0.91 (0.60–1.38) |
"""
    got = [(r.statistic, r.value, r.ci_low) for r in _records(text)]
    assert got == [("odds_ratio", 1.64, 1.02), ("odds_ratio", 0.91, 0.60)]


def test_rows_of_a_toxicity_table_that_name_no_listed_event_are_adverse_events() -> None:
    text = """Table 5. Grade 3 or 4 toxicity
Toxicity (n, %) | Arm A n=40 | Arm B n=41 |
---|---|---|
Haemoglobin | 2 (5) | 1 (2) |
Bilirubin | 0 (0) | 3 (7) |
"""
    got = [
        (r.endpoint, r.value, r.n, r.N, r.label)
        for r in _records(text)
        if r.statistic == "proportion"
    ]
    assert ("adverse_events", 5.0, 2, 40, "Haemoglobin") in got
    assert ("adverse_events", 7.0, 3, 41, "Bilirubin") in got


def test_the_caption_gives_the_endpoint_and_time_point_of_rows_that_name_none() -> None:
    text = """Table 6. Overall survival at 12 months by trial
Trial | Early, n/N (%) | Late, n/N (%) |
---|---|---|
First trial | 31/50 (62) | 24/51 (47) |
Second trial | 17/34 (50) | 15/33 (45) |
"""
    got = [
        (r.endpoint, r.statistic, r.value, r.n, r.N, r.timepoint.value if r.timepoint else None)
        for r in _records(text)
    ]
    assert ("OS", "rate", 62.0, 31, 50, 12.0) in got
    assert ("OS", "rate", 45.0, 15, 33, 12.0) in got


def test_a_pair_that_prints_the_percent_sign_once_gives_two_percentages() -> None:
    text = "Grade 3 or 4 diarrhoea was more frequent with the weekly schedule (24 vs 13%)."
    got = [(r.endpoint, r.value) for r in _records(text)]
    assert ("adverse_events", 24.0) in got and ("adverse_events", 13.0) in got


FLAT_RATIO_TABLE = (
    "BODY.RESULTS:\nThe benefit was confined to one subgroup (Table 2).   Table 2 Benefit of the "
    "added drug by marker level Marker status Drug versus no drug Distant recurrence "
    "Cancer-specific death Hazard ratio (95% CI) P value Hazard ratio (95% CI) P value "
    "Low marker 0.41 (0.25 to 0.66) 0.0003 0.45 (0.26 to 0.78) 0.004  High marker 0.92 (0.55 to "
    "1.54) 0.75 0.88 (0.45 to 1.72) 0.71   The interaction was significant.\n"
)


def test_a_flattened_table_of_ratio_columns_gives_one_ratio_per_cell() -> None:
    got = [
        (r.statistic, r.value, r.ci_low, r.ci_high, r.p_value)
        for r in _records(FLAT_RATIO_TABLE)
        if r.section == "table"
    ]
    assert got == [
        ("hazard_ratio", 0.41, 0.25, 0.66, 0.0003),
        ("hazard_ratio", 0.45, 0.26, 0.78, 0.004),
        ("hazard_ratio", 0.92, 0.55, 1.54, 0.75),
        ("hazard_ratio", 0.88, 0.45, 1.72, 0.71),
    ]
