"""Arms a single results sentence defines by its own structure (issue 10 item 3), with no
randomisation sentence before it: parallel prepositional phrases after or before the values,
two arms compared before a pair of values, arms listed after a pair, and later pairs of a
sentence of parallel comparisons.

Every sentence is written for the test (not taken from an article).
"""

from __future__ import annotations

import pytest

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records
from trialex.records import Record


def _records(text: str) -> list[Record]:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return records


def _groups(text: str) -> list[tuple[float, str | None]]:
    return [(r.value, r.group) for r in _records(text) if r.statistic != "p_value"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Nausea rates were 14.9% for olanzapine and 8.0% for placebo.",
            [(14.9, "olanzapine"), (8.0, "placebo")],
        ),
        (
            "Wound infection rates were 6% with warming and 30% with passive insulation.",
            [(6.0, "warming"), (30.0, "passive insulation")],
        ),
        (
            "There were more cardiovascular deaths with enalapril (210, 15%) than with "
            "ramipril (180, 13%; p = 0.03).",
            [(15.0, "enalapril"), (13.0, "ramipril")],
        ),
    ],
)
def test_parallel_phrases_name_the_arms(sentence: str, expected: list) -> None:
    assert _groups(sentence) == expected


def test_parallel_time_points_are_no_arms() -> None:
    groups = _groups("Neutropenia occurred in 12% at 6 months and in 20% at 12 months.")
    assert [g for _, g in groups] == ["all patients", "all patients"]
    groups = _groups("Neutropenia was seen in 30% with grade 2 and 10% with grade 3 disease.")
    assert all(g == "all patients" for _, g in groups)


def test_pair_after_two_compared_arms() -> None:
    text = "Mortality was lower in the alpha group compared with the beta group (10% vs. 6%)."
    assert _groups(text) == [(10.0, "alpha"), (6.0, "beta")]


def test_arms_listed_after_a_pair() -> None:
    text = "Headache was noted in 72.5% versus 7.7% of subjects (sertraline vs placebo)."
    assert _groups(text) == [(72.5, "sertraline"), (7.7, "placebo")]


def test_later_pairs_of_a_sentence_take_the_first_pairs_arms() -> None:
    text = (
        "Events included death (4.3% in the aspirin group vs. 9.7% in the heparin group; "
        "P = 0.02) and major hemorrhage (3.2% vs. 8.3%, respectively; P = 0.01)."
    )
    assert _groups(text) == [
        (4.3, "aspirin"),
        (9.7, "heparin"),
        (3.2, "aspirin"),
        (8.3, "heparin"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Thirty heparin recipients (12.4%) and 21 dalteparin recipients (8.7%) had "
            "proximal venous thrombosis.",
            [(12.4, "heparin"), (8.7, "dalteparin")],
        ),
        (
            "The incidence of new onset hypertension was 3.4% (tacrolimus) and 4.5% (ciclosporin).",
            [(3.4, "tacrolimus"), (4.5, "ciclosporin")],
        ),
        (
            "There were 120 (18%) and 98 (14%) deaths in the alpha and beta groups, respectively.",
            [(18.0, "alpha"), (14.0, "beta")],
        ),
        (
            "The respective rates for surgery and stenting were 1.3% and 1.1% for stroke, and "
            "4.6% and 2.1% for myocardial infarction.",
            [(1.3, "surgery"), (1.1, "stenting"), (4.6, "surgery"), (2.1, "stenting")],
        ),
    ],
)
def test_arms_in_other_parallel_positions(sentence: str, expected: list) -> None:
    assert _groups(sentence) == expected


def test_arm_sizes_in_brackets_of_a_randomisation() -> None:
    text = "In all, 98 patients were randomly assigned to placebo (n = 51) or lithium (n = 47)."
    groups = {v: g for v, g in _groups(text)}
    assert groups[51.0] == "placebo"
    assert groups[47.0] == "lithium"
    assert groups[98.0] != "placebo"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Alopecia (66% versus 20%) and nausea (53% versus 37%) were more often associated "
            "with epirubicin than liposomal doxorubicin.",
            [
                (66.0, "epirubicin"),
                (20.0, "liposomal doxorubicin"),
                (53.0, "epirubicin"),
                (37.0, "liposomal doxorubicin"),
            ],
        ),
        (
            "The response rate was better with FEC 100 than with FEC 50 (49.2% v 40%, "
            "respectively).",
            [(49.2, "FEC 100"), (40.0, "FEC 50")],
        ),
        ("Mortality was higher in men than in women (12% vs 8%).", [(12.0, "men"), (8.0, "women")]),
    ],
)
def test_arms_a_sentence_compares_name_its_bare_pairs(sentence: str, expected: list) -> None:
    assert _groups(sentence) == expected


def test_a_comparison_with_no_arms_names_none() -> None:
    groups = _groups("Response rates were higher than expected (40% vs 30%).")
    assert [g for _, g in groups] == ["all patients", "all patients"]


def test_chinese_arm_groups_are_read_whatever_text_was_read_before() -> None:
    from trialex.extract.arms import ArmContext, _arm_mentions

    english = "Responses were seen in 12 patients."
    chinese = "治疗组有效率为85%，对照组为60%。"
    assert not [f for f in _arm_mentions(english, 0, len(english), ArmContext()) if "组" in f[2]]
    names = [f[2] for f in _arm_mentions(chinese, 0, len(chinese), ArmContext())]
    assert "治疗组" in names and "对照组" in names
    assert not [f for f in _arm_mentions(english, 0, len(english), ArmContext()) if "组" in f[2]]
