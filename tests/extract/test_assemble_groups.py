"""Arms and subgroups (``group``), time-point lists, ratios' endpoints and ``confidence``.

Every sentence here is written for the test (not taken from an article): each shows one class
of how results prose names the arm or subgroup a value belongs to.
"""

from __future__ import annotations

import pytest

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.extract.arms import ArmContext, define_arms, document_arms
from trialex.extract.assemble import confidence
from trialex.extract.candidate import Candidate
from trialex.extract.numbers import Mention
from trialex.records import Record, Section, Span


def _records(text: str, kinds: list[tuple[str, str, int]] | None = None) -> list[Record]:
    records, _ = extract_records(make_doc(text, kinds or [("results", "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
        assert 0.0 <= r.confidence <= 1.0
    return records


def _groups(text: str) -> list[tuple[str, float, str | None]]:
    return [(r.endpoint, r.value, r.group) for r in _records(text)]


RANDOMISED = "Patients were randomly assigned (1:1) to receive sunitinib or placebo. "


# ----------------------------------------------------------------------------- arm definitions


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("Patients were randomly assigned to receive either EPd or Pd.", ["EPd", "Pd"]),
        ("Subjects were randomized 2:1 to nivolumab or docetaxel.", ["nivolumab", "docetaxel"]),
        (
            "Patients were randomized to receive either FOLFOX in combination with cetuximab "
            "(FOLFOX-C; Arm A) or FOLFOX alone (Arm B) using minimisation.",
            ["FOLFOX-C (Arm A)", "FOLFOX alone (Arm B)"],
        ),
        (
            "Patients were randomized to arm A (gemcitabine) or arm B (gemcitabine plus "
            "erlotinib).",
            ["arm A (gemcitabine)", "arm B (gemcitabine plus erlotinib)"],
        ),
        (
            "Women received either letrozole and ribociclib or letrozole and placebo.",
            ["letrozole and ribociclib", "letrozole and placebo"],
        ),
        (
            "Children were randomized to receive one of three ondansetron doses (4, 8, or 16 "
            "mg) before surgery.",
            ["ondansetron 4 mg", "ondansetron 8 mg", "ondansetron 16 mg"],
        ),
        (
            "A randomized study of 412 patients compared weekly paclitaxel with docetaxel.",
            ["weekly paclitaxel", "docetaxel"],
        ),
        ("Apixaban was given to 96 patients with cancer.", ["Apixaban"]),
    ],
)
def test_assemble_groups_arm_definitions(sentence: str, names: list[str]) -> None:
    ctx = ArmContext()
    define_arms(sentence, 0, len(sentence), ctx)
    assert [a.name for a in ctx.arms] == names


@pytest.mark.parametrize(
    "sentence",
    [
        "The figure shows cytokine kinetics comparing responders to non-responders.",
        "A median of 4 cycles of therapy was administered to the 52 eligible patients.",
        "Patients were assigned a toxicity score.",
    ],
)
def test_assemble_groups_no_arm_definition(sentence: str) -> None:
    ctx = ArmContext()
    define_arms(sentence, 0, len(sentence), ctx)
    assert ctx.arms == []


def test_assemble_groups_methods_after_results_still_define_the_arms() -> None:
    # a full text may state its randomisation in methods, after the results
    text = (
        "On the FOLFOX-C arm, 30 patients responded (75% response rate). "
        "Patients were randomized to receive FOLFOX in combination with cetuximab "
        "(FOLFOX-C; Arm A) or FOLFOX alone (Arm B)."
    )
    sections = [
        Section(kind="results", language="en", start=0, end=64),
        Section(kind="methods", language="en", start=64, end=len(text)),
    ]
    assert [a.name for a in document_arms(text, sections).arms] == [
        "FOLFOX-C (Arm A)",
        "FOLFOX alone (Arm B)",
    ]
    records = _records(text, [("results", "en", 0), ("methods", "en", 64)])
    assert {r.group for r in records if r.value == 75.0} == {"FOLFOX-C (Arm A)"}


def test_assemble_groups_two_trials_define_no_document_arms() -> None:
    # a review of several trials defines its arms paragraph by paragraph
    text = (
        "In one trial, patients were randomly assigned to receive A1 or B1.\n\n"
        "In another, patients were randomly assigned to receive C2 or D2."
    )
    sections = [Section(kind="other", language="en", start=0, end=len(text))]
    assert document_arms(text, sections).arms == []


# ----------------------------------------------------------------------------- values to arms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # an arm named right after each value
            RANDOMISED + "Median PFS was 11.0 months in the sunitinib group and 5.5 months in "
            "the placebo group.",
            [("PFS", 11.0, "sunitinib"), ("PFS", 5.5, "placebo")],
        ),
        (  # "with X" for a defined arm
            RANDOMISED + "Median PFS was 11.0 months with sunitinib and 5.5 months with placebo.",
            [("PFS", 11.0, "sunitinib"), ("PFS", 5.5, "placebo")],
        ),
        (  # "x% vs y%" naming no arm: the arms in the order the trial defines them
            RANDOMISED + "The objective response rate was 31% vs 6%.",
            [("ORR", 31.0, "sunitinib"), ("ORR", 6.0, "placebo")],
        ),
        (  # the other value of a pair is the other arm
            RANDOMISED + "The objective response rate was 31% (95% CI, 24-38) versus 6% "
            "(95% CI, 2-10) in the placebo group.",
            [("ORR", 31.0, "sunitinib"), ("ORR", 6.0, "placebo")],
        ),
        (  # arms coordinated before "respectively"
            "The CR rates in arm A and arm B were 30% and 40%, respectively.",
            [("CR", 30.0, "arm a"), ("CR", 40.0, "arm b")],
        ),
        (  # "groups A and B ..., respectively"
            "Complete remission in groups A and B was seen in 58% and 44% of patients, "
            "respectively.",
            [("CR", 58.0, "group A"), ("CR", 44.0, "group B")],
        ),
        (  # an arm that opens the sentence covers its values
            "In arm B, the ORR was 50% and the CR rate was 20%.",
            [("ORR", 50.0, "arm b"), ("CR", 20.0, "arm b")],
        ),
        (  # strata in brackets or right after the value
            "The ORR was 6.2% (8.1% stratum 1; 3.3% stratum 2).",
            [("ORR", 6.2, "all patients"), ("ORR", 8.1, "stratum 1"), ("ORR", 3.3, "stratum 2")],
        ),
        (  # "patients who received X" and "than"
            "Grade 3 adverse events occurred in 41% of patients who received lenalidomide "
            "and in 22% of patients who received observation.",
            [("adverse_events", 41.0, "lenalidomide"), ("adverse_events", 22.0, "observation")],
        ),
        (  # "58% for CMF and 29% for epirubicin": drug names at the value
            "Response rates were 58% for CMF and 29% for epirubicin.",
            [("ORR", 58.0, "CMF"), ("ORR", 29.0, "epirubicin")],
        ),
    ],
)
def test_assemble_groups_values_take_their_arm(
    text: str, expected: list[tuple[str, float, str]]
) -> None:
    got = [(e, v, g) for e, v, g in _groups(text) if v in {x[1] for x in expected}]
    assert [(e, v, (g or "").lower()) for e, v, g in got] == [
        (e, v, g.lower()) for e, v, g in expected
    ]


