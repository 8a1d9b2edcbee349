from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from trialex.records import SCHEMA_PATH, DocumentResult, Record, Span, schema_text


def test_records_schema_file_is_in_sync_with_the_model() -> None:
    """`python -m trialex.records` regenerates src/trialex/schema/record.schema.json."""
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()


def test_records_schema_lists_the_contract_fields() -> None:
    schema = json.loads(schema_text())
    assert set(schema["required"]) >= {"doc_id", "sections", "records", "sha256", "languages"}
    record = schema["$defs"]["Record"]["properties"]
    for name in (
        "endpoint",
        "statistic",
        "value",
        "n",
        "N",
        "ci_low",
        "p_value",
        "timepoint",
        "origin",
        "language",
        "section",
        "span",
        "text",
        "extractor",
        "warnings",
    ):
        assert name in record


@pytest.mark.parametrize(
    "bad",
    [
        {"unknown_field": 1},
        {"endpoint": "not_an_endpoint"},
        {"statistic": "average"},
        {"origin": "elsewhere"},
        {"section": "chapter"},
    ],
    ids=["extra-key", "endpoint", "statistic", "origin", "section"],
)
def test_records_record_rejects_what_the_contract_does_not_allow(bad: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "endpoint": "ORR",
        "statistic": "proportion",
        "value": 64,
        "span": {"start": 0, "end": 3},
        "text": "64%",
        "extractor": "rules",
    }
    fields.update(bad)
    with pytest.raises(ValidationError):
        Record(**fields)  # type: ignore[arg-type]


def test_records_span_end_cannot_precede_start() -> None:
    with pytest.raises(ValidationError):
        Span(start=5, end=4)


def test_records_document_result_round_trips_through_json() -> None:
    result = DocumentResult(
        doc_id="d",
        source="d.txt",
        sha256="ab",
        pipeline_version="v",
        languages=["en", "zh"],
        sections=[{"kind": "abstract", "language": "en", "start": 0, "end": 3}],  # type: ignore[list-item]
        records=[
            Record(
                endpoint="OS",
                statistic="rate",
                value=36,
                unit="%",
                timepoint={"value": 1, "unit": "years"},  # type: ignore[arg-type]
                span=Span(start=0, end=3),
                text="36%",
                extractor="rules",
            )
        ],
    )
    again = DocumentResult.model_validate_json(result.model_dump_json())
    assert again == result
