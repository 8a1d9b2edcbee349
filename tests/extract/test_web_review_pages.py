"""Narrative review pages (PDQ-style evidence summaries): cited trials, their arms and sizes,
and the numbers of such text that are no endpoints (invented sentences of each phrasing class)."""

from __future__ import annotations

from trialex.extract import doc_with_sections, extract_records
from trialex.records import Record


def records(text: str) -> list[Record]:
    found, _ = extract_records(doc_with_sections(text))
    for r in found:
        assert text[r.span.start : r.span.end]
    return found


def test_response_in_a_myeloproliferative_neoplasm_page_is_tumour_response() -> None:
    text = (
        "Patients with essential thrombocythemia had previously received hydroxyurea and had an "
        "inadequate response.\n\n"
        "- The complete response rate was 31%, and the partial response rate was 40%."
    )
    got = {(r.endpoint, r.value) for r in records(text)}
    assert {("CR", 31.0), ("PR", 40.0)} <= got


def test_cited_trial_sizes_after_a_design_lead_or_an_assignment_verb() -> None:
    text = (
        "1. In the phase II [XYZ 204](/clinicaltrials/NCT01111111) study (NCT01111111), 64 "
        "patients with myelofibrosis received drug A.\n"
        "2. The ABC-3 trial randomly assigned 318 patients to receive drug B or drug C."
    )
    sizes = {r.value for r in records(text) if r.endpoint == "sample_size"}
    assert {64.0, 318.0} <= sizes


def test_a_design_lead_does_not_turn_event_counts_into_cohorts() -> None:
    got = {(r.endpoint, r.value) for r in records("In this study, 12 patients relapsed.")}
    assert ("relapse", 12.0) in got and ("sample_size", 12.0) not in got


def test_of_the_patients_is_no_arm_name_the_group_noun_is() -> None:
    text = (
        "- Infections occurred in 35% of the patients in the drug-A group and 21% of patients "
        "in the observation group."
    )
    groups = {r.value: r.group for r in records(text) if r.statistic == "proportion"}
    assert groups == {35.0: "drug-A", 21.0: "observation"}


def test_a_term_after_its_value_is_its_own_over_a_linked_term_before() -> None:
    text = (
        "Drug A produced a 40% to 55% complete response rate and a 70% to 82% overall "
        "response rate; another series reported a 30% complete remission rate, 25% partial "
        "remission rate."
    )
    got = {(r.endpoint, r.value) for r in records(text)}
    assert {("ORR", 70.0), ("ORR", 82.0), ("CR", 30.0), ("PR", 25.0)} <= got
    assert ("CR", 70.0) not in got and ("CR", 25.0) not in got


def test_an_outcome_word_after_compared_with_names_the_group() -> None:
    text = (
        "- Early relapses were associated with a lower OS rate at 2 years, compared with late "
        "relapses (22% [95% CI, 10%–35%] vs. 51% [40%–63%]; *P* = .002)."
    )
    got = {(r.endpoint, r.statistic, r.value) for r in records(text)}
    assert {("OS", "rate", 22.0), ("OS", "rate", 51.0)} <= got


def test_the_second_value_of_a_pair_keeps_the_outcome_not_an_earlier_follow_up() -> None:
    text = (
        "- With a median follow-up of 6 years, the median OS was 8.4 years in the drug-A group "
        "and 5.2 years in the drug-B group (*P* = .01)."
    )
    got = {r.value: r.endpoint for r in records(text) if r.statistic == "median"}
    assert got == {6.0: "follow_up", 8.4: "OS", 5.2: "OS"}


def test_a_follow_up_framing_a_comparison_keeps_no_p_value() -> None:
    text = (
        "- With a median follow-up of 4.5 years, the 3-year PFS rate was 61% in the drug-A group "
        "and 44% in the drug-B group (*P* = .02)."
    )
    by_code = {r.endpoint: r for r in records(text)}
    assert by_code["follow_up"].p_value is None
    assert {r.p_value for r in records(text) if r.endpoint == "PFS"} == {0.02}


def test_undetectable_and_mrd_free_are_mrd_responses() -> None:
    text = (
        "- At the end of treatment, 71% of patients who received drug A were MRD-free, and "
        "undetectable MRD was reached in 48% of patients who received drug B."
    )
    got = {r.value for r in records(text) if r.endpoint == "MRD_response"}
    assert {71.0, 48.0} <= got