def test_assemble_groups_ratio_compares_the_arms() -> None:
    text = RANDOMISED + (
        "Median PFS was 11.0 months with sunitinib and 5.5 months with placebo "
        "(hazard ratio, 0.42; 95% CI, 0.32 to 0.54; P < 0.001)."
    )
    (hr,) = [r for r in _records(text) if r.statistic == "hazard_ratio"]
    assert (hr.endpoint, hr.value, hr.group) == ("PFS", 0.42, "sunitinib vs placebo")
    assert (hr.p_op, hr.p_value) == ("<", 0.001)


def test_assemble_groups_respectively_of_endpoints_is_not_of_arms() -> None:
    # "(x and y, respectively)" pairs two endpoints within one arm, then the other arm
    text = (
        "The overall and complete response rates were higher in patients who received "
        "drug-X (71% and 39%, respectively) than in patients who received the standard "
        "regimens (42% and 5%, respectively)."
    )
    groups = {r.value: r.group for r in _records(text)}
    assert groups[71.0] == groups[39.0] == "drug-X"
    assert groups[42.0] == groups[5.0] == "standard regimens"


def test_assemble_groups_subgroup_after_a_count() -> None:
    text = (
        "Seven of 28 patients (25%) without prior therapy achieved a partial response, and "
        "two of 14 patients (14%) with prior therapy had a complete response."
    )
    groups = {r.value: r.group for r in _records(text)}
    assert groups[25.0] == "patients without prior therapy"
    assert groups[14.0] == "patients with prior therapy"


