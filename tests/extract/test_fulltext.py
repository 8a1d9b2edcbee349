"""Long forms: full texts (inline tables, sections, origin) and narrative web summaries.

Invented sentences that show each phrasing class; no text of ../shared is copied here.
"""

from __future__ import annotations

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.records import Record


def _records(text: str, kinds: list[tuple[str, str, int]] | None = None) -> list[Record]:
    records, _ = extract_records(make_doc(text, kinds or [("results", "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return records


def _summary(records: list[Record]) -> list[tuple[str, str, float]]:
    return [(r.endpoint, r.statistic, r.value) for r in records]


def test_an_abbreviation_inside_a_longer_word_is_no_endpoint() -> None:
    # "CR" inside a regimen name ("FCR", "PCR-B"), "CRP", "OS" inside "PCOS"
    text = (
        "Grade 3 toxicity was seen with FCR-B (33% vs. 3%). "
        "CRP was raised in 40% of patients. PCOS was present in 12%."
    )
    assert not [r for r in _records(text) if r.endpoint in ("CR", "OS")]


def test_a_plural_abbreviation_keeps_its_term() -> None:
    records = _records("Overall, 12 CRs (40%) were seen.")
    assert ("CR", "proportion", 40.0) in _summary(records)


def _labelled(parts: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str, int]]]:
    """A PMC-style text of ``(label, body)`` parts; every section given kind ``abstract``, as
    a sectioner that does not know label paths would."""
    text, kinds = "", []
    for label, body in parts:
        kinds.append(("abstract", "en", len(text)))
        text += f"{label}\n{body}\n\n"
    return text, kinds


def _records_titled(parts: list[tuple[str, str]]) -> list[Record]:
    from trialex.records import Section

    text, kinds = _labelled(parts)
    doc = make_doc(text, kinds)
    doc._.sections = [
        Section(kind="abstract", title=label, language="en", start=s.start, end=s.end)
        for (label, _), s in zip(parts, doc._.sections, strict=True)
    ]
    records, _ = extract_records(doc)
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return records


def test_label_paths_give_the_section_kind_and_origin() -> None:
    records = _records_titled(
        [
            ("ABSTRACT:", "The complete remission rate was 54% with the new regimen."),
            ("BODY.INTRODUCTION:", "Only 40% of patients achieve a complete remission.[3]"),
            ("BODY.RESULTS.TREATMENT RESPONSE:", "The complete remission rate was 54%."),
            ("BODY.DISCUSSION:", "Earlier trials reported a complete remission rate of 30%.[7]"),
        ]
    )
    got = [(r.value, r.section, r.origin) for r in records if r.endpoint == "CR"]
    assert got == [
        (54.0, "abstract", "this_study"),
        (40.0, "introduction", "cited"),
        (54.0, "results", "this_study"),
        (30.0, "discussion", "cited"),
    ]


def test_methods_give_no_design_figures_and_baseline_only_cohort_sizes() -> None:
    records = _records_titled(
        [
            (
                "BODY.RESULTS.BASELINE CHARACTERISTICS:",
                "Forty patients were treated with the new drug. Grade 3 anaemia was present "
                "in 20% at study entry.",
            ),
            (
                "BODY.MATERIALS AND METHODS.STATISTICAL METHODS:",
                "A complete remission rate of 30% was assumed, and 31 patients per arm give "
                "80% power. Overall survival was estimated by the Kaplan-Meier method.",
            ),
        ]
    )
    assert [(r.endpoint, r.value) for r in records] == [("sample_size", 40.0)]


def test_a_trial_protocol_yields_no_records() -> None:
    records = _records_titled(
        [
            ("ABSTRACT.BACKGROUND:", "Relapse occurs in 40% of patients after surgery."),
            ("ABSTRACT.METHODS/DESIGN:", "A total of 300 patients will be randomised."),
            ("BODY.METHODS/DESIGN.SAMPLE SIZE:", "The 2-year overall survival is 60%."),
            ("BODY.TRIAL STATUS:", "Recruitment began in 2012."),
        ]
    )
    assert records == []


_INLINE = (
    "Toxicities are listed in Table 2.   Table 2 Grade 3+ adverse events Drug A ( N = 32) "
    "Drug B ( N = 33) p -value Neutropenia 7 (21.9%) 9 (27.3%) 0.76 Thrombocytopenia 1 1 (3.1%) "
    "5 (15.1%) 0.20 Fatigue 0 1 (3.0%) 1.00   Responses were assessed after six cycles of therapy."
)


def test_a_flattened_table_is_read_as_cells() -> None:
    records = _records(_INLINE)
    sizes = [(r.value, r.group) for r in records if r.endpoint == "sample_size"]
    assert sizes == [(32.0, "Drug A"), (33.0, "Drug B")]
    cells = [
        (r.label, r.value, r.n, r.N, r.p_value, r.section)
        for r in records
        if r.endpoint == "adverse_events"
    ]
    assert cells == [
        ("Neutropenia", 21.9, 7, 32, 0.76, "table"),
        ("Neutropenia", 27.3, 9, 33, 0.76, "table"),
        ("Thrombocytopenia", 3.1, 1, 32, 0.2, "table"),
        ("Thrombocytopenia", 15.1, 5, 33, 0.2, "table"),
        ("Fatigue", 3.0, 1, 33, 1.0, "table"),
    ]


def test_a_flattened_baseline_table_gives_only_its_arm_sizes() -> None:
    text = (
        "Patients are described in Table 1.   Table 1 Baseline characteristics Drug A (N=33) "
        "Drug B (N=32) p -value Male 20 (60.6%) 23 (71.9%) 0.43 Complete remission at entry "
        "3 (9.1%) 2 (6.3%) 1.00\n"
    )
    assert [(r.endpoint, r.value) for r in _records(text)] == [
        ("sample_size", 33.0),
        ("sample_size", 32.0),
    ]


def test_a_narrative_review_reports_cited_numbers() -> None:
    text = (
        "#### Lenalidomide\n\nEvidence (lenalidomide):\n\n1. A randomized trial of 351 patients "
        "compared two regimens.[[12](#cit/section_4.12)]\n- The median overall survival was "
        "29.6 months.[[Level of evidence A1](/Common/PopUps/x.aspx)]\n"
    )
    records = _records(text, [("other", "en", 0)])
    assert records and {r.origin for r in records} == {"cited"}


def test_design_figures_give_no_record_wherever_they_stand() -> None:
    text = (
        "With 31 patients per arm the study had 80% power to detect a difference in complete "
        "remission rate from 30% to 60%. Patients were randomized in a 2:1 ratio. Mortality "
        "exceeded the bound in 25% of simulation runs. The complete remission rate was 54%."
    )
    assert _summary(_records(text)) == [("CR", "proportion", 54.0)]


def test_a_bracketed_reference_makes_a_discussion_number_cited() -> None:
    text = "Chemoimmunotherapy gave a complete remission rate of 44%.[12] Ours was 54%."
    records = _records(text, [("discussion", "en", 0)])
    assert next((r.value, r.origin) for r in records if r.endpoint == "CR") == (44.0, "cited")


def test_excluded_patients_and_counts_of_things_are_no_cohort_sizes() -> None:
    text = (
        "Eighty patients were enrolled, of whom 6 were ineligible. We excluded 30 men because "
        "of missing blood samples (n = 24) or unknown staging (n = 6). The analysis covered "
        "an analytic sample of N = 31 clinics. Calibration used bootstrap sampling (n = 1000)."
    )
    assert [r.value for r in _records(text) if r.endpoint == "sample_size"] == [80.0]


def test_a_survey_response_rate_is_no_tumour_response() -> None:
    records = _records("The overall survey response rate was 63.8% (981/1538).")
    assert not [r for r in records if r.endpoint in ("ORR", "CR", "PR")]


def test_an_animal_study_yields_no_records() -> None:
    text = (
        "Male rats (N = 90) were randomly assigned to nine diets. Tumours developed in 40% of "
        "rats fed the control diet. Rats given soybean meal had fewer tumours than control "
        "rats, and rats on the combined diet did best; in vitro assays in rats confirmed it."
    )
    assert _records(text) == []


def test_relative_changes_and_item_counts_give_no_record() -> None:
    text = (
        "Screening gave a 20% relative decrease in mortality. Grade 3 events were pharyngitis "
        "and bronchitis (each n = 2). A total of 22 cases of tumour specimens were enrolled. "
        "The overall survival rate at 2 years was 64%."
    )
    assert _summary(_records(text)) == [("OS", "rate", 64.0)]


def test_a_pdq_summary_is_cited_through_the_whole_pipeline() -> None:
    # the normalised view drops the citation links; the origin is read in the source
    from trialex.ingest import load_stdin
    from trialex.pipeline import process

    text = (
        "## Treatment of Relapsed Myeloma\n\nSeveral agents are used for relapsed disease, "
        "alone or in combination, and the choice depends on prior therapy.[[3](#cit/section_4.3)]"
        "\n\n#### Lenalidomide\n\nEvidence (lenalidomide):\n\n1. A randomized trial included 351 "
        "patients.[[12](#cit/section_4.12)]\n\n- The median overall survival was 29.6 months."
        "[[12](#cit/section_4.12)][[Level of evidence A1](/Common/PopUps/popDefinition.aspx)]\n"
    )
    result = process(load_stdin(text.encode(), name="pdq.md"))
    assert result.records and {r.origin for r in result.records} == {"cited"}


def test_a_protocol_with_a_discussion_of_its_design_yields_no_records() -> None:
    records = _records_titled(
        [
            ("ABSTRACT.METHODS AND DESIGN:", "Follow-up visits are planned up to 24 months."),
            ("BODY.METHODS AND DESIGN.SAMPLE SIZE:", "Recurrence is expected in 30%."),
            ("BODY.DISCUSSION:", "Earlier trials found a 5-year survival rate of 60%."),
        ]
    )
    assert records == []


def test_discussion_numbers_of_other_studies_or_series_are_cited() -> None:
    text = (
        "A pooled analysis of nine randomized studies involving 1,240 patients found fewer "
        "cardiac events. In a large series of 310 patients, the event rate was 18%."
    )
    records = _records(text, [("discussion", "en", 0)])
    assert records and {r.origin for r in records} == {"cited"}


def test_planned_cohort_sizes_are_no_sample_sizes() -> None:
    text = (
        "Assuming 10% loss to follow-up, a total of 180 patients are to be enrolled. "
        "Forty participants will be recruited at each centre. "
        "The planned sample size of 96 was reached. In all, 92 patients were randomised."
    )
    got = [r.value for r in _records(text) if r.endpoint == "sample_size"]
    assert got == [92.0]


def test_the_hazard_ratio_of_a_following_sentence_keeps_the_endpoint_named_before() -> None:
    text = (
        "Median overall survival was 14.1 months with early and 12.9 months with late treatment "
        "(hazard ratio, 0.92; 95% CI 0.70-1.21). Adjustment for stage and age did not change "
        "the hazard ratio (hazard ratio, 0.95; 95% CI 0.71-1.27)."
    )
    got = [(r.endpoint, r.value) for r in _records(text) if r.statistic == "hazard_ratio"]
    assert got == [("OS", 0.92), ("OS", 0.95)]
