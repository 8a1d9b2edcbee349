"""Phrasing of the field that the seed articles do not show: one table per failure class.

Every sentence here is written for the test (not taken from an article). Each case lists the
records expected as ``(endpoint, statistic, value)`` in text order; a second table per class
checks the attributes that matter for it (CI, p value, time point, sample size).
"""

from __future__ import annotations

import pytest

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.extract.numbers import fold
from trialex.records import Record

DASH_FORMS = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63", "\uff0d"]


def _records(text: str, kind: str = "results") -> list[Record]:
    records, _ = extract_records(make_doc(text, [(kind, "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
        assert r.span.end - r.span.start <= 160
    return records


def _summary(text: str) -> list[tuple[str, str, float]]:
    return [(r.endpoint, r.statistic, r.value) for r in _records(text)]


def _values(text: str) -> set[float]:
    return {r.value for r in _records(text)}


# ----------------------------------------------------------------------------- 1. dashes


def test_assemble_fold_keeps_length_and_reads_every_dash_as_hyphen() -> None:
    text = "".join(DASH_FORMS) + "\u00a00\u00b775\uff05"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "-" * len(DASH_FORMS) + " 0.75%"


@pytest.mark.parametrize("dash", [*DASH_FORMS, " to "], ids=lambda d: f"U+{ord(d[0]):04X}")
def test_assemble_every_dash_separates_a_ci(dash: str) -> None:
    text = f"Median event-free survival was 6.1 months (95% CI, 4.3{dash}7.9)."
    (r,) = _records(text)
    assert (r.endpoint, r.statistic, r.value) == ("EFS", "median", 6.1)
    assert (r.ci_low, r.ci_high, r.ci_level) == (4.3, 7.9, 95.0)


@pytest.mark.parametrize("dash", DASH_FORMS, ids=lambda d: f"U+{ord(d):04X}")
def test_assemble_every_dash_makes_a_timepoint_compound(dash: str) -> None:
    (r,) = _records(f"The 2{dash}year OS was 36%.")
    assert (r.endpoint, r.statistic, r.value) == ("OS", "rate", 36.0)
    assert r.timepoint is not None and (r.timepoint.value, r.timepoint.unit) == (2.0, "years")


@pytest.mark.parametrize("dash", DASH_FORMS, ids=lambda d: f"U+{ord(d):04X}")
def test_assemble_sided_p_value_is_not_a_value(dash: str) -> None:
    records = _records(f"The hazard ratio for OS was 0.77 (1{dash}sided P < .0001).")
    assert [(r.endpoint, r.statistic, r.value, r.p_value) for r in records] == [
        ("OS", "hazard_ratio", 0.77, 0.0001)
    ]


# ----------------------------------------------------------------------------- 2. CIs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The CR rate was 39.6% [95% CI, 32.1%\u201047.6%].", (39.6, 32.1, 47.6, 95.0)),
        ("CRi occurred in 10.5% [6.2%\u201016.3%] of patients.", (10.5, 6.2, 16.3, None)),
        (
            "Overall survival was longer (hazard ratio, 0.75; 97.5% confidence interval [CI], "
            "0.57\u20100.99; 1\u2010sided P = .0105).",
            (0.75, 0.57, 0.99, 97.5),
        ),
        ("The HR for overall survival was 0.62 (95% CI 0.45 to 0.85).", (0.62, 0.45, 0.85, 95.0)),
        ("The CR/CRi rate was 80.7% [95% CI, 72%\u201388%].", (80.7, 72.0, 88.0, 95.0)),
        ("The 2-year OS was 23% (95% CI, 16%-30%).", (23.0, 16.0, 30.0, 95.0)),
        ("Median OS was 8.1 mo (95% CI, 6.2\u20139.9).", (8.1, 6.2, 9.9, 95.0)),
        ("The ORR was 58% (95% credible interval, 44%-70%).", (58.0, 44.0, 70.0, 95.0)),
    ],
)
def test_assemble_ci_forms_fill_the_estimate_and_make_no_records(
    text: str, expected: tuple[float, float, float, float | None]
) -> None:
    (r,) = _records(text)
    assert (r.value, r.ci_low, r.ci_high, r.ci_level) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Median OS was 7.7 months (95% CI, 6.0\u20109.2) versus 6.7 months (95% CI, 4.9\u20108.3) "
        "(hazard ratio, 0.77; 97.5% CI, 0.58\u20101.03; 1\u2010sided P = .0203).",
        "The remission rate was 74.2% [95% CI, 66.0 to 81.3] vs. 31.5% [95% CI, 23.1 to 40.9].",
    ],
)
def test_assemble_ci_level_and_bounds_never_become_records(text: str) -> None:
    values = _values(text)
    assert values and not values & {95.0, 97.5, 6.0, 9.2, 4.9, 8.3, 0.58, 1.03, 66.0, 81.3}


