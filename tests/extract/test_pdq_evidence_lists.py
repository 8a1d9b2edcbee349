"""Evidence lists of narrative review pages (PDQ-style): bullet items under a colon lead-in,
ratios that name their outcome after the interval, alternating term/value pairs, and survival
terms of the field (invented sentences of each phrasing class)."""

from __future__ import annotations

from trialex.extract import doc_with_sections, extract_records
from trialex.records import Record

LEAD = (
    "A retrospective cohort study of 210 children who underwent transplant was reported.\n\n"
    "- The 2-year relapse-free survival rates were:\n\n"
    "- 71% for patients with low-risk scores.\n"
    "- 52% for patients with high-risk scores.\n\n"
    "These results were confirmed in a second cohort of 95 adults."
)


def records(text: str) -> list[Record]:
    found, _ = extract_records(doc_with_sections(text))
    for r in found:
        assert text[r.span.start : r.span.end]
    return found


def test_bullet_items_take_the_endpoint_and_time_point_of_their_lead_in() -> None:
    found = {r.value: r for r in records(LEAD) if r.endpoint == "RFS"}
    assert set(found) == {71.0, 52.0}
    for r in found.values():
        assert r.statistic == "rate"
        assert r.timepoint is not None and (r.timepoint.value, r.timepoint.unit) == (2.0, "years")


def test_a_lead_in_reaches_only_the_bullets_right_after_it() -> None:
    text = LEAD + "\n\n62% of the adults were alive at the last contact."
    assert not [r for r in records(text) if r.endpoint == "RFS" and r.value == 62.0]


def test_ratio_names_its_outcome_with_for_after_its_interval() -> None:
    text = (
        "In 400 patients, a high score predicted outcome, with a hazard ratio of 2.41 "
        "(95% confidence interval [CI], 1.5–3.9) for nonrelapse mortality and a lower overall "
        "survival."
    )
    hr = [r for r in records(text) if r.statistic == "hazard_ratio"]
    assert [(r.endpoint, r.value, r.ci_low, r.ci_high) for r in hr] == [("NRM", 2.41, 1.5, 3.9)]


def test_alternating_terms_and_values_pair_in_order() -> None:
    text = (
        "Among 120 patients, those with standard-risk disease had an OS rate of 91% and an "
        "EFS rate of 84%."
    )
    got = {(r.endpoint, r.value) for r in records(text) if r.unit == "%"}
    assert got == {("OS", 91.0), ("EFS", 84.0)}


def test_freedom_from_relapse_and_failure_free_survival_are_survival_endpoints() -> None:
    text = (
        "In a trial of 80 patients, the 3-year freedom-from-relapse rate was 93.5%, and the "
        "failure-free survival rate was 81.2%."
    )
    got = {(r.endpoint, r.value) for r in records(text)}
    assert ("RFS", 93.5) in got and ("EFS", 81.2) in got


def test_bracketed_count_pair_gives_both_counts_zero_included() -> None:
    text = (
        "In 300 children, early death was significantly lower with the new regimen "
        "(0 vs. 5 in the earlier trial; P = .01)."
    )
    got = sorted((r.value, r.p_value) for r in records(text) if r.endpoint == "mortality")
    assert got == [(0.0, 0.01), (5.0, 0.01)]


def test_compared_value_keeps_its_endpoint_over_a_time_reference_term() -> None:
    text = (
        "Among 210 adults, those with lung dysfunction had a 2-year OS rate of 35%, compared "
        "with 58% in those with normal lung function before HSCT."
    )
    got = {(r.endpoint, r.value) for r in records(text) if r.unit == "%"}
    assert got == {("OS", 35.0), ("OS", 58.0)}


def test_strata_named_with_of_whom_are_cohort_sizes() -> None:
    text = (
        "The trial included 210 patients, 130 of whom were classified as low risk and 80 of "
        "whom were classified as high risk."
    )
    sizes = {r.value for r in records(text) if r.endpoint == "sample_size"}
    assert {210.0, 130.0, 80.0} <= sizes


def test_a_study_that_examined_children_names_its_cohort() -> None:
    text = "A study examined 64 children who were treated with CAR T-cell therapy; 40 relapsed."
    assert 64.0 in {r.value for r in records(text) if r.endpoint == "sample_size"}


def test_a_duration_bounding_a_subgroup_is_no_median() -> None:
    text = (
        "In 120 patients, those who lost CAR T-cell function before 63 days after therapy had "
        "improved LFS if they underwent HSCT (P = .01)."
    )
    assert not [r for r in records(text) if r.statistic == "median"]


def test_a_bullet_rate_without_time_point_takes_the_one_of_the_bullet_before() -> None:
    text = (
        "1. A trial treated 150 children with arsenic trioxide.\n\n"
        "- The 4-year overall survival rate was 92%.\n"
        "- Patients with low-risk disease had an OS rate of 97%.\n\n"
        "Another paragraph reported an OS rate of 80% in adults."
    )
    got = {r.value: r for r in records(text) if r.endpoint == "OS"}
    assert got[97.0].statistic == "rate"
    assert got[97.0].timepoint is not None and got[97.0].timepoint.value == 4.0
    assert got[80.0].timepoint is None


def test_a_second_ratio_joined_by_and_keeps_its_kind_and_interval() -> None:
    text = (
        "In 500 patients, a high score carried a hazard ratio of 2.10 (95% CI, 1.4–3.1) for "
        "nonrelapse mortality and 1.85 (95% CI, 1.2–2.6) for overall survival."
    )
    hr = sorted(
        (r.endpoint, r.value, r.ci_low, r.ci_high)
        for r in records(text)
        if r.statistic == "hazard_ratio"
    )
    assert hr == [("NRM", 2.1, 1.4, 3.1), ("OS", 1.85, 1.2, 2.6)]


def test_a_definition_list_under_a_lead_in_gives_no_records() -> None:
    text = (
        "In 2,031 patients, the index identifies the following risk factors prognostic of "
        "overall survival and their scores:\n\n"
        "- <40 years: 0.\n"
        "- 41–60 years: 1.\n"
        "- 61–75 years: 2.\n"
    )
    assert not [r for r in records(text) if r.endpoint == "OS"]
