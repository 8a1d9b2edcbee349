"""Procedural and surgical complications named by CTCAE v5 terms (pneumothorax, hematoma,
anastomotic leak, wound complication, postoperative hemorrhage) are adverse events. Sentences
are written for the test (not taken from an article)."""

from __future__ import annotations

import pytest

from trialex.extract import doc_with_sections as make_doc
from trialex.extract import extract_records


def _records(text: str) -> list[tuple[str, str, float]]:
    records, _ = extract_records(make_doc(text, [("results", "en", 0)]))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return [(r.endpoint, r.statistic, r.value) for r in records]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("A pneumothorax developed in 6 patients after the ablation.", 6.0),
        ("A perihepatic haematoma was found in 4 patients.", 4.0),
        ("Anastomotic leakage occurred in 9 patients (7.5%).", 7.5),
        ("Wound complications were recorded in 11 (9.2%) patients.", 9.2),
        ("Postoperative bleeding occurred in 3 patients.", 3.0),
    ],
)
def test_procedural_complication_is_an_adverse_event(text: str, value: float) -> None:
    got = _records(text)
    assert ("adverse_events", got[0][1], value) in got
    assert {e for e, _, _ in got} == {"adverse_events"}