# ----------------------------------------------------------------------------- 3. identifiers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "In phase 1/2 study 1010, 36 patients (73%) achieved CR.",
            [("CR", "proportion", 73.0)],
        ),
        (
            "In study 1022 (INO-VATE; NCT01564784), the CR/CRi rate was 80.7% (Table 2, Figure 1).",
            [("CR", "proportion", 80.7)],
        ),
        ("Patients received 0.8 mg/m2 on day 8 of cycle 2 and were randomized 1:1 in 2012.", []),
        (
            "Grade 3 hepatotoxicity occurred in 14% of patients.",
            [("adverse_events", "proportion", 14.0)],
        ),
        ("The two-sided P value was reported in Table 3 and Figure 2.", []),
        (
            "On day 8 of cycle 2, 12 patients had grade 3 neutropenia.",
            [("adverse_events", "count", 12.0)],
        ),
        ("Grade 3-4 CRS was seen in 5 patients (10%) in phase II.", [("CRS", "proportion", 10.0)]),
    ],
)
def test_assemble_identifiers_are_never_values(
    text: str, expected: list[tuple[str, str, float]]
) -> None:
    assert _summary(text) == expected


def test_assemble_grade_is_a_label() -> None:
    (r,) = _records("Grade 3 hepatotoxicity occurred in 14% of patients.")
    assert r.label is not None and "grade 3" in r.label


# ----------------------------------------------------------------------------- 4. relapsed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Among patients with relapsed/refractory ALL, the CR rate was 73%.",
            [("CR", "proportion", 73.0)],
        ),
        (
            "In relapsed or refractory B-cell ALL, 45% of patients achieved CR.",
            [("CR", "proportion", 45.0)],
        ),
        ("In R/R ALL, the ORR was 58%.", [("ORR", "proportion", 58.0)]),
        (
            "In refractory-relapsed disease, 12 patients (40%) achieved CR.",
            [("CR", "proportion", 40.0)],
        ),
        ("Patients with relapsed ALL had a CR rate of 35%.", [("CR", "proportion", 35.0)]),
        ("Overall, 42% of relapsed patients achieved a CR.", [("CR", "proportion", 42.0)]),
        ("Twelve patients relapsed.", [("relapse", "count", 12.0)]),
        ("Overall, 12 (40%) relapsed.", [("relapse", "proportion", 40.0)]),
        ("The disease relapsed in 12 patients.", [("relapse", "count", 12.0)]),
        ("The cumulative incidence of relapse was 30% at 2 years.", [("relapse", "rate", 30.0)]),
    ],
)
def test_assemble_relapsed_refractory_is_a_population(
    text: str, expected: list[tuple[str, str, float]]
) -> None:
    assert _summary(text) == expected


# ----------------------------------------------------------------------------- 5. sample sizes


@pytest.mark.parametrize(
    ("text", "sizes"),
    [
        (
            "We randomized 326 adults to inotuzumab ozogamicin (n = 164) or standard therapy "
            "(n = 162).",
            [326.0, 164.0, 162.0],
        ),
        ("Ninety patients were treated with the combination.", [90.0]),
        ("The first 49 patients received the drug weekly.", [49.0]),
        ("In the next 41 patients, the schedule was modified.", [41.0]),
        ("16 patients in study B received blinatumomab.", [16.0]),
        ("We enrolled 120 patients.", [120.0]),
        ("A total of 86 patients were included.", [86.0]),
        ("Of 405 randomized patients, 218 were evaluable.", [405.0, 218.0]),
        ("Twelve patients had a TP53 mutation.", []),
        ("In 4 Philadelphia chromosome-positive patients with ALL, ponatinib was stopped.", []),
        ("Among the remaining 16 patients, 8 did not undergo HSCT.", []),
    ],
)
def test_assemble_sample_sizes_from_the_design(text: str, sizes: list[float]) -> None:
    records = _records(text)
    assert [r.value for r in records if r.endpoint == "sample_size"] == sizes
    assert all(r.n is None and r.N is None for r in records if r.endpoint == "sample_size")