def test_assemble_groups_dose_levels_take_a_list_of_values_in_order() -> None:
    text = (
        "Patients were randomized to receive one of three ondansetron doses (4, 8, or 16 mg). "
        "Complete response was recorded in 31%, 52% and 57% of patients."
    )
    groups = [r.group for r in _records(text) if r.value in (31.0, 52.0, 57.0)]
    assert groups == ["ondansetron 4 mg", "ondansetron 8 mg", "ondansetron 16 mg"]


def test_assemble_groups_single_cohort_is_all_patients() -> None:
    records = _records("Forty patients were enrolled. The overall response rate was 35%.")
    assert {r.group for r in records} == {"all patients"}


def test_assemble_groups_unassigned_value_in_two_arm_trial_is_pooled() -> None:
    # a trial's value that no arm claims is over both arms, never one arm by guess
    text = RANDOMISED + "Adverse events led to discontinuation in 8% of patients overall."
    (r,) = [r for r in _records(text) if r.value == 8.0]
    assert r.group == "both arms"


def test_assemble_groups_capital_after_arm_word_ends_a_sentence() -> None:
    text = "The CR rate was 10% in arm B. The ORR in arm A was 40%."
    groups = {r.value: (r.group or "").lower() for r in _records(text)}
    assert groups == {10.0: "arm b", 40.0: "arm a"}


# ----------------------------------------------------------------------------- time points, HR


@pytest.mark.parametrize(
    ("text", "points"),
    [
        ("One-, 3- and 5-year OS were 80%, 60% and 40%.", [1.0, 3.0, 5.0]),
        ("The 1-, 2-, and 3-year PFS rates were 70%, 52% and 41%, respectively.", [1, 2, 3]),
        ("The 2- and 5-year OS were 60% and 40%.", [2.0, 5.0]),
    ],
)
def test_assemble_groups_list_of_time_points(text: str, points: list[float]) -> None:
    records = _records(text)
    assert [r.statistic for r in records] == ["rate"] * len(points)
    assert [r.timepoint.value if r.timepoint else None for r in records] == points


@pytest.mark.parametrize(
    ("text", "endpoint"),
    [
        ("The hazard ratio for relapse or death, 0.55; 95% CI, 0.40 to 0.70; P = 0.002.", "RFS"),
        ("The hazard ratio for disease progression or death was 0.61 (95% CI 0.5-0.8).", "PFS"),
        ("The hazard ratio for death was 0.70 (95% CI 0.52-0.94).", "OS"),
    ],
)
def test_assemble_groups_hazard_ratio_of_composite_events(text: str, endpoint: str) -> None:
    (r,) = _records(text)
    assert (r.endpoint, r.statistic) == (endpoint, "hazard_ratio")


# ----------------------------------------------------------------------------- confidence


def _record(**kw: object) -> Record:
    base: dict[str, object] = {
        "endpoint": "ORR",
        "statistic": "proportion",
        "value": 40.0,
        "section": "results",
        "span": Span(start=0, end=3),
        "text": "40%",
        "extractor": "rules",
    }
    base.update(kw)
    return Record(**base)  # type: ignore[arg-type]


def _candidate(how: str, gap: int | None = 0) -> Candidate:
    c = Candidate(Mention("pct", 0, 3, "pct", value=40.0))
    c.how, c.term_gap = how, gap
    return c


def test_assemble_confidence_orders_the_evidence() -> None:
    clause = confidence(_candidate("clause", 5), _record())
    far = confidence(_candidate("clause", 80), _record())
    sentence = confidence(_candidate("sentence", 60), _record())
    warned = confidence(
        _candidate("clause", 5),
        _record(warnings=[{"code": "n_exceeds_N", "message": "n 5 is larger than N 4"}]),
    )
    intro = confidence(_candidate("clause", 5), _record(section="introduction"))
    # the fitted model (resources/confidence.json): a farther term, a term found only in the
    # sentence, a validation warning or a background section never raise it
    assert clause > far
    assert clause > sentence
    assert clause >= warned
    assert clause > intro
    assert all(0.0 <= x <= 1.0 for x in (clause, far, sentence, warned, intro))


