"""Rates at several time points written as a list of bare numbers before one time unit:
"the local control rate at 3, 6 and 12 months was 90%, 80% and 70%". Every sentence here is
written for the test (not taken from an article)."""

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


def _rates(text: str) -> list[tuple[str, str, float, float | None, str | None]]:
    return [
        (
            r.endpoint,
            r.statistic,
            r.value,
            r.timepoint.value if r.timepoint else None,
            r.timepoint.unit if r.timepoint else None,
        )
        for r in _records(text)
        if r.unit == "%"
    ]


@pytest.mark.parametrize(
    ("text", "endpoint", "points", "unit"),
    [
        (
            "Overall survival at 1, 2 and 3 years was 91%, 74% and 58%, respectively.",
            "OS",
            [1.0, 2.0, 3.0],
            "years",
        ),
        (
            "The local control rate of 6, 12, 24 months was 95.1%, 88.0%, 71.3% respectively.",
            "other",
            [6.0, 12.0, 24.0],
            "months",
        ),
    ],
)
def test_number_list_gives_each_value_its_time_point(
    text: str, endpoint: str, points: list[float], unit: str
) -> None:
    got = _rates(text)
    assert [(e, s) for e, s, _, _, _ in got] == [(endpoint, "rate")] * len(points)
    assert [p for _, _, _, p, _ in got] == points
    assert {u for _, _, _, _, u in got} == {unit}


def test_two_outcomes_over_the_same_listed_time_points() -> None:
    text = (
        "The local control rate of 6, 12 months was 93.0%, 81.5% respectively, and the local "
        "recurrence rate was 4.0%, 12.5% respectively."
    )
    got = _rates(text)
    assert [p for _, _, _, p, _ in got] == [6.0, 12.0, 6.0, 12.0]
    assert {s for _, s, _, _, _ in got} == {"rate"}


def test_listed_time_points_are_no_median_durations() -> None:
    text = "Progression-free survival at 1, 2 and 3 years was 66%, 45% and 30%."
    assert not [r for r in _records(text) if r.statistic == "median"]


def test_a_list_whose_values_do_not_fit_its_points_gives_no_time_point() -> None:
    # two time points, three percentages: the list is no key to them
    text = "At 6 and 12 months, 40%, 30% and 20% of patients had grade 2 fatigue."
    assert all(p is None for _, _, _, p, _ in _rates(text))
