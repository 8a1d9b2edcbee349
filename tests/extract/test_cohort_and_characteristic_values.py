"""Numbers that are no endpoint value: a month/year date, the denominator of a share, the size
of a cohort defined by its condition, a share of patients with a characteristic that a
relative clause relates to an outcome (invented sentences of each phrasing class)."""

from __future__ import annotations

from trialex.extract import doc_with_sections, extract_records
from trialex.records import Record


def records(text: str) -> list[Record]:
    found, _ = extract_records(doc_with_sections(text))
    return found


def test_a_month_and_year_is_no_fraction() -> None:
    assert not records("Patients were seen every 3 months; the final visit was 09/2015.")
    got = records("Response was seen in 5/12 patients.")
    assert [(r.value, r.n, r.N) for r in got] == [(5.0, 5, 12)]


def test_of_all_the_n_patients_is_the_denominator_of_the_share() -> None:
    got = records("A pathologic complete response was found in 9 (12.0%) of all the 75 patients.")
    assert [(r.value, r.n, r.N) for r in got] == [(12.0, 9, 75)]


def test_plural_orrs_are_response_rates() -> None:
    got = records("The ORRs were 31.5% in the combination arm and 20.4% in the control arm.")
    assert {(r.endpoint, r.value) for r in got} == {("ORR", 31.5), ("ORR", 20.4)}


def test_a_cohort_defined_by_its_condition_is_no_event_count() -> None:
    got = records(
        "METHODS: Fifty-two adult patients with chronic kidney disease or arterial hypertension "
        "were randomized to two doses."
    )
    assert [(r.endpoint, r.value) for r in got] == [("sample_size", 52.0)]
    got = records("Of 14 patients with CNS involvement, 6 achieved CR and 3 achieved PR.")
    assert not [r for r in got if r.endpoint == "CNS_failure"]
    assert {(r.endpoint, r.value) for r in got} >= {("CR", 6.0), ("PR", 3.0)}


def test_an_outcome_in_a_relative_clause_is_not_the_shares_endpoint() -> None:
    for text in (
        "Approximately 60% of adult patients have biallelic variants, which is predictive of "
        "significantly improved survival.",
        "About 30% of children carry the fusion gene, which is associated with a lower relapse "
        "rate.",
    ):
        assert not [r for r in records(text) if r.value in (60.0, 30.0)]


def test_a_year_after_a_time_word_is_no_count() -> None:
    got = records(
        "The 5-year OS rates were 11% for those treated before 2000, compared with 27% for "
        "those treated after 2000. The 75 patients treated after 2000 were analyzed further."
    )
    assert not [r for r in got if r.value == 2000.0]
    assert {r.value for r in got if r.endpoint == "OS"} == {11.0, 27.0}


def test_donor_match_grades_are_no_fractions() -> None:
    got = records(
        "Patients with 10/10 matches and nonpermissive mismatches had more transplant-related "
        "mortality than those with 9/10 HLA-matched donors."
    )
    assert not [r for r in got if r.value in (9.0, 10.0)]