def test_assemble_outcome_count_is_not_a_sample_size() -> None:
    assert _summary("Of 109 patients, 80 (73%) achieved CR.") == [
        ("sample_size", "count", 109.0),
        ("CR", "proportion", 73.0),
    ]


# ----------------------------------------------------------------------------- 6. composites


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The CR/CRi rate was 80.7%.", ("CR", 80.7)),
        ("CR or CRi was achieved by 88 patients (80.7%).", ("CR", 80.7)),
        ("The CR + CRi rate was 62%.", ("CR", 62.0)),
        ("The CR/CRh rate was 43%.", ("CR_CRh", 43.0)),
        ("The CR/CRh/CRi rate was 51%.", ("CR_CRh", 51.0)),
        (
            "The complete remission (CR)/complete remission with incomplete hematologic recovery "
            "(CRi) rate was 80.7%.",
            ("CR", 80.7),
        ),
        ("Overall, 27 (30%) had a CR with no platelet recovery (CRp).", ("CRp", 30.0)),
        ("Eight (9%) had a marrow CR without count recovery (CRi).", ("CRi", 9.0)),
        ("Forty (44%) achieved CR with full count recovery.", ("CR", 44.0)),
    ],
)
def test_assemble_composite_response_names(text: str, expected: tuple[str, float]) -> None:
    assert [(r.endpoint, r.value) for r in _records(text)] == [expected]


# ----------------------------------------------------------------------------- 7. labels


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Responses were high (CR/CRi = 73%; MRD = 81%).",
            [("CR", "proportion", 73.0), ("MRD_response", "proportion", 81.0)],
        ),
        ("MRD negativity: 81%.", [("MRD_response", "proportion", 81.0)]),
        ("CR rate, 45%.", [("CR", "proportion", 45.0)]),
        ("ORR: 58%.", [("ORR", "proportion", 58.0)]),
        ("Twenty (80%) were MRD-negative.", [("MRD_response", "proportion", 80.0)]),
        ("Of the patients with MRD+ disease, 20 (40%) were treated.", []),
        ("MRD at the time of treatment was 0.1% in 12 patients.", []),
        (
            "Patients with MRD-positive ALL (n = 20) were enrolled.",
            [("sample_size", "count", 20.0)],
        ),
    ],
)
def test_assemble_endpoint_labels_with_colon_or_equals(
    text: str, expected: list[tuple[str, str, float]]
) -> None:
    assert _summary(text) == expected


# ----------------------------------------------------------------------------- 8. durations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The median remission duration was 7 months.", ("DOR", 7.0)),
        ("The median duration of response was 4.6 months.", ("DOR", 4.6)),
        ("The responses lasted a median of 9 months.", ("DOR", 9.0)),
        ("The median time to relapse was 5.2 months.", ("time_to_event", 5.2)),
        ("The median follow-up of 24 months was reached.", ("follow_up", 24.0)),
        ("The median event-free survival was 3.1 months.", ("EFS", 3.1)),
        ("Median EFS was 3.1 months.", ("EFS", 3.1)),
    ],
)
def test_assemble_durations(text: str, expected: tuple[str, float]) -> None:
    (r,) = _records(text)
    assert (r.endpoint, r.value) == expected
    assert (r.statistic, r.unit) == ("median", "months")


# ----------------------------------------------------------------------------- 9. rates


