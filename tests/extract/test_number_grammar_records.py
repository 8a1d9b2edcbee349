"""The number grammar reaches records: intervals, dispersion, means, word numbers and thousands
as the assembled records carry them (invented sentences of each phrasing class)."""

from __future__ import annotations

import pytest

from trialex.extract import doc_with_sections, extract_records
from trialex.records import Record


def records(text: str) -> list[Record]:
    found, _ = extract_records(doc_with_sections(text))
    for r in found:
        assert text[r.span.start : r.span.end]  # the span is text as printed
    return found


def one(text: str, statistic: str) -> Record:
    found = [r for r in records(text) if r.statistic == statistic]
    assert len(found) == 1, [(r.endpoint, r.statistic, r.value) for r in records(text)]
    return found[0]


def test_records_ratio_with_bare_interval_has_its_ci() -> None:
    r = one(
        "Overall survival was longer with drug A (HR = 0.72 (0.61–0.85); P < .001).", "hazard_ratio"
    )
    assert (r.value, r.ci_low, r.ci_high, r.p_op, r.p_value) == (0.72, 0.61, 0.85, "<", 0.001)


def test_records_lancet_decimals() -> None:
    text = "Median overall survival was 11·3 months (HR 0·72, 95% CI 0·61–0·85; p<0·0001)."
    r = one(text, "hazard_ratio")
    assert (r.value, r.ci_low, r.ci_high, r.ci_level, r.p_value) == (0.72, 0.61, 0.85, 95.0, 0.0001)
    assert one(text, "median").value == 11.3


def test_records_p_as_power_of_ten() -> None:
    text = (
        "Overall survival improved (hazard ratio [HR], 0.72; 95% CI, 0.61 to 0.85; P = 2 × 10−5)."
    )
    r = one(text, "hazard_ratio")
    assert r.p_value == pytest.approx(2e-5)


@pytest.mark.parametrize(
    "text",
    [
        "Median progression-free survival was 5.1 months (range, 1.2-20.5).",
        "The median follow-up was 318 (7-773) days.",
        "Median overall survival was 14.2 months (IQR 8.1-20.5 months).",
    ],
)
def test_records_range_and_iqr_are_never_a_ci(text: str) -> None:
    r = one(text, "median")
    assert (r.ci_low, r.ci_high, r.ci_level) == (None, None, None)


def test_records_declared_ci_reads_the_bracket_before_the_unit() -> None:
    r = one("The median OS (95% CI) was 7.1 (5.9-8.9) months.", "median")
    assert (r.value, r.unit, r.ci_low, r.ci_high, r.ci_level) == (7.1, "months", 5.9, 8.9, 95.0)


@pytest.mark.parametrize(
    "text",
    ["The mean follow-up was 7.8 ± 4.6 years.", "The mean follow-up time was 7.8 years."],
)
def test_records_mean_duration_is_a_mean(text: str) -> None:
    r = one(text, "mean")
    assert (r.endpoint, r.value, r.unit) == ("follow_up", 7.8, "years")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("A total of 10 452 patients were enrolled.", 10452.0),
        ("A total of 10\u2009452 patients were enrolled.", 10452.0),
        ("One thousand two hundred patients were randomized.", 1200.0),
        ("Seven hundred and twelve patients were randomized.", 712.0),
    ],
)
def test_records_thousands_and_word_numbers(text: str, value: float) -> None:
    r = one(text, "count")
    assert (r.endpoint, r.value) == ("sample_size", value)


def test_records_duration_range_is_two_bounds() -> None:
    medians = [
        r
        for r in records("Median overall survival was 18 to 20 months.")
        if r.statistic == "median"
    ]
    assert [(r.endpoint, r.value) for r in medians] == [("OS", 18.0), ("OS", 20.0)]


def test_records_spaced_percent_with_ci() -> None:
    r = one("The overall response rate was 42 % (95% CI, 33–51).", "proportion")
    assert (r.endpoint, r.value, r.ci_low, r.ci_high) == ("ORR", 42.0, 33.0, 51.0)


def test_records_exponent_counts_are_not_values() -> None:
    assert not records("Platelet counts recovered to 143 x 10(9)/L and 150 ×10^9/L by day 28.")
