"""Open outcomes of comparison sentences (issue 10 item 2): the subject of a comparison whose
values follow ("<outcome> was lower in A (x%) than in B (y%)"), "there were fewer <outcome>
with A", "a higher incidence of <outcome> with A", "there was x% <outcome> with A", and the
verb phrase after a bracketed value ("(87%) showed <outcome>").

Every sentence is written for the test.
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


def _summary(text: str) -> list[tuple[str, float, str | None, str | None]]:
    return [
        (r.endpoint, r.value, r.label, r.group) for r in _records(text) if r.statistic != "p_value"
    ]


@pytest.mark.parametrize(
    ("sentence", "label", "values"),
    [
        (
            "Wound dehiscence was less common in the mesh group (4%) than in the suture group "
            "(11%) (p = 0.01).",
            "wound dehiscence",
            [4.0, 11.0],
        ),
        (
            "There were fewer postoperative strokes with clipping (1.5% vs. 3.2%; p = 0.04).",
            "postoperative strokes",
            [1.5, 3.2],
        ),
        (
            "Older patients had a higher incidence of bowel wall injury with regimen A (9.1%) "
            "than with regimen B (3.9%).",
            "bowel wall injury",
            [9.1, 3.9],
        ),
        (
            "There was 12% stable disease with regimen A and 6% with regimen B.",
            "stable disease",
            [12.0, 6.0],
        ),
        (
            "More treated subjects (87%) showed global improvement compared with the placebo "
            "group (40%).",
            "global improvement",
            [87.0, 40.0],
        ),
    ],
)
def test_comparison_outcome_phrases(sentence: str, label: str, values: list[float]) -> None:
    got = _summary(sentence)
    assert [v for _, v, _, _ in got] == values
    assert all(e == "other" and lab == label for e, _, lab, _ in got)


@pytest.mark.parametrize(
    "sentence",
    [
        "There were 64.3% Chinese, 31% Malays and 3.7% Indians.",
        "Baseline characteristics were similar in both arms (median age 61 vs 63 years).",
        "The half-life (t1/2) of the drug was longer with ketoconazole (21.0 versus 43.3 h).",
    ],
)
def test_no_outcome_in_design_or_pharmacokinetic_comparisons(sentence: str) -> None:
    assert [
        r for r in _records(sentence) if r.endpoint == "other" and r.statistic != "p_value"
    ] == []


def test_duration_reports_an_open_outcome_measured_in_time() -> None:
    got = _records("Hospital stay was 2.2 days in the mesh group and 3.1 days in the suture group.")
    assert [(r.endpoint, r.value, r.unit, r.label, r.group) for r in got] == [
        ("other", 2.2, "days", "hospital stay", "mesh"),
        ("other", 3.1, "days", "hospital stay", "suture"),
    ]
    # a duration does not report an open outcome that is not a time
    assert _records("Wound dehiscence was seen for 3 days in the mesh group.") == []