@pytest.mark.parametrize(
    ("text", "expected", "timepoint"),
    [
        (
            "The 2\u2010year OS rates were 22.8% and 10.0%, respectively.",
            [("OS", 22.8), ("OS", 10.0)],
            (2.0, "years"),
        ),
        ("OS at 1 year was 36%.", [("OS", 36.0)], (1.0, "years")),
        ("The 1-year OS was 36%.", [("OS", 36.0)], (1.0, "years")),
        ("The OS was 36% at 1 year.", [("OS", 36.0)], (1.0, "years")),
        ("The 3-year EFS rate was 40%.", [("EFS", 40.0)], (3.0, "years")),
        ("The 12\u2013month EFS was 40%.", [("EFS", 40.0)], (12.0, "months")),
        (
            "OS at 1 and 2 years was 36% and 20%, respectively.",
            [("OS", 36.0), ("OS", 20.0)],
            None,
        ),
        (
            "The probability of being event-free at 12 months was higher (20.1% vs 4.8%).",
            [("EFS", 20.1), ("EFS", 4.8)],
            (12.0, "months"),
        ),
    ],
)
def test_assemble_rates_with_timepoints(
    text: str, expected: list[tuple[str, float]], timepoint: tuple[float, str] | None
) -> None:
    records = _records(text)
    assert [(r.endpoint, r.value) for r in records] == expected
    points = [timepoint] * len(records) if timepoint else [(1.0, "years"), (2.0, "years")]
    for r, point in zip(records, points, strict=True):
        assert r.statistic == "rate" and r.timepoint is not None
        assert (r.timepoint.value, r.timepoint.unit) == point


# ----------------------------------------------------------------------------- 10. vs and p


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The median OS: 8.7 vs 8.4 months (P = .12).",
            [("OS", "median", 8.7, 0.12), ("OS", "median", 8.4, 0.12)],
        ),
        (
            "The CR rate was 80.7% in the inotuzumab arm, and the MRD negativity was 78.4% vs "
            "28.1% (P < .001).",
            [
                ("CR", "proportion", 80.7, None),
                ("MRD_response", "proportion", 78.4, 0.001),
                ("MRD_response", "proportion", 28.1, 0.001),
            ],
        ),
        (
            "Median OS was 7.7 months versus 6.7 months (hazard ratio, 0.77; P = .02).",
            [
                ("OS", "median", 7.7, None),
                ("OS", "median", 6.7, None),
                ("OS", "hazard_ratio", 0.77, 0.02),
            ],
        ),
        (
            "The CR rate was 90% with drug A, while it was 50% with drug B (P = .02).",
            [("CR", "proportion", 90.0, 0.02), ("CR", "proportion", 50.0, 0.02)],
        ),
        (
            "The CR rate was 45% vs 30%; the P value was .04.",
            [("CR", "proportion", 45.0, 0.04), ("CR", "proportion", 30.0, 0.04)],
        ),
        (
            "Extramedullary failure occurred in 53% vs 24%; P = .005.",
            [
                ("extramedullary_failure", "proportion", 53.0, 0.005),
                ("extramedullary_failure", "proportion", 24.0, 0.005),
            ],
        ),
    ],
)
def test_assemble_p_value_goes_to_the_comparison_it_closes(
    text: str, expected: list[tuple[str, str, float, float | None]]
) -> None:
    assert [(r.endpoint, r.statistic, r.value, r.p_value) for r in _records(text)] == expected


