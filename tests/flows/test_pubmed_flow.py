"""`trialex run --pubmed`: a recorded PubMed query, replayed over HTTP, becomes documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _eutils import article, esearch, medline, recorded_eutils

pytestmark = pytest.mark.flow


def test_pubmed_flow_extracts_new_articles_once_then_only_the_new_one(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.corpus import corpus_flow

    out = tmp_path / "out"
    with recorded_eutils() as (url, rec):
        monkeypatch.setenv("TRIALEX_EUTILS_URL", url)
        monkeypatch.setenv("TRIALEX_PUBMED_EMAIL", "dev@example.org")
        rec.add("esearch", esearch("101", "102"))
        rec.add("esearch", esearch("101", "102"))
        rec.add("esearch", esearch("101", "102", "103"))
        rec.add("efetch", medline(article("101"), article("102")))
        rec.add("efetch", medline(article("103")))

        first = corpus_flow(out=str(out), pubmed="trial[ti]", report=False)
        assert first["pubmed"]["new"] == 2 and first["counts"]["new"] == 2
        result = json.loads((out / "pmid101.json").read_text("utf-8"))
        assert result["meta"]["pmid"] == "101"
        assert any(r["endpoint"] == "ORR" and r["value"] == 45 for r in result["records"])

        second = corpus_flow(out=str(out), pubmed="trial[ti]", report=False)
        assert second["pubmed"]["new"] == 0
        assert second["counts"]["new"] == 0 and second["counts"]["skipped"] == 2

        third = corpus_flow(out=str(out), pubmed="trial[ti]", report=False)
        assert third["pubmed"]["new"] == 1
        assert third["counts"]["new"] == 1 and third["counts"]["skipped"] == 2
        assert (out / "pmid103.json").is_file()


def test_pubmed_flow_failure_is_reported_and_the_other_inputs_still_run(
    prefect_harness: None, tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.corpus import corpus_flow

    with recorded_eutils() as (url, rec):
        monkeypatch.setenv("TRIALEX_EUTILS_URL", url)
        rec.add("esearch", b"busy", status=503)
        summary = corpus_flow(
            inputs=[str(corpus_dir)], out=str(tmp_path / "out"), pubmed="q", report=False
        )
    assert "HTTP 503" in summary["pubmed"]["error"]
    assert summary["counts"]["new"] == 5
    assert summary["exit_status"] == 1
