"""The one-off flow: extract a pasted article (a text parameter) and return its document JSON.

Orchestration only: :func:`trialex.corpus.extract_text` does the work; nothing is written.
"""

from __future__ import annotations

from typing import Any

from prefect import flow
from prefect.artifacts import create_table_artifact

from trialex import PIPELINE_VERSION
from trialex.corpus import extract_text

RECORDS_ARTIFACT_KEY = "trialex-pasted-records"


@flow(name="trialex-extract-text", version=PIPELINE_VERSION)
def extract_text_flow(text: str, doc_id: str = "pasted") -> dict[str, Any]:
    """The document result (``extracted/<doc_id>.json`` content) of one pasted article."""
    result = extract_text(text, doc_id=doc_id)
    if result.records:
        create_table_artifact(
            [
                {
                    "endpoint": r.endpoint,
                    "statistic": r.statistic,
                    "value": r.value,
                    "n/N": f"{r.n}/{r.N}" if r.N is not None else "",
                    "text": r.text,
                }
                for r in result.records
            ],
            key=RECORDS_ARTIFACT_KEY,
            description=f"{len(result.records)} records from {doc_id}",
        )
    return result.model_dump(mode="json")