# ----------------------------------------------------------------------------- more of the field


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The estimated 2-year OS was 36% \u00b1 5%.", [("OS", "rate", 36.0)]),
        (
            "Patients aged 18 years or older had a median OS of 7.7 months.",
            [("OS", "median", 7.7)],
        ),
        ("Among patients aged \u2265 55 years, the CR rate was 70%.", [("CR", "proportion", 70.0)]),
        (
            "The hazard ratio for death was 0.71 (95% CI: 0.55, 0.93).",
            [("OS", "hazard_ratio", 0.71)],
        ),
        (
            "Overall survival favoured X (hazard ratio for death, 0.71; 95% CI, 0.55 to 0.93).",
            [("OS", "hazard_ratio", 0.71)],
        ),
        (
            "Responses occurred in 36 of 82 patients (43.9%), including 28 CRs (34.1%).",
            [("ORR", "proportion", 43.9), ("CR", "proportion", 34.1)],
        ),
        ("Treatment-related deaths occurred in 3 patients (3%).", [("NRM", "proportion", 3.0)]),
        (
            "The CR rate with salvage 1 was 65% and with salvage 2 was 40%.",
            [("CR", "proportion", 65.0), ("CR", "proportion", 40.0)],
        ),
        (
            "In phase 1/2 study 1010, 49 patients were treated and the CR/CRi rate was 68%.",
            [("sample_size", "count", 49.0), ("CR", "proportion", 68.0)],
        ),
        (
            "Sixty patients were enrolled, and 20 were treated with allogeneic HSCT.",
            [("sample_size", "count", 60.0), ("transplant", "count", 20.0)],
        ),
        (
            "Median OS was 8.1 mo (95% CI, 6.2\u20139.9) and 6.6 mo, respectively.",
            [("OS", "median", 8.1), ("OS", "median", 6.6)],
        ),
        ("The median OS was 0\u00b775 years in the Lancet style.", [("OS", "median", 0.75)]),
        (
            "We randomly assigned patients to receive X (271 patients) or Y (134 patients).",
            [("sample_size", "count", 271.0), ("sample_size", "count", 134.0)],
        ),
        (
            "Minimal residual disease (MRD) negativity: 72% of responders.",
            [("MRD_response", "proportion", 72.0)],
        ),
        ("At 6 months, five relapses (10%) had occurred.", [("relapse", "rate", 10.0)]),
        (
            "Median survival was 6.2 months (95% CI 4.7-8.0) in 90 evaluable patients.",
            [("OS", "median", 6.2), ("sample_size", "count", 90.0)],
        ),
        (
            "The most common grade 3-4 adverse events were thrombocytopenia (62%) and "
            "neutropenia (51%).",
            [("adverse_events", "proportion", 62.0), ("adverse_events", "proportion", 51.0)],
        ),
    ],
)
def test_assemble_more_field_phrasing(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _summary(text) == expected


def test_assemble_ci_comma_bounds() -> None:
    (r,) = _records("The hazard ratio for OS was 0.71 (95% CI: 0.55, 0.93).")
    assert (r.ci_low, r.ci_high, r.ci_level) == (0.55, 0.93, 95.0)


@pytest.mark.parametrize(
    "text",
    [
        "In this phase 2 trial, the CR rate was 68%.",
        "In the phase 3 INO-VATE trial, the CR/CRi rate was 80.7%.",
        "In study 1022, the median OS was 7.7 months.",
    ],
)
def test_assemble_abstract_reports_its_own_study(text: str) -> None:
    records, _ = extract_records(make_doc(text, [("abstract", "en", 0)]))
    assert records and all(r.origin == "this_study" for r in records)


def test_assemble_abstract_cites_only_when_it_says_so() -> None:
    text = "As previously reported, the CR rate with chemotherapy was 30%."
    records, _ = extract_records(make_doc(text, [("abstract", "en", 0)]))
    assert [r.origin for r in records] == ["cited"]


# ------------------------------------------------- 12. abstracts of the field (second round)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # word numbers past a hundred
        ("One hundred forty-nine patients were enrolled.", [("sample_size", "count", 149.0)]),
        ("Two hundred and five patients were enrolled.", [("sample_size", "count", 205.0)]),
        # a cohort verb after a modifier, and the safety population
        (
            "Twenty-six consecutive patients with a median age of 46 years (range, 19-70) were "
            "treated.",
            [("sample_size", "count", 26.0)],
        ),
        ("Overall, 376 patients received at least one dose.", [("sample_size", "count", 376.0)]),
        # event nouns counted on their own
        (
            "There were 12 relapses and 3 early deaths.",
            [("relapse", "count", 12.0), ("mortality", "count", 3.0)],
        ),
        ("Five deaths occurred during the study.", [("mortality", "count", 5.0)]),
        # synonyms of MRD response
        ("The MRD conversion rate was 69%.", [("MRD_response", "proportion", 69.0)]),
        (
            "MRD clearance was achieved in 23 of 30 patients (77%).",
            [("MRD_response", "proportion", 77.0)],
        ),
        # a relative risk reduction is not a rate; the hazard ratio of death is OS
        (
            "Blinatumomab reduced the risk of death by 29% (HR, 0.71; 95% CI, 0.55-0.93).",
            [("OS", "hazard_ratio", 0.71)],
        ),
        ("This is a 29% reduction in the risk of relapse.", []),
        # a term naming the groups is not the endpoint of the values before it
        (
            "The 3-year survival rate was 93% and 65% in the chemotherapy and HSCT groups.",
            [("OS", "rate", 93.0), ("OS", "rate", 65.0)],
        ),
    ],
)
def test_assemble_second_round_phrasing(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _summary(text) == expected


def test_assemble_capital_n_is_a_cohort_size() -> None:
    records = _records("The median follow-up in all patients (N = 78) was 41.6 months.")
    assert [(r.endpoint, r.value) for r in records] == [("follow_up", 41.6), ("sample_size", 78.0)]


def test_assemble_declared_ci_reads_the_bracket_after_each_value() -> None:
    records = _records(
        "The CR/CRi rate (95% CI) was 67% (35-90) for pts < 26 y and 72% (56-85) for pts "
        "≥26 y; the median (95% CI) OS was 28.6 mo (0.6-not estimable [NE])."
    )
    assert [(r.value, r.ci_low, r.ci_high, r.ci_level) for r in records] == [
        (67.0, 35.0, 90.0, 95.0),
        (72.0, 56.0, 85.0, 95.0),
        (28.6, 0.6, None, 95.0),
    ]
    # without the declaration a bracketed range is not a CI
    (plain,) = _records("The median OS was 28.6 months (0.6-40.1).")
    assert plain.ci_low is None


def test_assemble_subgroup_size_is_not_a_numerator() -> None:
    records = _records("The CR rate was 67% for pts < 26 y (n = 12) and 45% (n = 29) overall.")
    assert [(r.endpoint, r.value, r.n) for r in records] == [
        ("CR", 67.0, None),
        ("sample_size", 12.0, None),
        ("CR", 45.0, 29),
    ]


def test_assemble_lowercase_letter_and_period_ends_a_sentence() -> None:
    """ "26 y. For" ends a sentence (an initial is a capital: "J. Smith" does not)."""
    records = _records(
        "Grade 3 or higher adverse events occurred in 88% of pts ≥26 y. For pts with 1 prior "
        "therapy, the CR rate was 90%."
    )
    assert [(r.endpoint, r.value) for r in records] == [("adverse_events", 88.0), ("CR", 90.0)]


# ----------------------------------------------------------------------------- known gaps


@pytest.mark.xfail(strict=True, reason="'X died of infection' after a death in remission: no NRM")
def test_assemble_gap_cause_of_death_after_coordination() -> None:
    records = _records("Eleven patients (12%) died in remission and 4 (4%) died of infection.")
    assert [r.text for r in records][1] == "4 (4%) died of infection"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a term whose bracket opens on the value labels it, before an earlier endpoint
        (
            "No difference was observed in EFS (89% vs. 86%) or in OS (98% vs. 97%).",
            [("EFS", 89.0), ("EFS", 86.0), ("OS", 98.0), ("OS", 97.0)],
        ),
        # the second value of "x vs y" reports the endpoint of the first
        (
            "The EFS rate was 89% vs. 86% (P = .64) and the overall survival rate was 98% vs. 95%.",
            [("EFS", 89.0), ("EFS", 86.0), ("OS", 98.0), ("OS", 95.0)],
        ),
    ],
)
def test_assemble_comparison_values_take_their_own_endpoint(
    text: str, expected: list[tuple[str, float]]
) -> None:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    assert [(r.endpoint, r.value) for r in records] == expected


