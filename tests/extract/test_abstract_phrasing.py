"""Phrasing classes of clinical abstracts (old and new styles): cohort sizes, coordinated
outcomes without "respectively", thresholds and reasons that report no result."""

from __future__ import annotations

import pytest

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.records import Record


def _one(text: str, kind: str = "abstract") -> list[Record]:
    records, _ = extract_records(make_doc(text, [(kind, "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return records


def _has(records: list[Record], endpoint: str, value: float) -> bool:
    return any(r.endpoint == endpoint and r.value == value for r in records)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("This is a cross-sectional study involving 84 patients with asthma.", 84),
        ("We randomly selected 31 patients with migraine for the trial.", 31),
        ("SUBJECTS: 12 patients with stable angina and normal ventricular function.", 12),
        ("Patients were divided into two groups and each group had 25 patients.", 25),
        (
            "Seventy patients classified as physical status I or II who were scheduled for "
            "minor orthopaedic surgery under regional anaesthesia were randomly allocated.",
            70,
        ),
        (
            "Thirty-eight patients with biopsy-proven renal carcinoma [20 with stage II and 18 "
            "with stage III] were included in this study.",
            38,
        ),
    ],
)
def test_cohort_size_phrasings(text: str, size: float) -> None:
    assert _has(_one(text), "sample_size", size)


def test_counts_listed_after_a_cohort_are_cohorts() -> None:
    records = _one(
        "We studied 33 patients with bipolar disorder, 30 with schizophrenia, and 26 healthy "
        "volunteers."
    )
    sizes = {r.value for r in records if r.endpoint == "sample_size"}
    assert {33, 30, 26} <= sizes
    assert not [r for r in records if r.endpoint != "sample_size"]


def test_at_least_a_partial_response_is_the_overall_response() -> None:
    records = _one("At the highest dose, 81% of patients achieved at least a partial response.")
    assert _has(records, "ORR", 81)
    assert not _has(records, "PR", 81)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The rates of CR and MRD negativity were 55.1% and 72%.",
            [("CR", 55.1), ("MRD_response", 72)],
        ),
        (
            "Partial response and stabilization rates were 6% and 41%.",
            [("PR", 6), ("other", 41)],
        ),
    ],
)
def test_coordinated_outcomes_without_respectively(
    text: str, expected: list[tuple[str, float]]
) -> None:
    records = _one(text)
    assert [(r.endpoint, r.value) for r in records] == expected


def test_values_of_two_arms_are_not_paired_with_outcomes() -> None:
    records = _one("Response rates were 80.1% (81/101) in arm A and 60.2% (62/103) in arm B.")
    assert [r.endpoint for r in records] == ["ORR", "ORR"]


def test_bracketed_threshold_is_no_result() -> None:
    records = _one("Outcomes included cardiac death and significant coronary stenosis (>or=70%).")
    assert not _has(records, "mortality", 70)


def test_lack_of_response_as_a_reason_is_no_response_count() -> None:
    records = _one("Treatment was stopped in 41 patients for lack of therapeutic response.")
    assert not [r for r in records if r.endpoint in ("ORR", "CR", "PR")]


@pytest.mark.parametrize(
    "text",
    [
        "The overall response rate (CR + PR) was 38%.",
        "The overall response rate [complete response (CR) plus partial response (PR)] was 38%.",
    ],
)
def test_composite_definition_bracket_keeps_the_outer_outcome(text: str) -> None:
    records = _one(text)
    assert [(r.endpoint, r.value) for r in records] == [("ORR", 38)]


def test_component_values_in_a_bracket_are_still_read() -> None:
    records = _one("Responses were complete in 20% and partial in 25% (CR 20% and PR 25%).")
    assert _has(records, "CR", 20) and _has(records, "PR", 25)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("CR was obtained in 14 patients and PR in 6.", ("CR", 14)),
        ("Complete remission (CR) was seen in 9 patients and partial remission in 3.", ("CR", 9)),
        ("Grade 3 CRS occurred in 4 patients and neurotoxicity in 2 patients.", ("CRS", 4)),
    ],
)
def test_count_after_its_verb_keeps_the_outcome_before_it(
    text: str, first: tuple[str, float]
) -> None:
    records = _one(text)
    assert (records[0].endpoint, records[0].value) == first


def test_fraction_after_percent_patients_is_its_n_and_denominator() -> None:
    records = _one("Rash was reported in 7.5% patients (8/107) in the first group.")
    assert [(r.endpoint, r.value, r.n, r.N) for r in records] == [("adverse_events", 7.5, 8, 107)]


def test_control_cohort_after_and_is_a_size() -> None:
    records = _one(
        "We found 12 trials, involving 1830 patients treated by drug X and 1544 control patients."
    )
    assert _has(records, "sample_size", 1830) and _has(records, "sample_size", 1544)


def test_blood_pressure_readings_are_no_fractions() -> None:
    records = _one(
        "Adverse events included fever and labile blood pressure (between 170/95 and 125/75 "
        "mmHg), with a reading of 140/85 mm Hg at discharge."
    )
    assert not [r for r in records if r.N is not None]