def test_assemble_confidence_low_records_are_flagged_not_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "The overall response rate was 45%."
    monkeypatch.setenv("TRIALEX_CONFIDENCE_THRESHOLD", "0.99")
    (r,) = _records(text)
    assert r.value == 45.0
    assert "low_confidence" in {w.code for w in r.warnings}
    monkeypatch.setenv("TRIALEX_CONFIDENCE_THRESHOLD", "0.0")
    (r,) = _records(text)
    assert "low_confidence" not in {w.code for w in r.warnings}


def test_assemble_confidence_is_in_every_record_and_export() -> None:
    from trialex.export import COLUMNS

    assert "confidence" in COLUMNS
    records = _records("Median OS was 14.2 months (95% CI, 11.0-17.5). The CR rate was 30%.")
    assert records and all(0.0 < r.confidence <= 1.0 for r in records)


def test_assemble_groups_label_takes_the_description_the_document_gives_it() -> None:
    text = (
        "METHODS: Patients had one prior platinum regimen (stratum 1) or prior chemotherapy "
        "and an EGFR inhibitor (stratum 2). RESULTS: The ORR was 6.2% (8.1% stratum 1; 3.3% "
        "stratum 2)."
    )
    groups = {r.value: r.group for r in _records(text)}
    assert groups[8.1] == "stratum 1 (one prior platinum regimen)"
    assert groups[3.3] == "stratum 2 (prior chemotherapy and an EGFR inhibitor)"


def test_assemble_groups_paragraph_defines_its_arms_for_earlier_sentences() -> None:
    # a review paragraph: the trial's size comes before the sentence naming its arms
    text = (
        "A randomized trial included 300 patients with relapsed disease. Patients received "
        "either drug-Q or the standard of care. Median follow-up was 14 months.\n\n"
        "- The PFS was 12.0 months in the drug-Q group and 6.0 months in the standard-of-care "
        "group."
    )
    groups = {r.value: r.group for r in _records(text, [("other", "en", 0)])}
    assert groups[300.0] == "drug-Q vs standard of care"
    assert groups[14.0] == "drug-Q vs standard of care"
    assert groups[12.0] == "drug-Q"
    assert groups[6.0] == "standard of care"


def test_assemble_groups_single_cohort_takes_the_population_the_document_states() -> None:
    text = (
        "Eighteen adults with refractory myeloma were treated with drug-Z at 10 mg daily. "
        "The overall response rate was 39%."
    )
    (r,) = [r for r in _records(text, [("abstract", "en", 0)]) if r.value == 39.0]
    assert (
        r.group == "all adults (adults with refractory myeloma treated with drug-Z at 10 mg daily)"
    )


def test_assemble_groups_sentence_opening_subgroup_holds_its_values() -> None:
    text = (
        "Of the 31 patients who received drug-K as first salvage, 14 (45.2%) achieved CR and "
        "6 (19.4%) relapsed."
    )
    groups = {r.value: r.group for r in _records(text)}
    assert groups[45.2] == groups[19.4] == "patients who received drug-K as first salvage"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The 5-year DFS was 60% and 45%, respectively.",
            [("DFS", "gemcitabine"), ("DFS", "observation")],
        ),
        (
            "Complete responses were observed in 18 (8.7%) and 7 (3.4%) patients, respectively.",
            [("CR", "gemcitabine"), ("CR", "observation")],
        ),
        # two outcomes, one value each: the "respectively" lists outcomes, not arms
        ("PFS and OS were 8.1 and 12.4 months, respectively.", [("PFS", None), ("OS", None)]),
    ],
)
def test_respectively_without_arm_names_follows_the_arm_order(
    sentence: str, expected: list[tuple[str, str | None]]
) -> None:
    text = "Patients were randomly assigned to receive gemcitabine or observation. " + sentence
    records, _ = extract_records(make_doc(text))
    got = [(r.endpoint, r.group) for r in records if r.endpoint != "sample_size"]
    assert [(e, g if g in ("gemcitabine", "observation") else None) for e, g in got] == expected
