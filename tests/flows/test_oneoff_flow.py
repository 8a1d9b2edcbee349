"""The one-off flow (a pasted article) and the gold-comparison flow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trialex.records import DocumentResult

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

ROOT = Path(__file__).resolve().parents[2]


def test_oneoff_flow_returns_the_document_json() -> None:
    from flows.oneoff import extract_text_flow

    text = sorted((ROOT / "raw").glob("*.txt"))[0].read_text(encoding="utf-8")
    data = extract_text_flow(text=text, doc_id="pasted article")
    result = DocumentResult.model_validate(data)
    assert result.doc_id == "pasted_article"
    assert result.source == "<text>"
    assert result.sections and result.sections[-1].end == len(text)
    for record in result.records:
        assert text[record.span.start : record.span.end] == record.text


def test_oneoff_flow_fails_on_empty_text() -> None:
    from flows.oneoff import extract_text_flow

    state = extract_text_flow(text="   ", return_state=True)
    assert state.is_failed()
    assert "empty" in str(state.message) or "empty" in repr(state.result(raise_on_failure=False))


def test_gold_flow_scores_the_corpus_run(corpus_dir: Path, tmp_path: Path) -> None:
    from flows.corpus import corpus_flow
    from flows.gold import SCORES_ARTIFACT_KEY
    from prefect.artifacts import Artifact

    gold = tmp_path / "gold"
    shutil.copytree(ROOT / "fixtures" / "gold", gold)
    out = tmp_path / "out"
    summary = corpus_flow(inputs=[str(corpus_dir)], out=str(out), gold=str(gold))
    assert summary["counts"]["new"] == 5
    artifact = Artifact.get(SCORES_ARTIFACT_KEY)
    assert artifact is not None and artifact.type == "table"
    assert "F1" in (artifact.description or "")
    assert (out / "reports" / "index.html").is_file()
    assert not (tmp_path / "reports").exists()  # nothing written outside --out

    from flows.gold import gold_flow

    scores = gold_flow(pred=str(out), gold=str(gold), raw=[str(corpus_dir)])
    assert set(scores["overall"]) >= {"precision", "recall", "f1", "tp", "fp", "fn"}
    assert sorted(d["doc_id"] for d in scores["documents"]) == sorted(
        p.stem for p in corpus_dir.iterdir()
    )