def test_assemble_sex_breakdown_and_reference_ratio_are_no_records() -> None:
    text = (
        "A total of 51 patients (43 men and 8 women) underwent transplantation. "
        "Age-adjusted HR 1 (95% CI) was the reference."
    )
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    assert [(r.endpoint, r.value) for r in records] == [("sample_size", 51.0)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a second "respectively" of the same sentence takes the terms of the first, in order
        (
            "Median PFS and OS were 3.1 and 6.4 months, respectively, in the first arm, and "
            "4.2 and 8.0 months, respectively, in the second arm.",
            [("PFS", 3.1), ("OS", 6.4), ("PFS", 4.2), ("OS", 8.0)],
        ),
        # a value whose own verb names an outcome outside the vocabulary gets no other term
        (
            "Of the 40 patients, 6 (15.0%) achieved CR, 28 (70.0%) achieved PR, 2 (5.0%) "
            "exhibited SD, and 4 (10.0%) exhibited PD.",
            [("sample_size", 40.0), ("CR", 15.0), ("PR", 70.0)],
        ),
        # ... and the term of its own predicate wins over a linked term before it
        (
            "Twenty patients (40%) achieved a complete remission and 5 (10%) had stable disease.",
            [("CR", 40.0), ("other", 10.0)],
        ),
        # an "n = x" after an event list's "n = y" is an event the terms do not name
        (
            "CNS complications included leukoencephalopathy (n = 10), stroke (n = 5), "
            "temporal lobe epilepsy (n = 2), and other events (n = 7).",
            [("neurotoxicity", 10.0), ("adverse_events", 5.0)],
        ),
        # a time of treatment is no survival median; a follow-up schedule no follow-up
        (
            "With the marker levels after 3 weeks and 8 weeks of treatment, no association "
            "between marker changes and OS was seen.",
            [],
        ),
        ("Patients had follow-up visits at 3, 6 and 12 months after surgery.", []),
    ],
)
def test_assemble_structure_of_result_lists(text: str, expected: list[tuple[str, float]]) -> None:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    assert [(r.endpoint, r.value) for r in records] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an event verb before "in N patients with X" makes the count the event's, not a cohort
        (
            "Grade 3 neutropenia occurred in 12 patients with lymphoma.",
            [("adverse_events", 12.0)],
        ),
        # a count a study is made of, defined by a condition after it, is a cohort size
        (
            "The antiviral was studied in 8 patients with dengue fever.",
            [("sample_size", 8.0)],
        ),
        (
            "In a series of 16 patients with lymphoma after transplant, all were alive.",
            [("sample_size", 16.0)],
        ),
        (
            "5 patients with acute renal failure induced by the reintroduction of rifampicin "
            "are described.",
            [("sample_size", 5.0)],
        ),
    ],
)
def test_assemble_count_with_condition(text: str, expected: list[tuple[str, float]]) -> None:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    assert [(r.endpoint, r.value) for r in records] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a finding before treatment describes the cohort; one during treatment is an event
        (
            "At the screening visit, signs of liver disease were found in 21 patients (35%). "
            "During treatment, adverse hepatic effects were observed in 9 patients (15%).",
            [("adverse_events", 15.0)],
        ),
        # "treated with X for 2 years": a time of treatment, not an EFS median
        (
            "Children were treated with cytarabine for 3 years and reached a 5-year EFS rate "
            "of 76%.",
            [("EFS", 76.0)],
        ),
        # a survival outside the codes is other with its phrase, not a nearby code
        (
            "5-year distant metastasis-free survival rates were 78.8% and 77.7%.",
            [("other", 78.8), ("other", 77.7)],
        ),
    ],
)
def test_assemble_baseline_treatment_time_and_own_survivals(
    text: str, expected: list[tuple[str, float]]
) -> None:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    assert [(r.endpoint, r.value) for r in records] == expected


def test_assemble_chinese_sex_breakdown_is_no_record() -> None:
    text = "M5组中，男性患儿9例，女性患儿15例。"
    records, _ = extract_records(make_doc(text, [("results", "zh", 0)]))
    assert records == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "OS rate (100% vs. 85.7%)": the term before the bracket, not the earlier bracket's
        (
            "The 2-year EFS rate (96.4% vs. 82.9%; P = .05) and OS rate (100% vs. 85.7%; "
            "P = .02) improved.",
            [("EFS", 96.4), ("EFS", 82.9), ("OS", 100.0), ("OS", 85.7)],
        ),
        # a time window is no median duration
        (
            "Some men develop resistant disease within 6 months of starting therapy, and the "
            "duration of response is variable.",
            [],
        ),
    ],
)
def test_assemble_bracket_term_and_time_window(
    text: str, expected: list[tuple[str, float]]
) -> None:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    assert [(r.endpoint, r.value) for r in records] == expected
