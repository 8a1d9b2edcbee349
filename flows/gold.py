"""The gold-comparison flow: score extracted results against gold records, publish the scores.

Orchestration only: the scoring is :func:`trialex.evaluate.evaluate`.
"""

from __future__ import annotations

import json
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from trialex import PIPELINE_VERSION
from trialex.evaluate import evaluate, format_report

SCORES_ARTIFACT_KEY = "trialex-gold-scores"


def _row(name: str, scores: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "precision": round(scores["precision"], 3),
        "recall": round(scores["recall"], 3),
        "f1": round(scores["f1"], 3),
        "tp": int(scores["tp"]),
        "fp": int(scores["fp"]),
        "fn": int(scores["fn"]),
    }


@flow(name="trialex-gold", version=PIPELINE_VERSION)
def gold_flow(
    pred: str = "extracted", gold: str = "fixtures/gold", raw: list[str] | None = None
) -> dict[str, Any]:
    """Compare ``pred/<doc_id>.json`` with ``gold/*.gold.json``; returns the scores (the JSON of
    ``trialex eval --json``) and publishes them as a table and a markdown artifact."""
    from pathlib import Path

    evaluation = evaluate(Path(pred), Path(gold), raw_dirs=[Path(r) for r in raw or ["raw"]])
    scores: dict[str, Any] = json.loads(json.dumps(evaluation.to_dict(), default=str))
    overall = scores["overall"]
    rows = [_row("OVERALL (micro)", overall)]
    rows += [_row(f"doc {d['doc_id']}", d) for d in scores["documents"]]
    rows += [_row(f"endpoint {k}", v) for k, v in scores["per_endpoint"].items()]
    rows += [_row(f"language {k}", v) for k, v in scores["per_language"].items()]
    create_table_artifact(
        rows,
        key=SCORES_ARTIFACT_KEY,
        description=f"F1 {overall['f1']:.3f} (P {overall['precision']:.3f}, "
        f"R {overall['recall']:.3f}) against {gold}",
    )
    create_markdown_artifact(
        "```\n" + format_report(evaluation, show_lists=False) + "\n```",
        key=f"{SCORES_ARTIFACT_KEY}-report",
    )
    get_run_logger().info("gold comparison: F1 %.3f", overall["f1"])
    return scores
