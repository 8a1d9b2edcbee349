"""The open endpoint vocabulary: resources/en/open_outcomes.json, trialex.extract.outcomes.

Every sentence is written for the test. An outcome the vocabulary does not know becomes a record of
``other`` (or ``time_to_event`` for "time to <event>") with the outcome phrase of its clause as
label; baseline values, doses, exposure and group sizes do not; a vocabulary term of the clause
still decides.
"""

from __future__ import annotations

import json
from importlib import resources

import pytest

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.extract.outcomes import load_open_rules, open_rules, open_terms
from trialex.extract.rules import Term
from trialex.records import Record


def _records(text: str) -> list[Record]:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return records


def _summary(text: str) -> list[tuple[str, str, float, str | None]]:
    return [(r.endpoint, r.statistic, r.value, r.label) for r in _records(text)]


RULES = open_rules()


@pytest.mark.parametrize(
    ("pattern", "example"),
    [(p, e) for p in RULES.patterns for e in p.examples["match"]],
    ids=lambda x: getattr(x, "id", None) or str(x)[:40],
)
def test_open_pattern_matches_its_examples(pattern, example: str) -> None:
    assert pattern.regex.search(example), example
    terms = open_terms(example, [])
    assert [t for t in terms if t.code == pattern.code and t.source == "open" and t.label]


@pytest.mark.parametrize(
    ("pattern", "example"),
    [(p, e) for p in RULES.patterns for e in p.examples["no_match"]],
    ids=lambda x: getattr(x, "id", None) or str(x)[:40],
)
def test_open_pattern_rejects_its_counter_examples(pattern, example: str) -> None:
    assert not [t for t in open_terms(example, []) if t.code == pattern.code], example


def test_open_not_outcome_examples() -> None:
    for phrase in RULES.not_outcome_examples["match"]:
        assert RULES.not_outcome.search(phrase), phrase
    for phrase in RULES.not_outcome_examples["no_match"]:
        assert not RULES.not_outcome.search(phrase), phrase


def test_open_rules_reject_unknown_code() -> None:
    path = resources.files("trialex.resources") / "en" / "open_outcomes.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["patterns"][0]["code"] = "not_a_code"
    with pytest.raises(ValueError, match="bad entry"):
        load_open_rules(data)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Seroma was reported in 12% of women.", "seroma"),
        ("Seroma formation occurred in 14 of 120 patients.", "seroma formation"),
        ("The incidence of wound dehiscence was 7%.", "wound dehiscence"),
        ("Smoking cessation in the intervention group was 31%.", "smoking cessation"),
        ("First attempts failed in 30% of children.", "first attempts failed"),
        ("Overall, 31% of participants reported improved sleep quality.", "improved sleep quality"),
        ("In all, 14 of 40 women developed lymphoedema.", "lymphoedema"),
        ("Overall, 20 patients (16%) required platelet transfusions.", "platelet transfusions"),
        ("Catheter insertion at first attempt (82% vs 64%) was faster.", "catheter insertion"),
        ("Unplanned reoperation, 12% vs 4% (P = 0.03).", "unplanned reoperation"),
        ("Walking distance improved by 35% at 6 months.", "walking distance"),
    ],
)
def test_open_outcome_becomes_other_record_with_its_phrase(text: str, label: str) -> None:
    recs = [r for r in _records(text) if r.endpoint == "other"]
    assert recs, text
    assert all(r.label and label in r.label.lower() for r in recs), [r.label for r in recs]


def test_open_time_to_event_phrase() -> None:
    recs = _records("The median time to achieve an ANC > 0.5 was 14 days.")
    assert [(r.endpoint, r.statistic, r.value) for r in recs] == [("time_to_event", "median", 14.0)]
    assert recs[0].label == "time to achieve an ANC > 0.5"


@pytest.mark.parametrize(
    "text",
    [
        "The median age was 54 years and 30 (25%) were women.",
        "In the placebo group, 12 patients (10%) had received prior chemotherapy.",
        "Eighteen patients (72%) had morphologic disease at enrolment.",
        "Polychemotherapy was given to 20% of patients.",
        "The proportion of patients receiving intensive treatment was 60%.",
        "Of these, 40 (33%) were randomised to the control arm.",
        "Overall, 9% of patients required early treatment discontinuation.",
    ],
)
def test_open_outcome_leaves_baseline_exposure_and_groups(text: str) -> None:
    assert not [r for r in _records(text) if r.endpoint in ("other", "time_to_event")], text


