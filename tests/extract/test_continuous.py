"""Continuous outcomes (trialex.extract.continuous): a mean with its SD, a signed change per arm.

Every sentence is written for the test, in the way trial abstracts report scores, changes from
baseline and numbers of days. Each becomes an ``other`` record (``time_to_event`` for a time),
statistic ``mean``, with its arm; baseline values, ages, doses and drug levels do not.
"""

from __future__ import annotations

import pytest

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.records import Record

ARMS = "Patients were randomized to ketamine or placebo. "


def _records(text: str) -> list[Record]:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return records


def _means(text: str) -> list[tuple[str, float, str | None, str | None, float | None]]:
    return [
        (r.endpoint, r.value, r.unit, r.group, r.p_value)
        for r in _records(text)
        if r.statistic == "mean"
    ]


def test_continuous_mean_sd_per_arm_with_shared_p() -> None:
    text = ARMS + (
        "Pain scores (mean +/- SD) were lower in the ketamine group (3.1 +/- 1.2) than in the "
        "placebo group (5.4 +/- 2.0); P = 0.002."
    )
    assert _means(text) == [
        ("other", 3.1, None, "ketamine", 0.002),
        ("other", 5.4, None, "placebo", 0.002),
    ]
    labels = {r.label for r in _records(text) if r.statistic == "mean"}
    assert labels == {"Pain scores"}


def test_continuous_mean_sd_with_unit_after_deviation() -> None:
    text = ARMS + (
        "The mean number of ventilator days was lower in the ketamine group than in the placebo "
        "group (2.5+/-1.5 days vs 4.4+/-3.0 days; P=.03)."
    )
    assert _means(text) == [
        ("other", 2.5, "days", "ketamine", 0.03),
        ("other", 4.4, "days", "placebo", 0.03),
    ]


def test_continuous_signed_changes_from_baseline() -> None:
    text = (
        "The mean change from baseline in HbA1c was -1.1% with metformin and -0.3% with "
        "placebo (P < 0.001)."
    )
    got = _means(text)
    assert [(e, v, u, p) for e, v, u, _, p in got] == [
        ("other", -1.1, "%", 0.001),
        ("other", -0.3, "%", 0.001),
    ]
    assert [g for *_, g, _ in got] == ["metformin", "placebo"]


def test_continuous_signed_values_in_brackets_after_arms() -> None:
    text = (
        "Mean symptom score reductions from baseline were greater with drug X (-12.4) than "
        "with placebo (-7.9; P < 0.05)."
    )
    assert [(e, v) for e, v, *_ in _means(text)] == [("other", -12.4), ("other", -7.9)]


def test_continuous_time_outcome_is_time_to_event() -> None:
    text = (
        "Recovery room discharge times were similar: A (71.2 +/- 15.0 min); B (70.4 +/- 18.1 min)."
    )
    assert [(e, v, u) for e, v, u, *_ in _means(text)] == [
        ("time_to_event", 71.2, "minutes"),
        ("time_to_event", 70.4, "minutes"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The mean age was 61 +/- 9 years in both groups.",
        "At baseline, the mean pain score was 6.2 +/- 1.8 in the treated group.",
        "The mean daily dose was 4.5 +/- 1.2 mg in the active arm.",
        "Mean plasma concentrations were 12.1 +/- 3.3 in the fed state.",
        "The response rate was 40% (range, 25%-55%) with drug X.",
    ],
)
def test_continuous_no_record_for_baseline_age_dose_or_levels(text: str) -> None:
    assert _means(text) == []


def test_continuous_value_before_a_change_is_baseline() -> None:
    text = "In the exercise group, the fatigue score decreased from 6.1 (± 1.4) to 3.2 (± 1.1)."
    assert [v for _, v, *_ in _means(text)] == [3.2]


def test_continuous_change_from_to_keeps_the_value_after() -> None:
    text = (
        "In the training group, peak workload increased from 71 to 93 watts (P = .002) and "
        "median walking distance rose from 310 to 402 m (P = .01)."
    )
    got = [(r.statistic, r.value, r.unit, r.group) for r in _records(text)]
    assert ("mean", 93.0, "watts", "training") in got
    assert not [g for g in got if g[1] in (71.0, 310.0)]


def test_continuous_compared_measurements_give_both_values() -> None:
    text = "Drug X lowered fasting glucose compared with placebo (-0.7 vs 0.4 mmol/L; P = 0.02)."
    assert [(e, v, u, p) for e, v, u, _, p in _means(text)] == [
        ("other", -0.7, "mmol/L", 0.02),
        ("other", 0.4, "mmol/L", 0.02),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Median overall survival was 14.2 vs 9.8 months (P = 0.01).",
        "There were 4 vs 1 deaths (P = 0.3).",
        "The response rate was 38% vs 21% (P = 0.04).",
    ],
)
def test_continuous_pairs_leave_survival_counts_and_rates_alone(text: str) -> None:
    assert _means(text) == []


def test_continuous_leaves_a_time_endpoint_its_duration() -> None:
    text = "The mean follow-up was 6.2 years (SD = 2.1) in the whole cohort."
    got = [(r.endpoint, r.statistic, r.value) for r in _records(text)]
    assert got == [("follow_up", "mean", 6.2)]


def test_continuous_arm_labels_open_list_items() -> None:
    text = (
        "Mean operating times were: laparoscopic group, 92.4 ± 20.1 min; open group, "
        "71.0 ± 15.2 min; p = 0.01."
    )
    got = [(r.value, r.group) for r in _records(text) if r.statistic == "mean"]
    assert got == [(92.4, "laparoscopic"), (71.0, "open")]


def test_continuous_bracketed_mean_before_its_unit_and_arm() -> None:
    text = (
        "Final lumen diameter was greater [(2.31 +/- 0.52) mm for drug X vs. (1.90 +/- 0.61) "
        "mm for placebo, P < 0.05]."
    )
    got = [(r.value, r.unit, r.group) for r in _records(text) if r.statistic == "mean"]
    assert got == [(2.31, "mm", "drug X"), (1.9, "mm", "placebo")]


def test_continuous_arm_opening_the_next_bracket_is_not_the_value_before() -> None:
    text = "Changes did not differ between placebo (-1.2 +/- 2.0) and zinc groups (-0.9 +/- 1.8)."
    groups = [r.group for r in _records(text) if r.statistic == "mean"]
    assert groups[1] == "zinc" and groups[0] != "zinc"


def test_continuous_formulation_strength_is_no_outcome() -> None:
    text = "Patients applied 0.075% capsaicin cream for 6 weeks; pain improved in 41% of them."
    assert [r.value for r in _records(text)] == [41.0]
