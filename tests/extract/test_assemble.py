"""Assembly: values linked to endpoints, statistics, n/N, CIs, p values, origin and sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.extract.units import clauses, sentences
from trialex.records import Record

RAW = Path(__file__).resolve().parents[2] / "raw"


def _summary(records: list[Record]) -> list[tuple[str, str, float]]:
    return [(r.endpoint, r.statistic, r.value) for r in records]


def _one(text: str, kind: str = "results") -> list[Record]:
    records, _ = extract_records(make_doc(text, [(kind, "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return records


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The overall response rate was 64%.", [("ORR", "proportion", 64.0)]),
        (
            "The rates of CR and MRD negativity were 67.6% and 81%, respectively.",
            [("CR", "proportion", 67.6), ("MRD_response", "proportion", 81.0)],
        ),
        (
            "Acute GVHD and nonrelapse mortality were observed in 58.3% and 41.7%, respectively.",
            [("aGVHD", "proportion", 58.3), ("NRM", "proportion", 41.7)],
        ),
        (
            "The median overall survival was 8.5 months.",
            [("OS", "median", 8.5)],
        ),
        (
            "Eight patients had fatal adverse events.",
            [("adverse_events", "count", 8.0)],
        ),
        (
            "Grade 3 cytokine release syndrome occurred in 2 patients.",
            [("CRS", "count", 2.0)],
        ),
        (
            "Data were collected from 34 patients.",
            [("sample_size", "count", 34.0)],
        ),
        (
            "CR with full recovery in 19 patients (55.9%), CRp in 2 patients (5.9%) and CRi in "
            "2 patients (5.9%).",
            [("CR", "proportion", 55.9), ("CRp", "proportion", 5.9), ("CRi", "proportion", 5.9)],
        ),
    ],
)
def test_assemble_prose_cases(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _summary(_one(text)) == expected


def test_assemble_n_and_denominator() -> None:
    (r,) = _one("Forty-five percent of the patients (29 of 64) achieved a CR/CRh.")
    assert (r.endpoint, r.value, r.n, r.N, r.unit) == ("CR_CRh", 45.0, 29, 64, "%")


def test_assemble_vs_pair_shares_p_value() -> None:
    records = _one(
        "A history of extramedullary involvement (53% vs 24%; P = .005) was associated with "
        "extramedullary failure."
    )
    assert [(r.value, r.p_op, r.p_value) for r in records] == [
        (53.0, "=", 0.005),
        (24.0, "=", 0.005),
    ]
    assert {r.endpoint for r in records} == {"extramedullary_failure"}


def test_assemble_standalone_p_value() -> None:
    (r,) = _one(
        "A lower marrow blast burden (P = .049) was associated with a higher response rate."
    )
    assert (r.statistic, r.value, r.p_value, r.p_op) == ("p_value", 0.049, 0.049, "=")


def test_assemble_rate_with_timepoint_and_ci() -> None:
    (r,) = _one("The overall survival rate was 36% (95% CI, 19.4-50.2) at 1 year.")
    assert r.statistic == "rate"
    assert r.timepoint is not None and (r.timepoint.value, r.timepoint.unit) == (1.0, "years")
    assert (r.ci_low, r.ci_high, r.ci_level) == (19.4, 50.2, 95.0)


def test_assemble_n_equals_after_percentage_is_n() -> None:
    records = _one("Of these, 43% of these patients (n = 38) relapsed at extramedullary sites.")
    assert [(r.endpoint, r.value, r.n) for r in records] == [("extramedullary_failure", 43.0, 38)]


@pytest.mark.parametrize(
    "text",
    [
        "Median age at treatment initiation was 45 years (range 20-75).",
        "CR was defined as 5% or less bone marrow blasts.",
        "Patients received 9 mcg/day for the first 7 days of the first cycle.",
        "Baseline characteristics of the cohort: 13 patients (38.2%) had Ph+ ALL.",
    ],
)
def test_assemble_no_records_from_baseline_doses_definitions(text: str) -> None:
    assert [r for r in _one(text) if r.endpoint != "sample_size"] == []


def test_assemble_cited_origin_in_introduction() -> None:
    intro = "In the phase III TOWER study, the overall response rate was 44% (11).\n"
    results = "In our cohort the overall response rate was 64%.\n"
    doc = make_doc(intro + results, [("introduction", "en", 0), ("results", "en", len(intro))])
    records, _ = extract_records(doc)
    assert [(r.value, r.origin, r.section) for r in records] == [
        (44.0, "cited", "introduction"),
        (64.0, "this_study", "results"),
    ]


def test_assemble_narrative_review_text_that_cites_is_cited() -> None:
    # a PDQ-style summary: the body is `other`, its sources are Markdown citation links, and a
    # bullet without its own marker still reports a cited trial
    review = (
        "1. A randomized trial included 300 patients with relapsed disease.[[2](#cit/s_2.2)]\n"
        "- The overall response rate was 44% with drug F.\n"
    )
    caption = "Figure 2. The overall response rate was 64% in arm A.\n"
    doc = make_doc(review + caption, [("other", "en", 0), ("other", "en", len(review))])
    records, _ = extract_records(doc)
    by_value = {r.value: r.origin for r in records}
    assert by_value[44.0] == "cited"
    assert by_value[64.0] == "this_study"  # a figure caption without citations is the study's


@pytest.mark.parametrize("kind", ["front_matter", "boilerplate", "references"])
def test_assemble_skipped_sections_produce_nothing(kind: str) -> None:
    assert _one("The overall response rate was 64% (29 of 45).", kind) == []


TABLE_WEB = """Table 4. Adverse events.
Event |
First Salvage (n = 165) |
Second or later salvage (n = 367) |
---|---|---|
Patients with any TEAE |
162 (99) |
361 (99) |
Patients with a fatal TEAE |
16 (10) |
76 (21) |
"""

TABLE_ROWS = """Table 2. Outcomes.
Characteristic . | All (N = 25) . | Arm A (n = 12) . | Arm B (n = 13) . |
---|---|---|---|
Best response to blinatumomab | | | |
CR | 13 (52.0%) | 5 (41.7%) | 8 (61.5%) |
Median age at diagnosis (IQR, y) | 43.6 (24.4-60.7) | 42.0 (21.2-65.0) | 43.6 (32.4-47.6) |
"""

TABLE_MEDIAN = """Table 2. OS.
Patient group |
Median OS, months (95% CI) |
HR; p value |
---|---|---|
First salvage |
10.4 (8.3−14.3) |
1.58; p < 0.001 |
Second or later salvage |
5.7 (4.3−7.1) |
|
"""


def test_assemble_table_arm_size_from_header() -> None:
    records, _ = extract_records(make_doc(TABLE_WEB, [("table", "en", 0)]))
    sizes = [(r.value, r.group) for r in records if r.endpoint == "sample_size"]
    assert [v for v, _ in sizes] == [165.0, 367.0]
    aes = [(r.value, r.n, r.N) for r in records if r.endpoint == "adverse_events"]
    assert aes == [(99.0, 162, 165), (99.0, 361, 367), (10.0, 16, 165), (21.0, 76, 367)]
    for r in records:
        assert TABLE_WEB[r.span.start : r.span.end] == r.text


def test_assemble_table_rows_with_group_header() -> None:
    records, _ = extract_records(make_doc(TABLE_ROWS, [("table", "en", 0)]))
    cr = [(r.value, r.n, r.N) for r in records if r.endpoint == "CR"]
    assert cr == [(52.0, 13, 25), (41.7, 5, 12), (61.5, 8, 13)]
    assert not [r for r in records if r.value == 43.6]  # age is baseline


def test_assemble_table_median_ci_and_hazard_ratio() -> None:
    records, _ = extract_records(make_doc(TABLE_MEDIAN, [("table", "en", 0)]))
    got = [
        (r.endpoint, r.statistic, r.value, r.ci_low, r.ci_high, r.p_op, r.p_value) for r in records
    ]
    assert got == [
        ("OS", "median", 10.4, 8.3, 14.3, None, None),
        ("OS", "hazard_ratio", 1.58, None, None, "<", 0.001),
        ("OS", "median", 5.7, 4.3, 7.1, None, None),
    ]
    assert all(r.unit == "months" for r in records if r.statistic == "median")


def test_assemble_baseline_table_is_skipped() -> None:
    text = TABLE_ROWS.replace("Table 2. Outcomes.", "Table 1. Baseline characteristics.")
    records, _ = extract_records(make_doc(text, [("table", "en", 0)]))
    assert records == []


def test_assemble_sentences_do_not_split_after_vs_or_decimals() -> None:
    text = "CR was 34% vs. 16% in TOWER. P = .049 was seen. HR was 0.65 (95% CI). Next.1,2 One."
    got = [text[s:e] for s, e in sentences(text, 0, len(text))]
    assert got == [
        "CR was 34% vs. 16% in TOWER.",
        "P = .049 was seen.",
        "HR was 0.65 (95% CI).",
        "Next.",
        "One.",
    ]


def test_assemble_clauses_ignore_brackets() -> None:
    text = "A (53% vs 24%; P = .005) and B; C was 5%"
    got = [text[s:e] for s, e in clauses(text, 0, len(text))]
    assert got == ["A (53% vs 24%; P = .005) and B", " C was 5%"]


@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")), ids=lambda p: p.stem)
def test_assemble_spans_reproduce_text_on_seeds(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    records, _ = extract_records(make_doc(text))
    assert records
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
        assert r.span.start <= r.span.end


def test_assemble_denominator_from_earlier_in_sentence() -> None:
    records = _one(
        "Of the 25 patients who received blinatumomab, 6 (24%) underwent alloHSCT after "
        "blinatumomab."
    )
    (r,) = [r for r in records if r.endpoint == "transplant"]
    assert (r.value, r.n, r.N) == (24.0, 6, 25)


def test_assemble_of_whom_takes_the_previous_numerator() -> None:
    records = _one(
        "Forty-five percent of the patients (29 of 64) achieved a CR/CRh, 22 of whom had a "
        "minimal residual disease (MRD) response."
    )
    mrd = [(r.value, r.n, r.N) for r in records if r.endpoint == "MRD_response"]
    assert mrd == [(22.0, 22, 29)]


def test_assemble_breakdown_after_colon_inherits_endpoint() -> None:
    records = _one(
        "Nineteen patients (65.5%) achieved CR after mAb2: 17 of 25 patients after inotuzumab, "
        "and 2 of 4 patients after blinatumomab."
    )
    assert [(r.endpoint, r.value, r.n, r.N) for r in records] == [
        ("CR", 65.5, 19, None),
        ("CR", 17.0, 17, 25),
        ("CR", 2.0, 2, 4),
    ]


def test_assemble_causes_of_death_split_into_mortality_and_nrm() -> None:
    records = _one(
        "Causes of death included disease progression (n = 4), infection (n = 1), and "
        "transplant-related toxicity (severe aGVHD, n = 2)."
    )
    assert [(r.endpoint, r.value) for r in records] == [
        ("mortality", 4.0),
        ("NRM", 1.0),
        ("NRM", 2.0),
    ]


def test_assemble_count_with_coordinated_endpoints() -> None:
    records = _one("1 patient developed grade 1 CRS and grade 1 ICANS.")
    assert [(r.endpoint, r.statistic, r.value) for r in records] == [
        ("CRS", "count", 1.0),
        ("neurotoxicity", "count", 1.0),
    ]


def test_assemble_bare_count_leaves_n_empty_but_fraction_fills_it() -> None:
    (bare,) = _one("Eight patients had fatal adverse events.")
    assert (bare.value, bare.n, bare.N) == (8.0, None, None)
    (frac,) = _one(
        "Overall, 7 of 23 patients in CR underwent hematopoietic stem cell transplantation."
    )
    assert (frac.endpoint, frac.value, frac.n, frac.N) == ("transplant", 7.0, 7, 23)


def test_assemble_p_value_after_between_goes_to_the_compared_values() -> None:
    records = _one(
        "The 12-month EFS was 16.0% (95% CI, 6.5-39.2), which was similar between CD19neg "
        "(9.1%; 95% CI, 1.4-58.9) and CD19pos (21.4%; 95% CI, 7.9-58.4) patients (P = .48)."
    )
    assert [(r.value, r.p_value) for r in records] == [(16.0, None), (9.1, 0.48), (21.4, 0.48)]
    assert all(r.endpoint == "EFS" and r.statistic == "rate" for r in records)


def test_assemble_reference_number_is_not_n_in_literature_review() -> None:
    doc = make_doc(
        "In ALCANTARA, the rate of complete MRD responses was 87.5% (12).",
        [("introduction", "en", 0)],
    )
    (r,) = extract_records(doc)[0]
    assert (r.endpoint, r.value, r.n, r.origin) == ("MRD_response", 87.5, None, "cited")


def test_assemble_chinese_results() -> None:
    text = (
        "中位总生存期为 12.3 个月(95%CI:8.1~16.5)。1 年总生存率为 36%。"
        "完全缓解率为 45%(29/64)。3 例患者发生 3 级细胞因子释放综合征。"
    )
    records, _ = extract_records(make_doc(text, [("results", "zh", 0)]))
    got = [(r.endpoint, r.statistic, r.value, r.n, r.N, r.language) for r in records]
    assert got == [
        ("OS", "median", 12.3, None, None, "zh"),
        ("OS", "rate", 36.0, None, None, "zh"),
        ("CR", "proportion", 45.0, 29, 64, "zh"),
        ("CRS", "count", 3.0, None, None, "zh"),
    ]
    median, rate = records[0], records[1]
    assert (median.unit, median.ci_low, median.ci_high, median.ci_level) == (
        "months",
        8.1,
        16.5,
        95.0,
    )
    assert rate.timepoint is not None and (rate.timepoint.value, rate.timepoint.unit) == (
        1.0,
        "years",
    )


@pytest.mark.parametrize(
    ("text", "statistic", "value"),
    [
        (
            "The hazard ratio for overall survival was 0.65 (95% CI, 0.50-0.85).",
            "hazard_ratio",
            0.65,
        ),
        ("The odds ratio for complete remission was 2.1.", "odds_ratio", 2.1),
    ],
)
def test_assemble_ratios(text: str, statistic: str, value: float) -> None:
    (r,) = _one(text)
    assert (r.statistic, r.value, r.unit) == (statistic, value, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The cumulative incidence of relapse at 1 year was 24% and non-relapse mortality "
            "was 11%.",
            [("relapse", "rate", 24.0), ("NRM", "rate", 11.0)],
        ),
        (
            "Median event-free survival was 6.1 months versus 3.4 months (HR, 0.55; 95% CI, "
            "0.40-0.76; P < .001).",
            [("EFS", "median", 6.1), ("EFS", "median", 3.4), ("EFS", "hazard_ratio", 0.55)],
        ),
        (
            "A total of 86 patients were enrolled. The CR/CRi rate was 58% (50 of 86).",
            [("sample_size", "count", 86.0), ("CR", "proportion", 58.0)],
        ),
        (
            "Patients had a median age of 47 years (range, 18-78), and 62% had received two or "
            "more prior lines of therapy.",
            [],
        ),
    ],
)
def test_assemble_field_phrasing(text: str, expected: list[tuple[str, str, float]]) -> None:
    assert _summary(_one(text)) == expected


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        (
            "Nausea and vomiting were the most frequent toxicities, occurring in 62% and 41% of "
            "patients, respectively.",
            [("nausea", 62.0), ("vomiting", 41.0)],
        ),
        (
            "The rates of fatigue and diarrhoea were 30% and 12%, respectively.",
            [("fatigue", 30.0), ("diarrhoea", 12.0)],
        ),
        (
            "Neutropenia, anaemia and thrombocytopenia of grade 3 or 4 occurred in 20%, 12% and "
            "9% of patients, respectively.",
            [
                ("neutropenia, grade 3 or 4", 20.0),
                ("anaemia, grade 3 or 4", 12.0),
                ("thrombocytopenia, grade 3 or 4", 9.0),
            ],
        ),
    ],
)
def test_respectively_distributes_outcomes_of_one_labelled_code(
    text: str, labels: list[tuple[str, float]]
) -> None:
    """Adverse events (one code, named in ``label``) listed before "respectively" are items of
    their own, and a category noun nearer the values ("toxicities") is none of them."""
    records = _one(text)
    assert [((r.label or "").lower(), r.value) for r in records] == labels
    assert {r.endpoint for r in records} == {"adverse_events"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "At a median follow-up of 46 months, 5-year disease-free survival and overall "
            "survival were 78.4% and 88.1%, respectively.",
            [("follow_up", 46.0), ("DFS", 78.4), ("OS", 88.1)],
        ),
        (
            "PFS was 5.1 months, and the 1-year OS and DFS rates were 60% and 70%, respectively.",
            [("PFS", 5.1), ("OS", 60.0), ("DFS", 70.0)],
        ),
    ],
)
def test_respectively_skips_values_before_its_terms(
    text: str, expected: list[tuple[str, float]]
) -> None:
    """A value with a term of its own before the listed terms is not one of the values the
    "respectively" distributes."""
    assert [(r.endpoint, r.value) for r in _one(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Median PFS was 11.2 vs. 8.1 mo.", [("PFS", "median", 11.2), ("PFS", "median", 8.1)]),
        ("The ORR was 45 vs 32%.", [("ORR", "proportion", 45.0), ("ORR", "proportion", 32.0)]),
        (
            "The 2-year OS was 41·3 v 30·1% (HR 0·72).",
            [("OS", "rate", 41.3), ("OS", "rate", 30.1), ("OS", "hazard_ratio", 0.72)],
        ),
        (
            "Nausea and vomiting occurred in 62 and 41% of patients, respectively.",
            [("adverse_events", "proportion", 62.0), ("adverse_events", "proportion", 41.0)],
        ),
    ],
)
def test_compared_values_share_one_unit(text: str, expected: list[tuple[str, str, float]]) -> None:
    """Two compared values printed with one unit or percent sign ("11.2 vs. 8.1 mo", "45 vs
    32%") are both values of that unit."""
    assert _summary(_one(text)) == expected


def test_a_bare_count_and_a_percentage_are_no_pair() -> None:
    records = _one("Grade 3 neutropenia occurred in 8 and 12% of patients.")
    assert 8.0 not in [r.value for r in records if r.statistic == "proportion"]


@pytest.mark.parametrize(
    "text",
    [
        "Seven hundred and twelve patients underwent randomization.",
        "In total, 712 patients underwent randomization.",
        "Seven hundred and twelve patients were randomized.",
    ],
)
def test_randomised_cohort_in_words_or_digits(text: str) -> None:
    """A cohort size in words at any size, with "underwent randomization" as its verb; the
    whole-cohort group is not built from the number's last word ("twelve patients")."""
    records = _one(text, "abstract")
    assert [(r.endpoint, r.value) for r in records] == [("sample_size", 712.0)]
    assert "twelve" not in (records[0].group or "")