def test_open_outcome_gives_way_to_vocabulary_term() -> None:
    # the clause names a known endpoint: the vocabulary decides, no open term is offered
    text = "The overall response rate was 45% in the intervention group."
    assert {r.endpoint for r in _records(text)} == {"ORR"}
    known = [Term(4, 25, "ORR")]
    assert open_terms(text, known) == []


def test_open_terms_keep_offsets_and_case() -> None:
    text = "Mean HbA1c below target was 40% at week 24."
    (t,) = open_terms(text, [])
    assert text[t.start : t.end] == t.label == "HbA1c below target"


def test_open_raw_and_recode_examples() -> None:
    for phrase in RULES.not_outcome_raw_examples["match"]:
        assert RULES.not_outcome_raw.search(phrase), phrase
    for phrase in RULES.not_outcome_raw_examples["no_match"]:
        assert not RULES.not_outcome_raw.search(phrase), phrase
    for recode in RULES.recodes:
        assert all(recode.regex.search(x) for x in recode.examples["match"])
        assert not any(recode.regex.search(x) for x in recode.examples["no_match"])


def test_open_adverse_phrase_is_an_adverse_event() -> None:
    recs = _records("Local adverse effects occurred in 8 patients (10.5%).")
    assert {r.endpoint for r in recs} == {"adverse_events"}


@pytest.mark.parametrize(
    "text",
    [
        "Concentrations of drug A and drug B were 0.015% and 0.03%, respectively.",
        "Plasma hormone levels were 39 pg/ml (n = 6) in the saline group.",
        "Recovery times were similar after drug A and drug B (150 vs. 165 min).",
        "An increase to >5 times the upper limit of normal occurred in 0.24% of patients.",
    ],
)
def test_open_outcome_leaves_concentrations_arms_and_thresholds(text: str) -> None:
    assert not [r for r in _records(text) if r.endpoint == "other"], text


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Nausea in the placebo group was 12%.", "nausea"),
        ("Hospital readmission after surgery was 12%.", "hospital readmission"),
        (
            "A marked rise in serum ferritin developed in 13 of 44 patients.",
            "rise in serum ferritin",
        ),
        ("Seroconversion (anti-XY) occurred in 5.6% of recipients.", "seroconversion"),
        ("Wound dehiscence with an incidence rate of 16.6% was seen.", "wound dehiscence"),
    ],
)
def test_open_label_cuts_the_setting_but_keeps_the_outcome(text: str, label: str) -> None:
    labels = [t.label for t in open_terms(text, [])]
    assert labels and label in (labels[0] or ""), labels


def test_open_label_is_never_a_bare_time_unit() -> None:
    assert not open_terms("Smoking cessation at 12 months was 31%.", [])


@pytest.mark.parametrize(
    "text",
    ["1" * 20_000, "was " * 5_000, "rate of " * 3_000, "12% vs " * 3_000, "a " * 10_000],
    ids=["digits", "verbs", "rates", "compared", "words"],
)
def test_open_anchored_scan_equals_full_scan_on_adversarial_text(text: str) -> None:
    # the anchor window is a speed device only: it finds exactly the pattern's own matches
    for pattern in RULES.patterns:
        assert [m.span() for m in pattern.finditer(text)] == [
            m.span() for m in pattern.regex.finditer(text)
        ]


def test_imaging_and_laboratory_findings_are_no_open_outcome() -> None:
    text = (
        "The aneurismal sign was found in 24.1% of the lesions, and abdominal lymph node "
        "involvement was detected in 52.0% of the patients. The positivity rates of gene "
        "expressions in the study group were 80.5% and 71.2%."
    )
    assert not [r for r in _records(text) if r.endpoint == "other"]


def test_transplant_as_the_time_of_an_event_is_no_transplant_record() -> None:
    text = (
        "Among 210 consecutive children undergoing allogeneic HSCT, the incidence of infection "
        "early after transplantation was 61.4% (129/210)."
    )
    records = _records(text)
    assert not [r for r in records if r.endpoint == "transplant"]
    assert any(r.endpoint == "sample_size" and r.value == 210 for r in records)


def test_glued_acronyms_and_transplant_day_are_read_apart() -> None:
    from trialex.normalize import normalize

    # the repair holds where MinerU glues words: a Chinese paper's English abstract with LaTeX
    view = normalize("摘要 the incidences ofEBVviremia and CRPon transplantation day ( $4 5 \\%$ )")
    assert "of EBV viremia" in view.text
    text = "The CRP level on transplantation day was measured in 64 recipients."
    assert not [r for r in _records(text) if r.endpoint == "transplant"]
