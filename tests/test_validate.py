"""Validation flags on records and the bilingual-abstract agreement check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from trialex.extract import doc_with_sections, extract_records
from trialex.records import Record, Span, Timepoint
from trialex.validate import bilingual_mismatches, record_flags, validate_record


def _record(**fields: Any) -> Record:
    base: dict[str, Any] = {
        "endpoint": "CR",
        "statistic": "proportion",
        "value": 45.0,
        "unit": "%",
        "span": Span(start=0, end=3),
        "text": "45%",
        "extractor": "rules",
    }
    base.update(fields)
    return Record(**base)


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({}, []),
        ({"n": 29, "N": 64}, []),  # 45.3% printed as 45%
        ({"n": 30, "N": 64}, ["percent_mismatch"]),
        ({"value": 55.2, "n": 16, "N": 29}, []),
        ({"value": 120.0}, ["proportion_out_of_range"]),
        ({"n": 70, "N": 64, "value": 109.4}, ["proportion_out_of_range", "n_exceeds_N"]),
        ({"ci_low": 30.0, "ci_high": 60.0}, []),
        ({"ci_low": 50.0, "ci_high": 60.0}, ["ci_excludes_estimate"]),
        ({"ci_low": 60.0, "ci_high": 30.0}, ["ci_order"]),
        ({"p_op": "=", "p_value": 0.049}, []),
        ({"p_op": "=", "p_value": 0.0}, ["p_out_of_range"]),
        ({"p_op": "=", "p_value": 1.5}, ["p_out_of_range"]),
        ({"statistic": "median", "unit": None, "value": 8.5}, ["median_without_unit"]),
        ({"statistic": "median", "unit": "months", "value": 8.5}, []),
        ({"endpoint": "OS", "statistic": "rate"}, ["rate_without_timepoint"]),
        (
            {"endpoint": "OS", "statistic": "rate", "timepoint": Timepoint(value=1, unit="years")},
            [],
        ),
        (
            {"statistic": "p_value", "value": 0.02, "unit": None, "p_value": 0.03, "p_op": "="},
            ["p_value_mismatch"],
        ),
    ],
)
def test_validate_record_flags(fields: dict[str, Any], codes: list[str]) -> None:
    assert [f.code for f in record_flags(_record(**fields))] == codes


def test_validate_record_keeps_record_and_adds_flags_once() -> None:
    r = validate_record(_record(n=30, N=64))
    assert [f.code for f in r.warnings] == ["percent_mismatch"]
    assert validate_record(r).warnings == r.warnings
    assert r.value == 45.0


BILINGUAL = (
    "The overall response rate was 64%. Among responders, 56% underwent consolidation with "
    "allogeneic transplantation. Central nervous system (CNS) failure was encountered in 39% "
    "of the patients.\n"
    "总缓解率为 {orr}%。在缓解的患者中,56%接受了异基因移植巩固治疗。"
    "39%的患者发生中枢神经系统失败。\n"
)


def _bilingual(orr: str) -> tuple[list[Record], list[str]]:
    text = BILINGUAL.format(orr=orr)
    zh_start = text.index("总缓解率")
    doc = doc_with_sections(text, [("abstract", "en", 0), ("abstract", "zh", zh_start)])
    records, warnings = extract_records(doc)
    return records, [w.code for w in warnings]


def test_validate_bilingual_abstract_that_agrees_has_no_warning() -> None:
    records, codes = _bilingual("64")
    assert {r.language for r in records} == {"en", "zh"}
    assert codes == []


def test_validate_bilingual_abstract_with_changed_value_is_flagged() -> None:
    records, codes = _bilingual("46")
    assert codes == ["bilingual_mismatch"]
    zh = [r for r in records if r.language == "zh" and r.endpoint == "ORR"]
    assert [r.value for r in zh] == [46.0]


def test_validate_bilingual_mismatch_message_names_both_values() -> None:
    en = _record(endpoint="ORR", value=64.0, section="abstract", language="en")
    zh = _record(endpoint="ORR", value=46.0, section="abstract", language="zh")
    (flag,) = bilingual_mismatches([en, zh])
    assert "46" in flag.message and "64" in flag.message


def test_validate_monolingual_document_has_no_bilingual_warnings() -> None:
    en = _record(endpoint="ORR", value=64.0, section="abstract", language="en")
    assert bilingual_mismatches([en, en]) == []


def test_validate_seed_with_bilingual_abstract_agrees() -> None:
    raw = Path(__file__).resolve().parent.parent / "raw" / "000_51d20a1607e21f2f.txt"
    text = raw.read_text(encoding="utf-8")
    zh_start = text.index("blinatumomab 在复发")
    doc = doc_with_sections(text, [("abstract", "en", 0), ("abstract", "zh", zh_start)])
    _records, warnings = extract_records(doc)
    assert [w.code for w in warnings if w.code == "bilingual_mismatch"] == []
